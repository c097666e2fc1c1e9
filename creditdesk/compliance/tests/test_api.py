"""The compliance API end to end: ``POST /api/v1/compliance/check/`` answers the findings (200 even when
blocked, a block logged with origin api unless ``log`` is false; bad input refused with its code), the rules
(read and kept by risk managers and administrators through ``rule_save``, never deleted) and the log (in
the reader's scope, filtered)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from creditdesk.compliance import services
from creditdesk.compliance.models import ComplianceCheck, ComplianceRule
from creditdesk.core.models import AuditEvent

pytestmark = pytest.mark.django_db

CHECK = "/api/v1/compliance/check/"
RULES = "/api/v1/compliance/rules/"
LOG = "/api/v1/compliance/checks/"


@pytest.fixture
def as_person(api_client):
    def sign_in(person):
        api_client.force_authenticate(person)
        return api_client

    return sign_in


def test_a_check_answers_every_finding_with_its_alternative_and_logs_the_block(org, as_person):
    response = as_person(org.cm_a).post(
        CHECK, {"text": "月息5厘，包过！", "channel": "message", "target": "customer:12"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["blocked"] is True and body["checked_chars"] == 8
    assert [(f["rule"], f["severity"], f["start"], f["end"], f["matched"]) for f in body["findings"]] == [
        ("rate_without_apr", "block", 0, 4, "月息5厘"),  # 月息 and 5厘: one finding
        ("promise_approval", "block", 5, 7, "包过"),
    ]
    assert body["findings"][1]["suggestion"].startswith("申请结果以银行审核为准")
    assert body["findings"][1]["source"]
    row = ComplianceCheck.objects.get()
    assert (row.actor, row.origin, row.blocked, row.target) == (org.cm_a, "api", True, "customer:12")


def test_a_check_without_log_and_a_clean_text_log_nothing(org, as_person):
    client = as_person(org.cm_a)
    blocked = client.post(CHECK, {"text": "包过", "log": False}, format="json")
    text = "您好🙂，Здравствуйте，مرحبا"
    clean = client.post(CHECK, {"text": text}, format="json")
    assert blocked.status_code == clean.status_code == 200
    assert blocked.json()["blocked"] is True
    assert clean.json() == {"blocked": False, "findings": [], "checked_chars": len(text)}
    assert not ComplianceCheck.objects.exists()


def test_the_channel_decides_which_rules_apply(org, as_person):
    client = as_person(org.cm_a)
    threat = "再不还钱就通知你的家人"
    assert client.post(CHECK, {"text": threat, "channel": "collection"}, format="json").json()["blocked"]
    assert not client.post(CHECK, {"text": threat, "channel": "greeting"}, format="json").json()["findings"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"text": ""}, "compliance_text_empty"),
        ({"text": "   "}, "compliance_text_empty"),
        ({"text": "x" * 20_001}, "compliance_text_too_long"),
        ({"text": "您好" * 50_000}, "compliance_text_too_long"),
        ({"text": "包过", "channel": "fax"}, "compliance_channel_unknown"),
        ({"text": 12}, "invalid"),
        ({"channel": "message"}, "invalid"),
    ],
)
def test_bad_input_is_a_400_with_its_code(org, as_person, body, code):
    response = as_person(org.cm_a).post(CHECK, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["message"]
    assert not ComplianceCheck.objects.exists()


def test_a_check_needs_a_signed_in_person(api_client):
    assert api_client.post(CHECK, {"text": "包过"}, format="json").status_code == 401


# --- rules ------------------------------------------------------------------------------------------------


def test_a_risk_manager_lists_and_reads_the_rules(org, as_person):
    client = as_person(org.risk1)
    listed = client.get(RULES)
    assert listed.status_code == 200
    assert listed.json()["count"] == ComplianceRule.objects.count() == 11
    first = listed.json()["results"][0]
    assert first["code"] == "bank_card_unmasked" and first["channels"] == []
    threat = ComplianceRule.objects.get(code="collection_threat")
    detail = client.get(f"{RULES}{threat.pk}/").json()
    assert detail["channels"] == ["collection", "message"] and detail["kind"] == "regex"
    assert client.get(RULES, {"severity": "warn"}).json()["count"] == 1
    assert client.get(f"{RULES}999999/").status_code == 404


def test_a_rule_is_added_changed_and_retired_never_deleted(org, as_person):
    client = as_person(org.admin)
    created = client.post(
        RULES,
        {
            "code": "guaranteed_return",
            "name": "承诺收益",
            "kind": "phrase",
            "severity": "block",
            "pattern": "稳赚不赔",
            "channels": ["message", "script"],
            "message": "不能承诺收益。",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    rule_id = created.json()["id"]
    assert created.json()["channels"] == ["message", "script"]
    assert client.post(CHECK, {"text": "稳赚不赔", "log": False}, format="json").json()["blocked"]

    retired = client.patch(f"{RULES}{rule_id}/", {"active": False}, format="json")
    assert retired.status_code == 200 and retired.json()["active"] is False
    assert retired.json()["pattern"] == "稳赚不赔"  # the fields not given are kept
    assert not client.post(CHECK, {"text": "稳赚不赔", "log": False}, format="json").json()["findings"]
    assert client.delete(f"{RULES}{rule_id}/").status_code == 405
    assert client.put(f"{RULES}{rule_id}/", {}, format="json").status_code == 405
    assert [
        e.action for e in AuditEvent.objects.filter(action__startswith="compliance_rule.").order_by("id")
    ] == [
        "compliance_rule.create",
        "compliance_rule.update",
    ]


def test_a_bad_regex_is_refused_with_the_reason(org, as_person):
    rule = ComplianceRule.objects.get(code="upfront_fee")
    response = as_person(org.risk1).patch(f"{RULES}{rule.pk}/", {"pattern": "(先交费"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "compliance_rule_pattern_invalid"
    assert body["message"].startswith("正则表达式无效") and body["details"] == {"field": "pattern"}
    rule.refresh_from_db()
    assert rule.pattern.startswith("(先|提前")


def test_a_rules_code_cannot_change(org, as_person):
    rule = ComplianceRule.objects.get(code="upfront_fee")
    response = as_person(org.risk1).patch(f"{RULES}{rule.pk}/", {"code": "fees"}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "compliance_rule_code_fixed")


@pytest.mark.parametrize("who", ["cm_a", "lead1", "head1", "approver1"])
def test_others_may_not_read_or_keep_the_rules(org, as_person, who):
    client = as_person(getattr(org, who))
    rule = ComplianceRule.objects.get(code="promise_approval")
    for response in (
        client.get(RULES),
        client.get(f"{RULES}{rule.pk}/"),
        client.patch(f"{RULES}{rule.pk}/", {"active": False}, format="json"),
        client.post(RULES, {"code": "x"}, format="json"),  # refused before the body is read
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "compliance_rule_not_allowed"
    rule.refresh_from_db()
    assert rule.active


# --- the log ----------------------------------------------------------------------------------------------


def _blocked(actor, text="包过", channel="message") -> ComplianceCheck:
    with pytest.raises(services.ComplianceBlocked):
        services.compliance_enforce(actor=actor, text=text, channel=channel)
    return ComplianceCheck.objects.latest("id")


def test_a_team_lead_reads_the_teams_log_with_filters(org, as_person):
    mine = _blocked(org.cm_a, "月息5厘")
    teammate = _blocked(org.cm_b, "你这个老赖", "collection")
    _blocked(org.cm_c)  # team T2: not lead1's
    warned = services.compliance_enforce(actor=org.cm_a, text="零风险", channel="message")
    assert not warned.blocked
    client = as_person(org.lead1)

    def ids(**query) -> list[int]:
        response = client.get(LOG, query)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    everything = ids()
    assert len(everything) == 3 and everything[1:] == [teammate.pk, mine.pk]
    assert ids(blocked="true") == [teammate.pk, mine.pk]
    assert len(ids(blocked="false")) == 1
    assert ids(channel="collection") == [teammate.pk]
    assert ids(rule="rate_without_apr") == [mine.pk]
    assert ids(rule="rate") == []  # a code, not a part of one
    today = timezone.localdate()
    assert len(ids(date_from=today.isoformat(), date_to=today.isoformat())) == 3
    assert ids(date_from=(today + timedelta(days=1)).isoformat()) == []
    row = client.get(LOG, {"channel": "collection"}).json()["results"][0]
    assert row["actor"] == org.cm_b.pk and row["rules"] == ["collection_insult"]
    assert row["findings"][0]["matched"] == "老赖" and row["excerpt"] == "你这个老赖"
    assert client.get(LOG, {"blocked": "maybe"}).status_code == 400


@pytest.mark.parametrize("who", ["cm_a", "approver1", "admin"])
def test_senders_approvers_and_administrators_do_not_read_the_log(org, as_person, who):
    _blocked(org.cm_a)
    response = as_person(getattr(org, who)).get(LOG)
    assert (response.status_code, response.json()["code"]) == (403, "compliance_log_not_allowed")
