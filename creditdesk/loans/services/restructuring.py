"""Restructuring (贷款重组): extension (展期) previewed then done, and write-off (核销) with approval.

Extension rules (RULES.md "Extension (展期) limits", "Five-category classification"; issue 16, item 7):
- By a risk manager of the loan's branch (``Action.LOAN_RESTRUCTURE``), with a reason, on an open loan
  before its maturity, with no arrears (``extension_with_arrears``: overdue amounts are settled first).
- The months added may not pass the limit of the original term: up to one year, the original term; over
  one year up to five, half of it; over five years, three years (``extension_beyond_limit``); several
  extensions of one loan count together.
- The open part of the schedule is rebuilt on the contract rate from the last due date (or the value
  date): the same method over the remaining periods plus the months added (a bullet loan moves its
  maturity), so the current period's interest is what it would have been.
- Because of the borrower's financial difficulty: a restructuring — the loan is observed from the first
  repayment date after it, for at least two periods and one year (at best 关注; a missed payment or a
  second restructuring in it, or NPL when restructured: at best 次级). Without difficulty (a business
  reason): the schedule changes, the classification rules do not.

Write-off rules (核销, 账销案存): a risk manager proposes (``Action.WRITE_OFF_PROPOSE``) an NPL loan with a
reason; the branch head, not the proposer, decides (``Action.WRITE_OFF_DECIDE``). On approval the loan's
receivables leave the ledger for the write-off account (the amounts stay on the ``WriteOff``: the borrower
still owes them) and the loan is closed to servicing; money received afterwards is recovery income
(``recovery_post``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy, scope
from creditdesk.accounts.models import User
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import Conflict, DomainError, NotFound
from creditdesk.core.money import ZERO
from creditdesk.finance.classification import RiskClass, extension_limit_months, observation_end
from creditdesk.finance.schedule import Schedule, build_schedule
from creditdesk.finance.terms import CalculationError, Frequency, LoanTerms, Method, due_date
from creditdesk.ledger.chart import Account, EntryKind
from creditdesk.ledger.services import signed_post
from creditdesk.loans import locks
from creditdesk.loans.choices import RepaymentChannel, RepaymentKind, RestructuringKind, WriteOffStatus
from creditdesk.loans.models import Loan, LoanStatus, Repayment, Restructuring, WriteOff
from creditdesk.loans.services import inputs, sync
from creditdesk.loans.services.calendar import business_date
from creditdesk.loans.services.rebuild import contract_terms, replace_open_schedule

REASON_MAX = 300


def _refuse(code: str, message: str, field: str = "months", **extra: Any) -> DomainError:
    return DomainError(code, message, {"field": field, **extra})


def restructuring_reason(text: str) -> str:
    """The reason a restructuring or a write-off is recorded with (``reason_required``)."""
    return inputs.reason(text, limit=REASON_MAX, message=_("请填写原因（不超过 %(n)s 字）。"))


@dataclass(frozen=True)
class ExtensionPreview:
    """展期试算: the schedule that would replace the open instalments, and the limits it was checked on."""

    months: int
    limit_months: int
    already_extended: int
    old_maturity: date
    new_maturity: date
    principal: Decimal
    schedule: Schedule
    start: date

    def as_dict(self) -> dict[str, Any]:
        return {
            "months": self.months,
            "limit_months": self.limit_months,
            "already_extended": self.already_extended,
            "old_maturity": self.old_maturity.isoformat(),
            "new_maturity": self.new_maturity.isoformat(),
            "principal": str(self.principal),
            "total_interest": str(self.schedule.total_interest),
            "installments": [
                {
                    "due_date": row.due_date.isoformat(),
                    "principal": str(row.principal),
                    "interest": str(row.interest),
                    "payment": str(row.payment),
                    "balance": str(row.balance),
                }
                for row in self.schedule.installments
            ],
        }


def extension_preview(*, loan: Loan, months: object) -> ExtensionPreview:
    """What an extension by ``months`` would do (a read; the loan must be visible to the caller)."""
    try:
        months = int(str(months))
    except (TypeError, ValueError):
        raise _refuse("months_invalid", _("请输入展期月数（整数）。")) from None
    if months < 1:
        raise _refuse("months_invalid", _("展期月数须至少为 1 个月。"))
    if loan.status not in sync.OPEN:
        raise Conflict(
            "loan_closed", _("贷款已%(status)s，不能展期。") % {"status": loan.get_status_display()}
        )
    today = business_date()
    if today >= loan.maturity_date:
        raise Conflict("extension_after_maturity", _("展期须在贷款到期日之前办理。"))
    if loan.dpd > 0 or loan.overdue_principal or loan.overdue_interest or loan.penalty_receivable:
        raise Conflict("extension_with_arrears", _("贷款有逾期欠款，请先归还逾期部分再办理展期。"))
    limit = extension_limit_months(loan.term_months)
    already = (
        Restructuring.objects.filter(loan=loan, kind=RestructuringKind.EXTENSION).aggregate(
            total=Sum("months")
        )["total"]
        or 0
    )
    if already + months > limit:
        raise _refuse(
            "extension_beyond_limit",
            _("原期限 %(term)s 个月的贷款展期累计不得超过 %(limit)s 个月（已展期 %(already)s 个月）。")
            % {"term": loan.term_months, "limit": limit, "already": already},
            limit_months=limit,
        )
    items = list(loan.installments.order_by("due_date", "period"))
    done = [item for item in items if item.settled_on is not None or item.due_date <= today]
    future = [item for item in items if item not in done]
    start = done[-1].due_date if done else loan.value_date
    principal = loan.principal_outstanding
    terms = contract_terms(loan)
    new_maturity = due_date(loan.maturity_date, months)
    if Method(terms.method) == Method.BULLET:
        periods, first_due = _months_between(start, new_maturity), new_maturity
    else:
        per_period = Frequency(terms.frequency).months_per_period
        periods = len(future) + max(months // per_period, 1)
        first_due = future[0].due_date if future else due_date(start, per_period)
    try:
        schedule = build_schedule(
            LoanTerms(
                method=terms.method,
                principal=principal,
                annual_rate=terms.annual_rate,
                periods=periods,
                start_date=start,
                frequency=terms.frequency,
                first_due_date=first_due,
                fees=terms.fees,
            )
        )
    except CalculationError as exc:
        raise DomainError(exc.code, exc.message, exc.extra) from exc
    return ExtensionPreview(
        months=months,
        limit_months=limit,
        already_extended=already,
        old_maturity=loan.maturity_date,
        new_maturity=schedule.maturity_date,
        principal=principal,
        schedule=schedule,
        start=start,
    )


def _months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return max(months, 1)


@transaction.atomic(durable=True)
def loan_extend(
    *, actor: User, loan_id: int, months: object, reason: str, financial_difficulty: bool
) -> Restructuring:
    """展期 (see the module rules): the open instalments replaced by the preview's schedule."""
    reason = restructuring_reason(reason)
    inputs.require_loan_visible(actor, loan_id)
    loan = locks.loan_lock(loan_id)
    policy.require(actor, Action.LOAN_RESTRUCTURE, loan)
    preview = extension_preview(loan=loan, months=months)
    today = business_date()
    loaded = sync.load(loan)
    loaded.book.accrue(today)
    created = replace_open_schedule(
        loaded,
        after=today,
        rows=[row for row in preview.schedule.installments if row.due_date > today],
        terms=preview.schedule.terms,
    )
    observation = None
    if financial_difficulty:
        observation = observation_end([item.due_date for item in created])
        if sync.in_observation(loan, today):
            loan.observation_missed = True  # a second restructuring within the observation period
        else:
            loan.observation_missed = False
        loan.observation_was_npl = RiskClass(loan.risk_class).is_npl
        loan.restructured_on = today
        loan.observation_ends_on = observation
        loan.restructure_count += 1
    loan.save(
        update_fields=[
            "restructured_on",
            "observation_ends_on",
            "observation_missed",
            "observation_was_npl",
            "restructure_count",
        ]
    )
    restructuring = Restructuring.objects.create(
        loan=loan,
        kind=RestructuringKind.EXTENSION,
        business_date=today,
        months=preview.months,
        old_maturity=preview.old_maturity,
        new_maturity=preview.new_maturity,
        principal=preview.principal,
        financial_difficulty=financial_difficulty,
        observation_ends_on=observation,
        reason=reason,
        done_by=actor,
        done_at=timezone.now(),
    )
    sync.save(
        loaded,
        business_date=today,
        accrual_kind=EntryKind.RESTRUCTURE,
        cash_kind=EntryKind.RESTRUCTURE,
        reference=f"restructuring:{restructuring.pk}",
        memo=_("展期 %(n)s 个月") % {"n": preview.months},
        actor=actor,
    )
    if financial_difficulty:
        sync.classify(
            loan,
            business_date=today,
            actor=actor,
            reason=_("因借款人财务困难展期，观察期至 %(date)s。") % {"date": observation},
        )
        loan.save(update_fields=["risk_class", "risk_floor", "risk_manual"])
    audit_record(
        actor=actor,
        action="loan.extend",
        target=restructuring,
        after={
            "loan": loan.number,
            "months": preview.months,
            "old_maturity": preview.old_maturity,
            "new_maturity": preview.new_maturity,
            "financial_difficulty": financial_difficulty,
            "observation_ends_on": observation,
            "reason": reason,
        },
    )
    return restructuring


# --- write-off ---------------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def writeoff_propose(*, actor: User, loan_id: int, reason: str) -> WriteOff:
    """核销申请 by a risk manager: an open NPL loan (``write_off_not_npl``), once (``write_off_exists``)."""
    reason = restructuring_reason(reason)
    inputs.require_loan_visible(actor, loan_id)
    loan = locks.loan_lock(loan_id)
    policy.require(actor, Action.WRITE_OFF_PROPOSE, loan)
    if loan.status not in sync.OPEN:
        raise Conflict(
            "loan_closed", _("贷款已%(status)s，不能核销。") % {"status": loan.get_status_display()}
        )
    if not RiskClass(loan.risk_class).is_npl:
        raise Conflict("write_off_not_npl", _("只有不良贷款（次级、可疑、损失）可以申请核销。"))
    if WriteOff.objects.filter(loan=loan).exclude(status=WriteOffStatus.REJECTED).exists():
        raise Conflict("write_off_exists", _("该贷款已有核销申请。"))
    WriteOff.objects.filter(loan=loan, status=WriteOffStatus.REJECTED).delete()
    write_off = WriteOff.objects.create(
        loan=loan, reason=reason, proposed_by=actor, proposed_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="write_off.propose",
        target=write_off,
        after={"loan": loan.number, "reason": reason},
    )
    return write_off


@transaction.atomic(durable=True)
def writeoff_decide(*, actor: User, write_off_id: int, approve: bool) -> WriteOff:
    """The branch head approves or rejects a proposed write-off (see the module rules)."""
    found = (
        scope.visible(actor, WriteOff.objects.filter(pk=write_off_id))
        .values_list("loan_id", flat=True)
        .first()
    )
    if found is None:
        raise NotFound("write_off_not_found", _("没有这笔核销申请。"))
    loan = locks.loan_lock(found)
    write_off = WriteOff.objects.select_related("loan__owner").get(pk=write_off_id)
    policy.require(actor, Action.WRITE_OFF_DECIDE, write_off)
    if write_off.status != WriteOffStatus.PROPOSED:
        raise Conflict("write_off_decided", _("该核销申请已审批。"))
    write_off.decided_by, write_off.decided_at = actor, timezone.now()
    if not approve:
        write_off.status = WriteOffStatus.REJECTED
        write_off.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(actor=actor, action="write_off.reject", target=write_off, after={"loan": loan.number})
        return write_off
    today = business_date()
    loaded = sync.load(loan)
    loaded.book.accrue(max(today, loaded.book.accrued_through))
    sync.save(
        loaded, business_date=today, reference=f"write_off:{write_off.pk}", memo=_("核销前计提"), actor=actor
    )
    loan.refresh_from_db()
    amounts = {
        Account.LOANS_RECEIVABLE: loan.principal_outstanding,
        Account.INTEREST_RECEIVABLE: loan.interest_receivable,
        Account.PENALTY_RECEIVABLE: loan.penalty_receivable,
        Account.FEE_RECEIVABLE: loan.fee_receivable,
    }
    total = sum(amounts.values(), ZERO)
    signed_post(
        kind=EntryKind.WRITE_OFF,
        business_date=today,
        deltas={**{account: -amount for account, amount in amounts.items()}, Account.WRITE_OFF: total},
        loan_id=loan.pk,
        reference=f"write_off:{write_off.pk}",
        memo=_("核销 %(number)s") % {"number": loan.number},
        actor=actor,
    )
    write_off.status = WriteOffStatus.APPROVED
    write_off.business_date = today
    write_off.principal = amounts[Account.LOANS_RECEIVABLE]
    write_off.interest = amounts[Account.INTEREST_RECEIVABLE]
    write_off.penalty = amounts[Account.PENALTY_RECEIVABLE]
    write_off.fee = amounts[Account.FEE_RECEIVABLE]
    write_off.save()
    Loan.objects.filter(pk=loan.pk).update(
        status=LoanStatus.WRITTEN_OFF,
        principal_outstanding=ZERO,
        interest_receivable=ZERO,
        penalty_receivable=ZERO,
        fee_receivable=ZERO,
        closed_on=today,
    )
    audit_record(
        actor=actor,
        action="write_off.approve",
        target=write_off,
        after={
            "loan": loan.number,
            "principal": write_off.principal,
            "interest": write_off.interest,
            "total": total,
        },
    )
    return write_off


@transaction.atomic(durable=True)
def recovery_post(*, actor: User, loan_id: int, amount: object, idempotency_key: str) -> Repayment:
    """核销后收回: money received on a written-off loan is recovery income (the sub-ledger stays zero);
    recorded as a repayment of kind recovery, once per key, and added to the write-off's recoveries."""
    amount = inputs.repayment_amount(amount)
    key = inputs.idempotency_key(idempotency_key)
    inputs.require_loan_visible(actor, loan_id)
    loan = locks.loan_lock(loan_id)
    policy.require(actor, Action.REPAYMENT_POST, loan)
    first = Repayment.objects.filter(loan=loan, idempotency_key=key).first()
    if first is not None:
        return first
    if loan.status != LoanStatus.WRITTEN_OFF:
        raise Conflict("loan_not_written_off", _("该贷款未核销，请按正常还款登记。"))
    today = business_date()
    repayment = Repayment.objects.create(
        loan=loan,
        value_date=today,
        business_date=today,
        amount=amount,
        channel=RepaymentChannel.TRANSFER,
        kind=RepaymentKind.RECOVERY,
        idempotency_key=key,
        allocation={"buckets": {}, "shares": [], "credit": "0.00", "recovery": str(amount)},
        posted_by=actor,
        posted_at=timezone.now(),
    )
    signed_post(
        kind=EntryKind.RECOVERY,
        business_date=today,
        deltas={Account.CLEARING: amount, Account.RECOVERY_INCOME: amount},
        loan_id=loan.pk,
        reference=f"repayment:{repayment.pk}",
        memo=_("核销后收回"),
        actor=actor,
    )
    write_off = WriteOff.objects.get(loan=loan)
    write_off.recovered += amount
    write_off.save(update_fields=["recovered"])
    audit_record(
        actor=actor,
        action="write_off.recover",
        target=repayment,
        after={"loan": loan.number, "amount": amount},
    )
    return repayment
