"""The end of day's set-based paths for its two commonest events (issue 16: "set-based SQL where it counts").

On a typical day most loans with an event are one of two kinds. For them the batch reads a few columns
with one query per chunk, computes in integer fen and writes each table with one statement
(``core.bulk``), instead of loading each loan's whole book into the engine (``sync``):

1. **penalty** — an overdue loan accrued through yesterday: each unsettled instalment due before today
   adds one day of penalty and 复利 basis (its unpaid principal and interest, fen × 1 day), its penalty
   and 复利 are recomputed from the bases (``PenaltyTerms.amount``), the overdue amounts and days past due
   follow; an instalment falling due today is billed; when the days past due cross a band of the class
   table the change of class is decided and recorded by the engine's own ``sync.classification_change``,
   and the first day at 90 days past due is kept. The difference is posted as one accrual entry.
2. **billing** — a current loan whose first unsettled instalment falls due today, with no credit balance
   to apply to it: the instalment's interest and fee become receivable (one accrual entry). Nothing else
   changes until tomorrow, when it is paid or turns overdue. (A current loan is not touched between its
   due dates, so it may have been accrued through any earlier day: nothing accrues on it meanwhile.)

For these loans the engine would do exactly this (tested: ``tests/services/test_eod_sets.py`` runs both
on one book and compares every row, column and ledger balance). Everything else goes to the engine: a
loan that turns overdue (its CM is told), is restructured (the observation floor moves with the date),
has a credit balance to apply to a bill, is left with only penalty unpaid, or is an overdue loan not
accrued through yesterday. The columns a path needs are re-read under the loans' row locks, so a
repayment that came first simply takes the loan out of the path.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connections, router
from django.db.models import BigIntegerField, ExpressionWrapper, F, Q
from django.utils.translation import gettext as _

from creditdesk.core.bulk import update_by_pk
from creditdesk.core.fields import AmountField
from creditdesk.finance.classification import dpd_floor
from creditdesk.finance.servicing import PenaltyTerms
from creditdesk.ledger.chart import Account, EntryKind
from creditdesk.ledger.services import journal_post_fen
from creditdesk.loans.models import ClassificationChange, Installment, Loan, LoanStatus
from creditdesk.loans.services import sync

CHUNK = 2000  # loans per transaction (and per IN list: under SQLite's bound-parameter limit)


def labels(day: date) -> tuple[str, str]:
    """The reference and memo of the end of day's ledger entries for ``day``."""
    return f"eod:{day.isoformat()}", _("日终")


@dataclass(frozen=True)
class Done:
    """What a path did to one chunk: loans moved to the end of the day, ledger entries posted, changes of
    class recorded, and the ids of the chunk it left to the engine."""

    loans: int
    entries: int
    reclassified: int = 0
    left: tuple[int, ...] = ()


def _left(ids: Sequence[int], moved: set[int]) -> tuple[int, ...]:
    return tuple(pk for pk in ids if pk not in moved)


def penalty_candidates(day: date) -> Q:
    """Loans that may take the penalty path on ``day`` (``penalty_advance`` checks the rest)."""
    return Q(
        status=LoanStatus.OVERDUE,
        dpd__gt=0,
        restructured_on__isnull=True,
        accrued_through=day - timedelta(days=1),
    )


def billing_candidates(day: date) -> Q:
    """Loans that take the billing path on ``day``: current, nothing to apply, their first unsettled
    instalment due today."""
    return Q(
        status=LoanStatus.ACTIVE,
        dpd=0,
        restructured_on__isnull=True,
        accrued_through__lt=day,
        next_due_date=day,
        credit_balance=0,
    )


def _post(day: date, changes: list[tuple[int, dict[Account, int]]]) -> int:
    """Post the day's accrual entries of a chunk — (loan id, ``sync.accrual_deltas``) each — in integer
    fen (``journal_post_fen``); a loan with nothing billed or accrued gets none. Returns how many."""
    reference, memo = labels(day)
    return journal_post_fen(
        kind=EntryKind.ACCRUAL, business_date=day, changes=changes, reference=reference, memo=memo
    )


def _locked(candidates: Q, ids: Sequence[int], fields: Sequence[str]) -> list[tuple[Any, ...]]:
    """``fields`` of the loans of ``ids`` still candidates once their rows are locked (ascending id, as
    ``loans.locks``)."""
    stored = {name: _as_stored(name) for name in fields if name in _AMOUNTS}
    return list(
        Loan.objects.filter(candidates, pk__any_of=ids)
        .select_for_update(of=("self",))
        .annotate(**{f"{name}_fen": expression for name, expression in stored.items()})
        .order_by("pk")
        .values_list("pk", *(f"{name}_fen" if name in stored else name for name in fields))
    )


_AMOUNTS = frozenset(field.name for field in Loan._meta.concrete_fields if isinstance(field, AmountField))


def _as_stored(name: str) -> ExpressionWrapper:
    """An amount column read as stored, integer fen (no ``Decimal`` made per value to be turned back)."""
    return ExpressionWrapper(F(name), output_field=BigIntegerField())


# --- 1. penalty ------------------------------------------------------------------------------------------

_PENALTY_LOAN = (
    "dpd",
    "max_dpd",
    "first_dpd90_on",
    "penalty_rate",
    "annual_rate",
    "product_version_id",
    "penalty_receivable",
    "interest_receivable",
    "fee_receivable",
    "credit_balance",
    "risk_class",
    "risk_floor",
    "risk_manual",
    "borrower_floor",
)
_PENALTY_ROW = (
    "id",
    "loan_id",
    "due_date",
    "principal",
    "principal_paid",
    "interest",
    "interest_paid",
    "fee",
    "fee_paid",
    "penalty_basis",
    "compound_basis",
    "penalty",
    "compound",
)
_PENALTY_ROW_WRITES = ("penalty_basis", "compound_basis", "penalty", "compound")
_PENALTY_LOAN_WRITES = (
    "dpd",
    "max_dpd",
    "oldest_unpaid_due",
    "overdue_principal",
    "overdue_interest",
    "penalty_receivable",
    "interest_receivable",
    "fee_receivable",
    "first_dpd90_on",
    "risk_class",
    "risk_floor",
    "risk_manual",
    "accrued_through",
)


@dataclass(frozen=True)
class _Day:
    """One overdue loan's day (fen): the instalments' new penalty state, the penalty and 复利 accrued,
    the interest and fee falling due today, the oldest unpaid due date, the overdue principal and
    interest."""

    writes: list[list[Any]]
    accrued: int
    billed_interest: int
    billed_fee: int
    oldest: date
    overdue_principal: int
    overdue_interest: int


def penalty_advance(day: date, ids: Sequence[int]) -> Done:
    """Accrue one day of penalty and 复利 on the overdue loans of ``ids`` that take the penalty path (see
    the module docstring) — with the bill of an instalment falling due today, and the change of class when
    the days past due cross a band of the table, recorded as the engine records it; the others are left
    untouched, for the engine."""
    loans = _locked(penalty_candidates(day), ids, _PENALTY_LOAN)
    if not loans:
        return Done(0, 0, left=tuple(ids))
    quote = connections[router.db_for_read(Installment)].ops.quote_name
    unsettled = f"{quote('settled_on')} IS NULL AND {quote('due_date')} <= %s"
    rows: dict[int, list[Any]] = defaultdict(list)
    for row in sync.instalment_rows([loan[0] for loan in loans], _PENALTY_ROW, unsettled, [day]):
        rows[row[1]].append(row)
    row_writes: list[list[Any]] = []
    loan_writes: list[list[Any]] = []
    postings: list[tuple[int, dict[Account, int]]] = []
    changes: list[ClassificationChange] = []
    for (
        pk,
        dpd,
        max_dpd,
        first_dpd90_on,
        penalty_rate,
        annual_rate,
        version_id,
        penalty_receivable,
        interest_receivable,
        fee_receivable,
        credit,
        *risk,
    ) in loans:
        moved = _accrue_one_day(day, rows[pk], sync.terms_of(penalty_rate, annual_rate, version_id))
        if moved is None or (credit and (moved.billed_interest or moved.billed_fee)):
            continue  # no longer overdue, or a credit balance to apply to today's bill: the engine
        new_dpd = (day - moved.oldest).days
        if new_dpd >= sync.WATCH_DPD and first_dpd90_on is None:
            first_dpd90_on = moved.oldest + timedelta(days=sync.WATCH_DPD)
        if dpd_floor(new_dpd) != dpd_floor(dpd):  # the class may change: as the engine decides it
            loan = Loan(pk=pk, dpd=new_dpd, restructured_on=None, **dict(zip(_RISK, risk, strict=True)))
            change = sync.classification_change(loan, business_date=day, actor=None)
            if change is not None:
                changes.append(change)
            risk = [getattr(loan, name) for name in _RISK[:3]]
        row_writes.extend(moved.writes)
        loan_writes.append(
            [
                new_dpd,
                max(max_dpd, new_dpd),
                moved.oldest,
                moved.overdue_principal,
                moved.overdue_interest,
                penalty_receivable + moved.accrued,
                interest_receivable + moved.billed_interest,
                fee_receivable + moved.billed_fee,
                first_dpd90_on,
                *risk[:3],
                day,
                pk,
            ]
        )
        postings.append((pk, sync.accrual_deltas(moved.billed_interest, moved.billed_fee, moved.accrued)))
    entries = _post(day, postings)
    update_by_pk(Installment, _PENALTY_ROW_WRITES, row_writes, upto=("due_date", day))
    update_by_pk(Loan, _PENALTY_LOAN_WRITES, loan_writes)
    ClassificationChange.objects.bulk_create(changes)
    return Done(len(loan_writes), entries, len(changes), _left(ids, {write[-1] for write in loan_writes}))


_RISK = ("risk_class", "risk_floor", "risk_manual", "borrower_floor")


def _accrue_one_day(day: date, rows: Sequence[Any], terms: PenaltyTerms) -> _Day | None:
    """One overdue loan's day (``_Day``) from its unsettled instalments due on or before ``day`` — or
    None when only penalty is left unpaid (the loan is no longer overdue: the engine)."""
    writes = []
    accrued = billed_interest = billed_fee = overdue_principal = overdue_interest = 0
    oldest: date | None = None
    for pk, _loan, due, principal, principal_paid, interest, interest_paid, fee, fee_paid, *penalty in rows:
        due = sync.as_date(due)
        if due == day:  # falls due today: billed, not yet overdue
            billed_interest += interest
            billed_fee += fee
            continue
        penalty_basis, compound_basis, penalty_amount, compound_amount = penalty
        principal_unpaid, interest_unpaid = principal - principal_paid, interest - interest_paid
        if oldest is None and (principal_unpaid or interest_unpaid or fee_paid < fee):
            oldest = due
        overdue_principal += principal_unpaid
        overdue_interest += interest_unpaid
        if not principal_unpaid and not interest_unpaid:
            continue
        penalty_basis += principal_unpaid
        compound_basis += interest_unpaid
        new_penalty, new_compound = terms.amount(penalty_basis), terms.amount(compound_basis)
        accrued += new_penalty - penalty_amount + new_compound - compound_amount
        writes.append([penalty_basis, compound_basis, new_penalty, new_compound, pk])
    if oldest is None:
        return None
    return _Day(writes, accrued, billed_interest, billed_fee, oldest, overdue_principal, overdue_interest)


# --- 2. billing ------------------------------------------------------------------------------------------

_BILLING_LOAN = ("interest_receivable", "fee_receivable")
_BILLING_ROW = ("loan_id", "interest", "fee")
_BILLING_LOAN_WRITES = ("interest_receivable", "fee_receivable", "accrued_through")


def billing_advance(day: date, ids: Sequence[int]) -> Done:
    """Bill the instalments due today of the current loans of ``ids`` that take the billing path."""
    loans = _locked(billing_candidates(day), ids, _BILLING_LOAN)
    if not loans:
        return Done(0, 0, left=tuple(ids))
    quote = connections[router.db_for_read(Installment)].ops.quote_name
    billed: dict[int, list[int]] = {}
    for loan_id, interest, fee in sync.instalment_rows(
        [loan[0] for loan in loans], _BILLING_ROW, f"{quote('due_date')} = %s", [day]
    ):
        totals = billed.setdefault(loan_id, [0, 0])
        totals[0] += interest
        totals[1] += fee
    loan_writes: list[list[Any]] = []
    postings: list[tuple[int, dict[Account, int]]] = []
    for pk, interest_receivable, fee_receivable in loans:
        if pk not in billed:
            continue
        interest, fee = billed[pk]
        loan_writes.append([interest_receivable + interest, fee_receivable + fee, day, pk])
        postings.append((pk, sync.accrual_deltas(interest, fee, 0)))
    entries = _post(day, postings)
    update_by_pk(Loan, _BILLING_LOAN_WRITES, loan_writes)
    return Done(len(loan_writes), entries, left=_left(ids, {write[-1] for write in loan_writes}))


@dataclass(frozen=True)
class Path:
    """A set-based path: the condition of the loans that may take it on a day, and what moves a chunk of
    them."""

    name: str
    condition: Callable[[date], Q]
    advance: Callable[[date, Sequence[int]], Done]


PATHS = (
    Path("penalty", penalty_candidates, penalty_advance),
    Path("billing", billing_candidates, billing_advance),
)
