"""分派: the tier names a role; the person is found in the customer's manager's team and branch — and when
nobody holds that role the request still goes to someone, the next one up, and the request says so."""

from __future__ import annotations

import pytest

from creditdesk.accounts.choices import Role
from creditdesk.accounts.tests.factories import make_person
from creditdesk.servicedesk import routing
from creditdesk.servicedesk.tests.conftest import record

pytestmark = pytest.mark.django_db


def off(*people):
    for person in people:
        person.is_active = False
        person.save(update_fields=["is_active"])


def test_each_tier_goes_to_its_person(org):
    assert routing.route(org.cm_a, "cm").person == org.cm_a
    assert routing.route(org.cm_a, "team_lead").person == org.lead1
    assert routing.route(org.cm_c, "team_lead").person == org.lead2
    assert routing.route(org.cm_a, "specialist").person == org.risk1
    assert routing.route(org.cm_d, "specialist").person == org.risk2
    assert routing.route(org.lead1, "team_lead").person == org.lead1  # a team lead's own customer


def test_nobody_in_the_role_goes_to_the_branch_head_and_says_so(org):
    off(org.lead1, org.risk1)
    lead = routing.route(org.cm_a, "team_lead")
    assert (lead.person, lead.note) == (org.head1, "团队没有在岗的团队主管：由支行行长处理。")
    specialist = routing.route(org.cm_a, "specialist")
    assert (specialist.person, specialist.note) == (org.head1, "支行没有在岗的风险经理：由支行行长处理。")
    off(org.head1)
    assert routing.route(org.cm_a, "team_lead").person == org.cm_a
    assert routing.route(org.cm_a, "specialist").person == org.cm_a


def test_an_inactive_manager_s_request_goes_up(org):
    off(org.cm_a)
    route = routing.route(org.cm_a, "cm")
    assert route.person == org.lead1
    assert route.note


def test_specialists_share_the_personal_information_requests(org, zhang):
    other = make_person(Role.RISK_MANAGER, branch=org.b1, username="risk3")
    first = record(org.cm_a, zhang, "请删除我的个人信息")
    second = record(org.cm_a, zhang, "请更正我的资料")
    assert {first.assignee, second.assignee} == {org.risk1, other}


def test_who_is_above(org):
    assert routing.next_up(org.cm_a) == org.lead1
    assert routing.next_up(org.lead1) == org.head1
    assert routing.next_up(org.risk1) == org.head1
    assert routing.next_up(org.head1) is None
    off(org.lead1)
    assert routing.next_up(org.cm_a) == org.head1


def test_the_fallback_is_written_on_the_request(org, zhang):
    off(org.lead1)
    request = record(org.cm_a, zhang, "我要投诉")
    assert request.assignee == org.head1
    assert "团队没有在岗的团队主管" in request.routing_note


def test_requests_follow_a_customer_handover(org, zhang):
    from creditdesk.agenda.models import Task
    from creditdesk.customers import services as customer_services
    from creditdesk.servicedesk import services

    question, complaint, closed = (
        record(org.cm_a, zhang),
        record(org.cm_a, zhang, "我要投诉"),
        record(org.cm_a, zhang),
    )
    services.request_close(actor=org.cm_a, request_id=closed.pk, resolution="客户撤回")
    customer_services.customer_handover(
        actor=org.lead1, customer_ids=[zhang.pk], new_owner=org.cm_b, reason="客户经理调岗"
    )
    question.refresh_from_db()
    complaint.refresh_from_db()
    closed.refresh_from_db()
    assert (question.assignee, complaint.assignee, closed.assignee) == (org.cm_b, org.lead1, org.cm_a)
    assert Task.objects.get(pk=question.task_id).owner == org.cm_b  # the agenda moved the task
    event = question.events.last()
    assert (event.kind, event.from_assignee, event.to_assignee, event.note) == (
        "routed",
        org.cm_a,
        org.cm_b,
        "客户移交：客户经理调岗",
    )
    answered = services.request_respond(actor=org.cm_b, request_id=question.pk, response="您好，已为您查询。")
    assert answered.responded_by == org.cm_b
