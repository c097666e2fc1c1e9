"""The library's life (write → submit → compliance review → in use → edit → re-approval), search through
the service, composing with placeholders, sending through the guard, and what each use produced."""

from __future__ import annotations

import pytest

from creditdesk.compliance.models import ComplianceCheck
from creditdesk.core.exceptions import Conflict, DomainError, NotAllowed, NotFound
from creditdesk.marketing.models import LeadActivity
from creditdesk.marketing.tests.conftest import customer_of, enter, marketing_consent
from creditdesk.notifications.models import OutboxMessage
from creditdesk.replies import services
from creditdesk.replies.choices import ScriptStatus, UseOutcome
from creditdesk.replies.models import ReplyScript, ScriptUse
from creditdesk.replies.selectors import effective, script_results, scripts_visible_to
from creditdesk.replies.services import MessageInput, ScriptInput

pytestmark = pytest.mark.django_db

DRAFT = ScriptInput(
    category="faq",
    question="可以用微信还款吗",
    variants="微信能还贷款吗\n能不能用支付宝还",
    answer="{客户称呼}，目前还款通过您的还款账户自动扣款，请在还款日前存足金额。",
    response_tier="cm",
)


def test_seeded_library_waits_for_compliance(org):
    assert ReplyScript.objects.count() == 67
    assert set(ReplyScript.objects.values_list("status", flat=True)) == {ScriptStatus.PENDING}


def test_nothing_is_found_before_approval(org):
    assert services.script_search(actor=org.cm_a, query="利率太高了") == []


def test_write_submit_approve_then_use(org):
    script = services.script_save(actor=org.cm_a, data=DRAFT)
    assert (script.status, script.owner, script.version) == (ScriptStatus.DRAFT, org.cm_a, 1)
    services.script_submit(actor=org.cm_a, script_id=script.pk)
    with pytest.raises(NotAllowed) as own:
        services.script_review(actor=org.cm_a, script_id=script.pk, approve=True)
    assert own.value.code == "script_review_not_allowed"
    services.script_review(actor=org.risk1, script_id=script.pk, approve=True)
    found = services.script_search(actor=org.cm_b, query="微信还款行不行")
    assert [f.script.pk for f in found][:1] == [script.pk]


def test_an_edit_keeps_the_approved_text_in_use_until_approved_again(org):
    script = services.script_save(actor=org.cm_a, data=DRAFT)
    services.script_submit(actor=org.cm_a, script_id=script.pk)
    services.script_review(actor=org.risk1, script_id=script.pk, approve=True)
    changed = ScriptInput(**{**DRAFT.__dict__, "answer": "{客户称呼}，还款请使用绑定的还款卡自动扣款。"})
    script = services.script_save(actor=org.cm_a, data=changed, script_id=script.pk)
    assert (script.status, script.version, script.approved_version) == (ScriptStatus.DRAFT, 2, 1)
    rendered = services.script_render(actor=org.cm_a, script_id=script.pk)
    assert "存足金额" in rendered.text  # version 1 is still the one in use
    services.script_submit(actor=org.cm_a, script_id=script.pk)
    services.script_review(actor=org.risk1, script_id=script.pk, approve=True)
    assert "绑定的还款卡" in services.script_render(actor=org.cm_a, script_id=script.pk).text
    assert list(script.versions.values_list("version", "status").order_by("created_at", "id")) == [
        (1, "pending"),
        (1, "approved"),
        (2, "pending"),
        (2, "approved"),
    ]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"question": " "}, "script_question_required"),
        ({"answer": "您好，{客户名字}，欢迎咨询。"}, "script_placeholder_unknown"),
        ({"category": "gossip"}, "script_category_unknown"),
        ({"category": "risk"}, "script_disclosure_required"),
        ({"stages": "nowhere"}, "script_stages_unknown"),
        ({"products": "NOPE"}, "script_products_unknown"),
        ({"answer": "很" * 2001}, "script_answer_too_long"),
    ],
)
def test_bad_scripts_are_refused(org, changes, code):
    with pytest.raises(DomainError) as refused:
        services.script_save(actor=org.cm_a, data=ScriptInput(**{**DRAFT.__dict__, **changes}))
    assert refused.value.code == code


def test_a_forbidden_promise_never_reaches_the_reviewer(org):
    bad = ScriptInput(**{**DRAFT.__dict__, "answer": "放心，我们保证放款，三天到账。"})
    script = services.script_save(actor=org.cm_a, data=bad)
    with pytest.raises(DomainError) as refused:
        services.script_submit(actor=org.cm_a, script_id=script.pk)
    assert refused.value.code == "compliance_blocked"
    script.refresh_from_db()
    assert script.status == ScriptStatus.DRAFT
    assert ComplianceCheck.objects.filter(
        origin="script", blocked=True, target=f"script:{script.pk}"
    ).exists()


def test_returning_needs_a_reason_and_drafts_are_private(org):
    script = services.script_save(actor=org.cm_a, data=DRAFT)
    services.script_submit(actor=org.cm_a, script_id=script.pk)
    with pytest.raises(DomainError) as refused:
        services.script_review(actor=org.risk1, script_id=script.pk, approve=False)
    assert refused.value.code == "script_review_note_required"
    services.script_review(actor=org.risk1, script_id=script.pk, approve=False, note="请补充扣款失败的处理")
    assert script in scripts_visible_to(org.cm_a)
    assert script not in scripts_visible_to(org.cm_b)
    with pytest.raises(NotAllowed):
        services.script_save(actor=org.cm_b, data=DRAFT, script_id=script.pk)


def test_search_refuses_empty_and_huge_questions(org, library):
    for query, code in [("  ", "search_query_empty"), ("贷" * 100_000, "search_query_too_long")]:
        with pytest.raises(DomainError) as refused:
            services.script_search(actor=org.cm_a, query=query)
        assert refused.value.code == code
    assert (
        services.script_search(actor=org.cm_a, query="🙏🙏利率太高了吧😭 APR多少")[0].script.key
        == "rate-too-high"
    )


def test_render_fills_what_is_known_and_lists_the_rest(org, library):
    customer = customer_of(org.cm_a)
    script = ReplyScript.objects.get(key="rate-too-high")
    rendered = services.script_render(actor=org.cm_a, script_id=script.pk, customer_id=customer.pk)
    assert "{客户称呼}" not in rendered.text and "张" in rendered.text
    assert "年化利率" in rendered.missing  # no proposal yet: the CM fills the rate in by hand
    with pytest.raises(NotFound):
        services.script_render(actor=org.cm_c, script_id=script.pk, customer_id=customer.pk)


def test_send_to_a_lead_records_the_use_the_follow_up_and_the_sms(org, library):
    lead = enter(org.cm_a)
    script = ReplyScript.objects.get(key="documents-needed")
    rendered = services.script_render(actor=org.cm_a, script_id=script.pk, lead_id=lead.pk)
    assert rendered.missing == ["产品名称"]  # a lead has no proposal yet: the CM writes the product in
    text = rendered.text.replace("{产品名称}", "经营贷")
    sent = services.message_send(actor=org.cm_a, data=MessageInput(text=text, lead=lead.pk, script=script.pk))
    assert sent.use is not None and sent.use.stage_at_use == "new"
    assert LeadActivity.objects.filter(lead=lead, kind="message", notes=text).exists()
    assert OutboxMessage.objects.filter(event="customer_message", channel="sms", body=text).count() == 1


def test_a_blocked_message_is_logged_and_nothing_is_sent(org, library):
    customer = customer_of(org.cm_a)
    with pytest.raises(DomainError) as refused:
        services.message_send(
            actor=org.cm_a, data=MessageInput(text="张先生放心，包过！月息只要5厘。", customer=customer.pk)
        )
    assert refused.value.code == "compliance_blocked"
    assert {f["rule"] for f in refused.value.extra["findings"]} == {"promise_approval", "rate_without_apr"}
    assert not OutboxMessage.objects.filter(event="customer_message").exists()
    assert ComplianceCheck.objects.get(blocked=True).target == f"customer:{customer.pk}"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"text": " "}, "message_text_required"),
        ({"text": "字" * 501}, "message_too_long"),
        ({"text": "{客户称呼}您好"}, "message_placeholder_unfilled"),
        ({"text": "您好", "purpose": "spam"}, "message_purpose_unknown"),
        (
            {"text": "新品推荐：经营贷年化利率 4.2% 起", "purpose": "marketing"},
            "message_marketing_consent_missing",
        ),
    ],
)
def test_bad_messages_are_refused(org, data, code):
    customer = customer_of(org.cm_a)
    with pytest.raises(DomainError) as refused:
        services.message_send(actor=org.cm_a, data=MessageInput(customer=customer.pk, **data))
    assert refused.value.code == code


def test_marketing_with_consent_and_scope(org):
    customer = customer_of(org.cm_a)
    marketing_consent(customer)
    services.message_send(
        actor=org.cm_a,
        data=MessageInput(text="新品推荐：经营贷年化利率 4.2% 起", customer=customer.pk, purpose="marketing"),
    )
    with pytest.raises(NotAllowed):
        services.message_send(actor=org.head1, data=MessageInput(text="您好", customer=customer.pk))
    with pytest.raises(NotFound):
        services.message_send(actor=org.cm_c, data=MessageInput(text="您好", customer=customer.pk))


def test_outcomes_come_from_the_lead_or_the_cm(org, library):
    assert effective("pending", "new", "contacted") == UseOutcome.ADVANCED
    assert effective("pending", "contacted", "lost") == UseOutcome.LOST
    assert effective("pending", "contacted", "contacted") == UseOutcome.PENDING
    assert effective("resolved", "contacted", "lost") == UseOutcome.RESOLVED
    customer = customer_of(org.cm_a)
    script = ReplyScript.objects.get(key="rate-too-high")
    sent = services.message_send(
        actor=org.cm_a,
        data=MessageInput(text="张先生，年化利率 4.35%（含费用）。", customer=customer.pk, script=script.pk),
    )
    services.use_outcome_set(actor=org.cm_a, use_id=sent.use.pk, outcome="resolved")
    with pytest.raises(DomainError):
        services.use_outcome_set(actor=org.cm_a, use_id=sent.use.pk, outcome="advanced")
    with pytest.raises(NotFound):
        services.use_outcome_set(actor=org.cm_b, use_id=sent.use.pk, outcome="unresolved")
    (row,) = script_results(org.lead1)
    assert (row.script, row.uses, row.counts["resolved"], row.success_rate) == (script, 1, 1, 1.0)
    assert script_results(org.lead2) == []
    assert ScriptUse.objects.get().outcome == "resolved"


def test_retired_scripts_leave_search(org, library):
    script = ReplyScript.objects.get(key="rate-too-high")
    services.script_retire(actor=org.risk1, script_id=script.pk)
    assert all(f.script != script for f in services.script_search(actor=org.cm_a, query="利率太高了", k=10))
    with pytest.raises(Conflict):
        services.script_retire(actor=org.risk1, script_id=script.pk)


def test_a_bad_result_count_is_refused(org, library):
    with pytest.raises(DomainError) as refused:
        services.script_search(actor=org.cm_a, query="利率太高了", k="many")
    assert refused.value.code == "search_k_invalid"
    assert len(services.script_search(actor=org.cm_a, query="利率太高了", k=500)) <= 20
