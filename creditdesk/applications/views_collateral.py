"""押品登记 and 统一授信 pages: a customer's collaterals, one collateral (appraisals, prior liens, pledges and
their forms), the pledge form of an application and its exposure page. Each writing view calls exactly one
service; refusals come back next to the form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from creditdesk.accounts import policy, scope
from creditdesk.applications import lifecycle
from creditdesk.applications.forms_collateral import AppraisalForm, CollateralForm, PledgeForm, PriorLienForm
from creditdesk.applications.models import Collateral, Pledge, PriorLien
from creditdesk.applications.selectors import collateral as selectors
from creditdesk.applications.selectors.exposure import exposure_for
from creditdesk.applications.services import collateral as services
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError
from creditdesk.core.htmx import is_htmx
from creditdesk.core.money import format_rate
from creditdesk.core.paging import paginate
from creditdesk.core.views.errors import refusal_on_form, refusals_as_http
from creditdesk.customers.selectors import customer_get_visible


@login_required
@require_GET
def collateral_list(request: HttpRequest, customer_id: int) -> HttpResponse:
    """押品列表 of one customer: each collateral with its value, liens, pledges and what remains."""
    customer = customer_get_visible(user=request.user, customer_id=customer_id)
    collaterals = selectors.collateral_list_visible_to(user=request.user, customer_id=customer.pk)
    page = paginate(request, selectors.with_positions(collaterals.order_by("-id")))
    context = {
        "customer": customer,
        "page": page,
        "rows": selectors.collateral_rows(page.object_list),
        "can_record": policy.can(request.user, Action.COLLATERAL_RECORD, customer),
    }
    return render(request, "applications/collateral/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def collateral_create(request: HttpRequest, customer_id: int) -> HttpResponse:
    """登记押品 for a customer (the customer's CM or team lead)."""
    customer = customer_get_visible(user=request.user, customer_id=customer_id)
    with refusals_as_http():
        policy.require(request.user, Action.COLLATERAL_RECORD, customer)
    form = CollateralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with refusals_as_http():
                collateral = services.collateral_register(
                    actor=request.user, customer_id=customer.pk, **form.cleaned_data
                )
        except DomainError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(request, _("已登记押品：%(collateral)s") % {"collateral": collateral})
            return redirect("applications:collateral_detail", collateral_id=collateral.pk)
    return render(request, "applications/collateral/form.html", {"customer": customer, "form": form})


def _detail(request: HttpRequest, collateral: Collateral, **forms: Any) -> HttpResponse:
    can_record = policy.can(request.user, Action.COLLATERAL_RECORD, collateral.customer)
    context = {
        "collateral": collateral,
        "position": selectors.collateral_position(collateral=collateral),
        **selectors.collateral_detail(collateral=collateral),
        "can_record": can_record,
        "appraisal_form": forms.get("appraisal_form") or (AppraisalForm() if can_record else None),
        "lien_form": forms.get("lien_form") or (PriorLienForm() if can_record else None),
    }
    return render(request, "applications/collateral/detail.html", context, status=forms.get("status", 200))


@login_required
@require_GET
def collateral_detail(request: HttpRequest, collateral_id: int) -> HttpResponse:
    collateral = selectors.collateral_get_visible(user=request.user, collateral_id=collateral_id)
    return _detail(request, collateral)


@login_required
@require_POST
def appraisal_create(request: HttpRequest, collateral_id: int) -> HttpResponse:
    """登记评估 from the collateral's page; a refusal is shown on the form."""
    collateral = selectors.collateral_get_visible(user=request.user, collateral_id=collateral_id)
    with refusals_as_http():
        policy.require(request.user, Action.COLLATERAL_RECORD, collateral.customer)
    form = AppraisalForm(request.POST)
    if form.is_valid():
        try:
            with refusals_as_http():
                services.appraisal_record(
                    actor=request.user, collateral_id=collateral.pk, **form.cleaned_data
                )
        except DomainError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(request, _("已登记评估价值。"))
            return redirect("applications:collateral_detail", collateral_id=collateral.pk)
    return _detail(request, collateral, appraisal_form=form, status=400)


@login_required
@require_POST
def lien_create(request: HttpRequest, collateral_id: int) -> HttpResponse:
    """登记已有抵押 from the collateral's page."""
    collateral = selectors.collateral_get_visible(user=request.user, collateral_id=collateral_id)
    with refusals_as_http():
        policy.require(request.user, Action.COLLATERAL_RECORD, collateral.customer)
    form = PriorLienForm(request.POST)
    if form.is_valid():
        try:
            with refusals_as_http():
                services.prior_lien_record(
                    actor=request.user, collateral_id=collateral.pk, **form.cleaned_data
                )
        except DomainError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(request, _("已登记已有抵押。"))
            return redirect("applications:collateral_detail", collateral_id=collateral.pk)
    return _detail(request, collateral, lien_form=form, status=400)


@login_required
@require_POST
def lien_release(request: HttpRequest, lien_id: int) -> HttpResponse:
    """解押: the holder released a prior lien (today)."""
    collateral_id = PriorLien.objects.filter(pk=lien_id).values_list("collateral_id", flat=True).first()
    collateral = selectors.collateral_get_visible(user=request.user, collateral_id=collateral_id or 0)
    try:
        with refusals_as_http():
            services.prior_lien_release(actor=request.user, lien_id=lien_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已登记解押。"))
    return redirect("applications:collateral_detail", collateral_id=collateral.pk)


@login_required
@require_http_methods(["GET", "POST"])
def pledge_create(request: HttpRequest, application_id: int) -> HttpResponse:
    """押品担保 from an application: choose one of its parties' collaterals and the amount it secures."""
    application = selectors.application_get_visible(user=request.user, application_id=application_id)
    with refusals_as_http():
        policy.require(request.user, Action.APPLICATION_WORK, application)
    rows = selectors.collateral_rows(
        selectors.with_positions(selectors.collateral_of_parties(application=application))[:100]
    )
    form = PledgeForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            with refusals_as_http():
                pledge = services.pledge_create(
                    actor=request.user,
                    collateral_id=form.cleaned_data["collateral"],
                    application_id=application.pk,
                    amount=form.cleaned_data["amount"],
                )
        except DomainError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(
                request, _("已登记押品担保，抵质押率 %(ltv)s。") % {"ltv": format_rate(pledge.ltv)}
            )
            return _back(request, application.pk)
    context = {
        "application": application,
        "form": form,
        "rows": rows,
        "pledges": selectors.pledges_of_application(application=application),
        "can_change": application.status in lifecycle.EDITABLE,
    }
    return render(request, "applications/collateral/pledge_form.html", context)


@login_required
@require_POST
def pledge_release(request: HttpRequest, pledge_id: int) -> HttpResponse:
    """解除押品担保 (the application's CM), back to the page the button was on."""
    pledge = scope.get_visible_or_404(request.user, Pledge.objects.all(), pk=pledge_id)
    try:
        with refusals_as_http():
            services.pledge_release(actor=request.user, pledge_id=pledge.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已解除押品担保。"))
    return _back(request, pledge.application_id)


def _back(request: HttpRequest, application_id: int) -> HttpResponse:
    """To ``next`` (same host only), else the application's page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("applications:detail", application_id=application_id)


@login_required
@require_GET
def application_pledges(request: HttpRequest, application_id: int) -> HttpResponse:
    """The ``_pledges.html`` partial of an application (for an HTMX load on the application's and the
    approver's pages)."""
    application = selectors.application_get_visible(user=request.user, application_id=application_id)
    context = {
        "application": application,
        "pledges": selectors.pledges_of_application(application=application),
        "can_change": policy.can(request.user, Action.APPLICATION_WORK, application)
        and application.status in lifecycle.EDITABLE,
    }
    return render(request, "applications/collateral/_pledges.html", context)


@login_required
@require_GET
def application_exposure(request: HttpRequest, application_id: int) -> HttpResponse:
    """统一授信 of an application: the page, or its ``_exposure.html`` partial for an HTMX request."""
    application = selectors.application_get_visible(user=request.user, application_id=application_id)
    exposure = exposure_for(application=application, viewer=request.user)
    if is_htmx(request):
        return render(request, "applications/collateral/_exposure.html", {"exposure": exposure})
    return render(
        request, "applications/collateral/exposure.html", {"application": application, "exposure": exposure}
    )
