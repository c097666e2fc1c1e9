"""Working a lead: moving it through the pipeline (gates enforced), recording the need, logging
follow-ups (a follow-up date becomes an agenda task), linking it to a customer."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.agenda.choices import TaskKind
from creditdesk.agenda.models import Task
from creditdesk.agenda.services import task_schedule
from creditdesk.compliance.choices import Channel as GuardChannel
from creditdesk.compliance.services import compliance_enforce
from creditdesk.consents.selectors import marketing_allowed
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record, audit_snapshot
from creditdesk.core.exceptions import Conflict, DomainError
from creditdesk.customers.selectors import customer_list_visible_to
from creditdesk.marketing import pipeline
from creditdesk.marketing.choices import (
    ActivityDirection,
    ActivityKind,
    ActivityOutcome,
    LeadBasis,
    LeadEventKind,
    PlanStepKind,
)
from creditdesk.marketing.models import ActivityPlan, Lead, LeadActivity, LostReason
from creditdesk.marketing.selectors import gates_of, lead_facts, stage_rules
from creditdesk.marketing.services.common import LEAD_AUDIT_FIELDS, parse_need_amount, record_event, touch
from creditdesk.products.choices import LoanPurpose

NOTES_MAX = 2000
LOCATION_MAX = 200
LOST_NOTE_MAX = 200


def _invalid(code: str, message: str, field: str) -> DomainError:
    return DomainError(code, message, {"field": field})


def take_for_work(actor: User, lead_id: int | str) -> Lead:
    """The lead, row-locked, if ``actor`` may work it (``LEAD_WORK``); 404 out of scope."""
    return scope.get_for_change(
        actor,
        Lead.objects.all(),
        lead_id,
        missing=_("线索不存在或不在您的权限范围内。"),
        action=Action.LEAD_WORK,
    )


def _lost_reason(value: str | int | None) -> LostReason | None:
    if value in (None, ""):
        return None
    reasons = LostReason.objects.filter(active=True)
    found = reasons.filter(code=str(value)).first()
    if found is None and str(value).isdigit():
        found = reasons.filter(pk=int(value)).first()
    if found is None:
        raise _invalid("lead_lost_reason_unknown", _("流失原因无效。"), "lost_reason")
    return found


@transaction.atomic(durable=True)
def lead_move(
    *,
    actor: User,
    lead_id: int | str,
    stage: str,
    lost_reason: str | int | None = None,
    lost_note: str = "",
    now: datetime | None = None,
) -> Lead:
    """阶段推进. The pipeline's rules (``pipeline.check_move``): forward one stage at a time through the
    entered stage's gate, as configured for the lead's tier (``StageRule``), with the facts of the lead
    (``selectors.lead_facts``); back one stage; to 已流失 with a reason (data: ``LostReason``); 已流失 back
    to 新线索; 已放款 final. The move restarts the idle time (the new stage's rule)."""
    lead = take_for_work(actor, lead_id)
    reason = _lost_reason(lost_reason) if stage == pipeline.LeadStage.LOST else None
    if len(lost_note or "") > LOST_NOTE_MAX:
        raise _invalid("lead_lost_note_too_long", _("流失说明不能超过 200 个字。"), "lost_note")
    gates = gates_of(stage_rules(tier=lead.value_segment))
    target = pipeline.check_move(
        lead.stage,
        stage,
        facts=lead_facts(lead),
        gates=gates,
        lost_reason=reason.code if reason is not None else "",
    )
    before = audit_snapshot(lead, LEAD_AUDIT_FIELDS)
    at = now or timezone.now()
    previous = lead.stage
    lead.stage = target.value
    lead.stage_entered_at = at
    lead.lost_reason = reason
    lead.lost_note = (lost_note or "").strip() if reason is not None else ""
    touch(lead, at)
    lead.save()
    record_event(
        lead,
        kind=LeadEventKind.STAGE,
        by=actor,
        at=at,
        from_stage=previous,
        to_stage=lead.stage,
        owner=lead.owner,
        reason=reason.label if reason is not None else "",
    )
    audit_record(
        actor=actor,
        action="lead.move",
        target=lead,
        before=before,
        after=audit_snapshot(lead, LEAD_AUDIT_FIELDS),
    )
    return lead


@transaction.atomic(durable=True)
def lead_update(
    *,
    actor: User,
    lead_id: int | str,
    need_purpose: str,
    need_amount: str,
    notes: str,
    now: datetime | None = None,
) -> Lead:
    """需求记录: the lead's funding purpose and amount (the 需求确认 gate's ``need_recorded``) and notes."""
    lead = take_for_work(actor, lead_id)
    if need_purpose and need_purpose not in LoanPurpose.values:
        raise _invalid("lead_purpose_unknown", _("资金用途无效。"), "need_purpose")
    if len(notes or "") > NOTES_MAX:
        raise _invalid("lead_notes_too_long", _("备注不能超过 2000 个字。"), "notes")
    amount = parse_need_amount(need_amount)
    before = audit_snapshot(lead, LEAD_AUDIT_FIELDS)
    lead.need_purpose = need_purpose or ""
    lead.need_amount = amount
    lead.notes = notes or ""
    touch(lead, now or timezone.now())
    lead.save()
    audit_record(
        actor=actor,
        action="lead.update",
        target=lead,
        before=before,
        after=audit_snapshot(lead, LEAD_AUDIT_FIELDS),
    )
    return lead


ACTIVITY_AUDIT_FIELDS = ("lead", "kind", "direction", "happened_at", "outcome", "location", "next_follow_up")


def lead_activity_log(
    *,
    actor: User,
    lead_id: int | str,
    kind: str,
    outcome: str,
    happened_at: datetime,
    direction: str = ActivityDirection.OUTBOUND,
    notes: str = "",
    location: str = "",
    next_follow_up: date | None = None,
    now: datetime | None = None,
) -> LeadActivity:
    """跟进记录 (see ``lead_activity_record`` for the rules). The text of an outbound message (短信/微信) is
    what the customer was sent: it passes the compliance guard first (``compliance_blocked``, logged)."""
    if kind == ActivityKind.MESSAGE and direction == ActivityDirection.OUTBOUND and (notes or "").strip():
        compliance_enforce(actor=actor, text=notes, channel=GuardChannel.MESSAGE, target=f"lead:{lead_id}")
    with transaction.atomic(durable=True):
        return lead_activity_record(
            actor=actor,
            lead_id=lead_id,
            kind=kind,
            outcome=outcome,
            happened_at=happened_at,
            direction=direction,
            notes=notes,
            location=location,
            next_follow_up=next_follow_up,
            now=now,
        )


def lead_activity_record(
    *,
    actor: User,
    lead_id: int | str,
    kind: str,
    outcome: str,
    happened_at: datetime,
    direction: str = ActivityDirection.OUTBOUND,
    notes: str = "",
    location: str = "",
    next_follow_up: date | None = None,
    now: datetime | None = None,
) -> LeadActivity:
    """跟进记录, inside the caller's transaction (a message sent from the 话术库 logs itself here; the caller
    has run the guard). Rules: a known kind, direction and outcome; not in the future; a visit (实地走访)
    carries its notes and place; the next follow-up is today or later, and puts a follow-up task on the
    owner's agenda; an outbound contact of a lead that came in with a marketing consent needs that consent
    still in force when the lead is an existing customer (it may have been revoked since). Restarts the
    idle time."""
    lead = take_for_work(actor, lead_id)
    at = now or timezone.now()
    if kind not in ActivityKind.values:
        raise _invalid("activity_kind_unknown", _("跟进方式无效。"), "kind")
    if direction not in ActivityDirection.values:
        raise _invalid("activity_direction_unknown", _("跟进方向无效。"), "direction")
    if outcome not in ActivityOutcome.values:
        raise _invalid("activity_outcome_unknown", _("跟进结果无效。"), "outcome")
    if happened_at > at:
        raise _invalid("activity_in_future", _("跟进时间不能晚于现在。"), "happened_at")
    notes, location = (notes or "").strip(), (location or "").strip()
    if len(notes) > NOTES_MAX:
        raise _invalid("activity_notes_too_long", _("记录不能超过 2000 个字。"), "notes")
    if len(location) > LOCATION_MAX:
        raise _invalid("activity_location_too_long", _("地点不能超过 200 个字。"), "location")
    if kind == ActivityKind.VISIT and not (notes and location):
        raise _invalid("activity_visit_notes_required", _("实地走访须填写走访记录和地点。"), "notes")
    if next_follow_up is not None and next_follow_up < timezone.localdate(at):
        raise _invalid("activity_follow_up_in_past", _("下次跟进日期不能早于今天。"), "next_follow_up")
    if not lead.is_open:
        raise Conflict(
            "lead_closed", _("线索已结束（已放款或已流失），不能再记录跟进。"), {"stage": lead.stage}
        )
    if (
        direction == ActivityDirection.OUTBOUND
        and lead.basis == LeadBasis.CONSENT
        and lead.customer is not None
        and not marketing_allowed(lead.customer, today=timezone.localdate(at))
    ):
        raise _invalid(
            "lead_marketing_consent_missing",
            _("该客户的营销授权已失效或被撤回，不能主动营销联系。"),
            "direction",
        )
    task = None
    if next_follow_up is not None and lead.owner is not None:
        task = task_schedule(
            actor=actor,
            owner=lead.owner,
            customer=lead.customer if lead.customer and scope.can_see(lead.owner, lead.customer) else None,
            title=_("跟进线索：%(name)s") % {"name": lead.name},
            due_date=next_follow_up,
            kind=TaskKind.FOLLOW_UP,
        )
    activity = LeadActivity.objects.create(
        lead=lead,
        kind=kind,
        direction=direction,
        happened_at=happened_at,
        outcome=outcome,
        notes=notes,
        location=location,
        next_follow_up=next_follow_up,
        task=task,
        created_by=actor,
    )
    touch(lead, at)
    lead.save(update_fields=["last_touched_at", "stalled_after", "recycle_after"])
    audit_record(
        actor=actor,
        action="lead.activity",
        target=activity,
        after=audit_snapshot(activity, ACTIVITY_AUDIT_FIELDS),
    )
    return activity


@transaction.atomic(durable=True)
def lead_link_customer(
    *, actor: User, lead_id: int | str, customer_id: int | str, now: datetime | None = None
) -> Lead:
    """关联客户 (the 申请中 gate's ``customer_linked``): a customer ``actor`` sees and may change, and whom
    the lead's owner sees too (the owner works both). Refused for a closed lead or one already linked."""
    lead = take_for_work(actor, lead_id)
    if lead.customer_id is not None:
        raise Conflict("lead_customer_already_linked", _("线索已关联客户。"), {"field": "customer"})
    if not lead.is_open:
        raise Conflict(
            "lead_closed", _("线索已结束（已放款或已流失），不能再关联客户。"), {"stage": lead.stage}
        )
    try:
        customer = customer_list_visible_to(user=actor).filter(pk=customer_id).first()
    except (ValueError, TypeError):
        customer = None
    if customer is None:
        raise _invalid("lead_customer_not_found", _("客户不存在或不在您的权限范围内。"), "customer")
    if lead.owner is not None and not scope.can_see(lead.owner, customer):
        raise _invalid(
            "lead_customer_not_visible_to_owner",
            _("线索负责人看不到该客户，请先移交客户或线索。"),
            "customer",
        )
    before = audit_snapshot(lead, LEAD_AUDIT_FIELDS)
    at = now or timezone.now()
    lead.customer = customer
    touch(lead, at)
    lead.save()
    record_event(lead, kind=LeadEventKind.LINKED, by=actor, at=at, owner=lead.owner)
    audit_record(
        actor=actor,
        action="lead.link",
        target=lead,
        before=before,
        after=audit_snapshot(lead, LEAD_AUDIT_FIELDS),
    )
    return lead


PLAN_TASK_KIND = {PlanStepKind.VISIT: TaskKind.VISIT, PlanStepKind.DOCUMENTS: TaskKind.DOCUMENTS}
"""The agenda kind of a plan step (anything else is a 客户跟进)."""


@transaction.atomic(durable=True)
def lead_plan_apply(
    *, actor: User, lead_id: int | str, plan_id: int | str, now: datetime | None = None
) -> list[Task]:
    """跟进计划: every step of an active plan becomes a task on the lead owner's agenda, due its offset after
    today, titled with the lead's name. Refused for a pool lead (nobody to do it: assign it first), a
    closed lead, an unknown or inactive plan. Audited once, with the tasks."""
    lead = take_for_work(actor, lead_id)
    if not lead.is_open:
        raise Conflict(
            "lead_closed", _("线索已结束（已放款或已流失），不能再安排跟进。"), {"stage": lead.stage}
        )
    if lead.owner is None:
        raise Conflict("lead_unassigned", _("线索在线索池中，请先分配给客户经理。"), {"field": "plan"})
    try:
        plan = ActivityPlan.objects.filter(pk=plan_id, active=True).prefetch_related("steps").first()
    except (ValueError, TypeError):
        plan = None
    if plan is None:
        raise _invalid("lead_plan_unknown", _("跟进计划不存在或已停用。"), "plan")
    at = now or timezone.now()
    today = timezone.localdate(at)
    customer = lead.customer if lead.customer and scope.can_see(lead.owner, lead.customer) else None
    tasks = [
        task_schedule(
            actor=actor,
            owner=lead.owner,
            customer=customer,
            title=f"{step.title}（{lead.name}）"[:120],
            due_date=today + timedelta(days=step.offset_days),
            kind=PLAN_TASK_KIND.get(step.kind, TaskKind.FOLLOW_UP),
        )
        for step in plan.steps.all()
    ]
    touch(lead, at)
    lead.save(update_fields=["last_touched_at", "stalled_after", "recycle_after"])
    audit_record(
        actor=actor,
        action="lead.plan",
        target=lead,
        after={"plan": plan.pk, "tasks": [task.pk for task in tasks]},
    )
    return tasks
