"""授权与征信查询 pages: a customer's consents and inquiries, recording and revoking consents, requesting
an inquiry (refusals in Chinese on the page), the evidence file, and the panel for the 360 page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from creditdesk.accounts import policy, scope
from creditdesk.consents import selectors, services
from creditdesk.consents.forms import ConsentForm, InquiryForm, ReportSummaryForm, RevokeForm
from creditdesk.consents.rules import add_months, max_validity_months
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError
from creditdesk.core.views.errors import refusal_on_form, refusals_as_http
from creditdesk.customers.choices import QualitySegment
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import business_persons, customer_get_visible

CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}
LIST_LIMIT = 100


def _page(
    request: HttpRequest,
    customer: Customer,
    *,
    consent_form: ConsentForm | None = None,
    inquiry_form: InquiryForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    can_change = policy.can(request.user, Action.CONSENT_RECORD, customer)
    consents = list(selectors.consents_of(customer=customer)[:LIST_LIMIT])
    context: dict[str, Any] = {
        "customer": customer,
        "today": today,
        "can_change": can_change,
        "consents": [(c, c.state(today)) for c in consents],
        "inquiries": selectors.inquiries_of(customer=customer)[:LIST_LIMIT],
        "summary": selectors.consent_summary(customer=customer, today=today),
    }
    if can_change:
        context["consent_form"] = consent_form or ConsentForm(
            initial={"signed_on": today, "valid_until": add_months(today, max_validity_months())}
        )
        context["inquiry_form"] = inquiry_form or InquiryForm()
        context["revoke_form"] = RevokeForm()
    return render(request, "consents/customer_consents.html", context, status=status)


def _changeable_customer(request: HttpRequest, customer_id: int) -> Customer:
    customer = customer_get_visible(user=request.user, customer_id=customer_id)
    with refusals_as_http():  # the forms are checked before the service is reached: ask first
        policy.require(request.user, Action.CONSENT_RECORD, customer)
    return customer


@login_required
@require_GET
def customer_consents(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = customer_get_visible(user=request.user, customer_id=customer_id)
    return _page(request, customer)


@login_required
@require_GET
def customer_panel(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The consent section of the customer 360 page (loaded by htmx): what is authorized today."""
    customer = customer_get_visible(user=request.user, customer_id=customer_id)
    context = {
        "customer": customer,
        "summary": selectors.consent_summary(customer=customer),
        "latest_inquiries": selectors.inquiries_of(customer=customer)[:3],
    }
    return render(request, "consents/_panel.html", context)


@login_required
@require_POST
def consent_create(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _changeable_customer(request, customer_id)
    form = ConsentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, customer, consent_form=form, status=400)
    data = form.cleaned_data
    try:
        with refusals_as_http():
            services.consent_record(
                actor=request.user,
                customer_id=customer.pk,
                kind=data["kind"],
                purpose=data.get("purpose") or "",
                signed_on=data["signed_on"],
                valid_until=data["valid_until"],
                channel=data["channel"],
                evidence=data.get("evidence"),
            )
    except DomainError as exc:
        refusal_on_form(form, exc)
        return _page(request, customer, consent_form=form, status=400)
    messages.success(request, _("已登记授权。"))
    return redirect("consents:customer", customer_id=customer.pk)


@login_required
@require_POST
def inquiry_create(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _changeable_customer(request, customer_id)
    form = InquiryForm(request.POST)
    if not form.is_valid():
        return _page(request, customer, inquiry_form=form, status=400)
    data = form.cleaned_data
    try:
        with refusals_as_http():
            inquiry = services.credit_inquiry_request(
                actor=request.user,
                customer_id=customer.pk,
                purpose=data["purpose"],
                exempt_reason=data.get("exempt_reason") or "",
                result_reference=data.get("result_reference") or "",
            )
    except DomainError as exc:
        field = exc.extra.get("field")
        form.add_error(field if field in form.fields and field != "purpose" else None, exc.message)
        return _page(request, customer, inquiry_form=form, status=400)
    messages.success(
        request, _("已登记征信查询（%(purpose)s）。") % {"purpose": inquiry.get_purpose_display()}
    )
    return redirect("consents:customer", customer_id=customer.pk)


@login_required
@require_POST
def consent_revoke(request: HttpRequest, consent_id: int) -> HttpResponse:
    consent = selectors.consent_get_visible(user=request.user, consent_id=consent_id)
    form = RevokeForm(request.POST)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    try:
        with refusals_as_http():
            services.consent_revoke(actor=request.user, consent_id=consent.pk, reason=reason)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤回授权。"))
    return redirect("consents:customer", customer_id=consent.customer_id)


@login_required
@require_GET
def consent_evidence(request: HttpRequest, consent_id: int) -> FileResponse:
    """The evidence file, to people who may see the customer (never a public media URL); audited."""
    with refusals_as_http():
        consent = services.consent_evidence_open(actor=request.user, consent_id=consent_id)
    extension = consent.evidence.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        consent.evidence.open("rb"),
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
        filename=f"consent-{consent.pk}.{extension}",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def inquiry_summary(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    """登记征信报告摘要 for one inquiry (once; the content is not shown back: it is sensitive)."""
    inquiry = scope.get_visible_or_404(
        request.user, selectors.inquiry_list_visible_to(user=request.user), pk=inquiry_id
    )
    customer = _changeable_customer(request, inquiry.customer_id)
    recorded = selectors.report_summary_of(inquiry=inquiry)
    form = ReportSummaryForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and recorded is None:
        if form.is_valid():
            data = form.cleaned_data
            try:
                with refusals_as_http():
                    services.credit_report_summary_record(
                        actor=request.user,
                        inquiry_id=inquiry.pk,
                        report_date=data["report_date"],
                        current_overdue=data["current_overdue"],
                        current_overdue_amount=data.get("current_overdue_amount") or None,
                        status_24m=data["status_24m"],
                        inquiries_6m=data["inquiries_6m"],
                        debt_count=data["debt_count"],
                        debt_balance=data["debt_balance"],
                        monthly_obligation=data.get("monthly_obligation") or None,
                        revolving_limit=data.get("revolving_limit") or None,
                        revolving_used=data.get("revolving_used") or None,
                    )
            except DomainError as exc:
                refusal_on_form(form, exc)
            else:
                messages.success(request, _("已登记征信报告摘要。"))
                return redirect("consents:customer", customer_id=customer.pk)
        status = 400
    elif request.method == "POST":
        status = 409
    context = {"customer": customer, "inquiry": inquiry, "recorded": recorded, "form": form}
    return render(request, "consents/inquiry_summary.html", context, status=status)


@login_required
@require_GET
def customer_warnings(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The 预警 panel of the 360 page: what the product matching refuses on — a current overdue in the
    latest credit-report summary (of a 贷款审批 inquiry, ``selectors.MATCHING_PURPOSES``). A customer
    marked 优质 is then shown as 优质（征信当前逾期，待复核）: the header badge is replaced (htmx
    out-of-band swap).

    For an enterprise or a 个体工商户 the matcher also counts the reports of the persons behind it (经营者,
    法定代表人: ``customers.selectors.business_persons``), so the panel does too: a current overdue in any
    of their latest reports is shown, without naming the person (they may be outside the viewer's scope).
    """
    customer = customer_get_visible(user=request.user, customer_id=customer_id)
    persons = business_persons(customer=customer) if customer.is_business else []
    latest = selectors.latest_report_summaries(customers=[customer, *persons])
    own = latest.get(customer.pk)
    overdue_on = None
    if own is not None and own.summary.current_overdue:
        overdue_on = timezone.localdate(own.inquiry.requested_at)
    persons_overdue_on = [
        timezone.localdate(latest[p.pk].inquiry.requested_at)
        for p in persons
        if p.pk in latest and latest[p.pk].summary.current_overdue
    ]
    person_overdue_on = max(persons_overdue_on) if persons_overdue_on else None
    flagged = overdue_on is not None or person_overdue_on is not None
    context = {
        "customer": customer,
        "overdue_on": overdue_on,
        "person_overdue_on": person_overdue_on,
        "flagged": flagged,
        "prime_under_review": flagged and customer.quality_segment == QualitySegment.PRIME,
    }
    return render(request, "consents/_warnings.html", context)
