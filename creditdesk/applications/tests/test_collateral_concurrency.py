"""Two pledges of the same collateral at the same instant: the collateral row is locked, so the second
sees the first and only one wins (PostgreSQL only: SQLite serialises every write anyway)."""

from __future__ import annotations

import contextlib
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from creditdesk.applications.models import Pledge
from creditdesk.applications.services import collateral as services
from creditdesk.applications.tests.factories import make_application
from creditdesk.core.exceptions import DomainError
from creditdesk.solutions.tests import conftest as solutions_fixtures

li = solutions_fixtures.li
small_catalogue = solutions_fixtures.small_catalogue
D = Decimal

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_pledges_at_once_only_one_wins(org, li, small_catalogue, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL")
    flat = services.collateral_register(
        actor=org.cm_a, customer_id=li.pk, kind="property", description="住宅", owners="李四"
    )
    services.appraisal_record(
        actor=org.cm_a,
        collateral_id=flat.pk,
        appraiser="A",
        appraised_on=timezone.localdate(),
        value=D("1000000.00"),
    )
    services.prior_lien_record(
        actor=org.cm_a, collateral_id=flat.pk, holder="B", rank=1, amount=D("200000.00")
    )
    version = small_catalogue["DYD"].current_version
    applications = [
        make_application(customer=li, product_version=version, amount="400000.00") for _ in range(2)
    ]
    # alone, each pledge is 400,000 ÷ 800,000 = 0.50; together 1.00, above the product's 0.70
    barrier = threading.Barrier(2)
    # Each pledge waits (2 s at most) after reading the collateral's position for the other to have read it
    # too: without the row lock both would read "nothing pledged yet" and both would pass.
    both_read = threading.Barrier(2)
    read_position = services.collateral_position

    def position_then_wait(**kwargs):
        position = read_position(**kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):  # the other waits for the lock: as it should
            both_read.wait(timeout=2)
        return position

    monkeypatch.setattr(services, "collateral_position", position_then_wait)
    outcomes: list[str] = []

    def pledge(application_id: int) -> None:
        try:
            barrier.wait(timeout=10)
            services.pledge_create(
                actor=org.cm_a, collateral_id=flat.pk, application_id=application_id, amount=D("400000.00")
            )
            outcomes.append("pledged")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=pledge, args=(a.pk,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["ltv_above_product_cap", "pledged"]
    assert Pledge.objects.filter(collateral=flat).count() == 1
