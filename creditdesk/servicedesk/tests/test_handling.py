"""Working a request: the answer (once, after the compliance guard, the agenda task done), closing it (a
complaint only by the team lead or branch head), escalating it by hand (only its assignee, up to the
branch head) — each refused with its code and nothing changed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from creditdesk.agenda.models import Task
from creditdesk.compliance.models import ComplianceCheck
from creditdesk.compliance.services import ComplianceBlocked
from creditdesk.core.exceptions import Conflict, DomainError, NotAllowed, NotFound
from creditdesk.core.models import AuditEvent
from creditdesk.notifications.models import OutboxMessage
from creditdesk.servicedesk import services
from creditdesk.servicedesk.models import ServiceRequest
from creditdesk.servicedesk.tests.conftest import MONDAY, at, record

pytestmark = pytest.mark.django_db

ANSWER = "您好，您的还款日为每月 15 日，可在手机银行查看还款计划。"


def respond(actor, request, text=ANSWER, now=MONDAY + timedelta(hours=1)):
    return services.request_respond(actor=actor, request_id=request.pk, response=text, now=now)


def unchanged(request) -> bool:
    fresh = ServiceRequest.objects.get(pk=request.pk)
    return (fresh.status, fresh.response, fresh.first_response_at, fresh.assignee_id) == (
        request.status,
        request.response,
        request.first_response_at,
        request.assignee_id,
    )


# --- respond ----------------------------------------------------------------------------------------------


def test_the_assignee_answers_once_and_the_agenda_task_is_done(org, zhang):
    request = record(org.cm_a, zhang)
    answered = respond(org.cm_a, request)
    assert (answered.status, answered.response, answered.responded_by) == ("responded", ANSWER, org.cm_a)
    assert answered.first_response_at == MONDAY + timedelta(hours=1)
    assert not answered.answered_late
    assert Task.objects.get(pk=request.task_id).status == "done"
    assert answered.events.last().kind == "responded"
    assert AuditEvent.objects.get(action="service_request.respond").after["late"] is False
    with pytest.raises(Conflict) as twice:
        respond(org.cm_a, request, "再答一次")
    assert twice.value.code == "service_request_status"
    assert ServiceRequest.objects.get(pk=request.pk).response == ANSWER


def test_an_answer_after_the_target_is_recorded_as_late(org, zhang):
    request = record(org.cm_a, zhang)
    answered = respond(org.cm_a, request, now=request.due_at + timedelta(minutes=1))
    assert answered.answered_late


def test_the_team_lead_and_branch_head_may_answer_a_risk_manager_may_not(org, zhang):
    first, second, third = record(org.cm_a, zhang), record(org.cm_a, zhang), record(org.cm_a, zhang)
    assert respond(org.lead1, first).responded_by == org.lead1
    assert respond(org.head1, second).responded_by == org.head1
    with pytest.raises(NotAllowed) as refused:
        respond(org.risk1, third)
    assert refused.value.code == "service_request_handle_not_allowed"
    with pytest.raises(NotFound):
        respond(org.cm_b, third)  # cm_b does not see cm_a's customer
    assert unchanged(third)


def test_the_specialist_answers_the_personal_information_request_routed_to_them(org, zhang):
    request = record(org.cm_a, zhang, "请删除我的个人信息")
    with pytest.raises(NotAllowed):
        respond(org.cm_a, request)  # not the assignee, nor a team lead
    assert respond(org.risk1, request).status == "responded"


def test_a_forbidden_promise_is_blocked_logged_and_nothing_is_recorded(org, zhang):
    request = record(org.cm_a, zhang)
    with pytest.raises(ComplianceBlocked) as blocked:
        respond(org.cm_a, request, "放心，我们这款产品包过，保证放款。")
    assert blocked.value.code == "compliance_blocked"
    assert unchanged(request)
    assert Task.objects.get(pk=request.task_id).status == "open"
    check = ComplianceCheck.objects.get()
    assert (check.actor, check.blocked, check.target) == (org.cm_a, True, f"customer:{zhang.pk}")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "service_request_response_required"),
        ("   ", "service_request_response_required"),
        ("答" * 2001, "service_request_response_too_long"),
        ("答\x00复", "service_request_response_invalid"),
    ],
)
def test_a_bad_answer_is_refused_with_its_code(org, zhang, text, code):
    request = record(org.cm_a, zhang)
    with pytest.raises(DomainError) as refused:
        respond(org.cm_a, request, text)
    assert refused.value.code == code
    assert unchanged(request)
    assert not ComplianceCheck.objects.exists()


# --- close ------------------------------------------------------------------------------------------------


def test_a_question_is_closed_by_its_assignee_with_the_resolution(org, zhang):
    request = record(org.cm_a, zhang)
    respond(org.cm_a, request)
    closed = services.request_close(actor=org.cm_a, request_id=request.pk, resolution="已答复", now=MONDAY)
    assert (closed.status, closed.resolution, closed.closed_by, closed.closed_at) == (
        "closed",
        "已答复",
        org.cm_a,
        MONDAY,
    )
    with pytest.raises(Conflict) as twice:
        services.request_close(actor=org.cm_a, request_id=request.pk, resolution="再办结")
    assert twice.value.code == "service_request_status"
    with pytest.raises(Conflict):
        respond(org.cm_a, request)


def test_a_request_closed_unanswered_cancels_its_task(org, zhang):
    request = record(org.cm_a, zhang)
    services.request_close(actor=org.cm_a, request_id=request.pk, resolution="客户已撤回")
    assert Task.objects.get(pk=request.task_id).status == "cancelled"


def test_closing_needs_a_resolution(org, zhang):
    request = record(org.cm_a, zhang)
    for blank in ("", "  ", None):
        with pytest.raises(DomainError) as refused:
            services.request_close(actor=org.cm_a, request_id=request.pk, resolution=blank)
        assert refused.value.code == "service_request_resolution_required"
    assert unchanged(request)


def test_a_complaint_is_closed_by_the_team_lead_or_branch_head_only(org, zhang):
    complaint = record(org.cm_a, zhang, "我要投诉")
    assert complaint.assignee == org.lead1
    with pytest.raises(NotAllowed) as cm:
        services.request_close(actor=org.cm_a, request_id=complaint.pk, resolution="已处理")
    assert cm.value.code == "service_request_handle_not_allowed"  # not the assignee, not a lead
    other = record(org.cm_a, zhang, "我要投诉", kind="complaint")
    ServiceRequest.objects.filter(pk=other.pk).update(assignee=org.cm_a)  # routed to the CM by hand
    with pytest.raises(NotAllowed) as own:
        services.request_close(actor=org.cm_a, request_id=other.pk, resolution="已处理")
    assert own.value.code == "complaint_close_not_allowed"
    assert ServiceRequest.objects.get(pk=other.pk).status == "open"
    assert (
        services.request_close(actor=org.lead1, request_id=other.pk, resolution="已致歉").closed_by
        == org.lead1
    )
    assert (
        services.request_close(actor=org.head1, request_id=complaint.pk, resolution="已处理").status
        == "closed"
    )


# --- escalate by hand --------------------------------------------------------------------------------------


def test_the_assignee_hands_a_request_up_to_the_team_lead_then_the_branch_head(org, zhang):
    request = record(org.cm_a, zhang)
    first_task = request.task_id
    up = services.request_escalate(
        actor=org.cm_a, request_id=request.pk, note="客户要求主管回复", now=at(2026, 12, 7, 11)
    )
    assert (up.assignee, up.escalation_level, up.status) == (org.lead1, 1, "open")
    assert up.due_at == at(2026, 12, 8, 11)  # the same 8 working hours from now
    assert Task.objects.get(pk=first_task).status == "cancelled"
    task = Task.objects.get(pk=up.task_id)
    assert (task.owner, task.status, task.title) == (org.lead1, "open", "【诉求·咨询·升级】张三 8小时内响应")
    event = up.events.get(kind="escalated")
    assert (event.from_assignee, event.to_assignee, event.level, event.note, event.actor) == (
        org.cm_a,
        org.lead1,
        1,
        "客户要求主管回复",
        org.cm_a,
    )
    assert OutboxMessage.objects.filter(
        recipient=org.lead1, dedupe_key=f"service_request:{request.pk}:escalated:1:in_app"
    ).exists()

    with pytest.raises(NotAllowed) as not_mine:
        services.request_escalate(actor=org.cm_a, request_id=request.pk)
    assert not_mine.value.code == "service_request_handle_not_allowed"  # cm_a no longer holds it

    top = services.request_escalate(actor=org.lead1, request_id=request.pk)
    assert (top.assignee, top.escalation_level) == (org.head1, 2)
    with pytest.raises(Conflict) as at_top:
        services.request_escalate(actor=org.head1, request_id=request.pk)
    assert at_top.value.code == "service_request_escalation_top"


def test_only_the_assignee_escalates_and_only_an_open_request(org, zhang):
    request = record(org.cm_a, zhang)
    with pytest.raises(NotAllowed) as lead:
        services.request_escalate(actor=org.lead1, request_id=request.pk)
    assert lead.value.code == "service_request_escalate_not_assignee"
    respond(org.cm_a, request)
    with pytest.raises(Conflict) as answered:
        services.request_escalate(actor=org.cm_a, request_id=request.pk)
    assert answered.value.code == "service_request_status"
    assert ServiceRequest.objects.get(pk=request.pk).escalation_level == 0


def test_an_escalation_note_has_a_length(org, zhang):
    request = record(org.cm_a, zhang)
    with pytest.raises(DomainError) as long:
        services.request_escalate(actor=org.cm_a, request_id=request.pk, note="因" * 501)
    assert long.value.code == "service_request_note_too_long"
    assert unchanged(request)


def test_a_specialist_request_goes_up_to_the_branch_head(org, zhang):
    request = record(org.cm_a, zhang, "请删除我的个人信息")
    up = services.request_escalate(actor=org.risk1, request_id=request.pk)
    assert (up.assignee, up.escalation_level) == (org.head1, 1)
