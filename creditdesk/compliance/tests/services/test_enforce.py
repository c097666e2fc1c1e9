"""Checking and enforcing (``services.compliance_check`` / ``compliance_enforce`` / ``compliance_screen``):
a blocked text is refused and its log row survives the refusal; a warning lets the text go and is logged
as let through; the preview logs nothing; the log keeps no personal data; bad input is refused with a
stable code; an edited rule applies at the next check; a rule that reaches the guard broken is left out."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction

from creditdesk.compliance import services
from creditdesk.compliance.models import ComplianceCheck, ComplianceRule
from creditdesk.compliance.services import ComplianceBlocked, RuleInput
from creditdesk.core.exceptions import DomainError

pytestmark = pytest.mark.django_db

ZHANG_ID = "11010519491231002X"


def refusal(call) -> DomainError:
    with pytest.raises(DomainError) as refused:
        call()
    return refused.value


def test_a_blocked_text_is_refused_and_the_log_row_survives_the_refusal(org):
    def send_a_message():
        services.compliance_enforce(
            actor=org.cm_a, text="王总您好，这笔贷款包过！", channel="message", target="customer:12"
        )
        raise AssertionError("not reached: nothing is sent")

    refused = refusal(send_a_message)
    assert isinstance(refused, ComplianceBlocked)
    assert refused.code == "compliance_blocked" and refused.status == 400
    assert refused.message.startswith("合规检查未通过，未发送：不能承诺审批或放款结果")
    assert [f["rule"] for f in refused.extra["findings"]] == ["promise_approval"]
    assert refused.extra["findings"][0]["suggestion"].startswith("申请结果以银行审核为准")
    row = ComplianceCheck.objects.get()
    assert (row.actor, row.origin, row.channel, row.blocked, row.target, row.rules) == (
        org.cm_a,
        "send",
        "message",
        True,
        "customer:12",
        "promise_approval",
    )
    assert row.findings[0]["matched"] == "包过"


def test_the_log_is_written_in_its_own_transaction_never_inside_the_senders():
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        services.compliance_enforce(actor=None, text="包过", channel="message")
    assert not ComplianceCheck.objects.exists()


def test_a_warning_lets_the_text_go_and_is_logged_as_let_through(org):
    result = services.compliance_enforce(actor=org.cm_b, text="我们的利率全网最低", channel="message")
    assert not result.blocked and [f.code for f in result.warnings] == ["superlative_claim"]
    row = ComplianceCheck.objects.get()
    assert (row.actor, row.blocked, row.rules) == (org.cm_b, False, "superlative_claim")


def test_a_clean_text_is_not_logged(org):
    result = services.compliance_enforce(actor=org.cm_a, text="您好，材料已收到。", channel="message")
    assert result.findings == ()
    assert not ComplianceCheck.objects.exists()


def test_the_preview_logs_nothing(org):
    result = services.compliance_check(text="包过，月息5厘", channel="message")
    assert result.blocked and {f.code for f in result.findings} == {"promise_approval", "rate_without_apr"}
    assert not ComplianceCheck.objects.exists()


def test_the_log_keeps_no_id_or_card_number(org):
    card = "6222 0202 0000 0000 000"
    text = f"客户{ZHANG_ID}的卡号{card}，电话138-0013-8000"
    with pytest.raises(ComplianceBlocked):
        services.compliance_enforce(actor=org.cm_a, text=text, channel="message")
    row = ComplianceCheck.objects.get()
    assert ZHANG_ID not in row.excerpt and "0202" not in row.excerpt and "0013" not in row.excerpt
    assert row.excerpt == "客户110**************X的卡号622* **** **** **** ***，电话138-****-****"
    assert all(f["matched"].count("*") >= 9 for f in row.findings)
    assert len(row.text_sha256) == 64


def test_a_screen_answers_the_findings_and_logs_a_block_from_the_api(org):
    result = services.compliance_screen(actor=org.cm_a, text="包过", channel="message")
    assert result.blocked
    row = ComplianceCheck.objects.get()
    assert (row.origin, row.blocked) == ("api", True)


def test_a_screen_without_log_or_with_warnings_only_logs_nothing(org):
    services.compliance_screen(actor=org.cm_a, text="包过", channel="message", log=False)
    services.compliance_screen(actor=org.cm_a, text="零风险", channel="message")
    assert not ComplianceCheck.objects.exists()


@pytest.mark.parametrize(
    ("text", "channel", "code"),
    [
        ("", "message", "compliance_text_empty"),
        ("   \n\t", "message", "compliance_text_empty"),
        (None, "message", "compliance_text_empty"),
        (12345, "message", "compliance_text_empty"),
        ("x" * 20_001, "message", "compliance_text_too_long"),
        ("包过" * 50_000, "message", "compliance_text_too_long"),
        ("半个表情\ud83d", "message", "compliance_text_invalid"),
        ("包过", "sms", "compliance_channel_unknown"),
        ("包过", None, "compliance_channel_unknown"),
        ("包过", ["message"], "compliance_channel_unknown"),
    ],
)
def test_bad_input_is_refused_with_a_stable_code(org, text, channel, code):
    for call in (
        lambda: services.compliance_check(text=text, channel=channel),
        lambda: services.compliance_enforce(actor=org.cm_a, text=text, channel=channel),
        lambda: services.compliance_screen(actor=org.cm_a, text=text, channel=channel),
    ):
        refused = refusal(call)
        assert refused.code == code and refused.status == 400
        assert refused.message
    assert not ComplianceCheck.objects.exists()


def test_a_100000_character_text_is_refused_as_too_long():
    refused = refusal(lambda: services.compliance_check(text="您好" * 50_000, channel="message"))
    assert refused.code == "compliance_text_too_long"
    assert refused.message == "文本过长（不超过 20000 字）。"


def test_the_longest_text_with_emoji_and_mixed_scripts_is_checked(org):
    text = ("您好🙂 Hello Здравствуйте مرحبا 👨‍👩‍👧 ") * 600
    text = text[:20_000]
    assert services.compliance_check(text=text, channel="greeting").findings == ()


def _edit(rule: ComplianceRule, actor, **changes) -> ComplianceRule:
    fields = {name: getattr(rule, name) for name in services.RULE_FIELDS}
    return services.rule_save(actor=actor, data=RuleInput(**{**fields, **changes}), rule_id=rule.pk)


def test_an_edited_rule_applies_at_the_next_check(org):
    assert not services.compliance_check(text="稳赚不赔", channel="message").findings
    superlative = ComplianceRule.objects.get(code="superlative_claim")
    _edit(superlative, org.risk1, pattern=superlative.pattern + "\n稳赚不赔")
    assert [f.code for f in services.compliance_check(text="稳赚不赔", channel="message").findings] == [
        "superlative_claim"
    ]

    repair = ComplianceRule.objects.get(code="credit_repair")
    assert services.compliance_check(text="铲单", channel="message").blocked
    _edit(repair, org.risk1, active=False)
    assert not services.compliance_check(text="铲单", channel="message").findings

    _edit(superlative, org.risk1, severity="block")
    assert services.compliance_check(text="零风险", channel="message").blocked


def test_a_rule_broken_in_the_table_is_left_out_and_reported(org, caplog):
    ComplianceRule.objects.filter(code="superlative_claim").update(kind="regex", pattern="(包过")
    with caplog.at_level(logging.ERROR, logger="creditdesk.compliance.services"):
        result = services.compliance_check(text="包过，零风险", channel="message")
    assert [f.code for f in result.findings] == ["promise_approval"]
    assert "superlative_claim" in caplog.text and "正则表达式无效" in caplog.text
