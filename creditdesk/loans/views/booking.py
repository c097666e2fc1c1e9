"""Pages of booking: the disbursement form on an application, the loan list, the customer 360 panel
and the repayment notice (page and PDF)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from creditdesk.accounts import policy
from creditdesk.applications.models import Application, ApplicationPart, Contract
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import format_yuan
from creditdesk.core.paging import paginate
from creditdesk.core.views.errors import refusal_on_form, refusals_as_http
from creditdesk.customers.selectors import customer_get_visible
from creditdesk.loans import pdf, selectors, services
from creditdesk.loans.filtersets import LoanFilterSet
from creditdesk.loans.forms import DisburseForm
from creditdesk.loans.models import Loan, PaymentMode
from creditdesk.loans.services.disbursement import SIGNED


@dataclass(frozen=True)
class PartRow:
    """One part on the disbursement page: what it is, whether 受托支付 is required, its loan if paid."""

    part: ApplicationPart
    requirement: services.EntrustedRequirement
    value_date: date | None
    loan: Loan | None


def _part_rows(application: Application) -> list[PartRow]:
    contract = Contract.objects.filter(application=application).first()
    rows = []
    for part in application.parts.all():
        part.application = application
        entry = services.contract_part(contract, part.pk) if contract is not None else None
        disbursement = getattr(part, "disbursement", None)
        rows.append(
            PartRow(
                part=part,
                requirement=services.entrusted_requirement(part),
                value_date=services.contract_value_date(contract, entry) if contract and entry else None,
                loan=getattr(disbursement, "loan", None) if disbursement is not None else None,
            )
        )
    return rows


def _part_label(row: PartRow) -> str:
    part = row.part
    return _("第 %(n)s 笔 · %(product)s · %(amount)s 元 · %(term)s 个月") % {
        "n": part.position,
        "product": part.product_version.spec.get("name", ""),
        "amount": format_yuan(part.amount),
        "term": part.term_months,
    }


@login_required
@require_http_methods(["GET", "POST"])
def disburse(request: HttpRequest, application_id: int) -> HttpResponse:
    """放款 on a signed application: the form, and for each part whether 受托支付 is required and why."""
    application = selectors.application_for_disbursement(user=request.user, application_id=application_id)
    refused = policy.refusal(request.user, Action.LOAN_DISBURSE, application)
    if refused is not None:
        raise PermissionDenied(refused.message)
    rows = _part_rows(application)
    open_rows = [row for row in rows if row.loan is None]
    first = open_rows[0] if open_rows else None
    initial: dict[str, Any] = {"mode": PaymentMode.ENTRUSTED}
    if first is not None:
        initial["part"] = first.part.pk
        initial["value_date"] = first.value_date
        initial["mode"] = PaymentMode.ENTRUSTED if first.requirement.required else PaymentMode.SELF
    form = DisburseForm(
        request.POST or None,
        # every part: a page submitted twice finds its loan (the service's replay), not a form error
        parts=[(row.part.pk, _part_label(row)) for row in open_rows + [r for r in rows if r.loan]],
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with refusals_as_http():
                loan = services.loan_disburse(
                    actor=request.user,
                    application_id=application.pk,
                    part_id=data["part"],
                    value_date=data["value_date"],
                    mode=data["mode"],
                    payee_name=data["payee_name"],
                    payee_account=data["payee_account"],
                    payee_bank=data["payee_bank"],
                    payment_reference=data["payment_reference"],
                    idempotency_key=data["idempotency_key"],
                )
        except DomainError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(
                request,
                _("已放款，借据号 %(number)s，金额 %(amount)s 元。")
                % {"number": loan.number, "amount": format_yuan(loan.principal)},
            )
            return redirect("loans:detail", loan_id=loan.pk)
    context = {
        "application": application,
        "rows": rows,
        "form": form,
        "signed": application.status == SIGNED,
        "open": bool(open_rows),
    }
    return render(request, "loans/disburse.html", context)


@login_required
@require_GET
def customer_panel(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The 贷款与还款 section of the customer 360 page (htmx): the customer's loans the viewer sees."""
    customer = customer_get_visible(user=request.user, customer_id=customer_id)
    loans = list(
        selectors.loan_list_visible_to(user=request.user)
        .filter(customer=customer)
        .order_by("-value_date", "-id")[:10]
    )
    return render(request, "loans/_customer_panel.html", {"customer": customer, "loans": loans})


@login_required
@require_GET
def loan_list(request: HttpRequest) -> HttpResponse:
    filterset = LoanFilterSet(request.GET or None, queryset=selectors.loan_list_visible_to(user=request.user))
    loans = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = paginate(request, loans.order_by("-value_date", "-id"))
    return render(request, "loans/loan_list.html", {"filter": filterset, "page": page})


@login_required
@require_GET
def repayment_notice(request: HttpRequest, loan_id: int) -> HttpResponse:
    """还款通知书, for the customer: phone-friendly, with a link to the PDF."""
    loan = selectors.loan_get_visible(user=request.user, loan_id=loan_id)
    return render(request, "loans/repayment_notice.html", pdf.notice_context(loan))


@login_required
@require_GET
def repayment_notice_pdf(request: HttpRequest, loan_id: int) -> HttpResponse:
    loan = selectors.loan_get_visible(user=request.user, loan_id=loan_id)
    return pdf_response(loan)


def pdf_response(loan: Loan) -> HttpResponse:
    response = HttpResponse(pdf.render_pdf(loan), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="repayment-notice-{loan.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
