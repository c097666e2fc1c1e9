"""Idle time (停滞) and the return to the pool (收回线索池): a lead's deadlines follow the stage rule of its
stage and tier (migration 0002: 新线索 2 idle days, back to the pool after 5 / 7 / 10 for 普通 / 中端 /
高净值; 已联系 7, and 21 / 30 / 45; 方案已提供 never taken back), every touch restarts them, and the daily
``leads_recycle`` (the ``recycle_leads`` command) takes back only the leads past their time, once."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from creditdesk.core.models import AuditEvent
from creditdesk.marketing import services
from creditdesk.marketing.models import Lead, LeadEvent, StageRule
from creditdesk.marketing.selectors import is_stalled, stalled_q
from creditdesk.marketing.services import LeadInput
from creditdesk.marketing.tests.conftest import next_phone

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)


@pytest.fixture
def t0():
    return timezone.now().replace(microsecond=0)


def enter(actor, at, *, tier="mass", **options):
    data = LeadInput(name="李四", phone=next_phone(), value_segment=tier)
    return services.lead_create(actor=actor, data=data, now=at, **options).lead


def call(actor, lead, at, outcome="reached"):
    return services.lead_activity_log(
        actor=actor, lead_id=lead.pk, kind="call", outcome=outcome, happened_at=at, now=at
    )


def move(actor, lead, stage, at):
    return services.lead_move(actor=actor, lead_id=lead.pk, stage=stage, now=at)


def deadlines(lead):
    lead.refresh_from_db()
    return lead.stalled_after, lead.recycle_after


def state():
    return (
        list(Lead.objects.order_by("pk").values_list("pk", "owner_id", "recycle_after", "stalled_after")),
        LeadEvent.objects.count(),
        AuditEvent.objects.filter(action="lead.recycle").count(),
    )


# --- the deadlines ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "new_days", "contacted_days"), [("mass", 5, 21), ("middle", 7, 30), ("high_net_worth", 10, 45)]
)
def test_the_deadlines_follow_the_rule_of_the_stage_and_tier(org, t0, tier, new_days, contacted_days):
    lead = enter(org.cm_a, t0, tier=tier)
    assert deadlines(lead) == (t0 + 2 * DAY, t0 + new_days * DAY)
    touched = t0 + DAY
    call(org.cm_a, lead, touched)
    moved = t0 + 2 * DAY
    move(org.cm_a, lead, "contacted", moved)
    assert deadlines(lead) == (moved + 7 * DAY, moved + contacted_days * DAY)
    assert lead.last_touched_at == moved


def test_a_stage_never_recycled_and_a_pool_lead_are_only_flagged_stalled(org, t0):
    StageRule.objects.filter(stage__in=["need_confirmed", "proposal_offered"]).update(requirements="")
    lead = enter(org.cm_a, t0, tier="high_net_worth")
    call(org.cm_a, lead, t0 + SECOND)
    move(org.cm_a, lead, "contacted", t0 + 2 * SECOND)
    move(org.cm_a, lead, "need_confirmed", t0 + 3 * SECOND)
    assert deadlines(lead) == (t0 + 3 * SECOND + 10 * DAY, t0 + 3 * SECOND + 60 * DAY)
    at = t0 + 4 * SECOND
    move(org.cm_a, lead, "proposal_offered", at)
    assert deadlines(lead) == (at + 14 * DAY, None)  # 方案已提供: stalled after 14 days, never taken back

    pooled = enter(org.lead1, t0, to_pool=True)
    assert deadlines(pooled) == (t0 + 2 * DAY, None)  # nobody to take it from

    lost = services.lead_move(actor=org.cm_a, lead_id=lead.pk, stage="lost", lost_reason="other", now=at)
    assert (lost.stalled_after, lost.recycle_after) == (None, None)  # a closed lead is neither


def test_an_activity_pushes_both_deadlines(org, t0):
    lead = enter(org.cm_a, t0)
    later = t0 + 3 * DAY  # already stalled (after 2 days), not yet due (5)
    assert is_stalled(lead, now=later)
    call(org.cm_a, lead, later, outcome="no_answer")  # any follow-up is a touch, answered or not
    assert deadlines(lead) == (later + 2 * DAY, later + 5 * DAY)
    assert not is_stalled(lead, now=later + 2 * DAY)
    assert is_stalled(lead, now=later + 2 * DAY + SECOND)  # strictly after the deadline
    assert list(Lead.objects.filter(stalled_q(later + 2 * DAY))) == []
    assert list(Lead.objects.filter(stalled_q(later + 2 * DAY + SECOND))) == [lead]


def test_an_edited_rule_applies_at_the_next_touch(org, t0):
    lead = enter(org.cm_a, t0)
    StageRule.objects.filter(stage="new", tier="mass").update(max_idle_days=3, recycle_days=9)
    assert deadlines(lead) == (t0 + 2 * DAY, t0 + 5 * DAY)  # unchanged until touched
    call(org.cm_a, lead, t0 + DAY)
    assert deadlines(lead) == (t0 + 4 * DAY, t0 + 10 * DAY)


# --- the daily return to the pool ---------------------------------------------------------------------------


def test_recycling_takes_back_only_the_leads_past_their_time_once(org, t0):
    due = enter(org.cm_a, t0)  # 普通: back after 5 days
    kept = enter(org.cm_b, t0, tier="middle")  # 中端: after 7
    touched = enter(org.cm_a, t0)
    call(org.cm_a, touched, t0 + 4 * DAY)  # touched since: after 9
    pooled = enter(org.lead1, t0, to_pool=True)
    other_team = enter(org.cm_c, t0 - DAY)  # another team's, due too
    closed = enter(org.cm_a, t0 - 10 * DAY)
    services.lead_move(actor=org.cm_a, lead_id=closed.pk, stage="lost", lost_reason="unreachable", now=t0)

    at_deadline = t0 + 5 * DAY
    assert services.leads_recycle(now=at_deadline) == 1  # only the other team's: 5 days + 1 day ago
    run_at = at_deadline + SECOND
    assert services.leads_recycle(now=run_at) == 1

    for lead in (due, other_team):
        lead.refresh_from_db()
        assert (lead.owner, lead.assigned_at, lead.recycle_after, lead.stage) == (None, None, None, "new")
        assert lead.team == (org.t1 if lead == due else org.t2)  # back to its own team's pool
    assert due.last_touched_at == run_at and due.stalled_after == run_at + 2 * DAY
    event = LeadEvent.objects.get(lead=due, kind="recycled")
    assert (event.previous_owner, event.owner, event.by, event.at) == (org.cm_a, None, None, run_at)
    assert event.reason == "超过阶段收回时限未跟进"
    audit = AuditEvent.objects.filter(action="lead.recycle").order_by("pk").last()
    assert audit.actor is None and audit.after == {"lead_ids": [due.pk]}
    for lead, owner in ((kept, org.cm_b), (touched, org.cm_a), (pooled, None)):
        lead.refresh_from_db()
        assert lead.owner == owner
    assert Lead.objects.get(pk=closed.pk).stage == "lost"

    before = state()
    assert services.leads_recycle(now=run_at) == 0  # run twice: nothing changes
    assert services.leads_recycle(now=run_at + 2 * SECOND) == 0
    assert state() == before


def test_the_daily_command_prints_how_many_returned(org, t0):
    for _ in range(3):
        enter(org.cm_a, t0)
    enter(org.cm_b, t0, tier="high_net_worth")
    at = timezone.localtime(t0 + 6 * DAY).replace(tzinfo=None).isoformat(timespec="seconds")
    out = StringIO()
    call_command("recycle_leads", f"--at={at}", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["recycled"] == 3 and printed["at"].startswith(at)
    out = StringIO()
    call_command("recycle_leads", f"--at={at}", stdout=out)
    assert json.loads(out.getvalue())["recycled"] == 0
    out = StringIO()
    call_command("recycle_leads", stdout=out)  # now: nothing is due yet
    assert json.loads(out.getvalue())["recycled"] == 0
    assert Lead.objects.filter(owner__isnull=True).count() == 3
    with pytest.raises(CommandError):
        call_command("recycle_leads", "--at=tomorrow")
