"""Follow-ups: the rules of a record, the agenda task of a follow-up date, consent on outbound contact; and
leads following a customer handover."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from creditdesk.agenda.models import Task
from creditdesk.core.exceptions import Conflict, DomainError
from creditdesk.customers import services as customer_services
from creditdesk.marketing import services
from creditdesk.marketing.models import LeadActivity
from creditdesk.marketing.services import LeadInput
from creditdesk.marketing.tests.conftest import customer_of, marketing_consent

pytestmark = pytest.mark.django_db


def log(actor, lead, **fields):
    values = {"kind": "call", "outcome": "reached", "happened_at": timezone.now(), **fields}
    return services.lead_activity_log(actor=actor, lead_id=lead.pk, **values)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"kind": "pigeon"}, "activity_kind_unknown"),
        ({"outcome": "maybe"}, "activity_outcome_unknown"),
        ({"direction": "sideways"}, "activity_direction_unknown"),
        ({"happened_at": "future"}, "activity_in_future"),
        ({"kind": "visit", "notes": "看了仓库"}, "activity_visit_notes_required"),  # no place
        ({"notes": "字" * 2001}, "activity_notes_too_long"),
        ({"next_follow_up": "yesterday"}, "activity_follow_up_in_past"),
    ],
)
def test_bad_records_are_refused_and_nothing_is_written(org, lead, fields, code):
    if fields.get("happened_at") == "future":
        fields["happened_at"] = timezone.now() + timedelta(hours=1)
    if fields.get("next_follow_up") == "yesterday":
        fields["next_follow_up"] = timezone.localdate() - timedelta(days=1)
    touched = lead.last_touched_at
    with pytest.raises(DomainError) as refused:
        log(org.cm_a, lead, **fields)
    assert refused.value.code == code
    lead.refresh_from_db()
    assert (LeadActivity.objects.count(), Task.objects.count(), lead.last_touched_at) == (0, 0, touched)


def test_a_visit_with_a_follow_up_date_puts_a_task_on_the_owners_agenda(org, lead):
    due = timezone.localdate() + timedelta(days=3)
    notes, place = "看了仓库，月流水约 80 万", "高新区创业园 3 栋"
    activity = log(org.lead1, lead, kind="visit", notes=notes, location=place, next_follow_up=due)
    task = activity.task
    expected = (org.cm_a, due, "follow_up", "跟进线索：李四")
    assert (task.owner, task.due_date, task.kind, task.title) == expected
    lead.refresh_from_db()
    assert lead.last_touched_at > activity.created_at - timedelta(seconds=5)


def test_outbound_contact_needs_the_consent_the_lead_came_with(org):
    zhang = customer_of(org.cm_a)
    consent = marketing_consent(zhang)
    lead = services.lead_create(
        actor=org.cm_a, data=LeadInput(name="张三", phone="13800138000", basis="consent")
    ).lead
    consent.revoked_at = timezone.now()
    consent.save()
    with pytest.raises(DomainError) as refused:
        log(org.cm_a, lead)
    assert refused.value.code == "lead_marketing_consent_missing"
    assert log(org.cm_a, lead, direction="inbound").direction == "inbound"  # the customer called in


def test_no_follow_up_on_a_closed_lead(org, lead):
    services.lead_move(actor=org.cm_a, lead_id=lead.pk, stage="lost", lost_reason="other")
    with pytest.raises(Conflict) as refused:
        log(org.cm_a, lead)
    assert refused.value.code == "lead_closed"


def test_open_leads_follow_a_customer_handover(org):
    zhang = customer_of(org.cm_a)
    lead = services.lead_create(actor=org.cm_a, data=LeadInput(name="张三", phone="13800138000")).lead
    customer_services.customer_handover(
        actor=org.lead1, customer_ids=[zhang.pk], new_owner=org.cm_b, reason="客户经理调岗"
    )
    lead.refresh_from_db()
    assert lead.owner == org.cm_b
    event = lead.events.filter(kind="assigned").last()
    assert (event.method, event.previous_owner, event.reason) == ("handover", org.cm_a, "客户经理调岗")


def test_a_plan_puts_its_steps_on_the_owners_agenda(org, lead):
    from creditdesk.marketing.models import ActivityPlan

    plan = ActivityPlan.objects.get(name="新开业个体工商户")
    tasks = services.lead_plan_apply(actor=org.lead1, lead_id=lead.pk, plan_id=plan.pk)
    today = timezone.localdate()
    assert [(t.owner, (t.due_date - today).days, t.kind) for t in tasks] == [
        (org.cm_a, 3, "visit"),
        (org.cm_a, 7, "follow_up"),
        (org.cm_a, 14, "follow_up"),
    ]
    assert tasks[0].title == "实地走访：看经营场所、了解流水（李四）"


def test_a_plan_is_refused_for_a_pool_lead_or_an_unknown_plan(org):
    from creditdesk.marketing.models import ActivityPlan

    pooled = services.lead_create(
        actor=org.lead1, data=LeadInput(name="王五", phone="13900139777"), to_pool=True
    ).lead
    plan = ActivityPlan.objects.first()
    with pytest.raises(Conflict) as refused:
        services.lead_plan_apply(actor=org.lead1, lead_id=pooled.pk, plan_id=plan.pk)
    assert refused.value.code == "lead_unassigned"
    plan.active = False
    plan.save()
    lead = services.lead_create(actor=org.cm_a, data=LeadInput(name="赵六", phone="13900139778")).lead
    for plan_id in (plan.pk, 999999, "x"):
        with pytest.raises(DomainError) as unknown:
            services.lead_plan_apply(actor=org.cm_a, lead_id=lead.pk, plan_id=plan_id)
        assert unknown.value.code == "lead_plan_unknown"
    assert Task.objects.count() == 0
