"""Which loans the end of day reminds (``reminders.owing_on``, read mostly from the instalments' index) is
the rule written straight — every open loan with an unsettled instalment due that day owing more than
its credit balance — on a book of differently behaved loans, every day for three months, for every due
date of the five weeks ahead."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db.models import F

from creditdesk.loans.models import Installment, Loan
from creditdesk.loans.services import sync
from creditdesk.loans.services.eod import eod_run
from creditdesk.loans.services.reminders import owing_on
from creditdesk.loans.services.repayments import repayment_post
from creditdesk.loans.tests.conftest import book_loan, overdue_with_penalty

pytestmark = pytest.mark.django_db

START = date(2026, 1, 10)
DAYS = 90

# how each borrower pays
BORROWERS = (
    "never",  # overdue from the first due date: later instalments due while earlier ones are unpaid
    "next_day",  # pays what it owes one day after each due date
    "in_advance",  # 25,000 paid five days in: a credit balance that covers two instalments, then not
    "small_credit",  # 300 paid five days in: a credit balance smaller than an instalment
    "arrears",  # pays 2,000 five days after each due date: arrears build up
    "on_time",  # pays each instalment on its due date
)


def _rule(due: date) -> list[int]:
    """The reminder rule, written straight over the instalments."""
    owed = F("payment") + F("fee") - F("principal_paid") - F("interest_paid") - F("fee_paid")
    return sorted(
        set(
            Installment.objects.filter(due_date=due, settled_on__isnull=True, loan__status__in=sync.OPEN)
            .annotate(owed=owed)
            .filter(owed__gt=F("loan__credit_balance"))
            .values_list("loan_id", flat=True)
        )
    )


def _pay(org, loan: Loan, day: date, amount: str) -> None:
    repayment_post(
        actor=org.cm_a, loan_id=loan.pk, amount=amount, idempotency_key=f"{loan.pk}-{day}", value_date=day
    )


def _due_on(loan: Loan, day: date) -> str:
    row = Installment.objects.get(loan=loan, due_date=day)
    return str(row.payment + row.fee)


@pytest.fixture
def book(org, li, xyd):
    """One loan of ``book_loan`` (100,000 / 12 months, disbursed on ``START``) for each borrower."""
    return {name: book_loan(org, li, xyd, key=f"remind-{name}", value_date=START) for name in BORROWERS}


def test_the_loans_reminded_are_those_the_rule_names(org, book):
    dues = sorted(set(Installment.objects.values_list("due_date", flat=True)))
    seen = {"reminded": 0, "overdue_reminded": 0, "credit_reminded": 0, "covered_by_credit": 0}
    day = START
    for _ in range(DAYS):
        for name, loan in book.items():
            if name in ("in_advance", "small_credit") and day == START + timedelta(days=5):
                _pay(org, loan, day, "25000.00" if name == "in_advance" else "300.00")
            elif name == "next_day" and day - timedelta(days=1) in dues:
                _pay(org, loan, day, overdue_with_penalty(loan, day))
            elif name == "arrears" and day - timedelta(days=5) in dues:
                _pay(org, loan, day, "2000.00")
            elif name == "on_time" and day in dues:
                _pay(org, loan, day, _due_on(loan, day))
        eod_run(business_date=day)
        for due in [day + timedelta(days=1), *(d for d in dues if day < d <= day + timedelta(days=35))]:
            expected = _rule(due)
            assert owing_on(due) == expected, (day, due)
            loans = {loan.pk: loan for loan in Loan.objects.filter(pk__in=expected)}
            seen["reminded"] += len(expected)
            seen["overdue_reminded"] += sum(loans[pk].dpd > 0 for pk in expected)
            seen["credit_reminded"] += sum(loans[pk].credit_balance > 0 for pk in expected)
            unsettled = set(
                Installment.objects.filter(due_date=due, settled_on__isnull=True).values_list(
                    "loan_id", flat=True
                )
            )
            seen["covered_by_credit"] += len(unsettled - set(expected))
        day += timedelta(days=1)
    # every way in was taken: first instalments owed, later ones while earlier are overdue, a credit
    # balance too small to cover, and one that covers (not reminded)
    assert all(count > 0 for count in seen.values()), seen
