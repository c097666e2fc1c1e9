"""The 话术库 API end to end: the library and its filters, writing, the review and retirement with their
stable codes, a script filled for a conversation, the ranked search (and its refusals), sending a message
(and a blocked one, with the findings), the uses and their outcome, which answers work — each in the
caller's scope (404 outside it)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from creditdesk.marketing.tests.conftest import customer_of, enter
from creditdesk.notifications.models import OutboxMessage
from creditdesk.replies import services
from creditdesk.replies.choices import ScriptStatus
from creditdesk.replies.models import ReplyScript, ScriptUse
from creditdesk.replies.services import MessageInput

pytestmark = pytest.mark.django_db

NEW = {
    "category": "faq",
    "question": "可以用微信还款吗",
    "answer": "{客户称呼}，目前还款通过您的还款账户自动扣款，请在还款日前存足金额。",
    "response_tier": "cm",
    "variants": ["微信能还贷款吗", "  ", "能不能用支付宝还"],
}


@pytest.fixture
def api():
    """A client signed in as ``person`` (a new one each time: two people may talk in one test)."""

    def as_(person):
        client = APIClient()
        client.force_authenticate(person)
        return client

    return as_


def refused(response, status: int, code: str) -> dict:
    body = response.json()
    assert (response.status_code, body["code"]) == (status, code), body
    return body


def test_the_library_and_its_filters(api, org, library):
    client = api(org.cm_a)
    body = client.get("/api/v1/scripts/", {"category": "collection"}).json()
    assert body["count"] == ReplyScript.objects.filter(category="collection").count() > 0
    assert {row["category"] for row in body["results"]} == {"collection"}
    row = client.get("/api/v1/scripts/", {"q": "利率太高"}).json()["results"][0]
    assert (row["key"], row["status"], row["category_display"]) == ("rate-too-high", "approved", "异议处理")
    refused(client.get("/api/v1/scripts/", {"category": "gossip"}), 400, "invalid")


def test_write_submit_review_retire(api, org):
    cm = api(org.cm_a)
    response = cm.post("/api/v1/scripts/", NEW, format="json")
    assert response.status_code == 201, response.json()
    script = response.json()
    assert (script["status"], script["in_use"], script["draft"]["variants"]) == (
        "draft",
        None,
        ["微信能还贷款吗", "能不能用支付宝还"],
    )
    pk = script["id"]
    # another CM does not see a draft; the writer changes one field, the rest is kept
    assert api(org.cm_b).get(f"/api/v1/scripts/{pk}/").status_code == 404
    changed = cm.patch(f"/api/v1/scripts/{pk}/", {"source": "本行还款操作指引"}, format="json").json()
    assert (changed["draft"]["source"], changed["draft"]["question"]) == (
        "本行还款操作指引",
        "可以用微信还款吗",
    )
    assert cm.post(f"/api/v1/scripts/{pk}/submit/").json()["status"] == "pending"
    refused(cm.post(f"/api/v1/scripts/{pk}/submit/"), 409, "script_not_draft")
    refused(
        cm.post(f"/api/v1/scripts/{pk}/review/", {"approve": True}, format="json"),
        403,
        "script_review_not_allowed",
    )
    risk = api(org.risk1)
    body = refused(
        risk.post(f"/api/v1/scripts/{pk}/review/", {"approve": False}, format="json"),
        400,
        "script_review_note_required",
    )
    assert body["details"]["field"] == "note"
    approved = risk.post(f"/api/v1/scripts/{pk}/review/", {"approve": True, "note": ""}, format="json").json()
    assert (approved["status"], approved["in_use"]["answer"], approved["draft"]) == (
        "approved",
        NEW["answer"],
        None,
    )
    # an edit: the approved text stays in use, the draft is the new one
    edited = cm.patch(
        f"/api/v1/scripts/{pk}/", {"answer": "{客户称呼}，请用绑定的还款卡还款。"}, format="json"
    ).json()
    assert (edited["in_use"]["answer"], edited["draft"]["answer"]) == (
        NEW["answer"],
        "{客户称呼}，请用绑定的还款卡还款。",
    )
    other = api(org.cm_b)  # reads the text in use, not the keeper's edit in progress
    seen = other.get(f"/api/v1/scripts/{pk}/").json()
    assert (seen["in_use"]["answer"], seen["draft"]) == (NEW["answer"], None)
    edited_q = cm.patch(f"/api/v1/scripts/{pk}/", {"question": "微信和支付宝能还款吗"}, format="json").json()
    assert edited_q["question"] == "微信和支付宝能还款吗"
    listed = other.get("/api/v1/scripts/", {"q": "还款吗"}).json()["results"]
    assert [r["question"] for r in listed if r["id"] == pk] == ["可以用微信还款吗"]
    refused(cm.post(f"/api/v1/scripts/{pk}/retire/", {}, format="json"), 403, "script_retire_not_allowed")
    assert (
        risk.post(f"/api/v1/scripts/{pk}/retire/", {"note": "停用"}, format="json").json()["status"]
        == "retired"
    )
    refused(risk.post(f"/api/v1/scripts/{pk}/retire/", {}, format="json"), 409, "script_retired")
    refused(risk.patch(f"/api/v1/scripts/{pk}/", {"source": "x"}, format="json"), 409, "script_retired")


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"answer": "您好，{客户名字}"}, "script_placeholder_unknown", "answer"),
        ({"question": "  "}, "script_question_required", "question"),
        ({"category": "risk"}, "script_disclosure_required", "disclosures"),
        ({"stages": ["nowhere"]}, "script_stages_unknown", "stages"),
        ({"key": "Bad Key!"}, "script_key_invalid", "key"),
    ],
)
def test_a_bad_script_is_refused_with_its_code_and_field(api, org, changes, code, field):
    body = refused(api(org.cm_a).post("/api/v1/scripts/", {**NEW, **changes}, format="json"), 400, code)
    assert body["details"]["field"] == field
    assert not ReplyScript.objects.filter(owner=org.cm_a).exists()


def test_writers_only_and_unique_keys(api, org):
    refused(api(org.head1).post("/api/v1/scripts/", NEW, format="json"), 403, "script_write_not_allowed")
    assert (
        api(org.cm_a).post("/api/v1/scripts/", {**NEW, "key": "wechat-repay"}, format="json").status_code
        == 201
    )
    refused(
        api(org.cm_b).post("/api/v1/scripts/", {**NEW, "key": "wechat-repay"}, format="json"),
        409,
        "script_key_taken",
    )


def test_a_blocked_script_is_not_submitted(api, org):
    cm = api(org.cm_a)
    pk = cm.post("/api/v1/scripts/", {**NEW, "answer": "放心，我们保证放款。"}, format="json").json()["id"]
    body = refused(cm.post(f"/api/v1/scripts/{pk}/submit/"), 400, "compliance_blocked")
    assert "保证放款" in {f["matched"] for f in body["details"]["findings"]}
    assert ReplyScript.objects.get(pk=pk).status == ScriptStatus.DRAFT


def test_render_for_a_conversation(api, org, library):
    lead = enter(org.cm_a, name="王小明")
    script = ReplyScript.objects.get(key="documents-needed")
    body = api(org.cm_a).get(f"/api/v1/scripts/{script.pk}/render/", {"lead": lead.pk}).json()
    assert body["missing"] == ["产品名称"] and "{产品名称}" in body["text"]
    assert api(org.cm_c).get(f"/api/v1/scripts/{script.pk}/render/", {"lead": lead.pk}).status_code == 404
    refused(
        api(org.head1).get(f"/api/v1/scripts/{script.pk}/render/", {"lead": lead.pk}),
        403,
        "lead_read_only",
    )
    refused(api(org.cm_a).get(f"/api/v1/scripts/{script.pk}/render/", {"lead": "abc"}), 400, "invalid")


def test_the_search(api, org, library):
    client = api(org.cm_a)
    hits = client.get("/api/v1/scripts/search/", {"q": "🙏利率太高了吧😭", "k": 3}).json()
    assert len(hits) == 3 and hits[0]["key"] == "rate-too-high"
    assert hits[0]["score"] >= hits[1]["score"] >= hits[2]["score"]
    assert set(hits[0]) == {
        "script",
        "key",
        "question",
        "category",
        "response_tier",
        "answer",
        "disclosures",
        "score",
        "terms",
    }
    assert "利率" in hits[0]["terms"]
    only = client.get("/api/v1/scripts/search/", {"q": "还不上了", "category": "collection"}).json()
    assert only and {h["category"] for h in only} == {"collection"}
    assert client.get("/api/v1/scripts/search/", {"q": "😭😭"}).json() == []
    refused(client.get("/api/v1/scripts/search/", {"q": " "}), 400, "search_query_empty")
    refused(client.get("/api/v1/scripts/search/"), 400, "search_query_empty")
    refused(client.get("/api/v1/scripts/search/", {"q": "贷" * 100_000}), 400, "search_query_too_long")
    refused(client.get("/api/v1/scripts/search/", {"q": "利率", "k": 0}), 400, "invalid")
    lead = enter(org.cm_c)
    refused(
        client.get("/api/v1/scripts/search/", {"q": "利率", "lead": lead.pk}), 400, "search_lead_not_found"
    )


def test_send_a_message(api, org, library):
    lead = enter(org.cm_a)
    script = ReplyScript.objects.get(key="rate-too-high")
    text = "李先生，给您的方案年化利率 4.35%（含费用），具体以合同为准。"
    response = api(org.cm_a).post(
        "/api/v1/messages/", {"text": text, "lead": lead.pk, "script": script.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    use = ScriptUse.objects.get()
    assert response.json() == {"use": use.pk, "warnings": []}
    customer = customer_of(org.cm_a)
    warned = (
        api(org.cm_a)
        .post(
            "/api/v1/messages/",
            {"text": "这是我们利率最低的产品，年化利率 4.2%。", "customer": customer.pk},
            format="json",
        )
        .json()
    )
    assert warned["use"] is None and [w["rule"] for w in warned["warnings"]] == ["superlative_claim"]


def test_a_blocked_message_answers_the_findings(api, org):
    customer = customer_of(org.cm_a)
    body = refused(
        api(org.cm_a).post(
            "/api/v1/messages/", {"text": "放心，包过！", "customer": customer.pk}, format="json"
        ),
        400,
        "compliance_blocked",
    )
    assert body["details"]["findings"][0]["rule"] == "promise_approval"
    assert not OutboxMessage.objects.filter(event="customer_message").exists()


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"text": "您好"}, 400, "message_recipient_required"),
        ({"text": "{客户称呼}您好", "customer": "me"}, 400, "message_placeholder_unfilled"),
        ({"text": "字" * 100_000, "customer": "me"}, 400, "message_too_long"),
        ({"text": "您好", "customer": "me", "purpose": "spam"}, 400, "invalid"),
        ({"text": "您好", "customer": "me", "script": 999999}, 400, "script_not_in_use"),
    ],
)
def test_bad_messages_are_refused(api, org, body, status, code):
    customer = customer_of(org.cm_a)
    data = {k: (customer.pk if v == "me" else v) for k, v in body.items()}
    refused(api(org.cm_a).post("/api/v1/messages/", data, format="json"), status, code)


def test_messages_outside_scope(api, org):
    customer = customer_of(org.cm_a)
    assert (
        api(org.cm_c)
        .post("/api/v1/messages/", {"text": "您好", "customer": customer.pk}, format="json")
        .status_code
        == 404
    )
    refused(
        api(org.head1).post("/api/v1/messages/", {"text": "您好", "customer": customer.pk}, format="json"),
        403,
        "message_send_not_allowed",
    )


def test_uses_their_outcome_and_the_results(api, org, library):
    customer = customer_of(org.cm_a)
    script = ReplyScript.objects.get(key="rate-too-high")
    use = services.message_send(
        actor=org.cm_a,
        data=MessageInput(text="张先生，年化利率 4.35%（含费用）。", customer=customer.pk, script=script.pk),
    ).use
    rows = api(org.lead1).get("/api/v1/script-uses/").json()["results"]
    assert [(r["id"], r["question"], r["outcome"], r["effective"]) for r in rows] == [
        (use.pk, "利率太高了", "pending", "pending")
    ]
    assert api(org.cm_b).get("/api/v1/script-uses/").json()["count"] == 0
    assert api(org.lead1).get("/api/v1/script-uses/", {"customer": customer.pk}).json()["count"] == 1
    assert (
        api(org.cm_b)
        .post(f"/api/v1/script-uses/{use.pk}/outcome/", {"outcome": "resolved"}, format="json")
        .status_code
        == 404
    )
    refused(
        api(org.head1).post(f"/api/v1/script-uses/{use.pk}/outcome/", {"outcome": "resolved"}, format="json"),
        403,
        "script_use_outcome_not_allowed",
    )
    refused(
        api(org.cm_a).post(f"/api/v1/script-uses/{use.pk}/outcome/", {"outcome": "advanced"}, format="json"),
        400,
        "invalid",
    )
    marked = (
        api(org.cm_a)
        .post(f"/api/v1/script-uses/{use.pk}/outcome/", {"outcome": "resolved"}, format="json")
        .json()
    )
    assert (marked["outcome"], marked["effective"]) == ("resolved", "resolved")
    results = api(org.lead1).get("/api/v1/script-results/").json()["results"]
    assert results == [
        {
            "script": script.pk,
            "key": "rate-too-high",
            "question": "利率太高了",
            "category": "objection",
            "uses": 1,
            "pending": 0,
            "advanced": 0,
            "resolved": 1,
            "unresolved": 0,
            "lost": 0,
            "success_rate": 1.0,
        }
    ]
    assert api(org.lead2).get("/api/v1/script-results/").json()["results"] == []
    refused(
        api(org.lead1).get("/api/v1/script-results/", {"since": "2026-03-31", "until": "2026-03-01"}),
        400,
        "script_results_period_invalid",
    )
