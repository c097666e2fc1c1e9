"""Admission rules: every type at its boundaries (just below / at / just above), unknown when a fact is
missing (never a silent pass), the sentences a CM says, every definition refusal, JSON round trip."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from creditdesk.core.money import format_rate, format_yuan
from creditdesk.products.facts import FactError, format_value
from creditdesk.products.rules import (
    RULE_TYPES,
    Evaluation,
    Lever,
    RuleDefinitionError,
    Status,
    evaluate,
    parse_rule,
    rules_to_dicts,
    validate_rules,
)

D = Decimal


def outcome(rule: dict, **facts):
    return evaluate([parse_rule(rule)], facts).outcomes[0]


def status(rule: dict, **facts) -> Status:
    return outcome(rule, **facts).status


# --- each type at its boundaries ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "expected"), [(21, "fail"), (22, "pass"), (23, "pass"), (59, "pass"), (60, "pass"), (61, "fail")]
)
def test_age_range_is_inclusive_at_both_ends(age, expected):
    assert status({"type": "age_range", "min": 22, "max": 60}, age=age) == expected


def test_age_range_sentences():
    rule = {"type": "age_range", "min": 22, "max": 60}
    assert outcome(rule, age=61).message == "您的年龄 61 岁，本产品要求 22–60 岁（含）。"
    assert outcome(rule, age=35).message == "您的年龄 35 岁，符合本产品 22–60 岁的要求。"
    assert outcome(rule, age=35).threshold == "年龄 22–60 岁（含）"


@pytest.mark.parametrize(
    ("age", "term", "expected"), [(65, 59, "pass"), (65, 60, "pass"), (65, 61, "fail"), (66, 48, "pass")]
)
def test_max_age_at_maturity_exact_in_months(age, term, expected):
    assert status({"type": "max_age_at_maturity", "max": 70}, age=age, term_months=term) == expected


def test_max_age_at_maturity_sentence():
    result = outcome({"type": "max_age_at_maturity", "max": 70}, age=65, term_months=66)
    assert result.actual == D("70.5")
    assert (
        result.message
        == "您现在 65 岁，贷款 66 个月，到期时约 70.5 岁，超过了本产品到期时不超过 70 岁的要求。"
    )


@pytest.mark.parametrize(
    ("income", "expected"), [("7999.99", "fail"), ("8000.00", "pass"), ("8000.01", "pass")]
)
def test_min_income_boundary(income, expected):
    assert status({"type": "min_income", "amount": "8000.00"}, monthly_income=D(income)) == expected


def test_min_income_sentence_as_the_cm_says_it_without_the_sealed_income():
    result = outcome({"type": "min_income", "amount": "8000.00"}, monthly_income=D("6000.00"))
    assert result.message == "您的月收入低于本产品要求的 8,000.00 元。"
    assert result.actual is None  # the income is sealed: never in a sentence, a page or the API
    assert result.threshold == "月收入不低于 8,000.00 元"


def dti_facts(new: str, **more):
    return {
        "monthly_income": D("10000.00"),
        "monthly_debt_payments": D("2000.00"),
        "new_monthly_payment": D(new),
        **more,
    }


@pytest.mark.parametrize(("new", "expected"), [("3499.99", "pass"), ("3500.00", "pass"), ("3500.01", "fail")])
def test_max_dti_exactly_at_the_ceiling_passes(new, expected):
    """(2,000 + 3,500) / 10,000 = 55 % exactly: compared without rounding."""
    assert status({"type": "max_dti", "max": "0.55"}, **dti_facts(new)) == expected


def test_max_dti_sentence_and_actual_ratio():
    result = outcome({"type": "max_dti", "max": "0.55"}, **dti_facts("4250.00"))
    assert result.actual == D("0.625")
    assert result.message == (
        "加上本笔月供 4,250.00 元，您每月还款合计 6,250.00 元，占月收入的 62.50%，本产品要求不超过 55.00%。"
    )


def test_max_dti_counts_a_co_borrowers_income_and_needs_it():
    rule = {"type": "max_dti", "max": "0.55"}
    with_co = dti_facts("4250.00", has_co_borrower=True, co_borrower_monthly_income=D("2000.00"))
    result = outcome(rule, **with_co)  # 6,250 / 12,000 = 52.08 %
    assert result.status == Status.PASS
    assert "占您与共同借款人月收入合计的 52.08%" in result.message
    missing = outcome(rule, **dti_facts("4250.00", has_co_borrower=True))
    assert missing.status == Status.UNKNOWN
    assert missing.missing == ("co_borrower_monthly_income",)
    assert outcome(rule, **dti_facts("4250.00", has_co_borrower=False)).status == Status.FAIL


def test_max_dti_without_income_fails():
    facts = {
        "monthly_income": D("0.00"),
        "monthly_debt_payments": D("0.00"),
        "new_monthly_payment": D("100.00"),
    }
    result = outcome({"type": "max_dti", "max": "0.55"}, **facts)
    assert result.status == Status.FAIL
    assert result.message == "没有可计入的月收入，无法承担本笔月供 100.00 元。"


def test_no_current_overdue():
    rule = {"type": "no_current_overdue"}
    assert status(rule, current_overdue=False) == "pass"
    result = outcome(rule, current_overdue=True)
    assert result.status == "fail"
    assert result.message == "您的征信显示当前有逾期，本产品要求无当前逾期，请先结清逾期欠款。"


@pytest.mark.parametrize(("days", "expected"), [(29, "pass"), (30, "pass"), (31, "fail")])
def test_max_worst_overdue_days_boundary(days, expected):
    assert status({"type": "max_worst_overdue_days", "days": 30}, worst_overdue_days_24m=days) == expected


def test_max_worst_overdue_days_sentences():
    rule = {"type": "max_worst_overdue_days", "days": 30}
    assert (
        outcome(rule, worst_overdue_days_24m=45).message
        == "您近 24 个月最长逾期 45 天，本产品要求最长逾期不超过 30 天。"
    )
    none = {"type": "max_worst_overdue_days", "days": 0}
    assert outcome(none, worst_overdue_days_24m=0).message == "您近 24 个月无逾期，符合本产品要求。"
    assert outcome(none, worst_overdue_days_24m=1).message == "您近 24 个月最长逾期 1 天，本产品要求无逾期。"


@pytest.mark.parametrize(("seen", "expected"), [(5, "pass"), (6, "pass"), (7, "fail")])
def test_max_inquiries_boundary(seen, expected):
    assert status({"type": "max_inquiries_6m", "count": 6}, inquiries_6m=seen) == expected


def test_max_inquiries_sentence():
    result = outcome({"type": "max_inquiries_6m", "count": 6}, inquiries_6m=7)
    assert result.message == "近 6 个月征信查询 7 次，本产品要求不超过 6 次。"


@pytest.mark.parametrize(
    ("grade", "expected"), [("A", "pass"), ("B", "pass"), ("C", "pass"), ("D", "fail"), ("E", "fail")]
)
def test_min_grade_c_admits_a_b_c(grade, expected):
    assert status({"type": "min_grade", "grade": "C"}, risk_grade=grade) == expected


def test_min_grade_sentence():
    assert (
        outcome({"type": "min_grade", "grade": "C"}, risk_grade="D").message
        == "您的风险等级为 D，本产品要求 C 级及以上。"
    )


def test_collateral_required():
    rule = {"type": "collateral_required", "types": ["residential_property", "commercial_property"]}
    assert status(rule, collateral_type="residential_property") == "pass"
    assert (
        outcome(rule, collateral_type="none").message
        == "本产品需要以住宅、商业用房作抵质押，您目前没有提供抵质押物。"
    )
    assert (
        outcome(rule, collateral_type="vehicle").message
        == "本产品需要以住宅、商业用房作抵质押，您提供的机动车不在可接受范围内。"
    )


def ltv_facts(amount: str, value: str = "1000000.00", kind: str = "residential_property"):
    return {"requested_amount": D(amount), "collateral_value": D(value), "collateral_type": kind}


@pytest.mark.parametrize(
    ("amount", "expected"), [("699999.99", "pass"), ("700000.00", "pass"), ("700000.01", "fail")]
)
def test_max_ltv_exactly_at_the_limit_passes(amount, expected):
    assert status({"type": "max_ltv", "max": "0.70"}, **ltv_facts(amount)) == expected


def test_max_ltv_by_type_and_sentence():
    rule = {"type": "max_ltv", "max": "0.70", "by_type": {"commercial_property": "0.50"}}
    assert status(rule, **ltv_facts("600000.00")) == "pass"
    result = outcome(rule, **ltv_facts("600000.00", kind="commercial_property"))
    assert result.status == "fail"
    assert result.actual == D("0.6")
    assert (
        result.message == "贷款 600,000.00 元、商业用房评估价值 1,000,000.00 元（未登记已有抵押，按无已有抵押"
        "计算），抵质押率 60.00%，本产品（商业用房）要求不超过 50.00%。"
    )


def test_max_ltv_without_collateral_fails_rather_than_asks_for_a_value():
    result = outcome({"type": "max_ltv", "max": "0.70"}, requested_amount=D("1.00"), collateral_type="none")
    assert result.status == Status.FAIL
    assert result.message == "您没有提供抵质押物，无法计算抵质押率。"


def test_excluded_industries_match_inside_free_text():
    rule = {"type": "excluded_industries", "industries": ["房地产", "煤炭"]}
    result = outcome(rule, industry="房地产开发")
    assert result.status == "fail"
    assert result.message == "您所在的行业「房地产开发」属于本产品限制的行业（房地产），暂不能申请。"
    assert status(rule, industry="餐饮") == "pass"
    assert status(rule, industry="  ") == "unknown"  # an empty text says nothing


def test_customer_types_and_purposes():
    rule = {"type": "customer_types", "types": ["individual", "individual_business"]}
    assert status(rule, customer_type="individual_business") == "pass"
    assert (
        outcome(rule, customer_type="enterprise").message == "本产品面向个人、个体工商户客户，您是企业客户。"
    )
    purposes = {"type": "purposes", "purposes": ["business_working_capital"]}
    assert status(purposes, purpose="business_working_capital") == "pass"
    assert outcome(purposes, purpose="home_purchase").message == "本产品只能用于经营周转，您的用途是购房。"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("9999.99", "fail"), ("10000.00", "pass"), ("300000.00", "pass"), ("300000.01", "fail")],
)
def test_amount_range_boundary(amount, expected):
    assert (
        status({"type": "amount_range", "min": "10000.00", "max": "300000.00"}, requested_amount=D(amount))
        == expected
    )


@pytest.mark.parametrize(("term", "expected"), [(5, "fail"), (6, "pass"), (36, "pass"), (37, "fail")])
def test_term_range_boundary(term, expected):
    assert status({"type": "term_range", "min": 6, "max": 36}, term_months=term) == expected


def test_guarantor_required():
    assert status({"type": "guarantor_required"}, has_guarantor=True) == "pass"
    assert status({"type": "guarantor_required"}, has_guarantor=False) == "fail"


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        (">=", 11, "fail"),
        (">=", 12, "pass"),
        (">", 12, "fail"),
        (">", 13, "pass"),
        ("<=", 12, "pass"),
        ("<", 12, "fail"),
    ],
)
def test_compare_on_an_integer_fact(op, value, expected):
    rule = {"type": "compare", "fact": "provident_fund_months", "op": op, "value": 12}
    assert status(rule, provident_fund_months=value) == expected


def test_compare_sentence_and_other_types():
    rule = {"type": "compare", "fact": "provident_fund_months", "op": ">=", "value": 12}
    assert (
        outcome(rule, provident_fund_months=3).message
        == "您的公积金连续缴存月数为 3 个月，本产品要求不低于 12 个月。"
    )
    money = {"type": "compare", "fact": "monthly_cash_flow", "op": ">=", "value": "20000.00"}
    assert status(money, monthly_cash_flow=D("19999.99")) == "fail"
    assert status(money, monthly_cash_flow=D("20000.00")) == "pass"
    flag = {"type": "compare", "fact": "has_co_borrower", "op": "==", "value": True}
    assert status(flag, has_co_borrower=True) == "pass"
    assert outcome(flag, has_co_borrower=False).message == "您的有共同借款人为 否，本产品要求为 是。"


# --- missing facts: unknown, never pass -----------------------------------------------------------------

EVERY_TYPE = [
    {"type": "age_range", "min": 22, "max": 60},
    {"type": "max_age_at_maturity", "max": 70},
    {"type": "min_income", "amount": "8000.00"},
    {"type": "max_dti", "max": "0.55"},
    {"type": "no_current_overdue"},
    {"type": "max_worst_overdue_days", "days": 30},
    {"type": "max_inquiries_6m", "count": 6},
    {"type": "overdue_pattern_24m", "consecutive": 3, "cumulative": 6},
    {"type": "min_grade", "grade": "C"},
    {"type": "collateral_required", "types": ["residential_property"]},
    {"type": "max_ltv", "max": "0.70", "by_type": {"commercial_property": "0.50"}},
    {"type": "excluded_industries", "codes": ["K701"]},
    {"type": "tax_credit_grades", "grades": ["A", "B"]},
    {"type": "size_classes", "classes": ["small", "micro"]},
    {"type": "payroll_with_bank_required"},
    {"type": "provident_fund", "min_months": 12, "min_base": "3000.00"},
    {"type": "home_purchase_order", "orders": ["first"]},
    {"type": "customer_types", "types": ["individual"]},
    {"type": "purposes", "purposes": ["renovation"]},
    {"type": "amount_range", "min": "10000.00", "max": "300000.00"},
    {"type": "term_range", "min": 6, "max": 36},
    {"type": "guarantor_required"},
    {"type": "compare", "fact": "business_years", "op": ">=", "value": 2, "source": "经营满 2 年"},
]


def test_every_rule_type_is_covered():
    assert {rule["type"] for rule in EVERY_TYPE} == set(RULE_TYPES)


@pytest.mark.parametrize("rule", EVERY_TYPE, ids=lambda r: r["type"])
def test_missing_fact_is_unknown_not_pass(rule):
    result = outcome(rule)
    assert result.status == Status.UNKNOWN
    assert result.actual is None
    assert result.missing
    assert result.message.startswith("缺少「")


def test_unknown_sentence_names_the_fact_and_the_requirement():
    result = outcome({"type": "min_income", "amount": "8000.00"})
    assert result.message == "缺少「月收入」，无法判断是否满足“月收入不低于 8,000.00 元”，请补充。"
    assert result.missing == ("monthly_income",)


def test_evaluation_status_fail_dominates_unknown_dominates_pass():
    rules = validate_rules(
        [{"type": "age_range", "min": 22, "max": 60}, {"type": "min_income", "amount": "8000.00"}]
    )
    assert evaluate(rules, {"age": 30, "monthly_income": D("9000.00")}).status == Status.PASS
    unknown = evaluate(rules, {"age": 30})
    assert unknown.status == Status.UNKNOWN and not unknown.passed
    assert unknown.missing_facts == ("monthly_income",)
    assert evaluate(rules, {"age": 70}).status == Status.FAIL
    assert [o.index for o in evaluate(rules, {"age": 70}).outcomes] == [0, 1]


def test_facts_of_the_wrong_type_or_unknown_are_refused():
    rules = validate_rules([{"type": "min_income", "amount": "8000.00"}])
    with pytest.raises(FactError) as float_income:
        evaluate(rules, {"monthly_income": 8000.0})
    assert float_income.value.code == "fact_type"
    with pytest.raises(FactError) as unknown:
        evaluate(rules, {"monthly_incom": D("8000")})
    assert unknown.value.code == "fact_unknown"
    with pytest.raises(FactError):
        evaluate(validate_rules([{"type": "min_grade", "grade": "C"}]), {"risk_grade": "F"})


# --- definition refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code", "index", "field"),
    [
        ("age_range", "rule_not_object", 0, ""),
        ({"type": "max_age"}, "rule_type_unknown", 0, "type"),
        ({"min": 1}, "rule_type_unknown", 0, "type"),
        ({"type": "age_range", "min": 22}, "rule_field_missing", 0, "max"),
        ({"type": "age_range", "min": 22, "max": 60, "maximum": 60}, "rule_field_unknown", 0, "maximum"),
        ({"type": "age_range", "min": "22", "max": 60}, "rule_field_type", 0, "min"),
        ({"type": "min_income", "amount": 8000.0}, "rule_field_type", 0, "amount"),
        ({"type": "min_income", "amount": "8000.001"}, "rule_field_type", 0, "amount"),
        ({"type": "min_income", "amount": "-1"}, "rule_value_out_of_range", 0, "amount"),
        ({"type": "age_range", "min": 60, "max": 22}, "rule_range_inverted", 0, "min"),
        ({"type": "age_range", "min": 18, "max": 150}, "rule_value_out_of_range", 0, "max"),
        ({"type": "amount_range", "min": "300000", "max": "10000"}, "rule_range_inverted", 0, "min"),
        ({"type": "term_range", "min": 0, "max": 12}, "rule_value_out_of_range", 0, "min"),
        ({"type": "max_dti", "max": "1.2"}, "rule_value_out_of_range", 0, "max"),
        ({"type": "max_dti", "max": "0.55", "floor_months": 0}, "rule_value_out_of_range", 0, "floor_months"),
        ({"type": "max_dti", "max": "0.55", "floor_months": "12"}, "rule_field_type", 0, "floor_months"),
        ({"type": "max_dti", "max": "0"}, "rule_value_out_of_range", 0, "max"),
        ({"type": "max_ltv", "max": "1.01"}, "rule_ltv_above_100", 0, "max"),
        (
            {"type": "max_ltv", "max": "0.7", "by_type": {"vehicle": "1.5"}},
            "rule_ltv_above_100",
            0,
            "by_type",
        ),
        ({"type": "max_ltv", "max": "0.7", "by_type": {"yacht": "0.5"}}, "rule_choice_unknown", 0, "by_type"),
        ({"type": "excluded_industries", "industries": []}, "rule_list_empty", 0, "industries"),
        ({"type": "customer_types", "types": ["sole_trader"]}, "rule_choice_unknown", 0, "types"),
        ({"type": "min_grade", "grade": "F"}, "rule_grade_unknown", 0, "grade"),
        ({"type": "compare", "fact": "salary", "op": ">=", "value": 1}, "rule_fact_unknown", 0, "fact"),
        ({"type": "compare", "fact": "age", "op": "=>", "value": 1}, "rule_operator_unknown", 0, "op"),
        (
            {"type": "compare", "fact": "has_guarantor", "op": ">=", "value": True},
            "rule_operator_not_applicable",
            0,
            "op",
        ),
        ({"type": "compare", "fact": "age", "op": ">=", "value": "x"}, "rule_field_type", 0, "value"),
        (
            {"type": "compare", "fact": "monthly_income", "op": ">=", "value": 1.5},
            "rule_field_type",
            0,
            "value",
        ),
    ],
)
def test_definition_refusals(data, code, index, field):
    with pytest.raises(RuleDefinitionError) as caught:
        validate_rules([data])
    assert caught.value.code == code
    assert caught.value.extra["index"] == index
    assert caught.value.extra["field"] == field
    assert caught.value.message.startswith("第 1 条准入规则")


def test_refusal_message_names_the_rule_index_and_field():
    with pytest.raises(RuleDefinitionError) as caught:
        validate_rules([{"type": "no_current_overdue"}, {"type": "age_range", "min": 60, "max": 22}])
    assert caught.value.extra["index"] == 1
    assert caught.value.message == "第 2 条准入规则（年龄范围）的「min」：最小值 60 大于最大值 22。"


def test_duplicate_and_not_a_list():
    with pytest.raises(RuleDefinitionError) as duplicate:
        validate_rules([{"type": "no_current_overdue"}, {"type": "no_current_overdue"}])
    assert duplicate.value.code == "rule_duplicate"
    assert duplicate.value.extra["index"] == 1
    two_compares = [
        {"type": "compare", "fact": "age", "op": ">=", "value": 18},
        {"type": "compare", "fact": "age", "op": "<=", "value": 60},
    ]
    assert len(validate_rules(two_compares)) == 2
    with pytest.raises(RuleDefinitionError) as not_list:
        validate_rules({"type": "no_current_overdue"})
    assert not_list.value.code == "rules_not_list"


# --- JSON -----------------------------------------------------------------------------------------------


def test_json_round_trip_of_every_type():
    rules = validate_rules(EVERY_TYPE)
    data = json.loads(json.dumps(rules_to_dicts(rules), ensure_ascii=False))
    assert data == EVERY_TYPE
    assert validate_rules(data) == rules


def test_levers_say_what_can_fix_a_rule():
    rules = {r.TYPE: r for r in validate_rules(EVERY_TYPE)}
    assert rules["max_dti"].levers() == {Lever.AMOUNT, Lever.TERM, Lever.CO_BORROWER}
    assert rules["max_ltv"].levers() == {Lever.AMOUNT, Lever.COLLATERAL}
    assert rules["no_current_overdue"].levers() == frozenset()
    assert rules["compare"].levers() == frozenset()  # business years: nothing to change today
    amount = parse_rule({"type": "compare", "fact": "requested_amount", "op": "<=", "value": "100000"})
    assert amount.levers() == {Lever.AMOUNT}


def test_outcome_to_dict_is_json():
    evaluation = evaluate(validate_rules([{"type": "max_dti", "max": "0.55"}]), dti_facts("4250.00"))
    assert isinstance(evaluation, Evaluation)
    data = json.loads(json.dumps(evaluation.to_dict(), ensure_ascii=False))
    assert data["status"] == "fail"
    assert data["outcomes"][0]["actual"] == "0.625"
    assert data["outcomes"][0]["rule"] == {"type": "max_dti", "max": "0.55"}


def test_formatting_helpers():
    assert format_yuan(D("6000.00")) == "6,000.00"
    assert format_yuan(D("1234567.5")) == "1,234,567.50"
    assert format_rate(D("0.55")) == "55.00%"
    assert format_rate(D("0.625")) == "62.50%"
    assert format_rate(D("0.583901")) == "58.39%"
    assert format_value("collateral_type", "deposit_receipt") == "定期存单"
    assert format_value("has_guarantor", True) == "是"


def test_max_dti_floor_months_is_optional_configuration_with_rules_md_default():
    """RULES.md "Debt-to-income": the floor for counting interest-only shapes is configurable, default 12."""
    from creditdesk.products.rules import obligation_floor_months

    plain = parse_rule({"type": "max_dti", "max": "0.55"})
    assert obligation_floor_months([plain]) == 12
    assert obligation_floor_months([]) == 12
    assert rules_to_dicts([plain]) == [{"type": "max_dti", "max": "0.55"}]
    set_24 = parse_rule({"type": "max_dti", "max": "0.55", "floor_months": 24})
    assert obligation_floor_months([set_24]) == 24
    assert rules_to_dicts([set_24]) == [{"type": "max_dti", "max": "0.55", "floor_months": 24}]
