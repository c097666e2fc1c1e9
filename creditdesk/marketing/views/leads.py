"""营销与线索 pages: the lead list, the board (看板, drag and drop through ``static/js/board.js``), a new
lead (with its source: campaign, partner, territory, referrer), a lead's page with its forms (its score and
follow-up plan too), and the team's pool and capacity.

Every write goes through one service; a refusal is shown where the person acted — on the form's field,
on the lead's page, or (for the board's requests, ``Accept: application/json``) as ``{"code",
"message"}`` with the refusal's status, so the board puts the card back and shows the sentence."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from creditdesk.accounts import policy
from creditdesk.accounts.models import User
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError
from creditdesk.core.paging import paginate
from creditdesk.core.views.errors import refusal_on_form, refusals_as_http
from creditdesk.customers.identity import mask_id, mask_phone
from creditdesk.customers.selectors import customer_list_visible_to
from creditdesk.marketing import lead_scoring, pipeline, selectors, services
from creditdesk.marketing.choices import LeadStage
from creditdesk.marketing.filtersets import LeadFilterSet
from creditdesk.marketing.forms.leads import (
    POOL,
    ActivityForm,
    AssignForm,
    CapacityForm,
    LeadForm,
    LeadSources,
    LinkCustomerForm,
    LostForm,
    NeedForm,
    PlanForm,
    RuleAssignForm,
)
from creditdesk.marketing.models import Lead
from creditdesk.marketing.reports.scores import card_scores
from creditdesk.marketing.reports.territories import territories_of
from creditdesk.marketing.services import LeadInput
from creditdesk.marketing.views.common import nav

LIST_FILTERS = ("q", "stage", "channel", "value_segment", "stalled", "pool")  # what the list's form shows
BOARD_FILTERS = ("q", "channel", "value_segment", "stalled", "pool")  # every stage is a column
DETAIL_ROWS = 100  # follow-ups and events a lead's page lists
ROUTED = gettext_lazy("该客户已是本行客户，线索已转交其客户经理跟进。")


def _stage_label(value: str) -> str:
    return str(dict(LeadStage.choices).get(value, value))


def moves_of(stage: str) -> list[tuple[str, str]]:
    """The stages a lead in ``stage`` may be moved to from a card's "移至…" (the pipeline decides; this
    only offers what can pass it): one stage on, one back, 已流失 — or, when lost, back to 新线索."""
    current = pipeline.LeadStage(stage)
    if current == pipeline.LeadStage.LOST:
        targets = [pipeline.LeadStage.NEW]
    elif current == pipeline.LeadStage.DISBURSED:
        targets = []
    else:
        at = pipeline.FORWARD.index(current)
        targets = [pipeline.FORWARD[at + 1]] + ([pipeline.FORWARD[at - 1]] if at > 0 else [])
        targets.append(pipeline.LeadStage.LOST)
    return [(target.value, _stage_label(target.value)) for target in targets]


def _wants_json(request: HttpRequest) -> bool:
    """The board's requests (``fetch`` with ``Accept: application/json``) are answered in JSON."""
    return "application/json" in request.headers.get("Accept", "")


def _refused_json(exc: DomainError) -> JsonResponse:
    return JsonResponse(
        {"code": exc.code, "message": exc.message},
        status=exc.status,
        json_dumps_params={"ensure_ascii": False},
    )


def _lead_or_404(request: HttpRequest, lead_id: int) -> Lead:
    with refusals_as_http():
        return selectors.lead_get_visible(user=request.user, lead_id=lead_id)


def _back(request: HttpRequest, lead_id: int) -> HttpResponse:
    """Back to the page the button was on (``next``, same host only), else the lead's page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("marketing:lead_detail", lead_id=lead_id)


def _query_string(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _filter_fields(filterset: LeadFilterSet, names: tuple[str, ...]) -> list[Any]:
    return [filterset.form[name] for name in names]


# --- the list and the board -----------------------------------------------------------------------------


@login_required
@require_GET
def lead_list(request: HttpRequest) -> HttpResponse:
    """线索列表: the leads in the person's scope, filtered (the same filter set as the API), paginated."""
    leads = selectors.as_cards(selectors.lead_list_visible_to(user=request.user))
    filterset = LeadFilterSet(request.GET or None, queryset=leads)
    found = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = paginate(request, found)
    leads = list(page.object_list)
    cards = selectors.lead_cards(leads)
    scores = card_scores(leads)
    context = {
        "filter": filterset,
        "fields": _filter_fields(filterset, LIST_FILTERS),
        "page": page,
        "cards": cards,
        "rows": [{"card": card, "score": scores.get(card.lead.pk)} for card in cards],
        "query_string": _query_string(request),
        **nav(request.user),
    }
    return render(request, "marketing/lead_list.html", context)


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """看板: a column per stage with its count and most recently touched cards; drag a card (or pick
    "移至…") to move the lead. Read-only for those who only read leads (branch head, risk manager)."""
    data = request.GET.copy()
    data.pop("stage", None)
    filterset = LeadFilterSet(data or None, queryset=selectors.lead_list_visible_to(user=request.user))
    narrow = filterset.filter_queryset if filterset.is_bound and filterset.is_valid() else None
    can_work = policy.can(request.user, Action.LEAD_WORK)
    found = selectors.board_columns(user=request.user, narrow=narrow)
    scores = card_scores([card.lead for column in found for card in column.cards])
    columns = [
        {
            "column": column,
            "label": _stage_label(column.stage.value),
            "cards": [
                _card_context(card, can_work=can_work, score=scores.get(card.lead.pk))
                for card in column.cards
            ],
        }
        for column in found
    ]
    context = {
        "filter": filterset,
        "fields": _filter_fields(filterset, BOARD_FILTERS),
        "columns": columns,
        "can_work": can_work,
        **nav(request.user),
        "lost_form": LostForm(reasons=selectors.lost_reasons()) if can_work else None,
        "per_column": selectors.BOARD_CARDS,
        "query_string": data.urlencode(),
    }
    return render(request, "marketing/board.html", context)


def _card_context(
    card: selectors.LeadCard, *, can_work: bool, score: lead_scoring.Score | None = None
) -> dict[str, Any]:
    return {
        "card": card,
        "moves": moves_of(card.lead.stage) if can_work else [],
        "can_work": can_work,
        "score": score,
    }


def _card_html(request: HttpRequest, lead: Lead) -> str:
    """The board card of ``lead`` as it is now (after a move)."""
    card = selectors.lead_cards([lead])[0]
    score = card_scores([lead]).get(lead.pk)
    context = _card_context(card, can_work=policy.can(request.user, Action.LEAD_WORK), score=score)
    return render_to_string("marketing/_card.html", context, request=request)


# --- a new lead ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def lead_create(request: HttpRequest) -> HttpResponse:
    """录入线索. A team lead may give it to a member or leave it in the team's pool. A lead for an existing
    customer goes to that customer's manager (the page says so)."""
    user = request.user
    with refusals_as_http():
        policy.require(user, Action.LEAD_CREATE)
    members = list(selectors.team_members(user=user)) if policy.can(user, Action.LEAD_ASSIGN) else None
    form = LeadForm(request.POST or None, user=user, members=members, sources=_lead_sources(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = data.get("owner") or ""
        owner = next((m for m in members or () if str(m.pk) == chosen), None)
        fields = {name: data[name] for name in LeadInput.__dataclass_fields__ if name in data}
        try:
            intake = services.lead_create(
                actor=user,
                data=LeadInput(**{k: v or "" for k, v in fields.items()}),
                owner=owner,
                to_pool=chosen == POOL,
            )
        except DomainError as exc:
            refusal_on_form(form, exc)
        else:
            lead = intake.lead
            if intake.routed:
                messages.info(request, ROUTED)
            else:
                messages.success(request, _("已录入线索：%(name)s") % {"name": lead.name})
            if selectors.lead_is_visible(user=user, lead_id=lead.pk):
                return redirect("marketing:lead_detail", lead_id=lead.pk)
            return redirect("marketing:lead_list")
    return render(request, "marketing/lead_form.html", {"form": form}, status=400 if form.errors else 200)


def _lead_sources(request: HttpRequest) -> LeadSources:
    """What the new-lead form's source fields offer the person: their branch's campaigns, partners in
    cooperation, territories and staff; and the referring customer already picked when the form comes
    back (one they see — the search box's candidates are theirs too)."""
    user = request.user
    referrer = None
    picked = request.POST.get("referrer_customer", "")
    if picked.isascii() and picked.isdigit() and len(picked) < 19:
        referrer = customer_list_visible_to(user=user).filter(pk=int(picked)).first()
    return LeadSources(
        campaigns=list(selectors.campaigns_of(user=user)),
        partners=list(selectors.partners_of(user=user).filter(active=True)),
        territories=list(territories_of(user=user)),
        staff=list(selectors.branch_staff(user=user)),
        referrer=referrer,
    )


# --- a lead's page and its forms --------------------------------------------------------------------------


def _stage_bar(lead: Lead) -> list[dict[str, Any]]:
    position = pipeline.FORWARD.index(pipeline.LeadStage(lead.stage)) if lead.stage != LeadStage.LOST else -1
    return [
        {
            "value": stage.value,
            "label": _stage_label(stage.value),
            "state": "done" if index < position else "current" if index == position else "todo",
        }
        for index, stage in enumerate(pipeline.FORWARD)
    ]


def _detail(request: HttpRequest, lead: Lead, *, status: int = 200, **forms: Any) -> HttpResponse:
    """The lead's page; ``forms`` replace the page's blank forms (a bound form with its errors)."""
    user = request.user
    facts = selectors.lead_facts(lead)
    gates = selectors.gates_of(selectors.stage_rules(tier=lead.value_segment))
    following = selectors.next_step(lead, facts, gates)
    checklist = (
        [{"requirement": r, "met": facts.met(r)} for r in gates.get(following.stage, ())] if following else []
    )
    can_work = policy.can(user, Action.LEAD_WORK, lead)
    can_assign = lead.is_open and lead.team_id == user.team_id and policy.can(user, Action.LEAD_ASSIGN)
    can_claim = lead.is_open and lead.owner_id is None and policy.can(user, Action.LEAD_CLAIM, lead)
    at = pipeline.FORWARD.index(pipeline.LeadStage(lead.stage)) if lead.is_open else 0
    back = pipeline.FORWARD[at - 1].value if can_work and at > 0 else ""
    members = list(selectors.team_members(user=user)) if can_assign else []
    plans = list(selectors.activity_plans()) if can_work and lead.is_open else []
    context = {
        "lead": lead,
        "score": services.lead_score(lead) if lead.is_open else None,
        "plans": plans,
        "plan_form": forms.pop("plan_form", None) or PlanForm(plans=plans),
        "can_write_case": not lead.is_open and policy.can(user, Action.LEAD_CREATE),
        "phone": mask_phone(lead.phone),
        "id_number": mask_id(lead.id_number) if lead.id_number else "",
        "stalled": selectors.is_stalled(lead),
        "stage_bar": _stage_bar(lead),
        "next": following,
        "checklist": checklist,
        "can_work": can_work,
        "can_assign": can_assign,
        "can_claim": can_claim,
        "back": back,
        "back_label": _stage_label(back) if back else "",
        "reopen": lead.stage == LeadStage.LOST and can_work,
        "move_error": forms.pop("move_error", None),
        "need_form": forms.pop("need_form", None)
        or NeedForm(
            initial={
                "need_purpose": lead.need_purpose,
                "need_amount": lead.need_amount if lead.need_amount is not None else "",
                "notes": lead.notes,
            }
        ),
        "activity_form": forms.pop("activity_form", None) or ActivityForm(),
        "lost_form": forms.pop("lost_form", None) or LostForm(reasons=selectors.lost_reasons()),
        "link_form": forms.pop("link_form", None) or LinkCustomerForm(),
        "assign_form": forms.pop("assign_form", None)
        or AssignForm(members=members, initial={"owner": lead.owner_id or POOL}),
        "activities": list(selectors.activities_of(lead)[:DETAIL_ROWS]),
        "events": list(selectors.events_of(lead).order_by("-at", "-id")[:DETAIL_ROWS]),
    }
    return render(request, "marketing/lead_detail.html", context, status=status)


@login_required
@require_GET
def lead_detail(request: HttpRequest, lead_id: int) -> HttpResponse:
    return _detail(request, _lead_or_404(request, lead_id))


@login_required
@require_POST
def lead_stage(request: HttpRequest, lead_id: int) -> HttpResponse:
    """阶段推进 (a button of the lead's page, a card's "移至…", a card dropped on the board)."""
    stage = request.POST.get("stage", "")
    try:
        with refusals_as_http():
            lead = services.lead_move(
                actor=request.user,
                lead_id=lead_id,
                stage=stage,
                lost_reason=request.POST.get("lost_reason") or None,
                lost_note=request.POST.get("lost_note", ""),
            )
    except DomainError as exc:
        if _wants_json(request):
            return _refused_json(exc)
        if request.POST.get("next"):
            messages.error(request, exc.message)
            return _back(request, lead_id)
        lead = _lead_or_404(request, lead_id)
        if stage == LeadStage.LOST:
            lost_form = LostForm(request.POST, reasons=selectors.lost_reasons())
            if lost_form.is_valid():  # the form's own errors say it already; else the service's refusal
                refusal_on_form(lost_form, exc)
            return _detail(request, lead, status=exc.status, lost_form=lost_form)
        return _detail(request, lead, status=exc.status, move_error=exc.message)
    label = _stage_label(lead.stage)
    if _wants_json(request):
        return JsonResponse(
            {"stage": lead.stage, "label": label, "card": _card_html(request, lead)},
            json_dumps_params={"ensure_ascii": False},
        )
    messages.success(request, _("线索已移至“%(stage)s”。") % {"stage": label})
    return _back(request, lead.pk)


def _posted(request: HttpRequest, lead_id: int, form: Any, name: str, write: Any, done: str) -> HttpResponse:
    """A form of the lead's page: valid → the service (``write(cleaned_data)``) → back with ``done``;
    invalid or refused → the page again with the form and its errors (400, or the refusal's status).
    Out of scope: 404; a lead the person only reads: 403 — before the form is looked at."""
    lead = _lead_or_404(request, lead_id)
    if not policy.can(request.user, Action.LEAD_WORK, lead):
        raise PermissionDenied
    status = 400
    if form.is_valid():
        try:
            with refusals_as_http():
                write(form.cleaned_data)
        except DomainError as exc:
            refusal_on_form(form, exc)
            status = exc.status
        else:
            if done:
                messages.success(request, done)
            return _back(request, lead_id)
    return _detail(request, _lead_or_404(request, lead_id), status=status, **{name: form})


def _assign_posted(request: HttpRequest, lead_id: int) -> HttpResponse:
    members = list(selectors.team_members(user=request.user))
    form = AssignForm(request.POST, members=members)
    status = 400
    if form.is_valid():
        owner = next((m for m in members if str(m.pk) == form.cleaned_data["owner"]), None)
        try:
            with refusals_as_http():
                services.lead_assign(actor=request.user, lead_id=lead_id, owner=owner)
        except DomainError as exc:
            refusal_on_form(form, exc)
            status = exc.status
        else:
            messages.success(request, _("已更新线索负责人。"))
            return _back(request, lead_id)
    return _detail(request, _lead_or_404(request, lead_id), status=status, assign_form=form)


@login_required
@require_POST
def lead_update(request: HttpRequest, lead_id: int) -> HttpResponse:
    """需求记录."""
    return _posted(
        request,
        lead_id,
        NeedForm(request.POST),
        "need_form",
        lambda data: services.lead_update(
            actor=request.user,
            lead_id=lead_id,
            need_purpose=data["need_purpose"],
            need_amount=data["need_amount"],
            notes=data["notes"],
        ),
        _("已保存融资需求。"),
    )


@login_required
@require_POST
def lead_activity(request: HttpRequest, lead_id: int) -> HttpResponse:
    """跟进记录."""
    return _posted(
        request,
        lead_id,
        ActivityForm(request.POST),
        "activity_form",
        lambda data: services.lead_activity_log(actor=request.user, lead_id=lead_id, **data),
        _("已记录跟进。"),
    )


@login_required
@require_POST
def lead_plan(request: HttpRequest, lead_id: int) -> HttpResponse:
    """跟进计划: every step of the plan becomes a task on the owner's agenda."""
    plans = list(selectors.activity_plans())
    applied: list[Any] = []

    def apply(data: dict[str, Any]) -> None:
        applied.extend(services.lead_plan_apply(actor=request.user, lead_id=lead_id, plan_id=data["plan"]))

    form = PlanForm(request.POST, plans=plans)
    response = _posted(request, lead_id, form, "plan_form", apply, "")
    if applied:
        plan = next(p for p in plans if str(p.pk) == form.cleaned_data["plan"])
        messages.success(
            request, _("已按“%(plan)s”安排 %(n)s 项跟进待办。") % {"plan": plan.name, "n": len(applied)}
        )
    return response


@login_required
@require_POST
def lead_customer(request: HttpRequest, lead_id: int) -> HttpResponse:
    """关联客户."""
    return _posted(
        request,
        lead_id,
        LinkCustomerForm(request.POST),
        "link_form",
        lambda data: services.lead_link_customer(
            actor=request.user, lead_id=lead_id, customer_id=data["customer"]
        ),
        _("已关联客户档案。"),
    )


@login_required
@require_POST
def lead_assign(request: HttpRequest, lead_id: int) -> HttpResponse:
    """手工分配 (a team lead): to a member of the team, or back to the pool."""
    _lead_or_404(request, lead_id)  # out of scope: 404 before anything is said about the rule
    if not policy.can(request.user, Action.LEAD_ASSIGN):
        raise PermissionDenied
    return _assign_posted(request, lead_id)


@login_required
@require_POST
def lead_claim(request: HttpRequest, lead_id: int) -> HttpResponse:
    """领取线索 from the team's pool."""
    try:
        with refusals_as_http():
            lead = services.lead_claim(actor=request.user, lead_id=lead_id)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(request, lead_id) if request.POST.get("next") else redirect("marketing:pool")
    messages.success(request, _("已领取线索：%(name)s") % {"name": lead.name})
    return redirect("marketing:lead_detail", lead_id=lead.pk)


# --- the pool and the team's capacity ---------------------------------------------------------------------


@login_required
@require_GET
def pool(request: HttpRequest) -> HttpResponse:
    """线索池: the team's leads nobody owns, to claim; for the team lead, assignment by rule and the
    members' capacity."""
    user = request.user
    with refusals_as_http():
        policy.require(user, Action.LEAD_CLAIM)
    page = paginate(request, selectors.as_cards(selectors.lead_pool_of(user=user)))
    leads = selectors.lead_cards(list(page.object_list))
    leads_team = policy.can(user, Action.LEAD_ASSIGN)
    capacity = selectors.team_capacity(user=user) if leads_team else []
    context = {
        "page": page,
        "cards": leads,
        "leads_team": leads_team,
        "rule_form": RuleAssignForm() if leads_team else None,
        "capacity": [
            {
                "row": row,
                "form": CapacityForm(
                    initial={
                        "weight": row.weight,
                        "daily_quota": row.daily_quota,
                        "accepting": row.accepting,
                    },
                    prefix=f"p{row.person.pk}",
                ),
            }
            for row in capacity
        ],
    }
    return render(request, "marketing/pool.html", context)


@login_required
@require_POST
def pool_assign(request: HttpRequest) -> HttpResponse:
    """按规则分配 the team pool's leads (a team lead)."""
    with refusals_as_http():
        policy.require(request.user, Action.LEAD_ASSIGN)
    form = RuleAssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择分配方式。"))
        return redirect("marketing:pool")
    try:
        with refusals_as_http():
            result = services.leads_assign_by_rule(actor=request.user, method=form.cleaned_data["method"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("marketing:pool")
    given = sum(result.assigned.values())
    if given:
        messages.success(
            request,
            _("已分配 %(given)s 条线索，线索池剩余 %(left)s 条。")
            % {"given": given, "left": result.left_in_pool},
        )
    elif result.left_in_pool:
        messages.warning(
            request, _("没有可接收线索的客户经理（均已达每日上限或暂停接收），线索仍在线索池中。")
        )
    else:
        messages.info(request, _("线索池中没有待分配的线索。"))
    return redirect("marketing:pool")


@login_required
@require_POST
def capacity(request: HttpRequest, person_id: int) -> HttpResponse:
    """接单能力 of a member of the team (a team lead)."""
    user = request.user
    with refusals_as_http():
        policy.require(user, Action.LEAD_ASSIGN)
    person: User | None = selectors.team_members(user=user).filter(pk=person_id).first()
    if person is None:
        raise Http404
    form = CapacityForm(request.POST, prefix=f"p{person.pk}")
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        messages.error(request, f"{person.get_full_name()}：{first}")
        return redirect("marketing:pool")
    try:
        with refusals_as_http():
            services.lead_capacity_set(actor=user, person=person, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, f"{person.get_full_name()}：{exc.message}")
    else:
        messages.success(request, _("已更新 %(name)s 的接单能力。") % {"name": person.get_full_name()})
    return redirect("marketing:pool")
