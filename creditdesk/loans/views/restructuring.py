"""Pages of prepayment and restructuring (提前还款与贷款重组): the early settlement quote (提前结清试算),
prepayment (提前还款), extension previewed then done (展期), refinance (借新还旧), and write-off proposed,
decided and recovered (核销、核销审批、核销后收回) — plus the loan page's 重组与核销 card (htmx). Each form
calls its one service; a refusal is shown on the form in Chinese and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods

from creditdesk.accounts import policy
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import format_yuan
from creditdesk.core.views.errors import refusal_on_form, refusals_as_http
from creditdesk.finance.classification import RiskClass
from creditdesk.finance.terms import Method
from creditdesk.loans import selectors
from creditdesk.loans.choices import RepaymentKind, WriteOffStatus
from creditdesk.loans.forms import (
    ExtensionForm,
    ExtensionMonthsForm,
    PrepaymentForm,
    QuoteDateForm,
    RecoveryForm,
    RefinanceForm,
    WriteOffDecisionForm,
    WriteOffForm,
)
from creditdesk.loans.models import Loan, LoanStatus
from creditdesk.loans.services.calendar import business_date
from creditdesk.loans.services.prepayment import SettlementQuote, prepayment_post, settlement_quote
from creditdesk.loans.services.refinance import loan_refinance as refinance_service
from creditdesk.loans.services.restructuring import (
    ExtensionPreview,
    extension_preview,
    loan_extend,
    recovery_post,
    writeoff_decide,
    writeoff_propose,
)

# statuses that still take prepayments, extensions, refinance and write-off (``loans.services.sync.OPEN``)
OPEN = (LoanStatus.ACTIVE, LoanStatus.OVERDUE)


def _open(loan: Loan) -> bool:
    return loan.status in OPEN


def _refuse_unless(request: HttpRequest, action: Action, obj: Any) -> None:
    refused = policy.refusal(request.user, action, obj)
    if refused is not None:
        raise PermissionDenied(refused.message)


# --- 提前结清试算 ------------------------------------------------------------------------------------------

QUOTE_LINES = (
    ("arrears", gettext_noop("逾期欠款")),
    ("penalty", gettext_noop("罚息及复利")),
    ("due_today", gettext_noop("今日到期")),
    ("principal", gettext_noop("剩余本金")),
    ("accrued_interest", gettext_noop("应计利息")),
    ("prepayment_fee", gettext_noop("提前还款违约金")),
)


@dataclass(frozen=True)
class QuoteLine:
    key: str
    label: str
    amount: Decimal


def quote_lines(quote: SettlementQuote) -> list[QuoteLine]:
    """The quote's parts in the order the customer pays them (the credit balance is shown apart: it is
    refunded once the loan is settled, not deducted)."""
    return [QuoteLine(key, _(label), getattr(quote, key)) for key, label in QUOTE_LINES]


def _quote_or_none(loan: Loan) -> SettlementQuote | None:
    try:
        return settlement_quote(loan=loan, on=business_date())
    except DomainError:
        return None


@login_required
@require_GET
def loan_settlement_quote(request: HttpRequest, loan_id: int) -> HttpResponse:
    """提前结清试算 for a date (the business date by default): whoever sees the loan."""
    loan = selectors.loan_get_visible(user=request.user, loan_id=loan_id)
    today = business_date()
    form = QuoteDateForm(request.GET or None, initial={"date": today})
    quote = None
    if not form.is_bound or form.is_valid():
        on = (form.cleaned_data.get("date") if form.is_bound else None) or today
        try:
            quote = settlement_quote(loan=loan, on=on)
        except DomainError as exc:
            if form.is_bound:
                refusal_on_form(form, exc)
            else:
                messages.error(request, exc.message)
    context = {
        "loan": loan,
        "form": form,
        "quote": quote,
        "lines": quote_lines(quote) if quote else [],
        "today": today,
        "can_prepay": _open(loan) and policy.can(request.user, Action.REPAYMENT_POST, loan),
    }
    return render(request, "loans/settlement_quote.html", context)


# --- 提前还款 ----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def prepayment_new(request: HttpRequest, loan_id: int) -> HttpResponse:
    """提前还款 on the business date: part of the principal (the customer keeps the term or the payment)
    or 全部结清; posted once per form shown (the hidden idempotency key)."""
    loan = selectors.loan_get_visible(user=request.user, loan_id=loan_id)
    _refuse_unless(request, Action.REPAYMENT_POST, loan)
    form = PrepaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with refusals_as_http():
                repayment = prepayment_post(
                    actor=request.user,
                    loan_id=loan.pk,
                    amount=data["amount"],
                    keep=data["keep"],
                    idempotency_key=data["idempotency_key"],
                )
        except DomainError as exc:
            refusal_on_form(form, exc)
        else:
            if repayment.kind == RepaymentKind.SETTLEMENT:
                text = _("贷款已提前结清，收款 %(amount)s 元。")
            else:
                text = _("已办理提前还款，收款 %(amount)s 元（含应计利息及违约金），还款计划已重排。")
            messages.success(request, text % {"amount": format_yuan(repayment.amount)})
            return redirect("loans:detail", loan_id=loan.pk)
    quote = _quote_or_none(loan)
    context = {"loan": loan, "form": form, "quote": quote, "lines": quote_lines(quote) if quote else []}
    return render(request, "loans/prepayment_form.html", context)


# --- 展期 --------------------------------------------------------------------------------------------------


def _preview(loan: Loan, months: int, form: Any = None) -> ExtensionPreview | None:
    """The preview, or None with the refusal on ``form`` (when given: a bound form)."""
    try:
        return extension_preview(loan=loan, months=months)
    except DomainError as exc:
        if form is not None:
            refusal_on_form(form, exc, field="months")
        return None


@login_required
@require_http_methods(["GET", "POST"])
def loan_extension(request: HttpRequest, loan_id: int) -> HttpResponse:
    """展期 (a risk manager of the loan's branch): ``?months=N`` previews the new schedule within the
    limit; the confirmation form (months, reason, financial difficulty) extends the loan."""
    loan = selectors.loan_get_visible(user=request.user, loan_id=loan_id)
    _refuse_unless(request, Action.LOAN_RESTRUCTURE, loan)
    preview = None
    if request.method == "POST":
        months_form = ExtensionMonthsForm(initial={"months": request.POST.get("months")})
        form = ExtensionForm(request.POST)
        if form.is_valid():
            data, months = form.cleaned_data, form.cleaned_data["months"]
            try:
                with refusals_as_http():
                    restructuring = loan_extend(
                        actor=request.user,
                        loan_id=loan.pk,
                        months=months,
                        reason=data["reason"],
                        financial_difficulty=data["financial_difficulty"],
                    )
            except DomainError as exc:
                refusal_on_form(form, exc)
            else:
                messages.success(
                    request,
                    _("已展期 %(n)s 个月，到期日由 %(old)s 调整为 %(new)s。")
                    % {
                        "n": restructuring.months,
                        "old": restructuring.old_maturity.isoformat(),
                        "new": restructuring.new_maturity.isoformat(),
                    },
                )
                return redirect("loans:detail", loan_id=loan.pk)
            # the schedule asked for stays in view while the refusal is corrected (a refusal about
            # the months themselves is already on the form)
            preview = _preview(loan, months)
    else:
        months_form = ExtensionMonthsForm(request.GET or None)
        form = ExtensionForm(initial={"months": request.GET.get("months")})
        if months_form.is_bound and months_form.is_valid():
            preview = _preview(loan, months_form.cleaned_data["months"], months_form)
    context = {"loan": loan, "months_form": months_form, "form": form, "preview": preview}
    return render(request, "loans/extension_form.html", context)


# --- 借新还旧 ----------------------------------------------------------------------------------------------


def product_methods(loan: Loan) -> list[tuple[str, str]]:
    """The repayment methods the loan's product allows for a term loan (随借随还 is not one)."""
    spec = loan.product_version.as_spec()
    return [(str(method), _(Method(method).label)) for method in spec.methods if method != Method.REVOLVING]


@login_required
@require_http_methods(["GET", "POST"])
def loan_refinance(request: HttpRequest, loan_id: int) -> HttpResponse:
    """借新还旧 (a risk manager of the loan's branch): a new loan on the same product repays this one in
    full; on success the new loan's page."""
    loan = selectors.loan_get_visible(user=request.user, loan_id=loan_id)
    _refuse_unless(request, Action.LOAN_RESTRUCTURE, loan)
    form = RefinanceForm(
        request.POST or None,
        methods=product_methods(loan),
        initial={"term_months": loan.term_months, "method": loan.method},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with refusals_as_http():
                new = refinance_service(
                    actor=request.user,
                    loan_id=loan.pk,
                    term_months=data["term_months"],
                    method=data["method"],
                    reason=data["reason"],
                    financial_difficulty=data["financial_difficulty"],
                )
        except DomainError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(
                request,
                _("已办理借新还旧：新贷款 %(new)s，金额 %(amount)s 元；原贷款 %(old)s 已结清。")
                % {"new": new.number, "amount": format_yuan(new.principal), "old": loan.number},
            )
            return redirect("loans:detail", loan_id=new.pk)
    return render(request, "loans/refinance_form.html", {"loan": loan, "form": form})


# --- 核销 --------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def write_off_propose(request: HttpRequest, loan_id: int) -> HttpResponse:
    """核销申请 (a risk manager of the loan's branch) of an NPL loan, with a reason; the branch head
    decides."""
    loan = selectors.loan_get_visible(user=request.user, loan_id=loan_id)
    _refuse_unless(request, Action.WRITE_OFF_PROPOSE, loan)
    form = WriteOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with refusals_as_http():
                writeoff_propose(actor=request.user, loan_id=loan.pk, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(request, _("已提交核销申请，待支行行长审批。"))
            return redirect("loans:detail", loan_id=loan.pk)
    context = {
        "loan": loan,
        "form": form,
        "write_off": selectors.write_off_of_loan(loan),
        "is_npl": RiskClass(loan.risk_class).is_npl,
    }
    return render(request, "loans/write_off_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def write_off_decide(request: HttpRequest, write_off_id: int) -> HttpResponse:
    """核销审批 (the branch head of the loan's branch, never the proposer): approve or reject."""
    write_off = selectors.write_off_get_visible(user=request.user, write_off_id=write_off_id)
    loan = write_off.loan
    _refuse_unless(request, Action.WRITE_OFF_DECIDE, write_off)
    form = WriteOffDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with refusals_as_http():
                decided = writeoff_decide(
                    actor=request.user, write_off_id=write_off.pk, approve=form.approved()
                )
        except DomainError as exc:
            refusal_on_form(form, exc)
        else:
            if decided.status == WriteOffStatus.APPROVED:
                total = decided.principal + decided.interest + decided.penalty + decided.fee
                text = _("已核销贷款 %(number)s，核销金额 %(amount)s 元（账销案存）。") % {
                    "number": loan.number,
                    "amount": format_yuan(total),
                }
            else:
                text = _("已否决贷款 %(number)s 的核销申请。") % {"number": loan.number}
            messages.success(request, text)
            return redirect("loans:detail", loan_id=loan.pk)
    context = {
        "loan": loan,
        "write_off": write_off,
        "form": form,
        "pending": write_off.status == WriteOffStatus.PROPOSED,
    }
    return render(request, "loans/write_off_decide.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def recovery_new(request: HttpRequest, loan_id: int) -> HttpResponse:
    """核销后收回: money received on a written-off loan (recovery income), once per form shown."""
    loan = selectors.loan_get_visible(user=request.user, loan_id=loan_id)
    _refuse_unless(request, Action.REPAYMENT_POST, loan)
    form = RecoveryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with refusals_as_http():
                repayment = recovery_post(
                    actor=request.user,
                    loan_id=loan.pk,
                    amount=data["amount"],
                    idempotency_key=data["idempotency_key"],
                )
        except DomainError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(
                request,
                _("已登记核销后收回 %(amount)s 元。") % {"amount": format_yuan(repayment.amount)},
            )
            return redirect("loans:detail", loan_id=loan.pk)
    context = {"loan": loan, "form": form, "write_off": selectors.write_off_of_loan(loan)}
    return render(request, "loans/recovery_form.html", context)


# --- the loan page's card ----------------------------------------------------------------------------------


@login_required
@require_GET
def restructuring_panel(request: HttpRequest, loan_id: int) -> HttpResponse:
    """The loan page's 重组与核销 card (htmx): the buttons for what the viewer may do, the loan's
    extensions and refinance, and its write-off."""
    loan = selectors.loan_get_visible(user=request.user, loan_id=loan_id)
    user, is_open = request.user, _open(loan)
    write_off = selectors.write_off_of_loan(loan)
    pending = write_off is not None and write_off.status == WriteOffStatus.PROPOSED
    active_write_off = write_off is not None and write_off.status != WriteOffStatus.REJECTED
    context = {
        "loan": loan,
        "restructurings": selectors.restructurings_of_loan(loan),
        "write_off": write_off,
        "refinanced_by": selectors.refinancing_loan_of(loan),
        "can_prepay": is_open and policy.can(user, Action.REPAYMENT_POST, loan),
        "can_restructure": is_open and policy.can(user, Action.LOAN_RESTRUCTURE, loan),
        "can_propose": (
            is_open
            and not active_write_off
            and RiskClass(loan.risk_class).is_npl
            and policy.can(user, Action.WRITE_OFF_PROPOSE, loan)
        ),
        "can_decide": pending and policy.can(user, Action.WRITE_OFF_DECIDE, write_off),
        "can_recover": loan.status == LoanStatus.WRITTEN_OFF
        and policy.can(user, Action.REPAYMENT_POST, loan),
    }
    return render(request, "loans/_restructuring_panel.html", context)
