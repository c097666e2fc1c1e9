"""连三累六 (``overdue_pattern_24m``): boundaries, the sentences said to the customer, definition
refusals, and the facts it reads — from the latest structured credit-report summary."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from creditdesk.consents import services as consent_services
from creditdesk.consents.tests.conftest import make_consent
from creditdesk.products.customer_facts import facts_for
from creditdesk.products.rules import RuleDefinitionError, evaluate, parse_rule

RULE = {"type": "overdue_pattern_24m", "consecutive": 3, "cumulative": 6, "source": "连三累六"}
TODAY = date(2025, 6, 1)


def outcome(rule=RULE, **facts):
    return evaluate([parse_rule(rule)], facts).outcomes[0]


@pytest.mark.parametrize(
    ("run", "total", "expected"),
    [(0, 0, "pass"), (2, 5, "pass"), (3, 3, "fail"), (2, 6, "fail"), (1, 7, "fail"), (2, 2, "pass")],
)
def test_three_consecutive_or_six_cumulative_refuse(run, total, expected):
    facts = {"overdue_months_consecutive_24m": run, "overdue_months_cumulative_24m": total}
    assert outcome(**facts).status == expected


def test_sentences():
    assert outcome().message == (
        "缺少「近 24 个月最长连续逾期期数」、「近 24 个月累计逾期期数」，"
        "无法判断是否满足“近 24 个月无连续 3 期或累计 6 期逾期”，请补充。"
    )
    fail = outcome(overdue_months_consecutive_24m=3, overdue_months_cumulative_24m=4)
    assert (
        fail.message == "您近 24 个月最长连续逾期 3 期、累计逾期 4 期，本产品要求无连续 3 期或累计 6 期逾期。"
    )
    assert fail.threshold == "近 24 个月无连续 3 期或累计 6 期逾期"
    assert fail.actual == {"consecutive": 3, "cumulative": 4}
    passed = outcome(overdue_months_consecutive_24m=1, overdue_months_cumulative_24m=2)
    assert passed.message == "您近 24 个月最长连续逾期 1 期、累计逾期 2 期，符合本产品要求。"
    clean = outcome(overdue_months_consecutive_24m=0, overdue_months_cumulative_24m=0)
    assert clean.message == "您近 24 个月无逾期，符合本产品要求。"
    assert parse_rule(RULE).to_dict() == RULE


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"consecutive": 0}, "rule_value_out_of_range", "consecutive"),
        ({"cumulative": 25}, "rule_value_out_of_range", "cumulative"),
        ({"consecutive": 4, "cumulative": 3}, "rule_range_inverted", "cumulative"),
        ({"consecutive": "3"}, "rule_field_type", "consecutive"),
        ({"cumulative": None}, "rule_field_missing", "cumulative"),
    ],
)
def test_definition_refusals(change, code, field):
    with pytest.raises(RuleDefinitionError) as refused:
        parse_rule({**RULE, **change}, 0)
    assert (refused.value.code, refused.value.extra["field"]) == (code, field)


def test_range_inverted_sentence():
    with pytest.raises(RuleDefinitionError) as refused:
        parse_rule({**RULE, "consecutive": 4, "cumulative": 3}, 0)
    assert refused.value.message == (
        "第 1 条准入规则（近 24 个月连续 / 累计逾期（连 N 累 M））的「cumulative」："
        "累计期数不能少于连续期数。"
    )


# --- the facts: the latest structured summary wins over the legacy free text ------------------------


def _summary(org, customer, purpose="loan_review", **values):
    make_consent(customer, purpose=purpose)
    inquiry = consent_services.credit_inquiry_request(
        actor=org.cm_a, customer_id=customer.pk, purpose=purpose
    )
    data = {
        "current_overdue": False,
        "status_24m": "N" * 24,
        "inquiries_6m": 0,
        "debt_count": 0,
        "debt_balance": "0",
    } | values
    return consent_services.credit_report_summary_record(
        actor=org.cm_a, inquiry_id=inquiry.pk, report_date=timezone.localdate(inquiry.requested_at), **data
    )


@pytest.mark.django_db
def test_facts_come_from_the_latest_loan_review_summary(org, zhang):
    legacy = facts_for(zhang, today=TODAY)
    assert (legacy["current_overdue"], legacy["inquiries_6m"]) == (False, 2)
    assert "overdue_months_consecutive_24m" not in legacy

    _summary(org, zhang, purpose="card_review", current_overdue=True, current_overdue_amount="1.00")
    assert facts_for(zhang, today=TODAY)["current_overdue"] is False  # another purpose: not reused

    _summary(org, zhang, status_24m="N" * 12 + "1N1N12" + "N" * 6, inquiries_6m=3)
    latest = _summary(
        org,
        zhang,
        current_overdue=True,
        current_overdue_amount="880.00",
        status_24m="N" * 14 + "123NN1N1N1",
        inquiries_6m=7,
        debt_count=2,
        debt_balance="52000.00",
    )
    facts = facts_for(zhang, today=TODAY)
    assert {
        key: facts[key]
        for key in (
            "current_overdue",
            "inquiries_6m",
            "overdue_months_consecutive_24m",
            "overdue_months_cumulative_24m",
            "worst_overdue_days_24m",
        )
    } == {
        "current_overdue": True,
        "inquiries_6m": 7,
        "overdue_months_consecutive_24m": 3,
        "overdue_months_cumulative_24m": 6,
        "worst_overdue_days_24m": 0,  # not in the structured summary: still the legacy field's
    }
    assert latest.summary.cumulative_overdue_months == 6
    result = evaluate([parse_rule(RULE), parse_rule({"type": "no_current_overdue"})], facts)
    assert [o.status for o in result.outcomes] == ["fail", "fail"]
    assert zhang.credit_report_data["inquiries_6m"] == 2  # the legacy text is kept, readable
