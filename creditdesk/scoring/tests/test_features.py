"""The scorecard feature registry: one vocabulary with the applicant facts, no protected attribute, the
pre-fill from facts (known / not applicable / ask)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from creditdesk.products.facts import FACTS, FactType
from creditdesk.scoring.features import (
    FEATURES,
    PROTECTED,
    PROTECTED_WORDS,
    FeatureError,
    FeatureSource,
    feature,
    is_protected,
    prefill,
    protected_words,
)
from creditdesk.scoring.scorecard import NOT_APPLICABLE

PROTECTED_KEYS = [
    *sorted(PROTECTED),
    "applicant_sex",
    "Gender",
    "marital_state",
    "married",
    "religious_affiliation",
    "ethnic_minority",
    "nationality_code",
    "is_foreign_worker",
]


def test_every_feature_is_an_applicant_fact_under_the_same_name():
    for key, item in FEATURES.items():
        fact = FACTS[key]
        assert item.key == item.fact == key
        assert item.label == fact.label
        assert item.unit == fact.unit
        numerical = fact.type in (FactType.MONEY, FactType.RATIO, FactType.INT)
        assert item.kind == ("numerical" if numerical else "categorical")
        assert item.integer == (fact.type == FactType.INT)
        if fact.type == FactType.CHOICE:
            assert [(c.value, c.label) for c in item.categories] == list(fact.choices)
        if fact.type == FactType.BOOL:
            assert item.category_values == ("False", "True")


def test_the_registry_holds_the_features_the_issue_names():
    assert set(FEATURES) >= {
        "age",
        "business_years",
        "size_class",
        "provident_fund_months",
        "owns_property",  # housing: the customer record's 名下房产
        "monthly_income",
        "debt_to_income_after",
        "current_overdue",
        "overdue_months_consecutive_24m",
        "overdue_months_cumulative_24m",
        "inquiries_6m",
        "loan_to_value",
        "requested_amount",
        "term_months",
    }
    # the scorecard's own output and free text are no features
    assert "risk_grade" not in FEATURES and "industry" not in FEATURES and "industry_code" not in FEATURES


def test_sources_say_where_a_value_comes_from():
    assert FEATURES["age"].source == FeatureSource.CUSTOMER
    assert FEATURES["owns_property"].source == FeatureSource.CUSTOMER
    assert FEATURES["debt_to_income_after"].source.label == "需求与测算"
    assert FEATURES["inquiries_6m"].source.label == "征信摘要"
    assert FEATURES["loan_to_value"].source.label == "抵押物"
    assert {source.label for source in FeatureSource} == {"客户资料", "需求与测算", "征信摘要", "抵押物"}


def test_every_feature_can_tell_an_adverse_value_and_what_would_change_it():
    for item in FEATURES.values():
        assert item.advice
        if item.kind == "numerical":
            assert item.too_high or item.too_low, item.key
            assert "{value}" in (item.too_high or item.too_low)
        else:
            assert item.adverse or item.adverse_by_category, item.key


# --- protected attributes -------------------------------------------------------------------------------


def test_the_registry_holds_no_protected_attribute_by_key_or_by_word():
    for item in FEATURES.values():
        assert not is_protected(item.key)
        for text in (item.label, item.description, *(c.label for c in item.categories)):
            assert protected_words(text) == (), (item.key, text)
    words = ("性别", "婚姻", "民族", "宗教", "国籍", "外籍")
    assert set(words) <= set(PROTECTED_WORDS)
    assert {"sex", "gender", "ethnicity", "religion", "nationality", "marital_status"} <= PROTECTED
    assert {"personal_status_and_sex", "foreign_worker"} <= PROTECTED  # the German Credit proxies


@pytest.mark.parametrize("key", PROTECTED_KEYS)
def test_a_protected_attribute_is_refused_before_anything_else(key):
    with pytest.raises(FeatureError) as refused:
        feature(key)
    assert refused.value.code == "feature_protected"
    assert refused.value.extra == {"feature": key}
    assert refused.value.message == (
        f"「{key}」属于性别、民族、宗教、国籍、婚姻状况等个人特征，依法不得用于信用评分和授信决策。"
    )


@pytest.mark.parametrize("key", ["housing", "credit_amount", "", "risk_grade", "industry"])
def test_an_unknown_feature_is_refused(key):
    with pytest.raises(FeatureError) as refused:
        feature(key)
    assert refused.value.code == "feature_unknown"
    assert refused.value.message == f"评分卡特征库中没有「{key}」；评分卡只能使用特征库中的客户要素。"


def test_protected_words_are_found_in_labels():
    assert protected_words("婚姻状况及性别") == ("性别", "婚姻")
    assert protected_words("外籍劳工") == ("外籍",)
    assert protected_words("近 6 个月征信查询次数") == ()


# --- values for people ---------------------------------------------------------------------------------


def test_values_are_shown_in_the_facts_format():
    assert FEATURES["inquiries_6m"].display(9.0) == "9 次"
    assert FEATURES["debt_to_income_after"].display(0.52) == "52.00%"
    assert FEATURES["debt_to_income_after"].display(Decimal("0.52")) == "52.00%"
    assert FEATURES["requested_amount"].display(500000.0) == "500,000.00 元"
    assert FEATURES["current_overdue"].display(True) == "有当前逾期"
    assert FEATURES["size_class"].display("micro") == "微型"


# --- pre-fill ------------------------------------------------------------------------------------------

KEYS = ("age", "provident_fund_months", "business_years", "loan_to_value", "inquiries_6m")


def test_prefill_known_not_applicable_and_asked():
    facts = {"customer_type": "individual", "age": 35, "collateral_type": "none"}
    filled = {item.key: item for item in prefill(KEYS, facts)}
    assert (filled["age"].status, filled["age"].value, filled["age"].source_label) == (
        "known",
        35,
        "客户资料",
    )
    assert filled["provident_fund_months"].status == "ask"  # a person: it applies, the record lacks it
    assert filled["business_years"].status == "not_applicable"
    assert filled["business_years"].value == NOT_APPLICABLE
    assert filled["business_years"].note == "仅适用于企业和个体工商户"
    assert filled["loan_to_value"].status == "not_applicable"  # an unsecured loan
    assert filled["inquiries_6m"].status == "ask"


def test_prefill_asks_when_it_cannot_tell_whether_a_feature_applies():
    filled = {item.key: item for item in prefill(KEYS, {})}
    assert filled["provident_fund_months"].status == "ask"
    assert filled["business_years"].status == "ask"


def test_prefill_refuses_a_protected_feature():
    with pytest.raises(FeatureError) as refused:
        prefill(["age", "sex"], {"age": 30})
    assert refused.value.code == "feature_protected"
