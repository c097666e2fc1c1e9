"""线索分配 — who works each lead: a team lead by hand or by rule (round robin, or weighted by capacity,
within daily quotas), a CM taking one from the team's pool, the nightly return of idle leads to the pool
(收回线索池), and leads following a customer handover."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy, scope
from creditdesk.accounts.models import Team, User
from creditdesk.accounts.roles import Role
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import Conflict, DomainError, NotFound
from creditdesk.customers.services import Handover
from creditdesk.marketing import assignment
from creditdesk.marketing.choices import AssignSource, LeadEventKind
from creditdesk.marketing.models import OPEN_STAGE_VALUES, Lead, LeadCapacity, LeadEvent
from creditdesk.marketing.selectors import assignments_on
from creditdesk.marketing.services.common import touch

BATCH_MAX = 1000  # leads assigned by rule in one call
RECYCLE_CHUNK = 500


def _default_quota() -> int:
    return int(getattr(settings, "CREDITDESK_LEAD_DAILY_QUOTA", 20))


def _event(
    lead: Lead,
    *,
    kind: str,
    by: User | None,
    at: datetime,
    owner_id: int | None,
    previous: int | None,
    method: str = "",
    reason: str = "",
) -> LeadEvent:
    return LeadEvent(
        lead=lead,
        kind=kind,
        owner_id=owner_id,
        previous_owner_id=previous,
        method=method,
        on=timezone.localdate(at),
        at=at,
        by=by,
        reason=reason[:200],
    )


def _give(lead: Lead, owner: User | None, at: datetime) -> int | None:
    """Set the lead's owner (None: the pool) and restart its idle time; returns the previous owner's id."""
    previous = lead.owner_id
    lead.owner = owner
    lead.assigned_at = at if owner is not None else None
    if owner is not None and owner.team_id:
        lead.team_id = owner.team_id
    touch(lead, at)
    return previous


def _remaining_today(person: User, on: datetime) -> int:
    quota = LeadCapacity.objects.filter(person=person).values_list("daily_quota", flat=True).first()
    quota = _default_quota() if quota is None else quota
    return quota - assignments_on(owner_ids=[person.pk], on=timezone.localdate(on)).get(person.pk, 0)


def _open_lead_of_team(actor: User, lead_id: int | str) -> Lead:
    """An open lead of the team ``actor`` leads, row-locked (404 otherwise)."""
    lead = scope.get_for_change(
        actor,
        Lead.objects.all(),
        lead_id,
        missing=_("线索不存在或不在您的权限范围内。"),
        action=Action.LEAD_WORK,
    )
    if not lead.is_open:
        raise Conflict("lead_closed", _("线索已结束（已放款或已流失），不能再分配。"), {"stage": lead.stage})
    return lead


@transaction.atomic(durable=True)
def lead_assign(*, actor: User, lead_id: int | str, owner: User | None, now: datetime | None = None) -> Lead:
    """手工分配: a team lead gives an open lead of the team to an active member of the team
    (``LEAD_ASSIGN``: anyone else is refused, ``lead_owner_not_allowed``), or returns it to the pool
    (``owner`` None). A hand assignment counts in the member's daily quota but may pass it (the team lead
    decides); it is recorded and audited."""
    policy.require(actor, Action.LEAD_ASSIGN, owner)
    lead = _open_lead_of_team(actor, lead_id)
    if owner is not None and lead.owner_id == owner.pk:
        raise Conflict("lead_owner_unchanged", _("线索已由该客户经理跟进。"), {"field": "owner"})
    if owner is None and lead.owner_id is None:
        raise Conflict("lead_owner_unchanged", _("线索已在线索池中。"), {"field": "owner"})
    at = now or timezone.now()
    previous = _give(lead, owner, at)
    lead.save()
    kind = LeadEventKind.ASSIGNED if owner is not None else LeadEventKind.RELEASED
    _event(
        lead,
        kind=kind,
        by=actor,
        at=at,
        owner_id=owner.pk if owner else None,
        previous=previous,
        method=AssignSource.MANUAL if owner is not None else "",
    ).save()
    audit_record(
        actor=actor,
        action="lead.assign",
        target=lead,
        before={"owner": previous},
        after={"owner": owner.pk if owner else None},
    )
    return lead


@transaction.atomic(durable=True)
def lead_claim(*, actor: User, lead_id: int | str, now: datetime | None = None) -> Lead:
    """领取线索: a CM or team lead takes an open lead nobody owns from their own team's pool, within their
    daily quota (``lead_quota_reached``)."""
    try:
        lead = Lead.objects.select_for_update().filter(pk=lead_id).first()
    except (ValueError, TypeError):
        lead = None
    if lead is None or not (scope.can_see(actor, lead) or lead.team_id == actor.team_id):
        raise NotFound("not_found", _("线索不存在或不在您的权限范围内。"))
    policy.require(actor, Action.LEAD_CLAIM, lead)
    if not lead.is_open:
        raise Conflict("lead_closed", _("线索已结束（已放款或已流失），不能领取。"), {"stage": lead.stage})
    at = now or timezone.now()
    if _remaining_today(actor, at) <= 0:
        raise Conflict("lead_quota_reached", _("您今日领取/分配的线索已达每日上限。"), {})
    _give(lead, actor, at)
    lead.save()
    _event(
        lead,
        kind=LeadEventKind.ASSIGNED,
        by=actor,
        at=at,
        owner_id=actor.pk,
        previous=None,
        method=AssignSource.CLAIMED,
    ).save()
    audit_record(actor=actor, action="lead.claim", target=lead, after={"owner": actor.pk})
    return lead


@dataclass(frozen=True)
class RuleAssignment:
    """What one run of an assignment rule did: leads given per manager, and the leads left in the pool
    (quotas used up)."""

    method: str
    assigned: dict[int, int]
    left_in_pool: int


def _slots(team: Team, on: datetime) -> list[assignment.Slot]:
    """The team's active CMs that take leads, by id: weight and what is left of today's quota."""
    members = list(
        User.objects.filter(team=team, is_active=True, role=Role.MANAGER)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    capacity = {row.person_id: row for row in LeadCapacity.objects.filter(person_id__in=members)}
    given = assignments_on(owner_ids=members, on=timezone.localdate(on))
    slots = []
    for person_id in members:
        row = capacity.get(person_id)
        if row is not None and not row.accepting:
            continue
        quota = row.daily_quota if row is not None else _default_quota()
        weight = row.weight if row is not None else 1
        slots.append(assignment.Slot(person_id, weight, max(0, quota - given.get(person_id, 0))))
    return slots


def _last_assigned_by_rule(team: Team) -> int | None:
    """The manager the team's rotation gave a lead to last (round robin goes on from there)."""
    return (
        LeadEvent.objects.filter(
            lead__team=team, kind=LeadEventKind.ASSIGNED, method=AssignSource.ROUND_ROBIN
        )
        .order_by("-at", "-pk")
        .values_list("owner_id", flat=True)
        .first()
    )


@transaction.atomic(durable=True)
def leads_assign_by_rule(
    *, actor: User, method: str, lead_ids: Sequence[int] | None = None, now: datetime | None = None
) -> RuleAssignment:
    """按规则分配: a team lead hands the team pool's open leads (all, oldest first, or ``lead_ids``), at most
    ``BATCH_MAX`` a run, to the team's active CMs who take leads — round robin (轮询, going on from the last
    one given) or weighted by capacity (按接单能力加权) — never past anybody's daily quota (what was given
    today by hand, by rule or claimed counts); what nobody can take stays in the pool. The team row is
    locked first, so two runs at once cannot pass a quota. One audit row for the run."""
    policy.require(actor, Action.LEAD_ASSIGN)
    try:
        chosen = assignment.Method(method)
    except ValueError:
        raise DomainError("lead_assign_method_unknown", _("分配方式无效。"), {"field": "method"}) from None
    team = Team.objects.select_for_update().get(pk=actor.team_id)
    pool = Lead.objects.filter(team=team, owner__isnull=True, stage__in=OPEN_STAGE_VALUES)
    if lead_ids is not None:
        pool = pool.filter(pk__in=list(lead_ids))
    leads = list(pool.select_for_update().order_by("created_at", "pk")[:BATCH_MAX])
    at = now or timezone.now()
    slots = _slots(team, at)
    after = _last_assigned_by_rule(team) if chosen == assignment.Method.ROUND_ROBIN else None
    owners = assignment.allocate(slots, len(leads), chosen, after=after) if slots else []
    people = {person.pk: person for person in User.objects.filter(pk__in=set(owners))}
    events = []
    for lead, owner_id in zip(leads, owners, strict=False):
        _give(lead, people[owner_id], at)
        events.append(
            _event(
                lead,
                kind=LeadEventKind.ASSIGNED,
                by=actor,
                at=at,
                owner_id=owner_id,
                previous=None,
                method=chosen.value,
            )
        )
    given = leads[: len(owners)]
    Lead.objects.bulk_update(
        given, ["owner", "team", "assigned_at", "last_touched_at", "stalled_after", "recycle_after"]
    )
    LeadEvent.objects.bulk_create(events)
    result = RuleAssignment(chosen.value, assignment.counts(owners), len(leads) - len(owners))
    audit_record(
        actor=actor,
        action="lead.assign_by_rule",
        target=team,
        after={
            "method": chosen.value,
            "assigned": {str(k): v for k, v in result.assigned.items()},
            "lead_ids": [lead.pk for lead in given],
            "left_in_pool": result.left_in_pool,
        },
    )
    return result


@transaction.atomic(durable=True)
def lead_capacity_set(
    *, actor: User, person: User, weight: int, daily_quota: int, accepting: bool = True
) -> LeadCapacity:
    """接单能力: a team lead sets a member's weight (1–10) and daily quota (0–500)."""
    policy.require(actor, Action.LEAD_ASSIGN, person)
    if not (isinstance(weight, int) and not isinstance(weight, bool)) or not (
        assignment.MIN_WEIGHT <= weight <= assignment.MAX_WEIGHT
    ):
        raise DomainError(
            "lead_capacity_out_of_range", _("接单权重须为 1 至 10 的整数。"), {"field": "weight"}
        )
    if (
        not (isinstance(daily_quota, int) and not isinstance(daily_quota, bool))
        or not 0 <= daily_quota <= 500
    ):
        raise DomainError(
            "lead_capacity_out_of_range", _("每日上限须为 0 至 500 的整数。"), {"field": "daily_quota"}
        )
    row, _created = LeadCapacity.objects.select_for_update().get_or_create(person=person)
    before = {"weight": row.weight, "daily_quota": row.daily_quota, "accepting": row.accepting}
    row.weight, row.daily_quota, row.accepting, row.updated_by = weight, daily_quota, bool(accepting), actor
    row.save()
    audit_record(
        actor=actor,
        action="lead.capacity",
        target=row,
        before=before,
        after={"weight": weight, "daily_quota": daily_quota, "accepting": bool(accepting)},
    )
    return row


def leads_recycle(*, now: datetime | None = None) -> int:
    """收回线索池 (the daily ``creditdesk recycle_leads``): every open lead whose owner left it untouched past
    its stage's recycle period goes back to its team's pool, with an event and, per chunk, one audit row.
    Run twice, the second run finds nothing. Returns how many."""
    at = now or timezone.now()
    moved = 0
    while True:
        with transaction.atomic():
            due = list(
                Lead.objects.filter(owner__isnull=False, recycle_after__lt=at, stage__in=OPEN_STAGE_VALUES)
                .select_for_update(skip_locked=True)
                .order_by("pk")[:RECYCLE_CHUNK]
            )
            if not due:
                return moved
            events = []
            for lead in due:
                previous = _give(lead, None, at)
                events.append(
                    _event(
                        lead,
                        kind=LeadEventKind.RECYCLED,
                        by=None,
                        at=at,
                        owner_id=None,
                        previous=previous,
                        reason=_("超过阶段收回时限未跟进"),
                    )
                )
            Lead.objects.bulk_update(
                due, ["owner", "assigned_at", "last_touched_at", "stalled_after", "recycle_after"]
            )
            LeadEvent.objects.bulk_create(events)
            audit_record(actor=None, action="lead.recycle", after={"lead_ids": [lead.pk for lead in due]})
            moved += len(due)


def leads_follow_handover(
    *, actor: User, handovers: Sequence[Handover], new_owner: User, reason: str
) -> None:
    """客户移交后的线索: the open leads of a handed-over customer that its previous owner held go to the new
    owner (the relationship stays with one CM). Inside the handover's transaction; audited per lead."""
    at = timezone.now()
    for handover in handovers:
        leads = (
            Lead.objects.filter(
                customer=handover.customer, owner_id=handover.previous_owner_id, stage__in=OPEN_STAGE_VALUES
            )
            .select_for_update()
            .order_by("pk")
        )
        for lead in leads:
            previous = _give(lead, new_owner, at)
            lead.save()
            _event(
                lead,
                kind=LeadEventKind.ASSIGNED,
                by=actor,
                at=at,
                owner_id=new_owner.pk,
                previous=previous,
                method=AssignSource.HANDOVER,
                reason=reason,
            ).save()
            audit_record(
                actor=actor,
                action="lead.handover",
                target=lead,
                before={"owner": previous},
                after={"owner": new_owner.pk, "reason": reason},
            )
