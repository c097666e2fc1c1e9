"""Pages of loan servicing (贷款核算): the loan page with its balances, schedule, repayments, classification
history, ledger entries and timeline; the repayment form (还款登记), the reversal form (冲正) and the
manual classification form (人工认定五级分类). Each form calls its one service; a refusal is shown on the
form in Chinese and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods

from creditdesk.accounts import policy
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import ZERO, format_yuan, parse_decimal
from creditdesk.core.views.errors import refusal_on_form, refusals_as_http
from creditdesk.finance.classification import RiskClass
from creditdesk.finance.servicing import Bucket
from creditdesk.ledger.chart import Account, EntryKind, Side
from creditdesk.ledger.selectors import entries_for_loan
from creditdesk.loans import pdf, selectors
from creditdesk.loans.choices import RepaymentStatus
from creditdesk.loans.forms import ClassifyForm, RepaymentForm, ReversalForm
from creditdesk.loans.models import ClassificationChange, Installment, Loan, LoanStatus, Repayment
from creditdesk.loans.services.calendar import business_date
from creditdesk.loans.services.classification import loan_classify as classify_service
from creditdesk.loans.services.repayments import repayment_post
from creditdesk.loans.services.repayments import repayment_reverse as reverse_service

# statuses that still take repayments and classification (``loans.services.sync.OPEN``)
OPEN = (LoanStatus.ACTIVE, LoanStatus.OVERDUE)


# --- what the loan page shows -------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleRow:
    """An instalment with its state on the date the loan is accrued through."""

    item: Installment
    state: str  # settled / overdue / current / not_due
    label: str
    badge: str

    @property
    def penalty_unpaid(self) -> Decimal:
        return self.item.penalty - self.item.penalty_paid + self.item.compound - self.item.compound_paid


STATES = {
    "settled": (gettext_noop("已结清"), "text-bg-success"),
    "overdue": (gettext_noop("逾期"), "text-bg-danger"),
    "current": (gettext_noop("当期"), "text-bg-primary"),
    "not_due": (gettext_noop("未到期"), "text-bg-light"),
}


def schedule_rows(loan: Loan, installments: list[Installment]) -> list[ScheduleRow]:
    """Each instalment as 已结清 (settled), 逾期 (due on or before the day the loan is accrued through,
    unsettled, and the loan past due), 当期 (the first other unsettled one) or 未到期."""
    asof = loan.accrued_through or loan.value_date
    rows, current_seen = [], False
    for item in installments:
        if item.settled_on is not None:
            state = "settled"
        elif item.due_date <= asof and loan.dpd > 0:
            state = "overdue"
        elif not current_seen:
            state, current_seen = "current", True
        else:
            state = "not_due"
        label, badge = STATES[state]
        rows.append(ScheduleRow(item, state, _(label), badge))
    return rows


@dataclass(frozen=True)
class RepaymentRow:
    repayment: Repayment
    buckets: list[tuple[str, str]]  # (bucket label, amount)
    credit: Decimal
    reversible: bool


def _amount(text: Any) -> Decimal:
    try:
        return parse_decimal(text)
    except (ValueError, TypeError):
        return ZERO


def allocation_parts(allocation: dict[str, Any]) -> tuple[list[tuple[str, str]], Decimal]:
    """A stored allocation (``sync.describe``) as (bucket label, amount) in the order of allocation, and
    what went to 溢缴款."""
    buckets = allocation.get("buckets") or {}
    parts = [
        (_(bucket.label), format_yuan(_amount(buckets[bucket.value])))
        for bucket in Bucket
        if bucket.value in buckets and _amount(buckets[bucket.value]) != ZERO
    ]
    return parts, _amount(allocation.get("credit", "0"))


@dataclass(frozen=True)
class LedgerLine:
    side: str
    account: str
    amount: Decimal


@dataclass(frozen=True)
class LedgerRow:
    entry: Any
    kind: str
    lines: list[LedgerLine]


def ledger_rows(loan: Loan) -> list[LedgerRow]:
    rows = []
    for entry in entries_for_loan(loan.pk):
        lines = [
            LedgerLine(_(Side.label_of(line.side)), _(Account.label_of(line.account)), line.amount)
            for line in entry.lines.all()
        ]
        rows.append(LedgerRow(entry, _(EntryKind.label_of(entry.kind)), lines))
    return rows


@dataclass(frozen=True)
class Event:
    """One line of the loan's timeline."""

    on: date
    order: int  # within a day: disbursement, repayments, reversals, classification
    kind: str
    text: str
    badge: str = "text-bg-light"
    extra: list[str] = field(default_factory=list)


def _class_label(value: str) -> str:
    return _(RiskClass.label_of(value)) if value else ""


def timeline(loan: Loan, repayments: list[Repayment], changes: list[ClassificationChange]) -> list[Event]:
    """Disbursement, repayments, reversals and classification changes, newest first."""
    events = [
        Event(
            loan.value_date,
            0,
            _("放款"),
            _("放款 %(amount)s 元") % {"amount": format_yuan(loan.principal)},
            "text-bg-primary",
        )
    ]
    for repayment in repayments:
        events.append(
            Event(
                repayment.value_date,
                1,
                _("还款"),
                _("还款 %(amount)s 元（%(channel)s）")
                % {"amount": format_yuan(repayment.amount), "channel": repayment.get_channel_display()},
                "text-bg-success",
            )
        )
        if repayment.status == RepaymentStatus.REVERSED and repayment.reversed_at is not None:
            events.append(
                Event(
                    timezone.localdate(repayment.reversed_at),
                    2,
                    _("冲正"),
                    _("冲正 %(date)s 的还款 %(amount)s 元：%(reason)s")
                    % {
                        "date": repayment.value_date.isoformat(),
                        "amount": format_yuan(repayment.amount),
                        "reason": repayment.reversal_reason,
                    },
                    "text-bg-warning",
                )
            )
    for change in changes:
        events.append(
            Event(
                change.business_date,
                3,
                _("五级分类"),
                _("%(from)s → %(to)s（%(how)s）：%(reason)s")
                % {
                    "from": _class_label(change.from_class),
                    "to": _class_label(change.to_class),
                    "how": _("人工认定") if change.manual else _("按规则"),
                    "reason": change.reason,
                },
                "text-bg-info",
            )
        )
    return sorted(events, key=lambda event: (event.on, event.order), reverse=True)


SNAPSHOTS_SHOWN = 30  # the loan page's most recent end-of-day snapshots (the API pages through all)


def _open(loan: Loan) -> bool:
    return loan.status in OPEN


@login_required
@require_GET
def loan_detail(request: HttpRequest, loan_id: int) -> HttpResponse:
    """贷款账户: balances by bucket, the schedule with what was paid, repayments, classification history,
    ledger entries and a timeline — a fixed number of queries whatever the loan's history."""
    loan = selectors.loan_servicing_get_visible(user=request.user, loan_id=loan_id)
    context = pdf.notice_context(loan)
    repayments = list(loan.repayments.all())
    changes = list(loan.classification_changes.all())
    may_reverse = policy.can(request.user, Action.REPAYMENT_REVERSE, loan)
    repayment_rows = []
    for repayment in repayments:
        buckets, credit = allocation_parts(repayment.allocation or {})
        reversible = may_reverse and repayment.status == RepaymentStatus.POSTED
        repayment_rows.append(RepaymentRow(repayment, buckets, credit, reversible))
    context.update(
        {
            "schedule": schedule_rows(loan, context["installments"]),
            "repayments": repayment_rows,
            "changes": changes,
            "ledger": ledger_rows(loan),
            "snapshots": list(selectors.snapshots_of_loan(loan)[:SNAPSHOTS_SHOWN]),
            "timeline": timeline(loan, repayments, changes),
            "floor_label": _class_label(loan.risk_floor),
            "borrower_floor": _class_label(loan.borrower_floor),
            "risk_manual": _class_label(loan.risk_manual),
            "can_post": _open(loan) and policy.can(request.user, Action.REPAYMENT_POST, loan),
            "can_classify": _open(loan) and policy.can(request.user, Action.LOAN_CLASSIFY, loan),
        }
    )
    return render(request, "loans/loan_detail.html", context)


# --- forms -------------------------------------------------------------------------------------------------


def _refuse_unless(request: HttpRequest, action: Action, loan: Loan) -> None:
    refused = policy.refusal(request.user, action, loan)
    if refused is not None:
        raise PermissionDenied(refused.message)


@login_required
@require_http_methods(["GET", "POST"])
def repayment_new(request: HttpRequest, loan_id: int) -> HttpResponse:
    """还款登记: amount, value date (today's business date by default), channel, reference; posted once
    per form shown (the hidden idempotency key)."""
    loan = selectors.loan_get_visible(user=request.user, loan_id=loan_id)
    _refuse_unless(request, Action.REPAYMENT_POST, loan)
    form = RepaymentForm(request.POST or None, initial={"value_date": business_date()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with refusals_as_http():
                repayment = repayment_post(
                    actor=request.user,
                    loan_id=loan.pk,
                    amount=data["amount"],
                    idempotency_key=data["idempotency_key"],
                    value_date=data["value_date"],
                    channel=data["channel"],
                    reference=data["reference"],
                )
        except DomainError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(
                request,
                _("已登记还款 %(amount)s 元，起息日 %(date)s。")
                % {"amount": format_yuan(repayment.amount), "date": repayment.value_date.isoformat()},
            )
            return redirect("loans:detail", loan_id=loan.pk)
    return render(request, "loans/repayment_form.html", {"loan": loan, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def repayment_reverse(request: HttpRequest, repayment_id: int) -> HttpResponse:
    """冲正 a repayment (a risk manager of the loan's branch), with a reason."""
    repayment = selectors.repayment_get_visible(user=request.user, repayment_id=repayment_id)
    loan = repayment.loan
    _refuse_unless(request, Action.REPAYMENT_REVERSE, loan)
    form = ReversalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with refusals_as_http():
                reverse_service(
                    actor=request.user, repayment_id=repayment.pk, reason=form.cleaned_data["reason"]
                )
        except DomainError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(
                request,
                _("已冲正 %(date)s 的还款 %(amount)s 元。")
                % {"date": repayment.value_date.isoformat(), "amount": format_yuan(repayment.amount)},
            )
            return redirect("loans:detail", loan_id=loan.pk)
    buckets, credit = allocation_parts(repayment.allocation or {})
    context = {"loan": loan, "repayment": repayment, "buckets": buckets, "credit": credit, "form": form}
    return render(request, "loans/reversal_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def loan_classify(request: HttpRequest, loan_id: int) -> HttpResponse:
    """人工认定五级分类 (a risk manager of the loan's branch): a class at or below the rules' floor, or the
    judgement withdrawn, always with a reason."""
    loan = selectors.loan_get_visible(user=request.user, loan_id=loan_id)
    _refuse_unless(request, Action.LOAN_CLASSIFY, loan)
    form = ClassifyForm(request.POST or None, initial={"risk_class": loan.risk_manual or loan.risk_class})
    if request.method == "POST" and form.is_valid():
        try:
            with refusals_as_http():
                classified = classify_service(
                    actor=request.user,
                    loan_id=loan.pk,
                    risk_class=form.chosen_class(),
                    reason=form.cleaned_data["reason"],
                )
        except DomainError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(
                request,
                _("五级分类已更新为「%(label)s」。") % {"label": classified.get_risk_class_display()},
            )
            return redirect("loans:detail", loan_id=loan.pk)
    context = {
        "loan": loan,
        "form": form,
        "floor": _class_label(loan.risk_floor),
        "manual": _class_label(loan.risk_manual),
    }
    return render(request, "loans/classify_form.html", context)
