"""Loan servicing arithmetic (贷款核算): what a loan owes on a day, given its schedule and its repayments.

One pure engine serves the repayment service, the end-of-day batch and the pages, so a figure is the
same wherever it is shown. It works in integer fen (exact, and fast enough for the batch).

Rules (RULES.md "Penalty interest", PRODUCT.md §6) and the choices made where they leave room:
- An instalment is *current* on its due date and *overdue* from the day after (days past due of a loan =
  the business date − its oldest unpaid due date). Only principal, interest and fees make an instalment
  unpaid; penalty left unpaid does not keep counting days past due.
- Penalty interest (罚息) accrues on overdue principal and compound interest (复利, 银发〔2003〕251号) on
  overdue interest, both at the penalty rate R × (1 + uplift) / 360 a day. Day t counts what was unpaid
  *before* the repayments of day t (a repayment on the due date owes nothing; one day later, one day):
  an instalment's ``penalty_basis`` is Σ unpaid principal (fen) × days — an exact integer — and its
  penalty is basis × R × (1 + uplift) / 360 rounded half-up to the fen once, so a day-by-day batch and one
  calculation over the whole period give the same fen (``finance.penalty.penalty_interest``'s figure).
- A repayment is allocated in the product's order of buckets (default: 罚息 → 复利 → 逾期利息 → 逾期费用
  → 逾期本金 → 当期利息 → 当期费用 → 当期本金), oldest instalment first within a bucket. What is left
  is kept as the customer's credit balance (溢缴款/挂账) and applied to each instalment on its due date —
  an early payment before the due date is therefore never late. (Prepaying future principal is a
  separate operation that rewrites the schedule: see ``prepayment``.)
- Billing: an instalment's interest and fee become receivable on its due date.
- Backdated repayments: the whole history is replayed in value-date order (``replay``), so penalty and
  复利 are recomputed from the value date and later repayments are reallocated; the caller posts the
  difference.

``LoanBook`` is the state (also what the database stores: the paid parts and bases of each instalment,
the date accrued through, the credit balance); ``LoanBook.pay`` and ``LoanBook.accrue`` move it forward.
Moving forward from a stored state and replaying from the schedule give the same state (tested).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.core.exceptions import DomainError
from creditdesk.finance.terms import DAYS_IN_YEAR


class Bucket(LabelledEnum):
    """What a repayment pays, in the default order of allocation (PRODUCT.md §6)."""

    PENALTY = "penalty", gettext_noop("罚息")
    COMPOUND = "compound", gettext_noop("复利")
    OVERDUE_INTEREST = "overdue_interest", gettext_noop("逾期利息")
    OVERDUE_FEE = "overdue_fee", gettext_noop("逾期费用")
    OVERDUE_PRINCIPAL = "overdue_principal", gettext_noop("逾期本金")
    CURRENT_INTEREST = "current_interest", gettext_noop("当期利息")
    CURRENT_FEE = "current_fee", gettext_noop("当期费用")
    CURRENT_PRINCIPAL = "current_principal", gettext_noop("当期本金")


DEFAULT_ORDER: tuple[Bucket, ...] = tuple(Bucket)


class ServicingError(DomainError):
    status = 422


def allocation_order(order: Iterable[str] | None) -> tuple[Bucket, ...]:
    """The product's order of allocation: every bucket exactly once (None: the default)."""
    if order is None:
        return DEFAULT_ORDER
    try:
        buckets = tuple(Bucket(value) for value in order)
    except ValueError as exc:
        raise ServicingError("allocation_order_invalid", "还款冲抵顺序包含未知的项目。") from exc
    if sorted(buckets) != sorted(DEFAULT_ORDER):
        raise ServicingError("allocation_order_invalid", "还款冲抵顺序须恰好包含每个项目一次。")
    return buckets


@dataclass(frozen=True)
class PenaltyTerms:
    """The penalty rate: the contract ``annual_rate`` (a fraction: 0.036) raised by ``uplift`` (0.50 =
    +50%, RULES.md default); ``compound``: whether overdue interest bears 复利."""

    annual_rate: Decimal
    uplift: Decimal = Decimal("0.50")
    compound: bool = True

    @cached_property
    def _daily(self) -> tuple[int, int]:
        """R × (1 + uplift) / 360 as an exact fraction: (numerator, denominator)."""
        daily = Fraction(self.annual_rate) * (1 + Fraction(self.uplift)) / Fraction(DAYS_IN_YEAR)
        return daily.numerator, daily.denominator

    def amount(self, basis: int) -> int:
        """Penalty in fen for ``basis`` fen-days: basis × R × (1 + uplift) / 360, rounded half-up once —
        in exact integer arithmetic (the batch computes it for every overdue instalment every day)."""
        if basis <= 0:
            return 0
        numerator, denominator = self._daily
        return (2 * basis * numerator + denominator) // (2 * denominator)


@dataclass
class Row:
    """One instalment's dues and what has been paid of them (fen)."""

    period: int
    due_date: date
    principal: int
    interest: int
    fee: int = 0
    principal_paid: int = 0
    interest_paid: int = 0
    fee_paid: int = 0
    penalty_basis: int = 0
    compound_basis: int = 0
    penalty_paid: int = 0
    compound_paid: int = 0
    settled_on: date | None = None

    @property
    def principal_unpaid(self) -> int:
        return self.principal - self.principal_paid

    @property
    def interest_unpaid(self) -> int:
        return self.interest - self.interest_paid

    @property
    def fee_unpaid(self) -> int:
        return self.fee - self.fee_paid

    @property
    def dues_unpaid(self) -> bool:
        return (
            self.principal_paid < self.principal
            or self.interest_paid < self.interest
            or self.fee_paid < self.fee
        )


@dataclass(frozen=True)
class Share:
    """A part of a repayment: ``amount`` fen of ``bucket`` of instalment ``period``."""

    period: int
    bucket: Bucket
    amount: int


@dataclass(frozen=True)
class Allocation:
    """How one repayment was applied: its shares and what was left as credit balance (fen)."""

    shares: tuple[Share, ...]
    credit: int

    def by_bucket(self) -> dict[Bucket, int]:
        totals: dict[Bucket, int] = {}
        for share in self.shares:
            totals[share.bucket] = totals.get(share.bucket, 0) + share.amount
        return totals


@dataclass(frozen=True)
class Totals:
    """A loan's position on the date accrued through (fen; dates) — the sub-ledger the general ledger
    must equal, and the figures pages show."""

    principal: int
    principal_paid: int
    interest_billed: int
    interest_paid: int
    fee_billed: int
    fee_paid: int
    penalty: int
    penalty_paid: int
    compound: int
    compound_paid: int
    credit: int
    overdue_principal: int
    overdue_interest: int
    overdue_fee: int
    dpd: int
    oldest_unpaid_due: date | None
    next_due: date | None  # the first instalment not settled
    settled: bool  # everything paid: the loan can close

    @property
    def principal_outstanding(self) -> int:
        return self.principal - self.principal_paid

    @property
    def interest_receivable(self) -> int:
        return self.interest_billed - self.interest_paid

    @property
    def penalty_receivable(self) -> int:
        return self.penalty - self.penalty_paid + self.compound - self.compound_paid

    @property
    def fee_receivable(self) -> int:
        return self.fee_billed - self.fee_paid


@dataclass
class LoanBook:
    """A loan's servicing state: its instalments in due-date order, the last day penalty was accrued
    through (and instalments billed through), and the credit balance."""

    rows: list[Row]
    accrued_through: date
    terms: PenaltyTerms
    order: tuple[Bucket, ...] = DEFAULT_ORDER
    credit: int = 0
    _first_open: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        self.rows.sort(key=lambda row: (row.due_date, row.period))
        self._skip_settled()

    def _skip_settled(self) -> None:
        while self._first_open < len(self.rows) and self.rows[self._first_open].settled_on is not None:
            self._first_open += 1

    def _open_due_before(self, day: date) -> list[Row]:
        """Unsettled instalments due strictly before ``day`` (overdue on ``day``), oldest first."""
        out = []
        for row in self.rows[self._first_open :]:
            if row.due_date >= day:
                break
            if row.settled_on is None:
                out.append(row)
        return out

    def _accrue_penalty(self, start: date, through: date) -> None:
        """Penalty bases for the days after ``start`` up to ``through`` (both instalments' overdue days)."""
        for row in self._open_due_before(through):
            first = max(start, row.due_date)
            days = (through - first).days
            if days <= 0:
                continue
            row.penalty_basis += row.principal_unpaid * days
            if self.terms.compound:
                row.compound_basis += row.interest_unpaid * days

    def accrue(self, through: date) -> None:
        """Move the book to the end of ``through``: penalty for each day, and the credit balance
        applied to each instalment on its due date."""
        if through <= self.accrued_through:
            return
        start = self.accrued_through
        if self.credit:
            for due in sorted(
                {row.due_date for row in self.rows[self._first_open :] if start < row.due_date <= through}
            ):
                self._accrue_penalty(start, due)
                start = due
                self.accrued_through = due
                if self.credit:
                    credit, self.credit = self.credit, 0
                    self._allocate(due, credit)
        self._accrue_penalty(start, through)
        self.accrued_through = through

    def pay(self, on: date, amount: int) -> Allocation:
        """Apply a repayment of ``amount`` fen with value date ``on`` (not before the date accrued
        through: an earlier one needs ``replay``)."""
        if amount <= 0:
            raise ServicingError("repayment_amount_invalid", "还款金额须大于零。")
        if on < self.accrued_through:
            raise ServicingError("repayment_backdated", "该还款早于已计息日期，须重算历史。")
        self.accrue(on)
        return self._allocate(on, amount)

    def _owed(self, row: Row, bucket: Bucket) -> int:
        if bucket is Bucket.PENALTY:
            return self.terms.amount(row.penalty_basis) - row.penalty_paid
        if bucket is Bucket.COMPOUND:
            return self.terms.amount(row.compound_basis) - row.compound_paid
        if bucket in (Bucket.OVERDUE_INTEREST, Bucket.CURRENT_INTEREST):
            return row.interest_unpaid
        if bucket in (Bucket.OVERDUE_FEE, Bucket.CURRENT_FEE):
            return row.fee_unpaid
        return row.principal_unpaid

    @staticmethod
    def _credit_row(row: Row, bucket: Bucket, amount: int) -> None:
        if bucket is Bucket.PENALTY:
            row.penalty_paid += amount
        elif bucket is Bucket.COMPOUND:
            row.compound_paid += amount
        elif bucket in (Bucket.OVERDUE_INTEREST, Bucket.CURRENT_INTEREST):
            row.interest_paid += amount
        elif bucket in (Bucket.OVERDUE_FEE, Bucket.CURRENT_FEE):
            row.fee_paid += amount
        else:
            row.principal_paid += amount

    _CURRENT = frozenset({Bucket.CURRENT_INTEREST, Bucket.CURRENT_FEE, Bucket.CURRENT_PRINCIPAL})

    def _allocate(self, on: date, amount: int) -> Allocation:
        overdue = self._open_due_before(on)
        current = [
            row for row in self.rows[self._first_open :] if row.due_date == on and row.settled_on is None
        ]
        shares: list[Share] = []
        left = amount
        for bucket in self.order:
            if not left:
                break
            if bucket in self._CURRENT:
                rows = current
            elif bucket in (Bucket.PENALTY, Bucket.COMPOUND):
                rows = overdue + current  # a current instalment owes no penalty; kept for completeness
            else:
                rows = overdue
            for row in rows:
                owed = self._owed(row, bucket)
                if owed <= 0:
                    continue
                part = min(owed, left)
                self._credit_row(row, bucket, part)
                shares.append(Share(row.period, bucket, part))
                left -= part
                if not left:
                    break
        for row in overdue + current:
            if (
                not row.dues_unpaid
                and self._owed(row, Bucket.PENALTY) == 0
                and self._owed(row, Bucket.COMPOUND) == 0
            ):
                row.settled_on = on
        self._skip_settled()
        self.credit += left
        return Allocation(tuple(shares), left)

    def totals(self) -> Totals:
        """The position at the end of ``accrued_through``."""
        through = self.accrued_through
        principal = principal_paid = interest_billed = interest_paid = fee_billed = fee_paid = 0
        penalty = penalty_paid = compound = compound_paid = 0
        overdue_principal = overdue_interest = overdue_fee = 0
        oldest: date | None = None
        next_due: date | None = None
        for row in self.rows:
            principal += row.principal
            principal_paid += row.principal_paid
            interest_paid += row.interest_paid
            fee_paid += row.fee_paid
            penalty += self.terms.amount(row.penalty_basis)
            penalty_paid += row.penalty_paid
            compound += self.terms.amount(row.compound_basis)
            compound_paid += row.compound_paid
            if row.due_date <= through:
                interest_billed += row.interest
                fee_billed += row.fee
            if row.settled_on is None and next_due is None:
                next_due = row.due_date
            if row.due_date < through and row.dues_unpaid:
                overdue_principal += row.principal_unpaid
                overdue_interest += row.interest_unpaid
                overdue_fee += row.fee_unpaid
                if oldest is None:
                    oldest = row.due_date
        return Totals(
            principal=principal,
            principal_paid=principal_paid,
            interest_billed=interest_billed,
            interest_paid=interest_paid,
            fee_billed=fee_billed,
            fee_paid=fee_paid,
            penalty=penalty,
            penalty_paid=penalty_paid,
            compound=compound,
            compound_paid=compound_paid,
            credit=self.credit,
            overdue_principal=overdue_principal,
            overdue_interest=overdue_interest,
            overdue_fee=overdue_fee,
            dpd=(through - oldest).days if oldest is not None else 0,
            oldest_unpaid_due=oldest,
            next_due=next_due,
            settled=next_due is None,
        )


@dataclass(frozen=True)
class Due:
    """A scheduled instalment (fen)."""

    period: int
    due_date: date
    principal: int
    interest: int
    fee: int = 0


@dataclass(frozen=True)
class Payment:
    """A repayment: ``seq`` orders repayments of the same value date (the order they were posted)."""

    seq: int
    value_date: date
    amount: int


def replay(
    dues: Sequence[Due],
    payments: Sequence[Payment],
    *,
    start: date,
    through: date,
    terms: PenaltyTerms,
    order: Sequence[Bucket] = DEFAULT_ORDER,
) -> tuple[LoanBook, dict[int, Allocation]]:
    """The book from the schedule (drawn down on ``start``) with every repayment applied in value-date
    order, accrued through ``through``; and each repayment's allocation by ``seq``."""
    book = LoanBook(
        rows=[Row(d.period, d.due_date, d.principal, d.interest, d.fee) for d in dues],
        accrued_through=start,
        terms=terms,
        order=tuple(order),
    )
    allocations: dict[int, Allocation] = {}
    for payment in sorted(payments, key=lambda p: (p.value_date, p.seq)):
        allocations[payment.seq] = book.pay(payment.value_date, payment.amount)
    book.accrue(through)
    return book, allocations
