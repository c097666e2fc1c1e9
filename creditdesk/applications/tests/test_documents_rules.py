"""The document validity rules (``applications.documents``), without a database: the boundaries of the
90-day age and of an ID's expiry, the credit-report authorization, the completeness score, sniffing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from creditdesk.applications import documents as rules
from creditdesk.applications.documents import ConsentFacts, DocumentFacts, ItemResult, ItemRule

TODAY = date(2026, 12, 6)
RECENT = ItemRule(max_age_days=90)
UNEXPIRED = ItemRule(must_be_unexpired=True)


def verdict(rule: ItemRule, *, issued=None, until=None, verified=True, name="收入证明"):
    facts = DocumentFacts(issued_on=issued, valid_until=until, verified=verified)
    return rules.document_verdict(rule=rule, document=facts, today=TODAY, name=name)


@pytest.mark.parametrize(
    ("name", "max_age", "unexpired"),
    [
        ("身份证", None, True),
        ("经营者身份证", None, True),
        ("身份证（共同借款人 王五）", None, True),
        ("营业执照", None, True),
        ("收入证明（单位盖章）", 90, False),
        ("近 6 个月工资流水", 90, False),
        ("近 12 个月经营流水", 90, False),
        ("征信查询授权书", None, True),
        ("房产评估报告", None, False),
    ],
)
def test_default_rule_by_name(name, max_age, unexpired):
    rule = rules.default_rule(name)
    assert (rule.max_age_days, rule.must_be_unexpired) == (max_age, unexpired)
    if max_age or unexpired:
        assert rule.text.endswith("（本行贷款资料管理要求（可配置））")
    else:
        assert rule.text == ""


def test_issued_exactly_90_days_ago_is_ok_91_is_too_old():
    assert verdict(RECENT, issued=TODAY - timedelta(days=90)).result == ItemResult.OK
    too_old = verdict(RECENT, issued=TODAY - timedelta(days=91))
    assert too_old.result == ItemResult.TOO_OLD
    assert too_old.message == (
        "收入证明出具于 2026-09-06，已超过 90 天，请上传 2026-09-07 以后出具的收入证明。"
    )


def test_issued_today_is_ok_and_a_missing_issue_date_is_too_old():
    assert verdict(RECENT, issued=TODAY).result == ItemResult.OK
    assert verdict(RECENT, issued=None).result == ItemResult.TOO_OLD


def test_id_expiring_today_is_ok_expired_yesterday_is_not():
    assert verdict(UNEXPIRED, until=TODAY, name="身份证").result == ItemResult.OK
    expired = verdict(UNEXPIRED, until=TODAY - timedelta(days=1), name="身份证")
    assert expired.result == ItemResult.EXPIRED
    assert expired.message == "身份证已于 2026-12-05 过期，请上传有效期内的身份证。"


def test_an_id_without_expiry_date_counts_as_expired():
    assert verdict(UNEXPIRED, until=None, name="身份证").result == ItemResult.EXPIRED


def test_missing_and_unverified():
    missing = rules.document_verdict(rule=RECENT, document=None, today=TODAY, name="银行流水")
    assert (missing.result, missing.message) == (ItemResult.MISSING, "请上传银行流水。")
    unverified = verdict(RECENT, issued=TODAY, verified=False)
    assert unverified.result == ItemResult.UNVERIFIED
    assert unverified.message == "收入证明已上传，请与原件核对后点击「核验」。"


def test_an_invalid_document_says_so_before_asking_for_verification():
    assert verdict(RECENT, issued=TODAY - timedelta(days=91), verified=False).result == ItemResult.TOO_OLD


def test_a_document_with_no_rule_only_needs_verification():
    assert verdict(ItemRule(), verified=True).result == ItemResult.OK
    assert verdict(ItemRule(), verified=False).result == ItemResult.UNVERIFIED


def test_is_usable_ignores_verification_but_not_validity():
    unverified = DocumentFacts(issued_on=TODAY, valid_until=None, verified=False)
    old = DocumentFacts(issued_on=TODAY - timedelta(days=91), valid_until=None, verified=True)
    assert rules.is_usable(rule=RECENT, document=unverified, today=TODAY) is True
    assert rules.is_usable(rule=RECENT, document=old, today=TODAY) is False


def consent(**changes):
    values = {
        "written": True,
        "signed_on": TODAY - timedelta(days=30),
        "valid_until": TODAY,
        "revoked": False,
    }
    return ConsentFacts(**{**values, **changes})


def test_consent_rules():
    assert rules.consent_verdict(consent=consent(), today=TODAY).result == ItemResult.OK
    assert rules.consent_verdict(consent=None, today=TODAY).result == ItemResult.MISSING
    assert rules.consent_verdict(consent=consent(written=False), today=TODAY).result == ItemResult.MISSING
    assert rules.consent_verdict(consent=consent(revoked=True), today=TODAY).result == ItemResult.EXPIRED
    lapsed = consent(valid_until=TODAY - timedelta(days=1))
    assert rules.consent_verdict(consent=lapsed, today=TODAY).result == ItemResult.EXPIRED
    future = consent(signed_on=TODAY + timedelta(days=1), valid_until=TODAY + timedelta(days=30))
    assert rules.consent_verdict(consent=future, today=TODAY).result == ItemResult.EXPIRED


def outcome(name, result, mandatory=True):
    return rules.ItemOutcome(name=name, mandatory=mandatory, verdict=rules.Verdict(result, ""))


def test_summary_score_rounds_down_and_lists_what_is_missing():
    summary = rules.summarize(
        [
            outcome("身份证", ItemResult.OK),
            outcome("收入证明", ItemResult.TOO_OLD),
            outcome("银行流水", ItemResult.OK),
            outcome("其他", ItemResult.MISSING, mandatory=False),
        ]
    )
    assert (summary.score, summary.complete, summary.missing) == (66, False, ("收入证明",))
    assert (summary.mandatory, summary.ok) == (3, 2)


def test_summary_complete_only_when_every_mandatory_item_is_ok():
    summary = rules.summarize([outcome("身份证", ItemResult.OK), outcome("其他", ItemResult.MISSING, False)])
    assert (summary.score, summary.complete, summary.missing) == (100, True, ())
    unverified = rules.summarize([outcome("身份证", ItemResult.UNVERIFIED)])
    assert (unverified.score, unverified.complete) == (0, False)
    assert rules.summarize([]).score == 100


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"MZ\x90\x00\x03\x00\x00\x00", None),  # a Windows executable renamed .pdf
        (b"\x7fELF\x02\x01\x01", None),
        (b"#!/bin/sh\nrm -rf /", None),
        (b"<html><script>", None),
        (b"", None),
    ],
)
def test_sniff_by_first_bytes(head, expected):
    assert rules.sniff(head) == expected
