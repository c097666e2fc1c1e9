"""超时升级 as time passes (``now=``): a request unanswered past its target goes one level up — the customer
manager → the team lead → the branch head — with the same hours again, a new task, the old one cancelled
and a notification; once per level, and never past the branch head. The command prints the counts."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from creditdesk.agenda.models import Task
from creditdesk.notifications.models import OutboxMessage
from creditdesk.servicedesk import services
from creditdesk.servicedesk.models import ServiceRequest, ServiceRequestEvent
from creditdesk.servicedesk.tests.conftest import MONDAY, at, record

pytestmark = pytest.mark.django_db


def run(now):
    return services.request_escalate_due(now=now)


def test_nothing_is_late_before_the_target(org, zhang):
    request = record(org.cm_a, zhang)  # due Tuesday 09:30
    assert run(request.due_at) == services.EscalationRun(escalated=0, at_top=0)  # due, not past it
    assert ServiceRequest.objects.get().escalation_level == 0


def test_a_late_question_climbs_to_the_team_lead_then_the_branch_head(org, zhang):
    request = record(org.cm_a, zhang)  # cm, 8 h, due Tuesday 8 December 09:30
    first_task = request.task_id
    tuesday = at(2026, 12, 8, 10)
    assert run(tuesday).escalated == 1
    up = ServiceRequest.objects.get()
    assert (up.assignee, up.escalation_level) == (org.lead1, 1)
    assert up.due_at == at(2026, 12, 9, 10)  # 8 working hours from Tuesday 10:00
    assert Task.objects.get(pk=first_task).status == "cancelled"
    assert Task.objects.get(pk=up.task_id).owner == org.lead1
    event = up.events.get(kind="escalated")
    assert (event.actor, event.from_assignee, event.to_assignee, event.level, event.at) == (
        None,
        org.cm_a,
        org.lead1,
        1,
        tuesday,
    )
    assert "自动升级" in event.note

    assert run(tuesday) == services.EscalationRun(escalated=0, at_top=0)  # idempotent: due again later
    assert run(at(2026, 12, 9, 10, 1)).escalated == 1
    top = ServiceRequest.objects.get()
    assert (top.assignee, top.escalation_level) == (org.head1, 2)
    assert run(at(2026, 12, 14, 9)) == services.EscalationRun(escalated=0, at_top=1)  # nobody above
    assert ServiceRequest.objects.get().escalation_level == 2
    assert list(ServiceRequestEvent.objects.filter(kind="escalated").values_list("level", flat=True)) == [
        1,
        2,
    ]
    keys = set(OutboxMessage.objects.filter(event="service_request").values_list("dedupe_key", flat=True))
    assert keys == {
        f"service_request:{request.pk}:{key}:in_app" for key in ("routed", "escalated:1", "escalated:2")
    }
    assert Task.objects.filter(status="open").count() == 1  # the branch head's


def test_a_team_lead_request_goes_to_the_branch_head_once(org, zhang):
    record(org.cm_a, zhang, "我要投诉")  # team lead, 2 h, due 11:30
    assert run(at(2026, 12, 7, 12)).escalated == 1
    request = ServiceRequest.objects.get()
    assert (request.assignee, request.escalation_level) == (org.head1, 1)
    assert run(at(2026, 12, 8, 12)) == services.EscalationRun(escalated=0, at_top=1)


def test_answered_and_closed_requests_are_never_escalated(org, zhang):
    answered, closed = record(org.cm_a, zhang), record(org.cm_a, zhang)
    services.request_respond(actor=org.cm_a, request_id=answered.pk, response="已答复客户", now=MONDAY)
    services.request_close(actor=org.cm_a, request_id=closed.pk, resolution="客户撤回", now=MONDAY)
    assert run(at(2026, 12, 10)) == services.EscalationRun(escalated=0, at_top=0)


def test_without_a_team_lead_the_manager_s_request_goes_to_the_branch_head(org, zhang):
    org.lead1.is_active = False
    org.lead1.save(update_fields=["is_active"])
    record(org.cm_a, zhang)
    run(at(2026, 12, 8, 10))
    assert ServiceRequest.objects.get().assignee == org.head1


def test_the_command_prints_the_counts(org, zhang):
    record(org.cm_a, zhang)
    out = StringIO()
    call_command("servicedesk_escalate", "--at", "2026-12-08T10:00", stdout=out)
    assert json.loads(out.getvalue()) == {"at": "2026-12-08T10:00:00+08:00", "escalated": 1, "at_top": 0}
    out = StringIO()
    call_command("servicedesk_escalate", "--at", "2026-12-08T10:00", stdout=out)
    assert json.loads(out.getvalue())["escalated"] == 0


def test_the_command_refuses_a_bad_moment():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("servicedesk_escalate", "--at", "明天")


def test_many_late_requests_at_once(org, zhang):
    for _ in range(5):
        record(org.cm_a, zhang)
    assert run(MONDAY + timedelta(days=2)).escalated == 5
    assert set(ServiceRequest.objects.values_list("assignee", flat=True)) == {org.lead1.pk}
