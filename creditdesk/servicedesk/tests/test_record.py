"""登记客户诉求: classified (suggested where left blank), tiered by the matrix, routed, given a target in
working hours, an agenda task and a notification for the assignee, a history and an audit row — and refused,
with nothing written, when the person may not or the input is wrong."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from creditdesk.agenda.models import Task
from creditdesk.core.exceptions import NotAllowed, NotFound
from creditdesk.core.models import AuditEvent
from creditdesk.notifications.models import OutboxMessage
from creditdesk.servicedesk import services
from creditdesk.servicedesk.models import ServiceRequest, ServiceRequestEvent, TierRule
from creditdesk.servicedesk.tests.conftest import MONDAY, at, customer_of, record

pytestmark = pytest.mark.django_db


def nothing_written() -> bool:
    return not (
        ServiceRequest.objects.exists()
        or ServiceRequestEvent.objects.exists()
        or Task.objects.exists()
        or OutboxMessage.objects.filter(event="service_request").exists()
        or AuditEvent.objects.filter(action__startswith="service_request.").exists()
    )


def test_a_simple_question_goes_to_the_customers_manager_within_8_working_hours(org, zhang):
    request = record(org.cm_a, zhang, "提前还款要手续费吗？")
    assert (request.kind, request.urgency, request.complexity) == ("question", "normal", "simple")
    assert (request.tier, request.response_hours, request.assignee) == ("cm", 8, org.cm_a)
    assert request.received_at == MONDAY
    assert request.due_at == at(2026, 12, 8, 9, 30)  # 7.5 hours on Monday, half an hour on Tuesday
    assert (request.status, request.escalation_level, request.created_by) == ("open", 0, org.cm_a)
    assert request.number.startswith("SR20261207-") and len(request.number) == 19
    assert "系统建议分级" in request.routing_note
    assert not request.calendar_assumed

    task = request.task
    assert (task.owner, task.customer, task.kind, task.status) == (org.cm_a, zhang, "follow_up", "open")
    assert task.title == "【诉求·咨询】张三 8小时内响应"
    assert task.due_date == max(timezone.localdate(request.due_at), timezone.localdate())

    assert list(request.events.values_list("kind", "to_assignee")) == [
        ("created", None),
        ("routed", org.cm_a.pk),
    ]
    (message,) = OutboxMessage.objects.filter(event="service_request")
    assert (message.recipient, message.link, message.dedupe_key) == (
        org.cm_a,
        f"/servicedesk/{request.pk}/",
        f"service_request:{request.pk}:routed:in_app",
    )
    audit = AuditEvent.objects.get(action="service_request.record")
    assert (audit.actor, audit.target_id, audit.after["tier"], audit.after["assignee"]) == (
        org.cm_a,
        str(request.pk),
        "cm",
        org.cm_a.pk,
    )


def test_a_complaint_goes_to_the_team_lead_within_4_hours_and_2_when_it_names_the_regulator(org, zhang):
    plain = record(org.cm_a, zhang, "你们的服务太差了，我要投诉")
    assert (plain.kind, plain.urgency, plain.tier, plain.response_hours) == (
        "complaint",
        "high",
        "team_lead",
        2,
    )
    assert plain.assignee == org.lead1
    assert plain.task.title == "【诉求·投诉】张三 2小时内响应"
    calm = record(org.cm_a, zhang, "我要投诉", urgency="normal")  # the person says it is not urgent
    assert (calm.urgency, calm.response_hours, calm.due_at) == ("normal", 4, at(2026, 12, 7, 13, 30))


def test_hardship_goes_to_the_team_lead_within_4_hours(org, zhang):
    request = record(org.cm_a, zhang, "失业了，下个月还不上")
    assert (request.kind, request.tier, request.response_hours, request.assignee) == (
        "hardship",
        "team_lead",
        4,
        org.lead1,
    )


def test_a_personal_information_request_goes_to_a_specialist_of_the_branch(org, zhang):
    request = record(org.lead1, zhang, "请删除我的个人信息")
    assert (request.kind, request.tier, request.response_hours) == ("data_request", "specialist", 16)
    assert request.assignee == org.risk1  # B1's risk manager (risk2 is of B2)
    assert request.due_at == at(2026, 12, 9, 9, 30)  # two working days
    assert request.created_by == org.lead1


def test_what_the_person_chose_wins_over_the_suggestion(org, zhang):
    request = record(
        org.cm_a, zhang, "投诉", kind="question", urgency="low", complexity="complex", channel="letter"
    )
    assert (request.kind, request.urgency, request.complexity, request.channel) == (
        "question",
        "low",
        "complex",
        "letter",
    )
    assert (request.tier, request.response_hours) == ("team_lead", 8)
    assert "系统建议分级" not in request.routing_note


def test_no_matching_rule_falls_back_to_the_team_lead_and_says_so(org, zhang):
    TierRule.objects.filter(kind="other").delete()
    request = record(org.cm_a, zhang, "谢谢")
    assert (request.kind, request.tier, request.response_hours, request.assignee) == (
        "other",
        "team_lead",
        8,
        org.lead1,
    )
    assert "分级表中没有匹配的规则" in request.routing_note


def test_an_edited_rule_applies_to_the_next_request(org, zhang):
    TierRule.objects.filter(kind="question", urgency="", complexity="simple").update(response_hours=1)
    assert record(org.cm_a, zhang).due_at == MONDAY + timedelta(hours=1)


def test_a_request_received_earlier_counts_from_when_it_was_received(org, zhang):
    request = record(org.cm_a, zhang, received_at=at(2026, 12, 4, 16))  # Friday 16:00, a letter
    assert request.received_at == at(2026, 12, 4, 16)
    assert request.due_at == at(2026, 12, 7, 16)  # 1 hour on Friday, 7 on Monday
    assert request.number.startswith("SR20261204-")


def test_a_target_into_2027_is_counted_monday_to_friday_and_flagged(org, zhang):
    request = record(org.cm_a, zhang, "请删除我的个人信息", now=at(2026, 12, 31, 15))
    assert request.due_at == at(2027, 1, 4, 15)  # 2 h on 31 Dec, 8 on Fri 1 Jan (assumed), 6 on Mon 4 Jan
    assert request.calendar_assumed
    assert "2027 年的节假日安排尚未录入" in request.routing_note


def test_the_team_lead_branch_head_and_risk_manager_may_record_for_a_customer_they_see(org, zhang):
    for person in (org.lead1, org.head1, org.risk1):
        assert record(person, zhang).created_by == person
    assert ServiceRequest.objects.count() == 3


@pytest.mark.parametrize("person", ["cm_b", "cm_c", "lead2", "cm_d", "head2", "risk2", "approver1", "admin"])
def test_a_customer_out_of_scope_is_not_found_and_nothing_is_written(org, zhang, person):
    with pytest.raises(NotFound):
        record(getattr(org, person), zhang)
    assert nothing_written()


def test_a_merged_customer_is_not_found(org, zhang):
    other = customer_of(org.cm_a, name="张三丰", phone="13800138001")
    zhang.merged_into = other
    zhang.save(update_fields=["merged_into"])
    with pytest.raises(NotFound):
        record(org.cm_a, zhang)


def test_an_inactive_person_may_not_record(org, zhang):
    org.cm_a.is_active = False
    org.cm_a.save(update_fields=["is_active"])
    with pytest.raises((NotFound, NotAllowed)):
        record(org.cm_a, zhang)
    assert nothing_written()


def test_services_take_the_moment_as_now(org, zhang):
    request = services.request_record(
        actor=org.cm_a, customer_id=zhang.pk, text="还款日是哪天？", channel="wechat"
    )
    assert abs(request.received_at - timezone.now()) < timedelta(minutes=1)
