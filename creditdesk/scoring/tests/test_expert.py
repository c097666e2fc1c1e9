"""Expert scorecards: the shipped card, a worked applicant to the exact total, every refusal of a bad card,
values outside the designed range flagged, and the one engine scoring a compiled card exactly as the
card's own bands say (1,000 random applicants)."""

from __future__ import annotations

import copy
import json
import math
import random
from decimal import Decimal

import numpy as np
import pytest

from creditdesk.scoring.adverse import customer_reasons
from creditdesk.scoring.errors import ScoringError
from creditdesk.scoring.expert import (
    SHIPPED,
    CardError,
    compile_card,
    compile_to_artefact,
    load_shipped,
    source_card,
    validate,
)
from creditdesk.scoring.features import FEATURES, PROTECTED, applicant_values, protected_words
from creditdesk.scoring.scorecard import NOT_APPLICABLE, UNKNOWN, Scorecard, seal


@pytest.fixture
def card_data() -> dict:
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def expert() -> Scorecard:
    return Scorecard.from_artefact(compile_to_artefact(load_shipped()))


def feature_of(data: dict, key: str) -> dict:
    return next(item for item in data["features"] if item["key"] == key)


# --- the shipped card ----------------------------------------------------------------------------------


def test_the_shipped_card_is_valid_and_says_what_it_is():
    card = load_shipped()
    assert card.name == "expert_retail_sme"
    assert "专家评分卡（示例参数，须经本行风险管理部门审定）" in card.description
    assert card.score_range == (230.0, 735.0)
    assert card.grades == (("A", 630.0), ("B", 580.0), ("C", 530.0), ("D", 465.0), ("E", None))
    assert card.keys == (
        "age",
        "business_years",
        "size_class",
        "provident_fund_months",
        "owns_property",
        "monthly_income",
        "debt_to_income_after",
        "current_overdue",
        "overdue_months_consecutive_24m",
        "overdue_months_cumulative_24m",
        "inquiries_6m",
        "credit_line_usage",
        "collateral_type",
        "loan_to_value",
        "requested_amount",
        "term_months",
    )
    for item in card.features:
        assert all(band.rationale and "\n" not in band.rationale for band in item.bands)
        assert item.missing is not None and item.missing.rationale


def test_the_shipped_card_uses_no_protected_attribute_and_gives_no_probability(expert):
    text = SHIPPED.read_text(encoding="utf-8")
    assert protected_words(text) == ()
    assert not set(load_shipped().keys) & PROTECTED
    assert "只给出评分和等级，不给出违约概率" in load_shipped().description
    artefact = expert.to_json()
    assert protected_words(artefact) == ()
    assert "max_pd" not in artefact and "probability" not in artefact and "factor" not in artefact
    assert expert.gives_probability is False
    assert expert.content["scaling"] == {"method": "points", "intercept_points": 200.0}


# --- the worked applicant --------------------------------------------------------------------------------

WORKED = {
    "customer_type": "individual_business",
    "age": 41,
    "business_years": 2,
    "size_class": "micro",
    "owns_property": True,
    "monthly_income": Decimal("18000"),
    "debt_to_income_after": Decimal("0.52"),
    "current_overdue": False,
    "overdue_months_consecutive_24m": 1,
    "overdue_months_cumulative_24m": 2,
    "inquiries_6m": 9,
    "credit_line_usage": Decimal("0.45"),
    "collateral_type": "residential_property",
    "loan_to_value": Decimal("0.65"),
    "requested_amount": Decimal("500000"),
    "term_months": 36,
}


def test_a_worked_applicant_scores_to_the_exact_total_with_reasons_a_customer_can_be_told(expert):
    """A 个体工商户 (41, trading for 2 years, 微型, owning the home pledged, using 45 % of the card and
    revolving limits) asks for 500,000 over 36 months against that home:

    ===============================  =====================  ========  ======  ====
    feature                          value                  band      points  lost
    ===============================  =====================  ========  ======  ====
    base                                                                 200
    age                              41                     30–44 岁      30     0
    business_years                   2                      1–2 年        10    20
    size_class                       micro                  微型           8    12
    provident_fund_months            (a business: 不适用)   缺失档        15     —
    owns_property                    True                   名下有房产    20     0
    monthly_income                   18,000                 1–2 万        20    15
    debt_to_income_after             52 %                   50–60 %       12    48
    current_overdue                  no                     无            60     0
    overdue_months_consecutive_24m   1                      1 期          25    15
    overdue_months_cumulative_24m    2                      1–2 期        20    10
    inquiries_6m                     9                      7 次及以上     0    40
    credit_line_usage                45 %                   30–50 %       22     8
    collateral_type                  residential_property   住宅…         40     0
    loan_to_value                    65 %                   60–70 %       12    18
    requested_amount                 500,000                30–100 万     10    10
    term_months                      36                     13–36 个月    15     5
    ===============================  =====================  ========  ======  ====

    200 + 30 + 10 + 8 + 15 + 20 + 20 + 12 + 60 + 25 + 20 + 0 + 22 + 40 + 12 + 10 + 15 = 519 → grade D
    (465 ≤ 519 < 530). The top four losses: DTI 48, inquiries 40, business years 20, LTV 18 (credit-line
    usage loses 8, less than those; 公积金 does not apply to a business: no reason).
    """
    applicant = applicant_values(expert.variable_names, WORKED)
    assert applicant["provident_fund_months"] == NOT_APPLICABLE
    result = expert.score(applicant)
    assert result.points == 519.0
    assert result.grade == "D"
    assert result.probability_of_default is None
    assert result.warnings == ()
    assert [c.points for c in result.contributions] == [
        30.0, 10.0, 8.0, 15.0, 20.0, 20.0, 12.0, 60.0, 25.0, 20.0, 0.0, 22.0, 40.0, 12.0, 10.0, 15.0,
    ]  # fmt: skip
    provident = result.contributions[3]
    assert (provident.value_label, provident.bin_label) == ("不适用", "不适用或未提供")
    assert [(r.variable, r.points_lost) for r in result.reasons] == [
        ("debt_to_income_after", 48.0),
        ("inquiries_6m", 40.0),
        ("business_years", 20.0),
        ("loan_to_value", 18.0),
    ]
    assert result.reasons[1].message == "「近 6 个月征信查询次数」为 9，比该项最佳档少 40 分"
    told = customer_reasons(expert, result)
    assert [(r.sentence, r.advice) for r in told] == [
        (
            "本笔贷款后每月还款占月收入的 52.00%，达到或超过 50.00%",
            "降低申请金额、延长贷款期限，或先结清部分现有负债后再申请",
        ),
        ("近 6 个月征信查询 9 次，多于 6 次", "减少新的贷款申请和征信查询，6 个月后再申请"),
        (
            "经营年限 2 年，不足 3 年",
            "保持稳定经营，经营满 3 年后此项评分会提高；也可提供抵押或保证等增信措施",
        ),
        ("贷款金额占抵押物可用价值的 65.00%，达到或超过 60.00%", "降低申请金额，或追加抵质押物"),
    ]
    assert all("519" not in r.sentence and "D" not in r.sentence for r in told)  # no internal score


def test_grades_at_their_cut_offs(expert):
    assert [expert.grade_for_points(p) for p in (735, 630, 629.5, 580, 579, 530, 465, 464.99, 230)] == [
        "A", "A", "B", "B", "C", "C", "D", "E", "E",
    ]  # fmt: skip


def test_an_expert_card_gives_no_probability(expert):
    for ask in (lambda: expert.probability_of_default(500.0), lambda: expert.grade_for(0.1)):
        with pytest.raises(ScoringError) as refused:
            ask()
        assert refused.value.code == "no_probability"
        assert (
            refused.value.message
            == "评分卡「零售及小微贷款预筛专家评分卡」只给出评分和等级，不给出违约概率。"
        )
    assert (
        expert.score(applicant_values(expert.variable_names, WORKED)).to_dict()["probability_of_default"]
        is None
    )


# --- out of range and unknown, said ---------------------------------------------------------------------


def test_a_value_outside_the_designed_range_is_scored_in_the_nearest_band_and_flagged(expert):
    base = applicant_values(expert.variable_names, WORKED)
    inside = expert.score(base)
    old = expert.score({**base, "age": 70, "term_months": 361})
    assert [(w.code, w.variable) for w in old.warnings] == [
        ("out_of_range", "age"),
        ("out_of_range", "term_months"),
    ]
    assert old.warnings[0].message == (
        "「年龄」为 70，超出评分卡设计的范围（18（含）至 66（不含）），"
        "已按最接近的一档「55–65 岁」计分，请人工复核。"
    )
    assert old.points == inside.points - 30 + 10 - 15 + 4  # age 30 → 10 (55–65), term 15 → 4 (121–360)
    young = expert.score({**base, "age": 17, "term_months": 0})
    assert [w.code for w in young.warnings] == ["out_of_range", "out_of_range"]
    assert young.contributions[0].bin_label == "18–22 岁"
    edge = expert.score({**base, "age": 18, "term_months": 360})
    assert edge.warnings == ()


def test_an_unknown_answer_and_a_category_never_seen_are_scored_in_the_missing_band_and_flagged(expert):
    base = applicant_values(expert.variable_names, WORKED)
    result = expert.score({**base, "monthly_income": UNKNOWN, "size_class": "giant"})
    assert [(w.code, w.variable) for w in result.warnings] == [
        ("unknown_category", "size_class"),
        ("missing_value", "monthly_income"),
    ]
    assert result.points == 519 - 8 + 12 - 20 + 0  # size 8 → 12 (missing band), income 20 → 0
    told = {r.feature: (r.sentence, r.advice) for r in customer_reasons(expert, result)}
    assert told["monthly_income"] == ("未提供「月收入」", "补充提供「月收入」的相关材料后重新评估")


def test_a_feature_that_does_not_apply_is_never_a_reason(expert):
    base = applicant_values(expert.variable_names, {**WORKED, "customer_type": "individual"})
    assert "provident_fund_months" not in base  # a person: it applies and must be asked
    with pytest.raises(ScoringError) as refused:
        expert.score(base)
    assert (refused.value.code, refused.value.extra) == ("missing_value", {"field": "provident_fund_months"})
    result = expert.score({**base, "provident_fund_months": 3, "business_years": NOT_APPLICABLE}, top_n=16)
    assert "business_years" not in [r.variable for r in result.reasons]
    assert "provident_fund_months" in [r.variable for r in result.reasons]


# --- bad cards ------------------------------------------------------------------------------------------


def band(data, key, index):
    return feature_of(data, key)["bands"][index]


BAD_CARDS = [
    # (change, code, extra subset, message)
    (
        lambda d: band(d, "inquiries_6m", 1).update(lower=2),
        "band_overlap",
        {"feature": "inquiries_6m", "band": 2},
        "「近 6 个月征信查询次数」第 1 档与第 2 档重叠（第 1 档到 3 为止，第 2 档从 2 开始）；"
        "各档应从低到高首尾相接。",
    ),
    (
        lambda d: band(d, "inquiries_6m", 1).update(lower=4),
        "band_gap",
        {"feature": "inquiries_6m", "band": 2},
        "「近 6 个月征信查询次数」第 1 档与第 2 档之间有空档（3 至 4 不在任何一档）；各档应首尾相接。",
    ),
    (
        lambda d: band(d, "debt_to_income_after", 2).update(upper=None),
        "band_overlap",
        {"feature": "debt_to_income_after", "band": 4},
        None,
    ),
    (
        lambda d: band(d, "inquiries_6m", 1).update(lower=5),
        "band_invalid",
        {"feature": "inquiries_6m", "band": 2},
        "「近 6 个月征信查询次数」第 2 档的下限 5 应小于上限 5。",
    ),
    (
        lambda d: band(d, "inquiries_6m", 1).update(lower=2.5),
        "band_edge_invalid",
        {"feature": "inquiries_6m", "band": 2},
        "「近 6 个月征信查询次数」第 2 档的边界应为整数或留空（收到「2.5」）。",
    ),
    (
        lambda d: band(d, "monthly_income", 1).update(upper="1万"),
        "band_edge_invalid",
        {"feature": "monthly_income", "band": 2},
        None,
    ),
    (
        lambda d: band(d, "size_class", 0)["categories"].append("small"),
        "category_repeated",
        {"feature": "size_class", "band": 2},
        "「企业规模」的类别「小型」同时在第 1 档和第 2 档。",
    ),
    (
        lambda d: feature_of(d, "size_class")["bands"].pop(),
        "category_uncovered",
        {"feature": "size_class"},
        "「企业规模」的类别「微型」不在任何一档。",
    ),
    (
        lambda d: band(d, "size_class", 2)["categories"].append("huge"),
        "category_unknown",
        {"feature": "size_class", "band": 3},
        None,
    ),
    (
        lambda d: band(d, "size_class", 0).update(lower=0),
        "band_invalid",
        {"feature": "size_class", "band": 1},
        None,
    ),
    (
        lambda d: band(d, "inquiries_6m", 0).update(points="40"),
        "points_invalid",
        {"feature": "inquiries_6m", "band": 1},
        "「近 6 个月征信查询次数」第 1 档的分值应为数值（收到「40」）。",
    ),
    (lambda d: band(d, "inquiries_6m", 0).update(points=True), "points_invalid", {"band": 1}, None),
    (lambda d: band(d, "inquiries_6m", 0).update(points=None), "points_invalid", {"band": 1}, None),
    (lambda d: band(d, "inquiries_6m", 0).update(points=math.nan), "points_invalid", {"band": 1}, None),
    (
        lambda d: feature_of(d, "age")["missing"].update(points="10"),
        "points_invalid",
        {"feature": "age", "band": "missing"},
        None,
    ),
    (
        lambda d: d.update(base_points="200"),
        "points_invalid",
        {"field": "base_points"},
        "基础分的分值应为数值（收到「200」）。",
    ),
    (
        lambda d: band(d, "age", 0).update(rationale=""),
        "rationale_missing",
        {"feature": "age", "band": 1},
        "「年龄」第 1 档缺少一行说明理由。",
    ),
    (lambda d: band(d, "age", 0).update(rationale="一行\n两行"), "rationale_missing", {"band": 1}, None),
    (
        lambda d: d["grades"][0].update(min_points=750),
        "cutoff_out_of_range",
        {"grade": "A"},
        "等级 A 的最低分 750 超出本评分卡能给出的分数范围（230–735），该等级永远达不到。",
    ),
    (
        lambda d: d["grades"][3].update(min_points=230),
        "cutoff_out_of_range",
        {"grade": "D"},
        "等级 D 的最低分 230 超出本评分卡能给出的分数范围（230–735），其下各级永远用不到。",
    ),
    (
        lambda d: d["grades"][1].update(min_points=640),
        "cutoff_not_descending",
        {"grade": "B"},
        "等级 B 的最低分 640 应低于等级 A 的最低分 630。",
    ),
    (lambda d: d["grades"][2].update(min_points="500"), "cutoff_invalid", {"grade": "C"}, None),
    (lambda d: d["grades"].pop(), "grades_invalid", {"field": "grades"}, None),
    (lambda d: d["grades"][4].update(min_points=300), "grades_invalid", {"field": "grades"}, None),
    (
        lambda d: d.update(score_range={"min": 0, "max": 1000}),
        "score_range_mismatch",
        {"field": "score_range"},
        "评分卡写明的分数范围与各档分值算出的范围（230–735）不一致。",
    ),
    (
        lambda d: feature_of(d, "age").update(key="housing"),
        "feature_unknown",
        {"feature": "housing"},
        "评分卡特征库中没有「housing」；评分卡只能使用特征库中的客户要素。",
    ),
    (
        lambda d: d["features"].append(copy.deepcopy(feature_of(d, "age"))),
        "feature_repeated",
        {"feature": "age"},
        "「年龄」在评分卡中出现了不止一次。",
    ),
    (lambda d: d.update(features=[]), "card_empty", {"field": "features"}, "评分卡至少要使用一个特征。"),
    (
        lambda d: feature_of(d, "age").update(bands=[]),
        "bands_empty",
        {"feature": "age"},
        "「年龄」没有分档。",
    ),
    (
        lambda d: band(d, "age", 0).update(uper=20),
        "card_invalid",
        {"feature": "age", "band": 1, "field": "uper"},
        "「年龄」第 1 档中有无法识别的项「uper」。",
    ),
    (lambda d: d.update(name=""), "card_invalid", {"field": "name"}, "请填写评分卡的代码。"),
]


@pytest.mark.parametrize(("change", "code", "extra", "message"), BAD_CARDS)
def test_a_bad_card_is_refused_naming_the_feature_and_the_band(card_data, change, code, extra, message):
    before = copy.deepcopy(card_data)
    change(card_data)
    with pytest.raises(CardError) as refused:
        validate(card_data)
    assert refused.value.code == code
    assert extra.items() <= refused.value.extra.items()
    if message is not None:
        assert refused.value.message == message
    assert refused.value.extra["problems"][0]["code"] == code
    assert before != card_data  # the change did change the card; validate changed nothing else
    with pytest.raises(CardError):
        compile_card(card_data)


@pytest.mark.parametrize("key", sorted(PROTECTED))
def test_no_card_can_use_a_protected_attribute(card_data, key):
    card_data["features"].append(
        {"key": key, "bands": [{"categories": ["A"], "points": 0, "rationale": "—"}]}
    )
    with pytest.raises(CardError) as refused:
        validate(card_data)
    assert refused.value.code == "feature_protected"
    assert refused.value.extra["feature"] == key


def test_every_problem_is_listed(card_data):
    band(card_data, "inquiries_6m", 1).update(lower=4)
    band(card_data, "age", 0).update(points="x")
    card_data["features"].append({"key": "sex", "bands": []})
    with pytest.raises(CardError) as refused:
        validate(card_data)
    assert [(p["code"], p.get("feature")) for p in refused.value.extra["problems"]] == [
        ("points_invalid", "age"),
        ("band_gap", "inquiries_6m"),
        ("feature_protected", "sex"),
    ]


def test_not_a_card():
    for bad in (None, [], "card"):
        with pytest.raises(CardError) as refused:
            validate(bad)
        assert refused.value.code == "card_invalid"


def test_finite_ends_and_no_missing_band_are_allowed(card_data):
    """A card may state its designed range by finite ends; without a Missing band an unknown answer
    scores the feature's lowest band (prudence)."""
    inquiries = feature_of(card_data, "inquiries_6m")
    inquiries["bands"][0]["lower"] = 0
    inquiries["bands"][-1]["upper"] = 30
    del inquiries["missing"]
    card_data.pop("score_range")
    card = compile_card(card_data)
    variable = next(v for v in card.content["variables"] if v["name"] == "inquiries_6m")
    assert variable["range"] == {"from": 0, "below": 30}
    assert variable["missing"]["points"] == 0.0
    result = card.score({**applicant_values(card.variable_names, WORKED), "inquiries_6m": 31})
    assert [(w.code, w.variable) for w in result.warnings] == [("out_of_range", "inquiries_6m")]


# --- the artefact -----------------------------------------------------------------------------------------


def test_the_artefact_round_trips_and_names_its_card(expert):
    again = Scorecard.from_json(expert.to_json())
    assert again.checksum == expert.checksum
    assert source_card(again) == load_shipped()
    inquiries = next(v for v in expert.content["variables"] if v["name"] == "inquiries_6m")
    assert inquiries["splits"] == [3, 5, 7]
    assert [b["label"] for b in inquiries["bins"]] == ["少于 3 次", "3–4 次", "5–6 次", "7 次及以上"]
    assert inquiries["bins"][3]["rationale"] == "查询密集，多头借贷风险高"
    assert inquiries["missing"] == {
        "bin": "Missing",
        "label": "未取得征信摘要",
        "points": 10,
        "rationale": "未取得征信摘要，按审慎原则计低分",
    }
    size = next(v for v in expert.content["variables"] if v["name"] == "size_class")
    assert [(c["value"], c["bin"]) for c in size["categories"]] == [
        ("large", 0),
        ("medium", 0),
        ("small", 1),
        ("micro", 2),
    ]


def test_a_trained_card_is_no_expert_card(shipped):
    with pytest.raises(CardError) as refused:
        source_card(shipped)
    assert refused.value.code == "card_invalid"


def test_a_points_card_with_bad_grades_is_refused(expert):
    content = copy.deepcopy(dict(expert.content))
    content["grades"][1]["min_points"] = 650
    with pytest.raises(ScoringError) as refused:
        Scorecard.from_artefact(seal(content))
    assert refused.value.code == "model_invalid"
    content = copy.deepcopy(dict(expert.content))
    content["variables"][0]["range"] = {"from": 66, "below": 18}
    with pytest.raises(ScoringError) as refused:
        Scorecard.from_artefact(seal(content))
    assert refused.value.code == "model_invalid"


# --- the one engine scores it exactly as the card says -------------------------------------------------


def direct_points(data: dict, applicant: dict) -> float:
    """The card read by hand: base + each feature's band points (a value below the first band or from
    the last band's upper edge: the nearest end band; unknown, not applicable or a category the feature
    does not have: the Missing band)."""
    total = float(data["base_points"])
    for item in data["features"]:
        value, bands = applicant[item["key"]], item["bands"]
        known = value not in (UNKNOWN, NOT_APPLICABLE)
        if known and "categories" in bands[0]:
            found = [b for b in bands if str(value) in b["categories"]]
        elif known:
            found = [
                b
                for b in bands
                if (b["lower"] is None or value >= b["lower"]) and (b["upper"] is None or value < b["upper"])
            ]
            if not found:
                found = [bands[0] if value < bands[0]["lower"] else bands[-1]]
        else:
            found = []
        total += found[0]["points"] if found else item["missing"]["points"]
    return total


def random_value(rng: random.Random, item: dict) -> object:
    draw = rng.random()
    if draw < 0.04:
        return UNKNOWN
    if draw < 0.08:
        return NOT_APPLICABLE
    bands = item["bands"]
    if "categories" in bands[0]:
        if draw < 0.1:
            return "never_seen"
        return rng.choice([c for b in bands for c in b["categories"]])
    edges = [e for b in bands for e in (b["lower"], b["upper"]) if e is not None]
    low, high = min(edges), max(edges)
    integer = FEATURES[item["key"]].integer
    if draw < 0.5:  # on an edge or next to one
        value = rng.choice(edges) + (rng.choice((-1, 0, 1)) if integer else rng.choice((-1e-9, 0.0, 1e-9)))
    else:  # anywhere, beyond both ends too
        span = high - low
        value = rng.uniform(low - span / 2, high + span / 2)
    return round(value) if integer else value


def test_the_engine_scores_a_compiled_card_as_a_direct_sum_of_band_points(card_data, expert):
    rng = random.Random(20260114)
    applicants = [
        {item["key"]: random_value(rng, item) for item in card_data["features"]} for _ in range(1000)
    ]
    single = [expert.score(applicant).points for applicant in applicants]
    direct = [direct_points(card_data, applicant) for applicant in applicants]
    assert single == direct
    columns = {}
    for item in card_data["features"]:
        values = [a[item["key"]] for a in applicants]
        if "categories" in item["bands"][0]:
            columns[item["key"]] = np.array(
                [None if v in (UNKNOWN, NOT_APPLICABLE) else str(v) for v in values], dtype=object
            )
        else:
            columns[item["key"]] = np.array(
                [math.nan if v in (UNKNOWN, NOT_APPLICABLE) else float(v) for v in values]
            )
    batch = expert.score_batch(columns, unknown="missing_bin")
    assert batch.tolist() == direct
    assert len(set(direct)) > 100  # the draw did explore the card
