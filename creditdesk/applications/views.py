"""Pages of applications: the CM's list, a new application, one application's page (its parts, parties,
investigation, identity and interviews, checklist, collateral, exposure, approval levels and decisions,
timeline, contract), the approver's queue, and one view per action. Each action view calls one service
and comes back to the application's page with what happened (or why it was refused)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from creditdesk.accounts import policy
from creditdesk.accounts.models import User
from creditdesk.applications import forms
from creditdesk.applications.filtersets import ApplicationFilterSet
from creditdesk.applications.lifecycle import APPROVED, EDITABLE, FINAL, IN_REVIEW
from creditdesk.applications.models import Application, Contract
from creditdesk.applications.routing import Level
from creditdesk.applications.selectors import application as selectors
from creditdesk.applications.selectors.collateral import pledges_of_application
from creditdesk.applications.selectors.exposure import exposure_for
from creditdesk.applications.services import application as application_services
from creditdesk.applications.services import approval, signing
from creditdesk.applications.views_documents import checklist_context
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError
from creditdesk.core.paging import paginate
from creditdesk.core.views.errors import refusal_on_form, refusals_as_http
from creditdesk.customers.selectors import customer_get_visible
from creditdesk.products.choices import LoanPurpose

REVIEWING = {s.value for s in IN_REVIEW}
QUEUE_ROWS = 50  # per section of the queue page: the longest waiting first, the rest by the list's filter


@login_required
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    """我的申请: the applications the person sees (a CM's own, a team's, a branch's), newest first."""
    rows = selectors.application_list_visible_to(user=request.user).order_by("-created_at", "-id")
    filterset = ApplicationFilterSet(request.GET or None, queryset=rows)
    shown = filterset.qs if filterset.is_bound and filterset.is_valid() else rows
    return render(request, "applications/list.html", {"filter": filterset, "page": paginate(request, shown)})


CUSTOMER_PANEL_ROWS = 5


@login_required
@require_GET
def customer_panel(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The 申请 section of the customer 360 page (loaded by htmx): the customer's latest applications the
    viewer sees, and the way to a new one, to the collateral register and to the customer's documents."""
    customer = customer_get_visible(user=request.user, customer_id=customer_id)
    rows = selectors.application_list_visible_to(user=request.user).filter(customer=customer)
    applications = list(rows.order_by("-created_at", "-id")[: CUSTOMER_PANEL_ROWS + 1])
    context = {
        "customer": customer,
        "applications": applications[:CUSTOMER_PANEL_ROWS],
        "more": len(applications) > CUSTOMER_PANEL_ROWS,
        "can_create": policy.can(request.user, Action.APPLICATION_CREATE, customer),
        "proposal": customer.proposals.order_by("-created_at", "-id").first(),
    }
    return render(request, "applications/_customer_panel.html", context)


@login_required
@require_GET
def approval_queue(request: HttpRequest) -> HttpResponse:
    """审批队列: what waits for the person's decision (the longest waiting, then the largest, first; those
    past their SLA marked), the committee's cases for its members, and the levels past their SLA that
    wait for someone else among the applications the person sees."""
    user = request.user
    context = {
        "queue": list(selectors.approval_queue(user=user)[:QUEUE_ROWS]),
        "queue_total": selectors.approval_queue_count(user=user),
        "committee": list(selectors.committee_queue(user=user)[:QUEUE_ROWS]),
        "overdue": list(selectors.overdue_steps_visible_to(user=user, others_only=True)[:QUEUE_ROWS]),
        "now": timezone.now(),
    }
    return render(request, "applications/queue.html", context)


def _parties_choices(application: Application) -> list[tuple[int, str]]:
    return [
        (p.customer_id, f"{p.customer.name}（{p.get_role_display()}）")
        for p in application.parties.select_related("customer")
    ]


def _abilities(user: User, application: Application) -> dict[str, bool]:
    status = application.status
    work = policy.can(user, Action.APPLICATION_WORK, application)
    at_committee = False
    if status in REVIEWING and application.current_level:
        step = application.steps.filter(position=application.current_level, ended_at__isnull=True).first()
        at_committee = step is not None and step.level == Level.COMMITTEE
    return {
        "can_edit": work and status in {s.value for s in EDITABLE},
        "can_decide": status in REVIEWING
        and not at_committee
        and policy.can(user, Action.APPLICATION_DECIDE, application)
        and policy.can(user, Action.APPLICATION_NOT_OWN_CASE, application),
        "can_vote": at_committee and policy.can(user, Action.COMMITTEE_VOTE, application),
        "can_check": status in {*(s.value for s in APPROVED), "contract_signed"}
        and policy.can(user, Action.CONDITIONS_CHECK, application),
        "can_sign": work and status in {s.value for s in APPROVED},
        "can_withdraw": work and status not in {s.value for s in FINAL} and status != "contract_signed",
        "can_disburse": status == "contract_signed" and policy.can(user, Action.LOAN_DISBURSE, application),
        "at_committee": at_committee,
    }


def _outcomes_at(application: Application) -> tuple[str, ...]:
    """The decisions the current level offers: a recommendation (or a return or a rejection) before the
    last level; a decision at the last."""
    step = approval.current_step(application)
    last = not application.steps.filter(round=step.round, position__gt=step.position).exists()
    if last:
        return ("approve", "approve_with_changes", "return", "reject")
    return ("recommend", "return", "reject")


def _detail_context(request: HttpRequest, application: Application, **extra: Any) -> dict[str, Any]:
    user = request.user
    abilities = _abilities(user, application)
    parties = _parties_choices(application)
    context: dict[str, Any] = {
        "application": application,
        "purpose_label": dict(LoanPurpose.choices).get(application.purpose, application.purpose),
        "parts": list(application.parts.select_related("product_version", "product_version__product")),
        "parties": list(application.parties.select_related("customer")),
        "timeline": list(selectors.timeline(application=application)),
        "steps": selectors.steps_of(application=application),
        "identity_checks": list(application.identity_checks.select_related("customer", "checked_by")),
        "interviews": list(application.interviews.select_related("customer", "conducted_by")),
        "condition_checks": list(application.condition_checks.select_related("checked_by")),
        "contract": Contract.objects.filter(application=application).first(),
        "exposure": exposure_for(application=application, viewer=user),
        "pledges": pledges_of_application(application=application),
        "now": timezone.now(),
        **abilities,
        **checklist_context(request=request, application=application),
    }
    if abilities["can_edit"]:
        context.setdefault("investigation_form", forms.InvestigationForm.for_application(application))
        context.setdefault("identity_form", forms.IdentityCheckForm(parties=parties))
        context.setdefault("interview_form", forms.InterviewForm(parties=parties))
        context.setdefault("submit_form", forms.SubmitForm())
    if abilities["can_sign"]:
        context.setdefault("interview_form", forms.InterviewForm(parties=parties))
        context.setdefault("identity_form", forms.IdentityCheckForm(parties=parties))
        context.setdefault("sign_form", forms.SignForm(initial={"value_date": timezone.localdate()}))
    if abilities["can_decide"]:
        first = application.parts.order_by("position").first()
        context.setdefault(
            "decision_form",
            forms.DecisionForm(
                outcomes=_outcomes_at(application), initial={"part": first.pk if first else None}
            ),
        )
    if abilities["can_vote"]:
        context.setdefault("vote_form", forms.VoteForm())
    if abilities["can_check"]:
        context.setdefault("check_form", forms.ConditionCheckForm(conditions=list(application.conditions)))
    if abilities["can_withdraw"]:
        context.setdefault("withdraw_form", forms.WithdrawForm())
    context.update(extra)
    return context


@login_required
@require_GET
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.application_get_visible(user=request.user, application_id=application_id)
    return render(request, "applications/detail.html", _detail_context(request, application))


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest) -> HttpResponse:
    """发起贷款申请 for a customer (``?customer=<id>``), optionally from a proposal's first option
    (``?proposal=<id>``: product, amount, term and method pre-filled)."""
    source = request.POST if request.method == "POST" else request.GET
    try:
        given = request.GET.get("customer") or source.get("customer", "")
        customer = customer_get_visible(user=request.user, customer_id=int(given))
    except (ValueError, TypeError):
        raise Http404("customer not given") from None
    with refusals_as_http():
        policy.require(request.user, Action.APPLICATION_CREATE, customer)
    initial: dict[str, Any] = {"customer": customer.pk}
    proposal = customer.proposals.filter(pk=source.get("proposal") or 0).first()
    if proposal is not None:
        option = proposal.options.select_related("product_version__product").order_by("position").first()
        if option is not None:
            initial.update(
                proposal=proposal.pk,
                product=option.product_version.product.code,
                amount=option.amount,
                term_months=option.term_months,
                method=option.method,
            )
    form = forms.ApplicationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            application = _create_from(request.user, customer.pk, form)
        except DomainError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(request, _("已发起贷款申请 %(n)s。") % {"n": application.number})
            return redirect("applications:detail", application_id=application.pk)
    return render(
        request, "applications/form.html", {"form": form, "customer": customer, "proposal": proposal}
    )


def _create_from(actor: User, customer_id: int, form: forms.ApplicationForm) -> Application:
    data = form.cleaned_data
    parts = [
        application_services.PartInput(
            product_code=data["product"].strip().upper(),
            amount=data["amount"],
            term_months=data["term_months"],
            method=data["method"],
            annual_rate=form.rate_percent(),
        )
    ]
    if data.get("second_product"):
        parts.append(
            application_services.PartInput(
                product_code=data["second_product"].strip().upper(),
                amount=data.get("second_amount") or data["amount"],
                term_months=data.get("second_term_months") or data["term_months"],
                method=data.get("second_method") or data["method"],
            )
        )
    parties = [
        application_services.PartyInput(customer_id=data[key], role=role)
        for key, role in (("co_borrower", "co_borrower"), ("guarantor", "guarantor"))
        if data.get(key)
    ]
    return application_services.application_create(
        actor=actor,
        customer_id=customer_id,
        purpose=data["purpose"],
        purpose_detail=data.get("purpose_detail", ""),
        kind=data["kind"],
        parts=parts,
        parties=parties,
        proposal_id=data.get("proposal"),
        renews_id=data.get("renews"),
        credit_inquiry_id=data.get("credit_inquiry"),
    )


def _act(
    request: HttpRequest,
    application_id: int,
    form: Any,
    run: Any,
    done: str,
    needs: tuple[Action, ...] = (Action.APPLICATION_WORK,),
) -> HttpResponse:
    """Run one action from the application's page: who may act is asked first (``needs``: 403 before
    anything typed is read), then the form's errors or the service's refusal are shown on the page again
    (status 400); success goes back to the page with ``done``."""
    application = selectors.application_get_visible(user=request.user, application_id=application_id)
    with refusals_as_http():
        for action in needs:
            policy.require(request.user, action, application)
    if form.is_valid():
        try:
            with refusals_as_http():
                run(form)
        except DomainError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(request, done)
            return _back_to(request, application_id)
    application.refresh_from_db()
    messages.error(request, _("未能完成：请查看页面上的提示。"))
    page = render(
        request, "applications/detail.html", _detail_context(request, application, **{_form_key(form): form})
    )
    page.status_code = 400
    return page


def _back_to(request: HttpRequest, application_id: int) -> HttpResponse:
    """After an action, the application's page — or the queue, for an approver whose decision moved the
    application out of their hands (it is no longer theirs to see)."""
    try:
        selectors.application_get_visible(user=request.user, application_id=application_id)
    except Http404:
        return redirect("applications:queue")
    return redirect("applications:detail", application_id=application_id)


def _form_key(form: Any) -> str:
    return {
        forms.InvestigationForm: "investigation_form",
        forms.IdentityCheckForm: "identity_form",
        forms.InterviewForm: "interview_form",
        forms.SubmitForm: "submit_form",
        forms.DecisionForm: "decision_form",
        forms.VoteForm: "vote_form",
        forms.ConditionCheckForm: "check_form",
        forms.SignForm: "sign_form",
        forms.WithdrawForm: "withdraw_form",
    }[type(form)]


@login_required
@require_POST
def investigation(request: HttpRequest, application_id: int) -> HttpResponse:
    form = forms.InvestigationForm(request.POST)
    return _act(
        request,
        application_id,
        form,
        lambda f: application_services.application_update(
            actor=request.user, application_id=application_id, data=f.cleaned_data
        ),
        _("贷前调查已保存。"),
    )


def _party_choices_for(request: HttpRequest, application_id: int) -> list[tuple[int, str]]:
    application = selectors.application_get_visible(user=request.user, application_id=application_id)
    return _parties_choices(application)


@login_required
@require_POST
def identity_check(request: HttpRequest, application_id: int) -> HttpResponse:
    form = forms.IdentityCheckForm(request.POST, parties=_party_choices_for(request, application_id))
    return _act(
        request,
        application_id,
        form,
        lambda f: signing.identity_check_record(
            actor=request.user,
            application_id=application_id,
            customer_id=f.cleaned_data["customer"],
            result=f.cleaned_data["result"],
            reference=f.cleaned_data["reference"],
            id_expires_on=f.cleaned_data.get("id_expires_on"),
            id_long_term=f.cleaned_data.get("id_long_term", False),
        ),
        _("联网核查结果已记录。"),
    )


@login_required
@require_POST
def interview(request: HttpRequest, application_id: int) -> HttpResponse:
    form = forms.InterviewForm(request.POST, parties=_party_choices_for(request, application_id))
    return _act(
        request,
        application_id,
        form,
        lambda f: signing.interview_record(
            actor=request.user,
            application_id=application_id,
            customer_id=f.cleaned_data["customer"],
            kind=f.cleaned_data["kind"],
            held_at=f.cleaned_data["held_at"],
            place=f.cleaned_data["place"],
            second_witness=f.cleaned_data.get("second_witness", ""),
            recording_reference=f.cleaned_data.get("recording_reference", ""),
        ),
        _("面签记录已保存。"),
    )


@login_required
@require_POST
def submit(request: HttpRequest, application_id: int) -> HttpResponse:
    form = forms.SubmitForm(request.POST)
    return _act(
        request,
        application_id,
        form,
        lambda f: approval.application_submit(
            actor=request.user,
            application_id=application_id,
            concession_reason=f.cleaned_data.get("concession_reason", ""),
        ),
        _("已提交审批。"),
    )


@login_required
@require_POST
def decide(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.application_get_visible(user=request.user, application_id=application_id)
    outcomes = _outcomes_at(application) if application.status in REVIEWING else None
    form = forms.DecisionForm(request.POST, outcomes=outcomes)
    return _act(
        request,
        application_id,
        form,
        lambda f: approval.application_decide(
            actor=request.user, application_id=application_id, **f.service_arguments()
        ),
        _("审批意见已提交。"),
        needs=(Action.APPLICATION_DECIDE, Action.APPLICATION_NOT_OWN_CASE),
    )


@login_required
@require_POST
def vote(request: HttpRequest, application_id: int) -> HttpResponse:
    form = forms.VoteForm(request.POST)
    return _act(
        request,
        application_id,
        form,
        lambda f: approval.committee_vote(
            actor=request.user, application_id=application_id, **f.cleaned_data
        ),
        _("表决意见已记录。"),
        needs=(Action.COMMITTEE_VOTE,),
    )


@login_required
@require_POST
def conditions(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.application_get_visible(user=request.user, application_id=application_id)
    form = forms.ConditionCheckForm(request.POST, conditions=list(application.conditions))
    return _act(
        request,
        application_id,
        form,
        lambda f: signing.conditions_check(
            actor=request.user, application_id=application_id, items=f.items()
        ),
        _("放款审核已记录。"),
        needs=(Action.CONDITIONS_CHECK,),
    )


@login_required
@require_POST
def sign(request: HttpRequest, application_id: int) -> HttpResponse:
    form = forms.SignForm(request.POST)
    return _act(
        request,
        application_id,
        form,
        lambda f: signing.contract_sign(actor=request.user, application_id=application_id, **f.cleaned_data),
        _("合同签约已记录。"),
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    form = forms.WithdrawForm(request.POST)
    return _act(
        request,
        application_id,
        form,
        lambda f: application_services.application_withdraw(
            actor=request.user, application_id=application_id, reason=f.cleaned_data["reason"]
        ),
        _("申请已撤回。"),
    )


@login_required
@require_GET
def contract_pdf(request: HttpRequest, application_id: int) -> HttpResponse:
    """借款合同 PDF, as signed (the stored bytes), served as an attachment."""
    application = selectors.application_get_visible(user=request.user, application_id=application_id)
    contract = getattr(application, "contract", None)
    if contract is None:
        raise Http404("no contract")
    response = HttpResponse(bytes(contract.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{contract.number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
