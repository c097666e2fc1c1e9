"""Reads of the marketing app, each scoped to the person asking (``accounts.scope``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Count, F, Max, Model, Q, QuerySet
from django.utils import timezone

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.accounts.roles import Role
from creditdesk.applications.lifecycle import Status as ApplicationStatus
from creditdesk.applications.models import Application
from creditdesk.core.exceptions import NotFound
from creditdesk.customers.models import Customer
from creditdesk.loans.models import Loan
from creditdesk.marketing import pipeline
from creditdesk.marketing.choices import CONTACT_OUTCOMES, LeadEventKind, OfferOutcome
from creditdesk.marketing.models import (
    ActivityPlan,
    Campaign,
    CaseStudy,
    EducationArticle,
    Feedback,
    Lead,
    LeadActivity,
    LeadCapacity,
    LeadEvent,
    LostReason,
    OfferRecord,
    Partner,
    StageRule,
    Survey,
    Territory,
)
from creditdesk.solutions.models import Proposal

SUBMITTED_STATUSES = frozenset(ApplicationStatus) - {
    ApplicationStatus.DRAFT,
    ApplicationStatus.DOCUMENTS_COMPLETE,
    ApplicationStatus.WITHDRAWN,
    ApplicationStatus.EXPIRED,
    ApplicationStatus.REJECTED,
}
"""An application counts as submitted (申请中) from 已提交 on, while it is alive or became a loan."""

_RELATED = ("owner", "team", "customer", "lost_reason")


def lead_list_visible_to(*, user: User) -> QuerySet[Lead]:
    """The leads ``user`` sees: a CM their own, a team lead the team's (its pool included), a branch head
    and a risk manager the branch's."""
    return scope.visible(user, Lead.objects.select_related(*_RELATED))


def lead_pool_of(*, user: User) -> QuerySet[Lead]:
    """The open leads nobody owns in the pool (线索池) ``user`` may take from: a CM's or team lead's own
    team's (a branch head and a risk manager read their branch's)."""
    shared = scope.team_shared_q(user, team="team", branch="team__branch")
    return (
        Lead.objects.select_related(*_RELATED)
        .filter(shared, owner__isnull=True, stage__in=[s.value for s in pipeline.OPEN_STAGES])
        .order_by("created_at", "pk")
    )


def lead_get_visible(*, user: User, lead_id: int | str) -> Lead:
    """One lead ``user`` sees (their scope, or their team's pool); 404 otherwise."""
    try:
        found = (lead_list_visible_to(user=user) | lead_pool_of(user=user)).filter(pk=lead_id).first()
    except (ValueError, TypeError):
        found = None
    if found is None:
        raise NotFound("not_found", "线索不存在或不在您的权限范围内。")
    return found


def stage_rules(*, tier: str) -> dict[str, StageRule]:
    """The rule of each stage for a lead of ``tier``: the tier's own row, else the any-tier row."""
    found: dict[str, StageRule] = {}
    for rule in StageRule.objects.filter(Q(tier=tier) | Q(tier="")).order_by("tier"):
        if rule.tier or rule.stage not in found:  # "" sorts first: the tier's row replaces it
            found[rule.stage] = rule
    return found


def gates_of(rules: Mapping[str, StageRule]) -> dict[pipeline.LeadStage, tuple[pipeline.Requirement, ...]]:
    """The gate of every stage from its rule (``pipeline.parse_requirements`` of its cell)."""
    return {
        pipeline.LeadStage(stage): pipeline.parse_requirements(rule.requirements)
        for stage, rule in rules.items()
    }


def lead_facts(lead: Lead) -> pipeline.LeadFacts:
    """What the lead has done, for its gates: a contact made (an activity whose outcome is not 未接通),
    the need (purpose and amount), a linked customer, and — for that customer since the lead was entered
    — a proposal (方案书) issued, an application submitted, a loan disbursed."""
    customer_id = lead.customer_id
    since = lead.created_at

    def of_customer(queryset: QuerySet[Any], **filters: Any) -> bool:
        return customer_id is not None and queryset.filter(customer_id=customer_id, **filters).exists()

    return pipeline.LeadFacts(
        contact_logged=lead.activities.filter(outcome__in=CONTACT_OUTCOMES).exists(),
        need_recorded=bool(lead.need_purpose) and lead.need_amount is not None,
        customer_linked=customer_id is not None,
        proposal_issued=of_customer(Proposal.objects, created_at__gte=since),
        application_submitted=of_customer(
            Application.objects, status__in=[s.value for s in SUBMITTED_STATUSES], created_at__gte=since
        ),
        loan_disbursed=of_customer(Loan.objects, created_at__gte=since),
    )


@dataclass(frozen=True)
class NextStep:
    """The stage after the lead's, with what its gate still lacks (empty: the lead may move on)."""

    stage: pipeline.LeadStage
    missing: tuple[pipeline.Requirement, ...]


def next_step(lead: Lead, facts: pipeline.LeadFacts, gates: Mapping[Any, Sequence[Any]]) -> NextStep | None:
    """The next forward stage and its missing requirements; None for a lead that is lost or disbursed."""
    stage = pipeline.LeadStage(lead.stage)
    if stage not in pipeline.OPEN_STAGES:
        return None
    following = pipeline.FORWARD[pipeline.FORWARD.index(stage) + 1]
    return NextStep(following, pipeline.missing(following, facts, gates))


def is_stalled(lead: Lead, *, now: datetime | None = None) -> bool:
    """停滞: an open lead past its stage's idle time."""
    now = now or timezone.now()
    return lead.is_open and lead.stalled_after is not None and now > lead.stalled_after


def stalled_q(now: datetime) -> Q:
    """The filter for stalled leads (an index range on ``stalled_after``)."""
    return Q(stalled_after__lt=now, stage__in=[s.value for s in pipeline.OPEN_STAGES])


def activities_of(lead: Lead) -> QuerySet[LeadActivity]:
    return lead.activities.select_related("created_by", "task")


def events_of(lead: Lead) -> QuerySet[LeadEvent]:
    return lead.events.select_related("owner", "previous_owner", "by")


def assignments_on(*, owner_ids: Sequence[int], on: date) -> dict[int, int]:
    """How many leads each of ``owner_ids`` was given on ``on`` (by hand, by rule or claimed): what their
    daily quota counts."""
    rows = (
        LeadEvent.objects.filter(kind=LeadEventKind.ASSIGNED, owner_id__in=list(owner_ids), on=on)
        .values("owner_id")
        .annotate(n=Count("id"))
    )
    return {row["owner_id"]: row["n"] for row in rows}


def leads_of_customer(*, user: User, customer: Customer) -> QuerySet[Lead]:
    """The leads linked to ``customer`` that ``user`` sees (the 360 page's panel)."""
    return lead_list_visible_to(user=user).filter(customer=customer).order_by("-created_at")


def activities_of_customer(*, user: User, customer: Customer) -> QuerySet[LeadActivity]:
    """The follow-ups of the leads of ``customer`` that ``user`` sees, newest first."""
    visible = lead_list_visible_to(user=user).filter(customer=customer).values("pk")
    return LeadActivity.objects.filter(lead_id__in=visible).select_related("lead", "created_by")


# --- the pages: the board (看板), the list, the pool and the team's capacity -------------------------------

BOARD_CARDS = 20
"""Cards per column of the board: the most recently touched; the rest through the list, filtered by stage."""

BOARD_STAGES: tuple[pipeline.LeadStage, ...] = (*pipeline.FORWARD, pipeline.LeadStage.LOST)
"""The board's columns: the forward stages in order, then 已流失."""

CARD_UNREAD = ("phone", "id_number", "notes", "consent_note", "lost_note")
"""What a card or a list row does not show: not read (the encrypted numbers are not even decrypted)."""


def as_cards(leads: QuerySet[Lead]) -> QuerySet[Lead]:
    """``leads`` read for cards and list rows: with their owner and lost reason, without what a card does
    not show (``CARD_UNREAD``, and the linked customer's record with its encrypted fields)."""
    return leads.select_related(None).select_related("owner", "lost_reason").defer(*CARD_UNREAD)


def lead_is_visible(*, user: User, lead_id: int) -> bool:
    """Whether ``user`` may open the lead's page (their scope, or their team's pool)."""
    return (lead_list_visible_to(user=user) | lead_pool_of(user=user)).filter(pk=lead_id).exists()


def gates_by_tier(tiers: set[str]) -> dict[str, dict[pipeline.LeadStage, tuple[pipeline.Requirement, ...]]]:
    """The gates of each of ``tiers`` (``stage_rules`` + ``gates_of``) from one query of the rules."""
    if not tiers:
        return {}
    rules = sorted(StageRule.objects.all(), key=lambda rule: rule.tier)  # "" (any tier) first
    found: dict[str, dict[pipeline.LeadStage, tuple[pipeline.Requirement, ...]]] = {}
    for tier in tiers:
        own: dict[str, StageRule] = {}
        for rule in rules:
            if rule.tier == tier or (rule.tier == "" and rule.stage not in own):
                own[rule.stage] = rule
        found[tier] = gates_of(own)
    return found


def facts_of(leads: Sequence[Lead]) -> dict[int, pipeline.LeadFacts]:
    """``lead_facts`` of many leads at once (a board, a page of the list): at most four queries whatever
    their number — the contacts made, and for the linked customers the latest proposal, submitted
    application and loan (a fact holds when the latest is no older than the lead)."""
    if not leads:
        return {}
    ids = [lead.pk for lead in leads]
    contacted = set(
        LeadActivity.objects.filter(lead_id__in=ids, outcome__in=CONTACT_OUTCOMES)
        .order_by()
        .values_list("lead_id", flat=True)
        .distinct()
    )
    customers = {lead.customer_id for lead in leads if lead.customer_id is not None}

    def latest(queryset: QuerySet[Any], **filters: Any) -> dict[int, datetime]:
        if not customers:
            return {}
        rows = (
            queryset.filter(customer_id__in=customers, **filters)
            .order_by()
            .values("customer_id")
            .annotate(last=Max("created_at"))
            .values_list("customer_id", "last")
        )
        return dict(rows)

    proposals = latest(Proposal.objects)
    applications = latest(Application.objects, status__in=[s.value for s in SUBMITTED_STATUSES])
    loans = latest(Loan.objects)

    def since(found: dict[int, datetime], lead: Lead) -> bool:
        last = found.get(lead.customer_id) if lead.customer_id is not None else None
        return last is not None and last >= lead.created_at

    return {
        lead.pk: pipeline.LeadFacts(
            contact_logged=lead.pk in contacted,
            need_recorded=bool(lead.need_purpose) and lead.need_amount is not None,
            customer_linked=lead.customer_id is not None,
            proposal_issued=since(proposals, lead),
            application_submitted=since(applications, lead),
            loan_disbursed=since(loans, lead),
        )
        for lead in leads
    }


@dataclass(frozen=True)
class LeadCard:
    """A lead as a board card or a list row: stalled or not, and the next stage with what its gate lacks."""

    lead: Lead
    stalled: bool
    next: NextStep | None


def lead_cards(leads: Sequence[Lead], *, now: datetime | None = None) -> list[LeadCard]:
    """``leads`` with their stalled flag and next step, in a constant number of queries (``facts_of``,
    ``gates_by_tier``)."""
    now = now or timezone.now()
    facts = facts_of(leads)
    gates = gates_by_tier({lead.value_segment for lead in leads})
    return [
        LeadCard(lead, is_stalled(lead, now=now), next_step(lead, facts[lead.pk], gates[lead.value_segment]))
        for lead in leads
    ]


@dataclass(frozen=True)
class BoardColumn:
    """One stage of the board: how many leads are in it, how many of them stalled, and the first cards."""

    stage: pipeline.LeadStage
    count: int
    stalled: int
    cards: list[LeadCard]

    @property
    def more(self) -> bool:
        return self.count > len(self.cards)


def board_columns(
    *,
    user: User,
    narrow: Callable[[QuerySet[Lead]], QuerySet[Lead]] | None = None,
    per_column: int = BOARD_CARDS,
    now: datetime | None = None,
) -> list[BoardColumn]:
    """The board (看板) of the leads ``user`` sees, narrowed by ``narrow`` (the page's ``LeadFilterSet``):
    per stage of ``BOARD_STAGES`` the number of leads and of stalled ones (one GROUP BY), and the
    ``per_column`` most recently touched (one bounded query per stage that has any) — the cost does not
    grow with the leads in scope."""
    now = now or timezone.now()
    leads = lead_list_visible_to(user=user)
    if narrow is not None:
        leads = narrow(leads)
    counts = {
        row["stage"]: (row["n"], row["stalled"])
        for row in leads.order_by()
        .values("stage")
        .annotate(n=Count("id"), stalled=Count("id", filter=stalled_q(now)))
    }
    shown = as_cards(leads).order_by("-last_touched_at", "-id")
    picked = {
        stage: list(shown.filter(stage=stage.value)[:per_column]) if counts.get(stage.value) else []
        for stage in BOARD_STAGES
    }
    cards = iter(lead_cards([lead for group in picked.values() for lead in group], now=now))
    return [
        BoardColumn(
            stage,
            counts.get(stage.value, (0, 0))[0],
            counts.get(stage.value, (0, 0))[1],
            [next(cards) for _lead in picked[stage]],
        )
        for stage in BOARD_STAGES
    ]


def lost_reasons() -> QuerySet[LostReason]:
    """The reasons a lead may be marked lost with (the active ones, in the bank's order)."""
    return LostReason.objects.filter(active=True)


def team_members(*, user: User) -> QuerySet[User]:
    """The active members of ``user``'s team (the people a team lead may give a lead to); none without a
    team."""
    if user.team_id is None:
        return User.objects.none()
    return User.objects.filter(team_id=user.team_id, is_active=True).order_by("role", "full_name", "pk")


@dataclass(frozen=True)
class Capacity:
    """A CM's capacity (接单能力) as the team lead sees it: the configured row or the defaults, and how many
    leads they were given today (what the daily quota counts)."""

    person: User
    weight: int
    daily_quota: int
    accepting: bool
    today: int


def team_capacity(*, user: User, on: date | None = None) -> list[Capacity]:
    """The capacity of each active CM of ``user``'s team — those the rules hand leads to (three queries)."""
    members = list(team_members(user=user).filter(role=Role.MANAGER).order_by("full_name", "pk"))
    rows = {row.person_id: row for row in LeadCapacity.objects.filter(person__in=members)}
    given = assignments_on(owner_ids=[m.pk for m in members], on=on or timezone.localdate())
    quota = int(getattr(settings, "CREDITDESK_LEAD_DAILY_QUOTA", 20))
    found = []
    for person in members:
        row = rows.get(person.pk)
        found.append(
            Capacity(
                person,
                row.weight if row else 1,
                row.daily_quota if row else quota,
                row.accepting if row else True,
                given.get(person.pk, 0),
            )
        )
    return found


# --- the API: capacities -----------------------------------------------------------------------------------


def lead_capacities_visible_to(*, user: User, on: date | None = None) -> list[Capacity]:
    """The capacities ``user`` reads (``GET /api/v1/lead-capacities/``): a team lead their team's CMs
    (``team_capacity``), a CM their own row (their quota and what they were given today), anyone else
    none — capacity is the team's working arrangement, set by its lead."""
    role = getattr(user, "role", None)
    if role == Role.TEAM_LEAD:
        return team_capacity(user=user, on=on)
    if role == Role.MANAGER:
        return [row for row in team_capacity(user=user, on=on) if row.person.pk == user.pk]
    return []


def capacity_of(*, person: User, on: date | None = None) -> Capacity:
    """One person's capacity: their row or the defaults, and the leads they were given on ``on``."""
    row = LeadCapacity.objects.filter(person=person).first()
    given = assignments_on(owner_ids=[person.pk], on=on or timezone.localdate()).get(person.pk, 0)
    if row is None:
        return Capacity(person, 1, int(getattr(settings, "CREDITDESK_LEAD_DAILY_QUOTA", 20)), True, given)
    return Capacity(person, row.weight, row.daily_quota, row.accepting, given)


# --- the API: sources, surveys, feedback, offers, cases (issue 17 item 11) -------------------------------

M = TypeVar("M", bound=Model)


def _one(rows: QuerySet[M], pk: int | str, what: str) -> M:
    """The row ``pk`` of ``rows`` (already narrowed to what the person sees), or 404."""
    try:
        found = rows.filter(pk=pk).first()
    except (ValueError, TypeError):
        found = None
    if found is None:
        raise NotFound("not_found", f"{what}不存在或不在您的权限范围内。")
    return found


def _of_branch(user: User, rows: QuerySet[M]) -> QuerySet[M]:
    """The rows of ``user``'s branch: a branch's campaigns, partners and territories are read by everyone
    of the branch (kept by its team leads and branch head); nobody else's."""
    branch_id = getattr(user, "branch_id", None)
    return rows.filter(branch_id=branch_id) if branch_id else rows.none()


def campaigns_of(*, user: User) -> QuerySet[Campaign]:
    """The campaigns (营销活动) of ``user``'s branch, latest first, with their partner."""
    return _of_branch(user, Campaign.objects.select_related("partner")).order_by("-starts_on", "-id")


def campaign_get_visible(*, user: User, campaign_id: int | str) -> Campaign:
    return _one(campaigns_of(user=user), campaign_id, "营销活动")


def partners_of(*, user: User) -> QuerySet[Partner]:
    """The partner organisations (合作渠道) of ``user``'s branch, by name."""
    return _of_branch(user, Partner.objects.all()).order_by("name", "id")


def partner_get_visible(*, user: User, partner_id: int | str) -> Partner:
    return _one(partners_of(user=user), partner_id, "合作渠道")


def territory_get_visible(*, user: User, territory_id: int | str) -> Territory:
    """One territory (片区) of ``user``'s branch; 404 otherwise."""
    return _one(_of_branch(user, Territory.objects.all()).order_by("name", "id"), territory_id, "片区")


def _of_customers(user: User, rows: QuerySet[M], customer_id: int | None) -> QuerySet[M]:
    """``rows`` (hanging off a customer) that ``user`` sees — of one customer when ``customer_id`` is
    given — with the customer's name only (their encrypted fields are not read)."""
    rows = scope.visible(user, rows).annotate(customer_name=F("customer__name"))
    return rows if customer_id is None else rows.filter(customer_id=customer_id)


def surveys_visible_to(*, user: User, customer_id: int | None = None) -> QuerySet[Survey]:
    """The satisfaction surveys of the customers ``user`` sees, latest first."""
    rows = Survey.objects.select_related("owner").order_by("-sent_on", "-id")
    return _of_customers(user, rows, customer_id)


def survey_get_visible(*, user: User, survey_id: int | str) -> Survey:
    return _one(surveys_visible_to(user=user), survey_id, "调查")


def feedback_visible_to(*, user: User, customer_id: int | None = None) -> QuerySet[Feedback]:
    """The feedback (客户反馈) of the customers ``user`` sees, latest first."""
    rows = Feedback.objects.select_related("recorded_by").order_by("-received_on", "-id")
    return _of_customers(user, rows, customer_id)


def feedback_get_visible(*, user: User, feedback_id: int | str) -> Feedback:
    return _one(feedback_visible_to(user=user), feedback_id, "反馈")


def offers_visible_to(*, user: User, customer_id: int | None = None) -> QuerySet[OfferRecord]:
    """The offers (推荐记录) made to the customers ``user`` sees, latest first."""
    rows = OfferRecord.objects.select_related("offered_by").order_by("-offered_at", "-id")
    return _of_customers(user, rows, customer_id)


def offer_get_visible(*, user: User, offer_id: int | str) -> OfferRecord:
    return _one(offers_visible_to(user=user), offer_id, "推荐记录")


def open_offers_of(*, customer: Customer) -> dict[str, int]:
    """The offers of ``customer`` awaiting an answer: category → the offer's id."""
    rows = OfferRecord.objects.filter(customer=customer, outcome=OfferOutcome.OFFERED)
    return dict(rows.values_list("category", "pk"))


CASE_SEARCHED = ("title", "industry", "tags", "need", "solution", "lessons")


def cases_visible_to(*, user: User, query: str = "") -> QuerySet[CaseStudy]:
    """The case library (案例库) ``user`` reads — a CM's and team lead's team's cases, a branch head's and
    risk manager's branch's (a case names no customer: it is the team's shared knowledge) — newest first;
    ``query``: words that must each appear in the title, industry, tags or text."""
    shared = scope.team_shared_q(user, team="team", branch="team__branch")
    rows = CaseStudy.objects.filter(shared).select_related("author").order_by("-created_at", "-id")
    for word in query.split()[:10]:
        rows = rows.filter(Q.create([(f"{field}__icontains", word) for field in CASE_SEARCHED], Q.OR))
    return rows


def case_get_visible(*, user: User, case_id: int | str) -> CaseStudy:
    return _one(cases_visible_to(user=user), case_id, "案例")


def education_articles() -> QuerySet[EducationArticle]:
    """The customer education (金融知识) a CM may send: the active articles, by topic."""
    return EducationArticle.objects.filter(active=True).order_by("topic", "id")


def activity_plans() -> QuerySet[ActivityPlan]:
    """The follow-up plans (跟进计划模板) a CM may apply to a lead: the active ones with their steps."""
    return ActivityPlan.objects.filter(active=True).prefetch_related("steps").order_by("name")


# --- the pages: new-lead sources, surveys awaiting an answer ------------------------------------------------


def branch_staff(*, user: User) -> QuerySet[User]:
    """The active staff of ``user``'s branch who work customers (a lead's 推荐员工), by name."""
    if not getattr(user, "branch_id", None):
        return User.objects.none()
    return User.objects.filter(
        branch_id=user.branch_id,
        is_active=True,
        role__in=[Role.MANAGER, Role.TEAM_LEAD, Role.BRANCH_HEAD, Role.RISK_MANAGER],
    ).order_by("full_name", "pk")


def surveys_awaiting_answer(*, user: User) -> QuerySet[Survey]:
    """The surveys of the customers ``user`` sees still waiting for the customer's answer, except those
    measuring ``user`` (a CM never records the answer about their own service), oldest first."""
    from creditdesk.marketing.choices import SurveyStatus

    return (
        surveys_visible_to(user=user)
        .filter(status=SurveyStatus.SENT)
        .exclude(owner_id=user.pk)
        .order_by("sent_on", "id")
    )
