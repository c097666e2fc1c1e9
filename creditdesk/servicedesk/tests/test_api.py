"""The requests API end to end: register (suggested, tiered, routed), read, filter, respond, escalate, close;
the suggestion; the tier matrix — and bad input answered with a stable code, never a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from creditdesk.servicedesk.models import ServiceRequest, TierRule
from creditdesk.servicedesk.tests.conftest import customer_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/service-requests/"


def as_(api_client, person):
    token, _ = Token.objects.get_or_create(user=person)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api_client


def create(client, customer, **fields):
    return client.post(URL, {"customer": customer.pk, "channel": "phone", **fields}, format="json")


def test_a_request_through_the_api_from_registration_to_closing(api_client, org, zhang):
    cm = as_(api_client, org.cm_a)
    created = create(cm, zhang, text="我想查询你们保存的我的个人信息")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["kind"], body["tier"], body["assignee"], body["response_hours"]) == (
        "data_request",
        "specialist",
        org.risk1.pk,
        16,
    )
    assert (body["status"], body["late"], body["customer_name"]) == ("open", False, "张三")
    assert body["escalation_level"] == 0
    assert [e["kind"] for e in body["events"]] == ["created", "routed"]
    pk = body["id"]

    assert cm.post(f"{URL}{pk}/respond/", {"response": "已收到"}, format="json").json()["code"] == (
        "service_request_handle_not_allowed"
    )
    risk = as_(api_client, org.risk1)
    escalated = risk.post(f"{URL}{pk}/escalate/", {"note": "需行长审批"}, format="json")
    assert escalated.status_code == 200 and escalated.json()["assignee"] == org.head1.pk
    head = as_(api_client, org.head1)
    answer = {"response": "已核实身份，清单两个工作日内寄出。"}
    answered = head.post(f"{URL}{pk}/respond/", answer, format="json")
    assert answered.status_code == 200 and answered.json()["status"] == "responded"
    twice = head.post(f"{URL}{pk}/respond/", {"response": "再答"}, format="json")
    assert (twice.status_code, twice.json()["code"]) == (409, "service_request_status")
    closed = head.post(f"{URL}{pk}/close/", {"resolution": "已寄出"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    detail = head.get(f"{URL}{pk}/").json()
    assert [e["kind"] for e in detail["events"]] == ["created", "routed", "escalated", "responded", "closed"]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"text": ""}, "service_request_text_required"),
        ({"text": "   "}, "service_request_text_required"),
        ({"text": "字" * 100_000}, "service_request_text_too_long"),
        ({"text": "问题", "kind": "praise"}, "service_request_kind_unknown"),
        ({"text": "问题", "urgency": "asap"}, "service_request_urgency_unknown"),
        ({"text": "问题", "complexity": "hard"}, "service_request_complexity_unknown"),
        ({"text": "问题", "channel": "fax"}, "service_request_channel_unknown"),
    ],
)
def test_bad_input_gets_a_stable_code(api_client, org, zhang, fields, code):
    response = create(as_(api_client, org.cm_a), zhang, **fields)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["details"]["field"] in {"text", "kind", "urgency", "complexity", "channel"}
    assert not ServiceRequest.objects.exists()


def test_emoji_and_a_blank_kind_are_fine(api_client, org, zhang):
    response = create(as_(api_client, org.cm_a), zhang, text="😡 我要投诉！", kind="", urgency="")
    assert response.status_code == 201
    assert (response.json()["text"], response.json()["kind"]) == ("😡 我要投诉！", "complaint")


def test_missing_or_malformed_fields_are_refused_not_crashed(api_client, org, zhang):
    cm = as_(api_client, org.cm_a)
    body = {"channel": "phone", "text": "问"}
    assert cm.post(URL, body, format="json").json()["code"] == "invalid"
    assert cm.post(URL, {**body, "customer": "abc"}, format="json").status_code == 400
    assert cm.post(URL, {**body, "customer": 10**12}, format="json").status_code == 404
    assert cm.post(URL, "not json", content_type="application/json").json()["code"] == "malformed_request"
    assert cm.post(URL, {**body, "customer": zhang.pk, "text": ["问"]}, format="json").status_code == 400


def test_a_customer_out_of_scope_is_not_found(api_client, org, zhang):
    response = create(as_(api_client, org.cm_c), zhang, text="问题")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_the_list_is_scoped_and_filtered(api_client, org, zhang):
    other = customer_of(org.cm_b, name="李四", phone="13900139000")
    cm = as_(api_client, org.cm_a)
    create(cm, zhang, text="我要投诉")
    create(cm, zhang, text="还款日是哪天？")
    ServiceRequest.objects.filter(kind="question").update(due_at=timezone.now() - timedelta(hours=1))
    create(as_(api_client, org.cm_b), other, text="还款日？")
    rows = as_(api_client, org.cm_a).get(URL).json()["results"]
    assert len(rows) == 2
    assert [r["late"] for r in rows] == [True, False]  # the late one first (soonest due)
    assert len(as_(api_client, org.lead1).get(URL).json()["results"]) == 3
    assert len(as_(api_client, org.cm_c).get(URL).json()["results"]) == 0
    cm = as_(api_client, org.cm_a)
    assert [r["kind"] for r in cm.get(f"{URL}?kind=complaint").json()["results"]] == ["complaint"]
    assert len(cm.get(f"{URL}?late=true").json()["results"]) == 1
    assert len(cm.get(f"{URL}?tier=team_lead").json()["results"]) == 1
    assert len(cm.get(f"{URL}?mine=true").json()["results"]) == 1
    assert cm.get(f"{URL}?late=maybe").status_code == 400
    assert cm.get(f"{URL}?kind=praise").status_code == 400


def test_a_request_out_of_scope_is_not_found(api_client, org, zhang):
    pk = create(as_(api_client, org.cm_a), zhang, text="问题？").json()["id"]
    other = as_(api_client, org.cm_c)
    assert other.get(f"{URL}{pk}/").status_code == 404
    for action, body in (("respond", {"response": "答"}), ("close", {"resolution": "好"}), ("escalate", {})):
        assert other.post(f"{URL}{pk}/{action}/", body, format="json").status_code == 404


def test_the_compliance_guard_blocks_an_answer(api_client, org, zhang):
    cm = as_(api_client, org.cm_a)
    pk = create(cm, zhang, text="能贷下来吗？").json()["id"]
    blocked = cm.post(f"{URL}{pk}/respond/", {"response": "放心，包过！"}, format="json")
    assert (blocked.status_code, blocked.json()["code"]) == (400, "compliance_blocked")
    assert blocked.json()["details"]["findings"]
    assert ServiceRequest.objects.get().status == "open"


def test_a_complaint_is_closed_only_by_a_team_lead_or_branch_head(api_client, org, zhang):
    pk = create(as_(api_client, org.cm_a), zhang, text="我要投诉", kind="complaint").json()["id"]
    ServiceRequest.objects.filter(pk=pk).update(assignee=org.cm_a)
    refused = as_(api_client, org.cm_a).post(f"{URL}{pk}/close/", {"resolution": "已处理"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "complaint_close_not_allowed")
    done = as_(api_client, org.lead1).post(f"{URL}{pk}/close/", {"resolution": "已致歉"}, format="json")
    assert done.status_code == 200


def test_suggest(api_client, org):
    cm = as_(api_client, org.cm_a)
    answer = cm.post(f"{URL}suggest/", {"text": "我失业了，急，下个月还不上"}, format="json")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["kind"], body["urgency"]) == ("hardship", "high")
    assert (body["tier"], body["response_hours"]) == ("team_lead", 4)
    assert body["reasons"] and "due_at" in body
    for text, code in (
        ("", "service_request_text_required"),
        ("字" * 100_000, "service_request_text_too_long"),
    ):
        refused = cm.post(f"{URL}suggest/", {"text": text}, format="json")
        assert (refused.status_code, refused.json()["code"]) == (400, code)
    approver = as_(api_client, org.approver1)
    assert approver.post(f"{URL}suggest/", {"text": "问"}, format="json").status_code == 403


def test_the_tier_rules(api_client, org):
    rows = as_(api_client, org.cm_a).get("/api/v1/tier-rules/").json()["results"]
    assert len(rows) == TierRule.objects.count() == 8
    complaint = next(r for r in rows if (r["kind"], r["urgency"]) == ("complaint", ""))
    assert (complaint["tier"], complaint["response_hours"]) == ("team_lead", 4)
    assert "示例参数，以本行服务标准为准" in complaint["source"]
