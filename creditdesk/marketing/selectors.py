"""Reads of the marketing app, each scoped to the person asking (``accounts.scope``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.applications.lifecycle import Status as ApplicationStatus
from creditdesk.applications.models import Application
from creditdesk.core.exceptions import NotFound
from creditdesk.customers.models import Customer
from creditdesk.loans.models import Loan
from creditdesk.marketing import pipeline
from creditdesk.marketing.choices import CONTACT_OUTCOMES, LeadEventKind
from creditdesk.marketing.models import Lead, LeadActivity, LeadEvent, StageRule
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
