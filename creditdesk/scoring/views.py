"""信用评分 pages: a customer's pre-assessment (form generated from the active model's variables, result
with reason codes, grade override), the list of pre-assessments in scope, the 360 panel, and the model
versions with their evaluation report and stability monitoring (approve / activate for risk managers)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from creditdesk.accounts import policy
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError
from creditdesk.core.views.errors import refusals_as_http
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import customer_get_visible
from creditdesk.scoring import disclosure, engine, selectors, services
from creditdesk.scoring.choices import Grade
from creditdesk.scoring.models import Assessment

PAGE_SIZE = 50


def _assessment_form(
    request: HttpRequest, customer: Customer, *, errors: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    model = selectors.active_model_or_none()
    context: dict[str, Any] = {"customer": customer, "model": model, "errors": errors or {}}
    if model is not None:
        card = engine.load(model)
        submitted = request.POST if request.method == "POST" else None
        clear = disclosure.may_see_sensitive(request.user, customer)
        fields = engine.form_fields(
            card,
            customer=customer,
            today=timezone.localdate(),
            submitted=submitted,
            errors=errors,
            hidden=disclosure.hidden_features(clear=clear),
        )
        context["known_fields"] = [field for field in fields if field["status"] != "ask"]
        context["asked_fields"] = [field for field in fields if field["status"] == "ask"]
    return render(request, "scoring/assessment_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest, customer_id: int) -> HttpResponse:
    """预评估: the active model's variables — what CreditDesk holds shown with its source (and a box to
    correct it), 不适用 where a feature does not apply, the rest asked; a refused answer is shown next to
    its field and nothing is stored."""
    customer = customer_get_visible(user=request.user, customer_id=customer_id)
    with refusals_as_http():  # the form is the action's: asked before it is drawn, again by the service
        policy.require(request.user, Action.ASSESSMENT_RUN, customer)
    if request.method == "GET":
        return _assessment_form(request, customer)
    answers = {key: value for key, value in request.POST.items() if key != "csrfmiddlewaretoken"}
    try:
        with refusals_as_http():
            assessment = services.assessment_create(
                actor=request.user, customer_id=customer.pk, answers=answers
            )
    except DomainError as exc:
        field = str(exc.extra.get("field", ""))
        messages.error(request, exc.message)
        return _assessment_form(request, customer, errors={field: exc.message} if field else {}, status=400)
    messages.success(request, _("预评估已完成。"))
    return redirect("scoring:detail", assessment_id=assessment.pk)


def _detail(
    request: HttpRequest, assessment: Assessment, *, status: int = 200, error: str = ""
) -> HttpResponse:
    # The income and any sentence quoting it in clear only for whom the policy lets unmask it.
    shown = disclosure.shown(
        assessment, clear=disclosure.may_see_sensitive(request.user, assessment.customer)
    )
    context = {
        "assessment": assessment,
        "shown": shown,
        "inputs": engine.input_rows(shown.contributions, shown.inputs, hidden=shown.hidden),
        "can_override": policy.can(request.user, Action.SCORE_OVERRIDE, assessment),
        "grades": Grade.choices,
        "override_error": error,
    }
    return render(request, "scoring/assessment_detail.html", context, status=status)


@login_required
@require_GET
def assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.assessment_get_visible(user=request.user, assessment_id=assessment_id)
    return _detail(request, assessment)


@login_required
@require_POST
def assessment_override(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.assessment_get_visible(user=request.user, assessment_id=assessment_id)
    try:
        with refusals_as_http():
            services.assessment_override(
                actor=request.user,
                assessment_id=assessment.pk,
                grade=request.POST.get("grade", ""),
                reason=request.POST.get("reason", ""),
            )
    except DomainError as exc:
        return _detail(request, assessment, status=400, error=exc.message)
    messages.success(request, _("已调整评分等级。"))
    return redirect("scoring:detail", assessment_id=assessment.pk)


@login_required
@require_GET
def assessment_list(request: HttpRequest) -> HttpResponse:
    """需求与评估: the pre-assessments of the customers in the person's scope, newest first."""
    page = Paginator(selectors.assessment_list_visible_to(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "active_model": selectors.active_model_or_none()}
    return render(request, "scoring/assessment_list.html", context)


@login_required
@require_GET
def customer_panel(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The pre-assessment section of the customer 360 page (loaded by htmx)."""
    customer = customer_get_visible(user=request.user, customer_id=customer_id)
    context = {
        "customer": customer,
        "latest": selectors.assessments_of(customer=customer).first(),
        "can_assess": policy.can(request.user, Action.ASSESSMENT_RUN, customer),
    }
    return render(request, "scoring/_panel.html", context)


@login_required
@require_GET
def model_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "scoring/model_list.html",
        {"models": selectors.model_list()},
    )


def _table(card: Any) -> list[dict[str, Any]]:
    """The scorecard table, each row with the rationale an expert card gives its band (else blank)."""
    rationale = {}
    for variable in card.content["variables"]:
        rows = [*variable["bins"], variable.get("special", {}), variable.get("missing", {})]
        for bin_id, row in enumerate(rows):
            rationale[(variable["name"], bin_id)] = row.get("rationale", "")
    return [{**row, "rationale": rationale.get((row["variable"], row["bin_id"]), "")} for row in card.table()]


@login_required
@require_GET
def model_detail(request: HttpRequest, model_id: int) -> HttpResponse:
    """A version's report: cross-validated metrics, calibration, score distribution by class, the
    scorecard table, and the stability of recent pre-assessments against the training population."""
    model = selectors.model_get(model_id=model_id)
    card = engine.load(model)
    report = model.report or {}
    benchmark = services.is_benchmark(model)
    context = {
        "model": model,
        "card": card,
        "report": report,
        "pipeline": (report.get("models") or {}).get("pipeline"),
        "baselines": [row for name, row in (report.get("models") or {}).items() if name != "pipeline"],
        "table": _table(card),
        "expert": card.content.get("kind") == "expert",
        "variables": engine.variable_list(card),
        # Stability monitoring is the risk managers' and the head's (policy); the page is for everyone.
        "monitoring": selectors.monitoring(model=model)
        if policy.can(request.user, Action.SCORING_MONITOR)
        else None,
        "can_approve": policy.can(request.user, Action.SCORING_MODEL_APPROVE, model),
        "can_activate": policy.can(request.user, Action.SCORING_MODEL_ACTIVATE, model) and not benchmark,
        "benchmark": benchmark,
        "own_version": model.created_by_id is not None and model.created_by_id == request.user.pk,
        "chart": {
            "distribution": report.get("score_distribution"),
            "calibration": report.get("calibration"),
        },
    }
    return render(request, "scoring/model_detail.html", context)


def _model_action(request: HttpRequest, model_id: int, action: Any, done: str) -> HttpResponse:
    """Approve or activate: the service refuses whoever may not (403 through ``refusals_as_http``)."""
    try:
        with refusals_as_http():
            action(actor=request.user, model_id=model_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("scoring:model", model_id=model_id)


@login_required
@require_POST
def model_approve(request: HttpRequest, model_id: int) -> HttpResponse:
    return _model_action(request, model_id, services.score_model_approve, _("模型已审核。"))


@login_required
@require_POST
def model_activate(request: HttpRequest, model_id: int) -> HttpResponse:
    return _model_action(
        request, model_id, services.score_model_activate, _("模型已启用，新的预评估将使用该版本。")
    )
