"""Repayments (还款): posted once per idempotency key, allocated in the product's order, and reversed
only by a risk manager.

Rules (issue 16, item 3; PRODUCT.md §6; RULES.md):
- An amount is a positive number of yuan with at most two decimals (``amount_invalid``,
  ``amount_not_positive``); the value date (起息日) is on or after the disbursement
  (``value_date_before_disbursement``) and not after the bank's business date (``value_date_in_future``);
  a loan that is closed or written off takes no repayment (``loan_closed``).
- Once per key: the same key for the same loan returns the first repayment and posts nothing; the same key
  with another amount or date is refused (``idempotency_key_reused``). Two repayments at the same instant
  queue on the loan's row lock: both apply, one after the other.
- A repayment dated on or after the date the loan is accrued through moves the loan forward; an earlier
  one (backdated across an end-of-day run, a rate reset …) replays the loan's history from the schedule:
  penalty and 复利 are recomputed from its value date and later repayments reallocated; the ledger gets
  the difference (an adjustment entry for the accrual, the repayment entry for the money).
- What is paid beyond what is owed is kept as credit (溢缴款), applied to each instalment on its due date;
  on a product whose overpayments prepay (``overpayment: "prepay"``), what is left beyond the next
  instalment prepays principal with the term kept (``prepayment.overpayment_prepayment``).
- Reversal (冲正): the repayment stays, marked reversed with who, when and why; the loan is replayed
  without it and the ledger posts the difference as a reversal.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy, scope
from creditdesk.accounts.models import User
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import Conflict, DomainError, NotFound
from creditdesk.core.money import to_fen
from creditdesk.ledger.chart import EntryKind
from creditdesk.loans import locks
from creditdesk.loans.choices import RepaymentChannel, RepaymentStatus
from creditdesk.loans.models import LoanStatus, Repayment
from creditdesk.loans.services import inputs, prepayment, sync
from creditdesk.loans.services.calendar import business_date

REFERENCE_MAX, REASON_MAX = 64, 200


def repayment_post(
    *,
    actor: User,
    loan_id: int,
    amount: object,
    idempotency_key: str,
    value_date: date | None = None,
    channel: str = RepaymentChannel.COUNTER,
    reference: str = "",
) -> Repayment:
    """Post a repayment to a loan (the rules are the module's)."""
    amount = inputs.repayment_amount(amount)
    key = inputs.idempotency_key(idempotency_key)
    if channel not in RepaymentChannel.values:
        raise inputs.refuse("channel_invalid", _("还款渠道无效。"), "channel")
    reference = (reference or "").strip()
    if len(reference) > REFERENCE_MAX:
        raise inputs.refuse(
            "reference_too_long", _("交易流水号不能超过 %(n)s 个字符。") % {"n": REFERENCE_MAX}, "reference"
        )
    try:
        return _post(
            actor=actor,
            loan_id=loan_id,
            amount=amount,
            key=key,
            value_date=value_date,
            channel=channel,
            reference=reference,
        )
    except IntegrityError:
        # the unique (loan, key) is the last word if two requests ever got past the lock together
        first = Repayment.objects.filter(loan_id=loan_id, idempotency_key=key).first()
        if first is not None:
            return _replay(first, amount, value_date)
        raise


def _replay(first: Repayment, amount: Decimal, value_date: date | None) -> Repayment:
    if first.amount != amount or (value_date is not None and first.value_date != value_date):
        raise DomainError(
            "idempotency_key_reused",
            _("该幂等键已用于另一笔不同的还款，请换一个新的键。"),
            {"field": "idempotency_key"},
        )
    first.replayed = True  # type: ignore[attr-defined]
    return first


@transaction.atomic(durable=True)
def _post(
    *,
    actor: User,
    loan_id: int,
    amount: Decimal,
    key: str,
    value_date: date | None,
    channel: str,
    reference: str,
) -> Repayment:
    inputs.require_loan_visible(actor, loan_id)
    loan = locks.loan_lock(loan_id)
    policy.require(actor, Action.REPAYMENT_POST, loan)
    first = Repayment.objects.filter(loan=loan, idempotency_key=key).first()
    if first is not None:
        return _replay(first, amount, value_date)
    if loan.status not in sync.OPEN:
        raise Conflict(
            "loan_closed", _("贷款已%(status)s，不能再登记还款。") % {"status": loan.get_status_display()}
        )
    today = business_date()
    on = value_date or today
    if on > today:
        raise inputs.refuse(
            "value_date_in_future",
            _("起息日不能晚于当前营业日 %(date)s。") % {"date": today.isoformat()},
            "value_date",
        )
    if on < loan.value_date:
        raise inputs.refuse(
            "value_date_before_disbursement",
            _("起息日不能早于放款日 %(date)s。") % {"date": loan.value_date.isoformat()},
            "value_date",
        )
    loaded = sync.load(loan)
    repayment = Repayment.objects.create(
        loan=loan,
        value_date=on,
        business_date=today,
        amount=amount,
        channel=channel,
        reference=reference,
        idempotency_key=key,
        posted_by=actor,
        posted_at=timezone.now(),
    )
    backdated = on < loaded.book.accrued_through
    prepaid = None
    if backdated:
        sync.replayed(loaded, sync.posted_payments(loan), loaded.book.accrued_through)
        repayment.allocation = next(r.allocation for r in loaded.repayments_changed if r.pk == repayment.pk)
    else:
        loaded.book.accrue(on)
        prepaid = prepayment.overpayment_prepayment(loaded, on=on, amount=amount)
        if prepaid is not None:  # the product prepays with an overpayment: the schedule first, then the money
            prepayment.replace_with_prepayment(loaded, prepaid, on=on)
        repayment.allocation = sync.describe(loaded.book.pay(on, to_fen(amount)))
        repayment.save(update_fields=["allocation"])
    memo = _("还款 %(amount)s 元，起息日 %(date)s") % {"amount": amount, "date": on.isoformat()}
    if prepaid is not None:
        memo += _("，其中提前还本 %(principal)s 元") % {"principal": prepaid.amount}
    sync.save(
        loaded,
        business_date=today,
        cash_kind=EntryKind.REPAYMENT,
        accrual_kind=EntryKind.ADJUSTMENT if backdated else EntryKind.ACCRUAL,
        reference=f"repayment:{repayment.pk}",
        memo=memo,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="repayment.post",
        target=repayment,
        after={
            "loan": loan.number,
            "amount": amount,
            "value_date": on,
            "business_date": today,
            "channel": channel,
            "reference": reference,
            "backdated": backdated,
            "prepaid_principal": prepaid.amount if prepaid is not None else None,
            "prepayment_fee": prepaid.penalty if prepaid is not None else None,
            "allocation": repayment.allocation,
            "idempotency_key": key,
        },
    )
    return repayment


@transaction.atomic(durable=True)
def repayment_reverse(*, actor: User, repayment_id: int, reason: str) -> Repayment:
    """冲正 a repayment (a risk manager of the loan's branch, with a reason): see the module rules.
    A repayment already reversed is refused (``repayment_already_reversed``)."""
    reason = inputs.reason(reason, limit=REASON_MAX, message=_("请填写冲正原因（不超过 %(n)s 字）。"))
    found = (
        scope.visible(actor, Repayment.objects.filter(pk=repayment_id))
        .values_list("loan_id", flat=True)
        .first()
    )
    if found is None:
        raise NotFound("repayment_not_found", _("没有这笔还款。"))
    loan = locks.loan_lock(found)
    policy.require(actor, Action.REPAYMENT_REVERSE, loan)
    repayment = Repayment.objects.get(pk=repayment_id)
    if repayment.status == RepaymentStatus.REVERSED:
        raise Conflict("repayment_already_reversed", _("该笔还款已冲正。"))
    if loan.status == LoanStatus.WRITTEN_OFF:
        raise Conflict("loan_closed", _("贷款已核销，不能冲正其还款。"))
    if loan.status == LoanStatus.CLOSED:
        loan.status = LoanStatus.ACTIVE  # reopened: the sync sets 正常 or 逾期 from the replay
        loan.closed_on = None
    loaded = sync.load(loan)
    repayment.status = RepaymentStatus.REVERSED
    repayment.reversed_by = actor
    repayment.reversed_at = timezone.now()
    repayment.reversal_reason = reason
    repayment.save(update_fields=["status", "reversed_by", "reversed_at", "reversal_reason"])
    sync.replayed(loaded, sync.posted_payments(loan), loaded.book.accrued_through)
    sync.save(
        loaded,
        business_date=business_date(),
        cash_kind=EntryKind.REVERSAL,
        accrual_kind=EntryKind.ADJUSTMENT,
        reference=f"repayment:{repayment.pk}",
        memo=_("冲正还款：%(reason)s") % {"reason": reason},
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="repayment.reverse",
        target=repayment,
        before={"status": RepaymentStatus.POSTED},
        after={
            "status": RepaymentStatus.REVERSED,
            "reason": reason,
            "loan": loan.number,
            "amount": repayment.amount,
        },
    )
    return repayment
