"""日终快照 (end-of-day snapshots): each loan's state at the end of every business date on which it
changed, written by the end of day with one ``INSERT … SELECT`` (``LoanSnapshot``).

Rule: a loan is snapshotted on a date when it changed that day — it has a ledger entry of that business
date (a disbursement, a repayment, a bill, a day of penalty …), a change of class, or it is overdue (its
days past due move every day) — and also when an entry of the previous business date was posted after
that date's snapshots were taken (a repayment posted while the run was under way): it then shows in this
date's snapshot. A loan unchanged since its last snapshot has none: its state on any date is its latest
snapshot on or before it (``selectors.loan_state_on``). So the nightly cost follows the day's events,
not the size of the book.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import DateField, Q, Value

from creditdesk.core.bulk import insert_select
from creditdesk.ledger.selectors import posted_loans
from creditdesk.loans.models import ClassificationChange, Loan, LoanSnapshot
from creditdesk.loans.services import sync

STATE = (
    "status",
    "principal_outstanding",
    "overdue_principal",
    "overdue_interest",
    "interest_receivable",
    "penalty_receivable",
    "fee_receivable",
    "credit_balance",
    "dpd",
    "risk_class",
)
"""The columns of a loan a snapshot keeps (the same names on ``Loan`` and ``LoanSnapshot``)."""


def changed_loans(day: date, *, late_since: datetime | None = None) -> Q:
    """The loans that changed on ``day`` (see the module docstring); ``late_since``: when the previous
    date's snapshots were taken (its entries posted after that count too)."""
    changed = (
        Q(pk__in=posted_loans(day))
        | Q(pk__in=ClassificationChange.objects.filter(business_date=day).values("loan_id"))
        | Q(dpd__gt=0, status__in=sync.OPEN)
    )
    if late_since is not None:
        changed |= Q(pk__in=posted_loans(day - timedelta(days=1), posted_after=late_since))
    return changed


def snapshots_take(day: date, *, late_since: datetime | None = None) -> int:
    """Write the snapshots of ``day`` of the loans that changed that day, in one statement; returns how
    many. Inside the end of day's step transaction (run once per date: its marker)."""
    rows = (
        Loan.objects.filter(changed_loans(day, late_since=late_since))
        .order_by()
        .values_list("pk", Value(day, output_field=DateField()), *STATE)
    )
    return insert_select(LoanSnapshot, ["loan", "business_date", *STATE], rows)
