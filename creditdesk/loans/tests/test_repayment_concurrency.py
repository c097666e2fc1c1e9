"""Repayments at the same instant (PostgreSQL: real row locks between connections; SQLite serializes whole
transactions, so the race cannot be staged there): no double posting, the ledger balanced, the
sub-ledger equal to the ledger."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from creditdesk.core.exceptions import DomainError
from creditdesk.ledger.selectors import debit_credit_totals
from creditdesk.loans.models import Loan, Repayment
from creditdesk.loans.services.eod import eod_catch_up, eod_run
from creditdesk.loans.services.reconciliation import reconcile
from creditdesk.loans.services.repayments import repayment_post

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks between connections: PostgreSQL only")


def race(org, loan, keys, amount="1000.00"):
    barrier = threading.Barrier(len(keys))
    results: list[tuple[str, int | None]] = []

    def run(key):
        try:
            barrier.wait()
            repayment = repayment_post(actor=org.cm_a, loan_id=loan.pk, amount=amount, idempotency_key=key)
            results.append(("ok", repayment.pk))
        except DomainError as exc:
            results.append((exc.code, None))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_different_repayments_at_once_all_apply_one_after_the_other(postgresql_only, booked, org):
    eod_run(business_date=date(2026, 1, 10))
    eod_catch_up(until=date(2026, 2, 14))  # instalment 1 four days late
    results = race(org, booked, [f"k{i}" for i in range(8)])
    assert sorted(code for code, _pk in results) == ["ok"] * 8
    loan = Loan.objects.get(pk=booked.pk)
    assert Repayment.objects.filter(loan=loan).count() == 8
    paid = sum(
        (Decimal(v) for r in Repayment.objects.filter(loan=loan) for v in r.allocation["buckets"].values()),
        Decimal(0),
    )
    assert paid + loan.credit_balance == Decimal("8000.00")
    assert reconcile([loan.pk]) == [] and debit_credit_totals().balanced


def test_the_same_key_at_once_posts_once_and_both_get_it(postgresql_only, booked, org):
    eod_run(business_date=date(2026, 1, 10))
    results = race(org, booked, ["same", "same", "same"])
    repayment = Repayment.objects.get()
    assert results == [("ok", repayment.pk)] * 3
    assert reconcile([booked.pk]) == [] and debit_credit_totals().balanced
