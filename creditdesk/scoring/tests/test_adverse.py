"""Reason codes in the customer's terms: too high or too low against the nearest better band, a category's
own sentence, the engine's order kept, only cards on the registry's features."""

from __future__ import annotations

import pytest

from creditdesk.scoring.adverse import customer_reasons
from creditdesk.scoring.errors import ScoringError
from creditdesk.scoring.expert import compile_card

CARD = {
    "name": "small",
    "version": "1",
    "title": "小卡",
    "base_points": 0,
    "top_n": 10,
    "grades": [
        {"grade": "A", "min_points": 90},
        {"grade": "B", "min_points": 70},
        {"grade": "C", "min_points": 50},
        {"grade": "D", "min_points": 30},
        {"grade": "E", "min_points": None},
    ],
    "features": [
        {
            "key": "age",
            "bands": [
                {"lower": 18, "upper": 25, "points": 10, "rationale": "年轻"},
                {"lower": 25, "upper": 50, "points": 30, "rationale": "稳定"},
                {"lower": 50, "upper": 66, "points": 10, "rationale": "临近退休"},
            ],
        },
        {
            "key": "debt_to_income_after",
            "bands": [
                {"lower": None, "upper": 0.4, "points": 40, "rationale": "低"},
                {"lower": 0.4, "upper": 0.6, "points": 20, "rationale": "中"},
                {"lower": 0.6, "upper": None, "points": 0, "rationale": "高"},
            ],
        },
        {
            "key": "monthly_income",
            "bands": [
                {"lower": None, "upper": 8000, "points": 0, "rationale": "低"},
                {"lower": 8000, "upper": None, "points": 20, "rationale": "高"},
            ],
        },
        {
            "key": "current_overdue",
            "bands": [
                {"categories": ["False"], "points": 10, "rationale": "无"},
                {"categories": ["True"], "points": 0, "rationale": "有"},
            ],
        },
        {
            "key": "size_class",
            "bands": [
                {"categories": ["large", "medium", "small"], "points": 5, "rationale": "较大"},
                {"categories": ["micro"], "points": 0, "rationale": "微型"},
            ],
            "missing": {"points": 2, "rationale": "不适用", "label": "不适用"},
        },
    ],
}

BEST = {
    "age": 30,
    "debt_to_income_after": 0.3,
    "monthly_income": 9000,
    "current_overdue": False,
    "size_class": "large",
}


@pytest.fixture(scope="module")
def card():
    return compile_card(CARD)


def told(card, **changes):
    result = card.score({**BEST, **changes})
    return [(r.feature, r.sentence, r.advice) for r in customer_reasons(card, result)]


def test_the_best_applicant_has_no_reason(card):
    assert card.score(BEST).points == 105.0  # 30 + 40 + 20 + 10 + 5
    assert told(card) == []


def test_a_value_above_the_best_band_is_too_high_and_below_it_too_low(card):
    advice = "年龄本身无法改变；可考虑增加有稳定收入的共同借款人，或提供抵押、保证等增信措施"
    assert told(card, age=55) == [("age", "年龄 55 岁，已满 50 岁", advice)]
    assert told(card, age=20) == [("age", "年龄 20 岁，未满 25 岁", advice)]


def test_the_edge_is_the_one_towards_the_nearest_better_band(card):
    # 0.7 is in the worst band; the nearest better band (0.4–0.6) lies below: too high from 0.6
    assert (
        told(card, debt_to_income_after=0.7)[0][1] == "本笔贷款后每月还款占月收入的 70.00%，达到或超过 60.00%"
    )
    assert (
        told(card, debt_to_income_after=0.5)[0][1] == "本笔贷款后每月还款占月收入的 50.00%，达到或超过 40.00%"
    )
    assert told(card, monthly_income=6000)[0][1] == "月收入 6,000.00 元，低于 8,000.00 元"


def test_a_category_has_its_own_sentence_or_the_features(card):
    assert told(card, current_overdue=True) == [
        ("current_overdue", "征信报告显示目前有逾期未还", "先结清当前逾期的欠款，结清后再申请")
    ]
    assert told(card, size_class="micro")[0][1] == "企业规模为微型"


def test_reasons_keep_the_engines_order(card):
    result = card.score({**BEST, "age": 20, "debt_to_income_after": 0.7, "current_overdue": True})
    assert [r.variable for r in result.reasons] == ["debt_to_income_after", "age", "current_overdue"]
    said = customer_reasons(card, result)
    assert [(r.feature, r.points_lost) for r in said] == [
        ("debt_to_income_after", 40.0),
        ("age", 20.0),
        ("current_overdue", 10.0),
    ]
    assert said[0].to_dict()["label"] == "贷后负债收入比"


def test_a_card_on_other_variables_has_no_customer_sentences(shipped, german):
    result = shipped.score(german.data.X.iloc[1].to_dict())
    with pytest.raises(ScoringError) as refused:
        customer_reasons(shipped, result)
    assert refused.value.code == "feature_unknown"


def test_the_trained_german_card_still_gives_a_probability_and_no_range_warning(shipped, german):
    applicant = german.data.X.iloc[1].to_dict()
    result = shipped.score({**applicant, "age_in_years": 99, "duration_in_month": 120})  # beyond training
    assert result.warnings == ()
    assert result.probability_of_default is not None
    assert shipped.gives_probability is True
    assert shipped.grade_for_points(result.points) == result.grade
