"""Two requests disbursing the same part at the same instant (PostgreSQL: real row locks between
connections; SQLite serializes whole transactions, so the race cannot be staged there)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from creditdesk.core.exceptions import DomainError
from creditdesk.loans import services
from creditdesk.loans.models import Disbursement, Installment, Loan
from creditdesk.loans.tests.factories import make_signed_application

pytestmark = pytest.mark.django_db(transaction=True)


def race(org, application, keys):
    """Disburse the application's part once per key, all threads released at once."""
    part_id = application.parts.get().pk
    barrier = threading.Barrier(len(keys))
    results: list[tuple[str, int | None]] = []

    def run(key):
        try:
            barrier.wait()
            loan = services.loan_disburse(
                actor=org.cm_a,
                application_id=application.pk,
                part_id=part_id,
                value_date=timezone.localdate(),
                mode="self",
                payee_name="",
                payee_account="6222021234567890",
                idempotency_key=key,
            )
            results.append(("ok", loan.pk))
        except DomainError as exc:
            results.append((exc.code, None))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(results, key=lambda r: r[0])


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks between connections: PostgreSQL only")


def test_two_keys_at_once_book_exactly_one_loan(postgresql_only, org, li, xyd):
    application = make_signed_application(customer=li, product_version=xyd, checked_by=org.risk1)
    results = race(org, application, ["a", "b"])
    loan = Loan.objects.get()
    assert results == [("already_disbursed", None), ("ok", loan.pk)]
    assert (Disbursement.objects.count(), Installment.objects.count()) == (1, 36)
    application.refresh_from_db()
    assert application.status == "disbursed"


def test_the_same_key_at_once_books_one_loan_and_both_get_it(postgresql_only, org, li, xyd):
    application = make_signed_application(customer=li, product_version=xyd, checked_by=org.risk1)
    results = race(org, application, ["same", "same"])
    loan = Loan.objects.get()
    assert results == [("ok", loan.pk), ("ok", loan.pk)]
    assert Disbursement.objects.count() == 1
