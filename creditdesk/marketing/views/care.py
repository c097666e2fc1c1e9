"""客户关怀 (PRODUCT.md §7; issue 17): the customer 360 page's marketing panel — the customer's leads and
follow-ups, the feedback log, the next best offers (推荐 only with a marketing consent in force), customer
education and satisfaction surveys — and satisfaction per customer manager with the answers awaiting
someone other than the CM measured.

The panel is loaded by htmx; its forms post by htmx and get the panel back in place — a refusal on the
form that was sent (answered 400, which ``static/js/creditdesk.js`` swaps for ``data-swap-refusals``).
Without JavaScript they post as usual: done → back to the 360 page with the sentence; refused → the panel
on a page of its own, the refusal on the form, with the refusal's status."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from creditdesk.accounts import policy
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError
from creditdesk.core.htmx import is_htmx
from creditdesk.core.paging import paginate
from creditdesk.core.views.errors import refusal_on_form, refusals_as_http
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import customer_get_visible
from creditdesk.marketing import selectors, services
from creditdesk.marketing.choices import FeedbackKind, FeedbackStatus, OfferCategory, OfferOutcome, SurveyKind
from creditdesk.marketing.forms.care import (
    EducationForm,
    FeedbackCloseForm,
    FeedbackForm,
    OfferForm,
    OfferOutcomeForm,
    SurveyAnswerForm,
    SurveySendForm,
)
from creditdesk.marketing.forms.sources import PeriodForm
from creditdesk.marketing.reports.offers import next_offers_for
from creditdesk.marketing.reports.surveys import satisfaction_by_cm
from creditdesk.marketing.services.care import SCORE_RANGE
from creditdesk.marketing.views.common import back_or, nav, require_areas

PANEL_ROWS = 10  # leads and follow-ups the panel lists
PANEL_FEEDBACK = 5  # feedback, offers decided and surveys it lists
CATEGORIES = dict(OfferCategory.choices)


# --- the customer 360 page's panel --------------------------------------------------------------------


def _panel_context(request: HttpRequest, customer: Customer, forms: dict[str, Any]) -> dict[str, Any]:
    """What the panel shows ``request.user`` of ``customer`` (whom they see); ``forms``: bound forms that
    replace the blank ones (``feedback_close`` and ``offer_outcome`` keyed by the row they belong to)."""
    user = request.user
    can_change = policy.can(user, Action.CUSTOMER_CHANGE, customer)
    can_close_complaints = policy.can(
        user, Action.COMPLAINT_CLOSE
    )  # the customer is seen: so is its feedback
    leads = list(selectors.leads_of_customer(user=user, customer=customer)[: PANEL_ROWS + 1])
    activities = list(selectors.activities_of_customer(user=user, customer=customer)[:PANEL_ROWS])
    closing = forms.get("close_form")
    feedback = [
        {
            "item": item,
            "can_close": item.status == FeedbackStatus.OPEN
            and (can_close_complaints if item.kind == FeedbackKind.COMPLAINT else can_change),
            "form": closing[1]
            if closing and closing[0] == item.pk
            else FeedbackCloseForm(auto_id=f"f{item.pk}-%s"),
        }
        for item in selectors.feedback_visible_to(user=user, customer_id=customer.pk)[:PANEL_FEEDBACK]
    ]
    offers = next_offers_for(customer=customer)
    waiting = selectors.open_offers_of(customer=customer)
    deciding = forms.get("outcome_form")
    rows = []
    for offer in offers:
        open_id = waiting.get(offer.category.value)
        rows.append(
            {
                "offer": offer,
                "label": CATEGORIES.get(offer.category.value, offer.category.value),
                "open_id": open_id,
                "outcome_form": deciding[1]
                if deciding and deciding[0] == open_id
                else OfferOutcomeForm(auto_id=f"o{open_id}-%s"),
            }
        )
    articles = list(selectors.education_articles()) if can_change else []
    return {
        "customer": customer,
        "leads": leads[:PANEL_ROWS],
        "more": len(leads) > PANEL_ROWS,
        "activities": activities,
        "can_create": policy.can(user, Action.LEAD_CREATE),
        "can_change": can_change,
        "can_record_feedback": policy.can(user, Action.FEEDBACK_RECORD),  # the customer is seen
        "feedback": feedback,
        "feedback_form": forms.get("feedback_form") or FeedbackForm(auto_id="fb-%s"),
        "offers": [row for row in rows if _suited(row)],
        "unsuited": [row for row in rows if not _suited(row)],
        "consent_missing": any(offer.consent_missing for offer in offers),
        "offer_error": forms.get("offer_error"),
        "decided": list(
            selectors.offers_visible_to(user=user, customer_id=customer.pk).exclude(
                outcome=OfferOutcome.OFFERED
            )[:PANEL_FEEDBACK]
        ),
        "education_form": forms.get("education_form") or EducationForm(articles=articles, auto_id="ed-%s"),
        "survey_form": forms.get("survey_form") or SurveySendForm(auto_id="sv-%s"),
        "surveys": list(selectors.surveys_visible_to(user=user, customer_id=customer.pk)[:PANEL_FEEDBACK]),
        "done": forms.get("done"),
    }


def _suited(row: dict[str, Any]) -> bool:
    """An offer shown in the panel's list: awaiting the customer's answer, eligible, or held back only by
    the missing marketing consent (what the CM could offer once the customer agrees). The rest — not for
    this kind of customer, or not yet — are folded away with their reasons."""
    offer = row["offer"]
    return bool(row["open_id"]) or offer.eligible or (offer.consent_missing and len(offer.blocked_by) == 1)


def _panel(request: HttpRequest, customer: Customer, *, status: int = 200, **forms: Any) -> HttpResponse:
    context = _panel_context(request, customer, forms)
    if is_htmx(request) or request.method == "GET":
        return render(request, "marketing/_customer_panel.html", context, status=status)
    return render(request, "marketing/customer_care.html", context, status=status)


@login_required
@require_GET
def customer_panel(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The 营销与客户关怀 section of the customer 360 page (loaded by htmx)."""
    return _panel(request, customer_get_visible(user=request.user, customer_id=customer_id))


def _panel_post(
    request: HttpRequest,
    customer: Customer,
    action: Action,
    form: Any,
    name: str,
    write: Callable[[dict[str, Any]], Any],
    done: str,
    *,
    key: int | None = None,
    obj: Any = None,
) -> HttpResponse:
    """A form of the panel: valid → the service (``write(cleaned_data)``) → the panel again (htmx) or the
    360 page with ``done``; invalid or refused → the panel with the form and its error. Someone who may
    not do ``action`` (on ``obj``, else the customer) is refused (403) before the form is looked at.
    ``key``: the row (feedback, offer) the form belongs to."""
    with refusals_as_http():
        policy.require(request.user, action, obj if obj is not None else customer)
    status = 400
    if form.is_valid():
        try:
            with refusals_as_http():
                write(form.cleaned_data)
        except DomainError as exc:
            refusal_on_form(form, exc)
            status = exc.status
        else:
            if is_htmx(request):
                return _panel(request, customer, done=done)
            messages.success(request, done)
            return redirect("customers:detail", customer_id=customer.pk)
    bound = (key, form) if key is not None else form
    # htmx swaps a refusal into the page only when it is answered 400 (see the module docstring)
    return _panel(request, customer, status=400 if is_htmx(request) else status, **{name: bound})


def _customer(request: HttpRequest, customer_id: int) -> Customer:
    return customer_get_visible(user=request.user, customer_id=customer_id)


@login_required
@require_POST
def feedback_record(request: HttpRequest, customer_id: int) -> HttpResponse:
    """登记反馈 (a follow-up task for the customer's CM is put on their agenda)."""
    customer = _customer(request, customer_id)
    return _panel_post(
        request,
        customer,
        Action.FEEDBACK_RECORD,
        FeedbackForm(request.POST, auto_id="fb-%s"),
        "feedback_form",
        lambda data: services.feedback_record(
            actor=request.user,
            customer_id=customer.pk,
            kind=data["kind"],
            text=data["text"],
            received_on=data["received_on"],
        ),
        _("已登记反馈，并已为客户经理安排跟进待办。"),
    )


@login_required
@require_POST
def feedback_close(request: HttpRequest, feedback_id: int) -> HttpResponse:
    """办结反馈 (a complaint: by the team lead or branch head)."""
    with refusals_as_http():
        item = selectors.feedback_get_visible(user=request.user, feedback_id=feedback_id)
    customer = _customer(request, item.customer_id)
    complaint = item.kind == FeedbackKind.COMPLAINT
    return _panel_post(
        request,
        customer,
        Action.COMPLAINT_CLOSE if complaint else Action.CUSTOMER_CHANGE,
        FeedbackCloseForm(request.POST, auto_id=f"f{item.pk}-%s"),
        "close_form",
        lambda data: services.feedback_close(
            actor=request.user, feedback_id=item.pk, resolution=data["resolution"]
        ),
        _("反馈已办结。"),
        key=item.pk,
        obj=item if complaint else None,
    )


@login_required
@require_POST
def offer_make(request: HttpRequest, customer_id: int) -> HttpResponse:
    """推荐 an offer of the ranking (refused without a marketing consent in force)."""
    customer = _customer(request, customer_id)
    form = OfferForm(request.POST)
    label = CATEGORIES.get(request.POST.get("category", ""), "")
    return _panel_post(
        request,
        customer,
        Action.CUSTOMER_CHANGE,
        form,
        "offer_error",
        lambda data: services.offer_make(
            actor=request.user, customer_id=customer.pk, category=data["category"]
        ),
        _("已推荐：%(name)s。请在客户答复后登记结果。") % {"name": label},
    )


@login_required
@require_POST
def offer_outcome(request: HttpRequest, offer_id: int) -> HttpResponse:
    """The customer's answer to an offer: 已接受 or 已拒绝."""
    with refusals_as_http():
        record = selectors.offer_get_visible(user=request.user, offer_id=offer_id)
    customer = _customer(request, record.customer_id)
    return _panel_post(
        request,
        customer,
        Action.CUSTOMER_CHANGE,
        OfferOutcomeForm(request.POST, auto_id=f"o{record.pk}-%s"),
        "outcome_form",
        lambda data: services.offer_outcome(
            actor=request.user, offer_id=record.pk, outcome=data["outcome"], note=data["note"]
        ),
        _("已登记客户的答复。"),
        key=record.pk,
    )


@login_required
@require_POST
def education_send(request: HttpRequest, customer_id: int) -> HttpResponse:
    """发送金融知识 by SMS (once per customer and article)."""
    customer = _customer(request, customer_id)
    articles = list(selectors.education_articles())
    return _panel_post(
        request,
        customer,
        Action.CUSTOMER_CHANGE,
        EducationForm(request.POST, articles=articles, auto_id="ed-%s"),
        "education_form",
        lambda data: services.education_send(
            actor=request.user, customer_id=customer.pk, article_id=data["article"]
        ),
        _("已安排短信发送金融知识。"),
    )


@login_required
@require_POST
def survey_send(request: HttpRequest, customer_id: int) -> HttpResponse:
    """发送满意度调查 after a service event."""
    customer = _customer(request, customer_id)
    return _panel_post(
        request,
        customer,
        Action.CUSTOMER_CHANGE,
        SurveySendForm(request.POST, auto_id="sv-%s"),
        "survey_form",
        lambda data: services.survey_send(
            actor=request.user, customer_id=customer.pk, kind=data["kind"], trigger_key=data["trigger_key"]
        ),
        _("已发送满意度调查。"),
    )


# --- 满意度 -------------------------------------------------------------------------------------------


def _answer_form(survey: Any, data: Any = None) -> SurveyAnswerForm:
    form = SurveyAnswerForm(data, auto_id=f"s{survey.pk}-%s")
    low, high = SCORE_RANGE[SurveyKind(survey.kind)]
    form.fields["score"].widget.attrs.update({"min": low, "max": high, "placeholder": f"{low}–{high}"})
    return form


def _satisfaction(request: HttpRequest, *, status: int = 200, answering: Any = None) -> HttpResponse:
    """The page; ``answering``: (survey id, its bound form with errors)."""
    require_areas(request)
    user = request.user
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    rows = [] if form.errors else satisfaction_by_cm(user=user, start=start, end=end)
    can_record = policy.can(user, Action.SURVEY_RECORD)
    page = paginate(request, selectors.surveys_awaiting_answer(user=user))
    awaiting = [
        {
            "survey": survey,
            "form": answering[1] if answering and answering[0] == survey.pk else _answer_form(survey),
        }
        for survey in (page.object_list if can_record else [])
    ]
    context = {
        "form": form,
        "rows": rows,
        "can_record": can_record,
        "page": page,
        "awaiting": awaiting,
        "answering_error": answering[1] if answering else None,
        **nav(user),
    }
    return render(request, "marketing/satisfaction.html", context, status=status)


@login_required
@require_GET
def satisfaction(request: HttpRequest) -> HttpResponse:
    """满意度: per CM of the surveys the person sees (sent in the period) — sent, answered, response rate,
    NPS and CSAT; and the surveys awaiting an answer the person may record."""
    return _satisfaction(request)


@login_required
@require_POST
def survey_answer(request: HttpRequest, survey_id: int) -> HttpResponse:
    """登记回复 — by a team lead, branch head or risk manager who sees the customer, never by the CM
    measured (``SURVEY_RECORD``)."""
    with refusals_as_http():
        survey = selectors.survey_get_visible(user=request.user, survey_id=survey_id)
        policy.require(request.user, Action.SURVEY_RECORD, survey)
    form = _answer_form(survey, request.POST)
    status = 400
    if form.is_valid():
        try:
            with refusals_as_http():
                services.survey_answer(
                    actor=request.user,
                    survey_id=survey.pk,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                )
        except DomainError as exc:
            refusal_on_form(form, exc)
            status = exc.status
        else:
            messages.success(request, _("已登记 %(name)s 的回复。") % {"name": survey.customer_name})
            return back_or(request, "marketing:satisfaction")
    return _satisfaction(request, status=status, answering=(survey.pk, form))
