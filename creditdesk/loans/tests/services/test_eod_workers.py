"""Several workers share an end of day (``eod_run(worker=(k, n))``, `creditdesk eod --worker k/n`): each
moves only the loans of its share; the run is finished — the steps after the loans, once — by the
worker that finds no loan of any share left; the result is the one a single run gives."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from creditdesk.loans.models import EodRun, Loan
from creditdesk.loans.services.eod import eod_catch_up, eod_run
from creditdesk.loans.tests.conftest import book_loan

pytestmark = pytest.mark.django_db

BILL_DAY = date(2026, 2, 10)  # both loans' first instalment falls due


@pytest.fixture
def two_loans(org, li, xyd):
    loans = [book_loan(org, li, xyd, key=f"w-{n}") for n in range(2)]
    eod_run(business_date=date(2026, 1, 10))
    eod_catch_up(until=BILL_DAY - date.resolution)
    return loans


def _accrued(loan: Loan) -> date | None:
    return Loan.objects.get(pk=loan.pk).accrued_through


def test_each_worker_moves_its_share_and_the_last_one_finishes_the_run(two_loans):
    even, odd = sorted(two_loans, key=lambda loan: loan.pk % 2)
    first = eod_run(business_date=BILL_DAY, worker=(0, 2))
    assert first.status != "done" and "loans" not in first.steps
    assert _accrued(even) == BILL_DAY and _accrued(odd) < BILL_DAY  # only its share

    second = eod_run(business_date=BILL_DAY, worker=(1, 2))
    assert second.status == "done" and _accrued(odd) == BILL_DAY
    report = EodRun.objects.get(business_date=BILL_DAY).report
    assert report["loans_processed"] == 2 and report["entries_posted"] == 2
    assert report["mismatch_count"] == 0 and report["snapshots"] == 2
    # both billed instalment 1's interest, as a single run bills it
    assert [loan.interest_receivable for loan in Loan.objects.order_by("pk")] == [Decimal("300.00")] * 2


@pytest.mark.parametrize("given", ["2", "2/2", "a/b", "-1/2"])
def test_a_worker_share_that_is_not_k_of_n_is_refused(given):
    with pytest.raises(CommandError, match="--worker"):
        call_command("eod", "--date", "2026-01-10", "--worker", given)
