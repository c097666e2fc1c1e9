"""Prepayment (提前还款) and the early settlement quote (提前结清试算), on the loan-arithmetic core
(``finance.prepayment.prepay``).

Rules (issue 16, item 4; RULES.md "Penalty interest and prepayment"; Civil Code art. 677):
- On the business date only (a prepayment is not backdated: ``prepayment_date_invalid``), on a loan with
  no arrears (``prepayment_with_arrears``: overdue amounts, penalty and 复利 are paid first) and nothing
  due today left unpaid (``prepayment_current_due_unpaid``).
- Interest for the actual period, and the product's prepayment fee (违约金: % of the prepaid principal,
  or N months' interest, possibly waived after some months) — both from ``prepay``.
- Partial: the customer keeps the term (lower payment) or keeps the payment (shorter term); the open
  part of the schedule is rebuilt from the prepayment date. Full: the loan closes.
- Booking: the prepayment becomes an instalment of its own due that day (principal prepaid, the period's
  accrued interest, the fee), paid at once by the money received; the future instalments are replaced by
  the new schedule. A credit balance (溢缴款) is not used: it stays for the next instalments, or is
  refunded when the loan is settled. So the ledger posts, as for any instalment, the interest
  and fee billed and the money applied, and the sub-ledger keeps reconciling.
- An overpayment, on a product whose ``overpayment`` is ``"prepay"`` (``overpayment_prepayment``): what a
  repayment leaves after everything due through its date *and the next instalment* (kept as credit for
  its due date: a customer paying a few days early must not find the instalment still due) prepays
  principal, the term kept and the payment lowered — as much principal as that money pays with the
  interest accrued to the day and the product's prepayment fee, to the fen; or settles the loan when it
  covers the settlement. Less than ``OVERPAYMENT_PREPAY_MINIMUM`` left stays as credit. The prepayment
  instalment is due that day and is paid by the same repayment, so a later replay allocates it the same
  way. (Products keep overpayments as credit unless they say otherwise.)
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy
from creditdesk.accounts.models import User
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import Conflict, DomainError
from creditdesk.core.money import ZERO, from_fen, to_fen
from creditdesk.finance.prepayment import KeepOption, PrepaymentResult, prepay
from creditdesk.finance.schedule import Installment as Scheduled
from creditdesk.finance.schedule import Schedule
from creditdesk.finance.terms import CalculationError
from creditdesk.ledger.chart import EntryKind
from creditdesk.loans import locks
from creditdesk.loans.choices import InstallmentKind, RepaymentChannel, RepaymentKind
from creditdesk.loans.models import Installment, Loan, Repayment
from creditdesk.loans.services import inputs, sync
from creditdesk.loans.services.calendar import business_date
from creditdesk.loans.services.rebuild import contract_terms, replace_open_schedule

HUNDRED = Decimal(100)
OVERPAYMENT_PREPAY_MINIMUM = Decimal("100.00")  # a smaller overpayment is not worth a new schedule
CENT = Decimal("0.01")
ROUNDING_STEPS = 100  # fen tried either way of the estimate (bounded: never a loop over the amount)


def open_schedule(loan: Loan, installments: list[Installment]) -> tuple[Schedule, int]:
    """The schedule ``prepay`` works on — the instalments built from ``contract_terms`` (numbered from 1)
    — and the period number of its first instalment on the loan."""
    first_period = int((loan.schedule_basis or {}).get("first_period", 1))
    rows = tuple(
        Scheduled(
            item.period - first_period + 1,
            item.due_date,
            item.payment,
            item.principal,
            item.interest,
            item.balance,
            item.fee,
        )
        for item in installments
        if item.period >= first_period and item.kind == InstallmentKind.SCHEDULED
    )
    return Schedule(contract_terms(loan), rows), first_period


@dataclass(frozen=True)
class SettlementQuote:
    """提前结清试算 on ``on``: what the customer pays to close the loan that day."""

    on: date
    arrears: Decimal  # overdue principal, interest and fees
    penalty: Decimal  # 罚息 and 复利 accrued to that day
    due_today: Decimal  # instalments due that day
    principal: Decimal  # principal prepaid
    accrued_interest: Decimal
    prepayment_fee: Decimal
    credit: Decimal  # the credit balance, refunded once the loan is settled

    @property
    def total(self) -> Decimal:
        return (
            self.arrears
            + self.penalty
            + self.due_today
            + self.principal
            + self.accrued_interest
            + self.prepayment_fee
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.on.isoformat(),
            "arrears": str(self.arrears),
            "penalty": str(self.penalty),
            "due_today": str(self.due_today),
            "principal": str(self.principal),
            "accrued_interest": str(self.accrued_interest),
            "prepayment_fee": str(self.prepayment_fee),
            "credit": str(self.credit),
            "total": str(self.total),
        }


def _refuse(code: str, message: str, field: str = "date", **extra: Any) -> DomainError:
    return DomainError(code, message, {"field": field, **extra})


def settlement_quote(*, loan: Loan, on: date) -> SettlementQuote:
    """The early settlement quote for any date from the business date to the day before maturity
    (a read: nothing is written). The loan must be visible to the caller (the view's selector)."""
    today = business_date()
    if on < today or on >= loan.maturity_date:
        raise _refuse(
            "quote_date_invalid",
            _("试算日期须在当前营业日 %(today)s 至到期日 %(maturity)s 之前。")
            % {"today": today.isoformat(), "maturity": loan.maturity_date.isoformat()},
        )
    items = list(loan.installments.order_by("due_date", "period"))
    loaded = sync.load(loan)
    loaded.book.accrue(on)
    totals = loaded.book.totals()
    due_rows = [row for row in loaded.book.rows if row.due_date == on and row.settled_on is None]
    due_today = sum(r.principal_unpaid + r.interest_unpaid + r.fee_unpaid for r in due_rows)
    schedule, _first = open_schedule(loan, items)
    outstanding = from_fen(
        totals.principal_outstanding - totals.overdue_principal - sum(r.principal_unpaid for r in due_rows)
    )
    result = _prepay(loan, schedule, outstanding, on, KeepOption.TERM) if outstanding > 0 else None
    return SettlementQuote(
        on=on,
        arrears=from_fen(totals.overdue_principal + totals.overdue_interest + totals.overdue_fee),
        penalty=from_fen(totals.penalty_receivable),
        due_today=from_fen(due_today),
        principal=outstanding,
        accrued_interest=result.accrued_interest if result else ZERO,
        prepayment_fee=result.penalty if result else ZERO,
        credit=from_fen(totals.credit),
    )


def _prepay(loan: Loan, schedule: Schedule, amount: Decimal, on: date, keep: str) -> PrepaymentResult:
    spec = loan.product_version.as_spec()
    try:
        return prepay(schedule, amount=amount, on=on, keep=KeepOption(keep), penalty_rule=spec.prepayment)
    except CalculationError as exc:
        raise DomainError(exc.code, exc.message, exc.extra) from exc


@transaction.atomic(durable=True)
def prepayment_post(
    *,
    actor: User,
    loan_id: int,
    amount: object | None,
    keep: str = KeepOption.TERM,
    idempotency_key: str,
    channel: str = RepaymentChannel.COUNTER,
) -> Repayment:
    """Prepay ``amount`` of principal (None: settle the loan in full) on the business date."""
    key = inputs.idempotency_key(idempotency_key)
    principal = None if amount is None else inputs.repayment_amount(amount)
    if keep not in {option.value for option in KeepOption}:
        raise _refuse("keep_unknown", _("请选择“期限不变，月供减少”或“月供不变，期限缩短”。"), "keep")
    inputs.require_loan_visible(actor, loan_id)
    loan = locks.loan_lock(loan_id)
    policy.require(actor, Action.REPAYMENT_POST, loan)
    first = Repayment.objects.filter(loan=loan, idempotency_key=key).first()
    if first is not None:
        return first
    if loan.status not in sync.OPEN:
        raise Conflict(
            "loan_closed", _("贷款已%(status)s，不能提前还款。") % {"status": loan.get_status_display()}
        )
    on = business_date()
    items = list(loan.installments.order_by("due_date", "period"))
    loaded = sync.load(loan)
    if on < loaded.book.accrued_through:
        raise _refuse("prepayment_date_invalid", _("提前还款只能在当前营业日办理。"))
    loaded.book.accrue(on)
    totals = loaded.book.totals()
    if totals.dpd > 0 or totals.penalty_receivable > 0 or totals.overdue_principal or totals.overdue_interest:
        raise Conflict("prepayment_with_arrears", _("贷款有逾期欠款或罚息未还，请先归还逾期部分再提前还款。"))
    if any(row.due_date <= on and row.settled_on is None for row in loaded.book.rows):
        raise Conflict("prepayment_current_due_unpaid", _("今日到期的本期款项尚未还清，请先归还本期。"))
    schedule, _first = open_schedule(loan, items)
    outstanding = from_fen(totals.principal_outstanding)
    result = _prepay(loan, schedule, principal if principal is not None else outstanding, on, keep)
    repayment = _rebuild(loaded, result, on=on, key=key, channel=channel, actor=actor)
    audit_record(
        actor=actor,
        action="loan.prepay",
        target=repayment,
        after={
            "loan": loan.number,
            "principal": result.amount,
            "accrued_interest": result.accrued_interest,
            "prepayment_fee": result.penalty,
            "full": result.full,
            "keep": keep,
            "date": on,
            "idempotency_key": key,
        },
    )
    return repayment


def _rebuild(
    loaded: sync.Loaded,
    result: PrepaymentResult,
    *,
    on: date,
    key: str,
    channel: str,
    actor: User,
) -> Repayment:
    """Replace the open schedule by the prepayment instalment and the new schedule, pay it, post."""
    loan, book = loaded.loan, loaded.book
    replace_with_prepayment(loaded, result, on=on)
    allocation = book.pay(on, to_fen(result.total_due))
    repayment = Repayment.objects.create(
        loan=loan,
        value_date=on,
        business_date=on,
        amount=result.total_due,
        channel=channel,
        kind=RepaymentKind.SETTLEMENT if result.full else RepaymentKind.PREPAYMENT,
        idempotency_key=key,
        allocation=sync.describe(allocation),
        posted_by=actor,
        posted_at=timezone.now(),
    )
    sync.save(
        loaded,
        business_date=on,
        cash_kind=EntryKind.PREPAYMENT,
        reference=f"repayment:{repayment.pk}",
        memo=_("提前还款本金 %(amount)s 元") % {"amount": result.amount},
        actor=actor,
    )
    return repayment


def replace_with_prepayment(loaded: sync.Loaded, result: PrepaymentResult, *, on: date) -> None:
    """The open schedule replaced by the prepayment instalment, due ``on`` (principal prepaid, the
    period's accrued interest, the fee), and the new schedule after it (none when settled in full); the
    book accrued to ``on``, not yet paid."""
    prepaid = Scheduled(
        0,
        on,
        result.amount + result.accrued_interest,
        result.amount,
        result.accrued_interest,
        result.outstanding - result.amount,
        result.penalty,
    )
    new_rows = result.new.installments if result.new is not None else ()
    replace_open_schedule(
        loaded,
        after=on,
        rows=(prepaid, *new_rows),
        terms=result.new.terms if result.new is not None else None,
        first_kind=InstallmentKind.PREPAYMENT,
    )


def overpayment_prepayment(loaded: sync.Loaded, *, on: date, amount: Decimal) -> PrepaymentResult | None:
    """What a repayment of ``amount`` on ``on`` prepays on a product whose overpayments prepay (the module
    rules), or None; ``loaded``: the loan's book before the repayment, accrued to ``on``. Nothing is
    changed: the caller replaces the schedule (``replace_with_prepayment``), then pays."""
    loan = loaded.loan
    if sync.servicing_rules(loan).overpayment != "prepay":
        return None
    trial = copy.deepcopy(loaded.book)
    trial.pay(on, to_fen(amount))
    totals = trial.totals()
    if totals.dpd or totals.penalty_receivable or totals.overdue_principal or totals.overdue_interest:
        return None
    if any(row.due_date <= on and row.settled_on is None for row in trial.rows):
        return None  # something due today still unpaid
    upcoming = next((row for row in trial.rows if row.settled_on is None), None)
    if upcoming is None:
        return None
    schedule, _first = open_schedule(loan, list(loan.installments.order_by("due_date", "period")))
    outstanding = from_fen(totals.principal_outstanding)
    available = from_fen(trial.credit)
    try:
        full = _prepay(loan, schedule, outstanding, on, KeepOption.TERM)
        if full.total_due <= available:
            return full
        kept = upcoming.principal_unpaid + upcoming.interest_unpaid + upcoming.fee_unpaid
        return _largest_prepayment(loan, schedule, from_fen(trial.credit - kept), outstanding, on)
    except DomainError:
        return None  # e.g. on or after the maturity date: the money stays as credit


def _largest_prepayment(
    loan: Loan, schedule: Schedule, spare: Decimal, outstanding: Decimal, on: date
) -> PrepaymentResult | None:
    """The prepayment of the most principal whose total (principal, the period's accrued interest, the
    fee) ``spare`` pays: the interest does not depend on the principal and the fee is proportional to it,
    so one division finds it, and a fen either way settles the rounding."""
    if spare < OVERPAYMENT_PREPAY_MINIMUM:
        return None
    ceiling = outstanding - CENT  # the whole principal is a settlement, tried by the caller

    def fits(principal: Decimal) -> PrepaymentResult | None:
        result = _prepay(loan, schedule, principal, on, KeepOption.TERM)
        return result if result.total_due <= spare else None

    probe = _prepay(loan, schedule, min(spare, ceiling), on, KeepOption.TERM)
    fee_share = probe.penalty / probe.amount
    principal = min(((spare - probe.accrued_interest) / (1 + fee_share)).quantize(CENT, ROUND_DOWN), ceiling)
    best = None
    for _fen in range(ROUNDING_STEPS):  # the estimate is off by the rounding of the fee, a fen or two
        if principal < OVERPAYMENT_PREPAY_MINIMUM or (best := fits(principal)) is not None:
            break
        principal -= CENT
    if best is None:
        return None
    for _fen in range(ROUNDING_STEPS):
        larger = fits(principal + CENT) if principal + CENT <= ceiling else None
        if larger is None:
            break
        principal, best = principal + CENT, larger
    return best
