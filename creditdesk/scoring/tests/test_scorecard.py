"""The numpy scorer: same points as optbinning, checksum, refusals, PD, grades, reasons, warnings."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creditdesk.scoring.errors import ScoringError
from creditdesk.scoring.scorecard import (
    FORMAT,
    UNKNOWN,
    Scorecard,
    category_text,
    content_checksum,
    seal,
)
from creditdesk.scoring.training import columns_of

# --- identical to optbinning ----------------------------------------------------------------------------


def test_points_equal_optbinning_on_all_german_credit_rows(german):
    theirs = german.estimator.score(german.data.X)
    ours = german.scorecard.score_batch(columns_of(german.data.X))
    assert len(ours) == 1000
    assert np.array_equal(ours, theirs)  # rounded points: exact


def test_points_equal_optbinning_with_category_codes_and_text_arrays(german):
    card, X = german.scorecard, german.data.X
    text = {
        name: (X[name].to_numpy().astype(str) if X[name].dtype == object else X[name].to_numpy())
        for name in X
    }
    codes = {name: (card.encode(name, text[name]) if X[name].dtype == object else text[name]) for name in X}
    theirs = german.estimator.score(X)
    assert np.array_equal(card.score_batch(text), theirs)
    assert np.array_equal(card.score_batch(codes), theirs)


def test_nan_and_unseen_categories_score_like_optbinning(german):
    card = german.scorecard
    frame = german.data.X.iloc[:40].copy().reset_index(drop=True)
    frame.loc[0:9, "duration_in_month"] = np.nan
    frame.loc[5:14, "age_in_years"] = np.nan
    frame.loc[10:19, "purpose"] = "space travel"  # never seen in training
    frame.loc[15:24, "housing"] = None
    frame.loc[20:29, "job"] = "astronaut"
    theirs = german.estimator.score(frame)
    ours = card.score_batch(columns_of(frame), unknown="missing_bin")
    assert np.array_equal(ours, theirs)
    before = card.score_batch(columns_of(german.data.X.iloc[:40]))
    assert np.array_equal(ours[30:], before[30:])
    assert int((ours[:30] != before[:30]).sum()) >= 25  # the changes did change points
    counts = card.bin_counts(columns_of(frame))
    assert counts["purpose"][-1] == 10  # an unseen category is counted where it is scored: Missing
    assert counts["duration_in_month"][-1] == 10
    with pytest.raises(ScoringError) as refused:
        card.score_batch(columns_of(frame))
    assert refused.value.code == "unknown_category"
    assert refused.value.extra == {"field": "purpose", "row": 11}


def test_unrounded_points_and_pd_equal_optbinning_to_1e_9(german):
    from creditdesk.scoring.reference_data import GERMAN_CREDIT_TARGET, german_credit_path
    from creditdesk.scoring.training import load_config, train

    from .conftest import SHIPPED_CONFIG

    config = load_config(SHIPPED_CONFIG)
    config["scaling"]["rounding"] = False
    model = train(german_credit_path(), target=GERMAN_CREDIT_TARGET, config=config, created_at="x")
    ours = model.scorecard.score_batch(columns_of(model.data.X))
    theirs = model.estimator.score(model.data.X)
    assert np.max(np.abs(ours - theirs)) <= 1e-9
    assert not np.array_equal(ours, np.round(ours))  # really unrounded
    pd_ours = model.scorecard.probabilities_of_default(ours)
    pd_lr = model.estimator.predict_proba(model.data.X)[:, 1]
    assert np.max(np.abs(pd_ours - pd_lr)) <= 1e-9


def test_values_on_a_split_fall_in_the_upper_bin_as_in_optbinning(german):
    card = german.scorecard
    frame = german.data.X.iloc[:1].copy()
    numerical = [v for v in card.content["variables"] if v["kind"] == "numerical"]
    rows = []
    for variable in numerical:
        for edge in variable["splits"]:
            for value in (np.nextafter(edge, -np.inf), edge, np.nextafter(edge, np.inf)):
                row = frame.copy()
                row[variable["name"]] = value
                rows.append(row)
    import pandas as pd

    probe = pd.concat(rows, ignore_index=True)
    assert np.array_equal(card.score_batch(columns_of(probe)), german.estimator.score(probe))
    duration = next(v for v in numerical if v["name"] == "duration_in_month")
    first_split = duration["splits"][0]
    ids = card._by_name["duration_in_month"].bin_ids(np.array([first_split - 1e-9, first_split]))
    assert ids.tolist() == [0, 1]


def _without_coefficients(content):
    """The artefact's content with each variable's logistic-regression coefficient taken out."""
    variables = [
        {k: v for k, v in variable.items() if k != "coefficient"} for variable in content["variables"]
    ]
    return {**content, "variables": variables}


def test_the_shipped_artefact_is_what_train_produces(german, shipped_text):
    """What retraining under the locked libraries (requirements/dev.lock) guarantees: the shipped card
    exactly — every bin, WoE, point, grade boundary, reason, metric — and therefore the same points and
    grades for all 1,000 rows. Only the coefficients may differ, in their last bits (BLAS builds sum in
    another order), within 1e-9; the checksum covers them, so it is not compared. After a dependency
    upgrade that breaks this, retrain (README, "Upgrading a dependency") and commit the new artefact."""
    shipped = json.loads(shipped_text)["content"]
    trained = german.artefact["content"]
    assert _without_coefficients(trained) == _without_coefficients(shipped)
    for ours, theirs in zip(trained["variables"], shipped["variables"], strict=True):
        assert math.isclose(ours["coefficient"], theirs["coefficient"], rel_tol=1e-9, abs_tol=1e-12)
    card, retrained = Scorecard.from_json(shipped_text), german.scorecard
    columns = columns_of(german.data.X)
    points, points_again = card.score_batch(columns), retrained.score_batch(columns)
    assert len(points) == 1000
    assert np.array_equal(points, points_again)
    grades = [card.grade_for(pd) for pd in card.probabilities_of_default(points)]
    assert grades == [retrained.grade_for(pd) for pd in retrained.probabilities_of_default(points_again)]


def test_scoring_does_not_import_the_training_stack_or_django():
    from pathlib import Path

    import creditdesk.scoring.scorer as scorer

    files = Path(scorer.__file__).parent.glob("*.py")
    parts = sorted(f"creditdesk.scoring.scorer.{p.stem}" for p in files if p.stem != "__init__")
    assert "creditdesk.scoring.scorer.text_codes" in parts
    code = (
        f"import sys, creditdesk.scoring.scorecard, creditdesk.scoring.psi, {', '.join(parts)}; "
        "heavy = [m for m in ('pandas', 'sklearn', 'optbinning', 'scipy', 'django') if m in sys.modules]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- checksum and structure -----------------------------------------------------------------------------


def test_changing_one_point_is_detected(shipped_text):
    envelope = json.loads(shipped_text)
    envelope["content"]["variables"][0]["bins"][0]["points"] += 1
    with pytest.raises(ScoringError) as refused:
        Scorecard.from_json(json.dumps(envelope, ensure_ascii=False))
    assert refused.value.code == "model_tampered"
    assert refused.value.message == "评分卡文件的校验和不符：文件在生成后被修改过，不能使用。"


def test_changing_a_label_or_the_checksum_is_detected(shipped_text):
    envelope = json.loads(shipped_text)
    envelope["content"]["variables"][0]["label"] = "别的名字"
    with pytest.raises(ScoringError, match="校验和不符") as refused:
        Scorecard.from_json(json.dumps(envelope))
    assert refused.value.code == "model_tampered"
    envelope = json.loads(shipped_text)
    envelope["checksum"] = "sha256:" + "0" * 64
    with pytest.raises(ScoringError) as refused:
        Scorecard.from_json(json.dumps(envelope))
    assert refused.value.code == "model_tampered"


def test_layout_of_the_file_does_not_matter(shipped_text, shipped):
    compact = json.dumps(json.loads(shipped_text), separators=(",", ":"))
    assert Scorecard.from_json(compact).checksum == shipped.checksum


def test_checksum_is_sha256_of_canonical_json(tiny_content):
    import hashlib

    text = json.dumps(tiny_content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert content_checksum(tiny_content) == "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert seal(tiny_content) == {
        "format": FORMAT,
        "content": tiny_content,
        "checksum": content_checksum(tiny_content),
    }


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("not json", None),
        ("[1, 2]", None),
        ('{"format": "other/1", "content": {}, "checksum": "sha256:"}', "format"),
        ('{"format": "creditdesk-scorecard/1", "content": {}, "checksum": "md5:abc"}', "checksum"),
    ],
)
def test_what_is_not_a_scorecard_is_model_invalid(text, field):
    with pytest.raises(ScoringError) as refused:
        Scorecard.from_json(text)
    assert refused.value.code == "model_invalid"
    assert refused.value.extra.get("field") == field


def mutate(content, change):
    change(content)
    return json.dumps(seal(content), ensure_ascii=False)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda c: c["variables"][0].update(splits=[24.0, 12.0]), "months"),
        (lambda c: c["variables"][0].update(splits=[12.0]), "months"),
        (lambda c: c["variables"][1]["categories"][0].update(bin=7), "housing"),
        (lambda c: c["variables"][2].update(kind="ordinal"), "variables[2].kind"),
        (lambda c: c["variables"].clear(), "variables"),
        (lambda c: c["grades"][1].update(max_pd=0.01), "grades"),
        (lambda c: c["scaling"].update(factor=-1.0), "scaling.factor"),
        (lambda c: c.pop("name"), "name"),
    ],
)
def test_a_sealed_but_malformed_scorecard_is_model_invalid(tiny_content, change, field):
    with pytest.raises(ScoringError) as refused:
        Scorecard.from_json(mutate(tiny_content, change))
    assert refused.value.code == "model_invalid"
    assert refused.value.extra["field"] == field


# --- one applicant --------------------------------------------------------------------------------------


def test_points_pd_and_grade_of_one_applicant(tiny):
    result = tiny.score({"months": 18, "housing": "rent", "phone": "no", "ignored": "x"})
    assert result.points == 250 + 150 + 50
    odds = math.exp((450 - tiny.offset) / tiny.factor)
    assert result.probability_of_default == pytest.approx(1 / (1 + odds), rel=1e-15)
    assert result.grade == "E"  # PD 0.56
    assert [c.points for c in result.contributions] == [250.0, 150.0, 50.0]
    assert [c.bin_label for c in result.contributions] == ["12（含）至 24（不含）", "租房、免费居住", "无"]
    assert result.warnings == ()
    assert (result.model_name, result.model_version) == ("tiny", "1")


def test_pd_follows_the_scaling():
    # 600 points ⇔ good:bad 50:1 ⇔ PD 1/51; every 20 points more halves the odds of bad
    from creditdesk.scoring.scorecard import probability_of_default

    factor = 20 / math.log(2)
    offset = 600 - factor * math.log(50)
    assert probability_of_default(600, factor=factor, offset=offset) == pytest.approx(1 / 51, rel=1e-12)
    assert probability_of_default(620, factor=factor, offset=offset) == pytest.approx(1 / 101, rel=1e-12)
    assert probability_of_default(580, factor=factor, offset=offset) == pytest.approx(1 / 26, rel=1e-12)
    assert probability_of_default(1e6, factor=factor, offset=offset) == 0.0
    assert probability_of_default(-1e6, factor=factor, offset=offset) == 1.0


@pytest.mark.parametrize(
    ("pd", "grade"),
    [
        (0.0, "A"),
        (0.0499999, "A"),
        (0.05, "B"),
        (0.0999999, "B"),
        (0.1, "C"),
        (0.2, "D"),
        (0.3999999, "D"),
        (0.4, "E"),
        (1.0, "E"),
    ],
)
def test_grades_at_their_thresholds(tiny, pd, grade):
    assert tiny.grade_for(pd) == grade


def test_grade_thresholds_come_from_the_artefact(tiny_content):
    tiny_content["grades"][0]["max_pd"] = 0.02
    card = Scorecard.from_artefact(seal(tiny_content))
    assert card.grade_for(0.019) == "A"
    assert card.grade_for(0.02) == "B"
    best = card.score({"months": 6, "housing": "own", "phone": "yes"})
    assert best.points == 600
    assert best.probability_of_default == pytest.approx(1 / 51)
    assert best.grade == "A"


def test_reasons_largest_loss_first_in_sentences(tiny):
    result = tiny.score({"months": 30, "housing": "free", "phone": "no"})
    # losses: months 300 − 200 = 100, housing 200 − 150 = 50, phone 100 − 50 = 50 (top_n 2, tie in order)
    assert [r.message for r in result.reasons] == [
        "「贷款期限（月）」为 30，比该项最佳档少 100 分",
        "「住房情况」为「免费居住」，比该项最佳档少 50 分",
    ]
    assert [r.points_lost for r in result.reasons] == [100.0, 50.0]
    assert len(tiny.score({"months": 30, "housing": "free", "phone": "no"}, top_n=4).reasons) == 3


def test_no_reason_for_a_variable_in_its_best_bin(tiny):
    result = tiny.score({"months": 6, "housing": "own", "phone": "no"}, top_n=4)
    assert [r.variable for r in result.reasons] == ["phone"]
    assert result.reasons[0].message == "「电话」为「无」，比该项最佳档少 50 分"


def test_reasons_on_the_shipped_model_use_chinese_labels(shipped, german):
    applicant = german.data.X.iloc[1].to_dict()  # 48 months, 5,951 DM, 0–200 DM checking account, age 22
    result = shipped.score(applicant)
    assert result.points == 476.0
    assert result.grade == "E"
    assert [r.message for r in result.reasons] == [
        "「贷款期限（月）」为 48，比该项最佳档少 50 分",
        "「贷款金额（马克）」为 5951，比该项最佳档少 45 分",
        "「支票账户状态」为「余额 0 至 200 马克」，比该项最佳档少 36 分",
        "「年龄（岁）」为 22，比该项最佳档少 26 分",
    ]


def test_explicit_unknown_scores_the_missing_bin_with_a_warning(tiny):
    result = tiny.score({"months": UNKNOWN, "housing": "own", "phone": UNKNOWN}, top_n=4)
    assert result.points == 230 + 200 + 60
    assert [(w.code, w.variable) for w in result.warnings] == [
        ("missing_value", "months"),
        ("missing_value", "phone"),
    ]
    assert result.warnings[0].message == "「贷款期限（月）」填写为未知，按缺失档计分。"
    assert result.reasons[0].message == "「贷款期限（月）」未知，比该项最佳档少 70 分"


def test_an_unknown_category_is_scored_like_optbinning_and_reported(tiny):
    result = tiny.score({"months": 6, "housing": "boat", "phone": "yes"}, top_n=4)
    assert result.points == 300 + 175 + 100  # the Missing bin's points
    assert [(w.code, w.variable) for w in result.warnings] == [("unknown_category", "housing")]
    assert result.warnings[0].message == "「住房情况」的「boat」不是模型训练时见过的类别，按缺失档计分。"
    assert result.reasons[0].message == "「住房情况」为「boat」（模型未见过的类别），比该项最佳档少 25 分"


def test_a_special_code_scores_the_special_bin(tiny):
    result = tiny.score({"months": -1, "housing": "own", "phone": "yes"})
    assert result.points == 240 + 200 + 100
    assert result.reasons[0].message == "「贷款期限（月）」为特殊值 -1，比该项最佳档少 60 分"
    assert tiny.score_batch(
        {
            "months": np.array([-1.0, 5.0]),
            "housing": np.array(["own", "own"]),
            "phone": np.array(["yes", "yes"]),
        }
    ).tolist() == [540.0, 600.0]


@pytest.mark.parametrize(
    ("applicant", "code", "field", "message"),
    [
        (
            {"housing": "own", "phone": "yes"},
            "missing_value",
            "months",
            "请填写「贷款期限（月）」；确实不知道时请明确选择“未知”。",
        ),
        ({"months": None, "housing": "own", "phone": "yes"}, "missing_value", "months", None),
        ({"months": float("nan"), "housing": "own", "phone": "yes"}, "missing_value", "months", None),
        ({"months": 12, "housing": "", "phone": "yes"}, "missing_value", "housing", None),
        ({"months": 12, "housing": None, "phone": "yes"}, "missing_value", "housing", None),
        (
            {"months": "12", "housing": "own", "phone": "yes"},
            "not_numeric",
            "months",
            "「贷款期限（月）」应为数值，收到「12」。",
        ),
        ({"months": True, "housing": "own", "phone": "yes"}, "not_numeric", "months", None),
        ({"months": float("inf"), "housing": "own", "phone": "yes"}, "not_finite", "months", None),
        ({"months": 12, "housing": ["own"], "phone": "yes"}, "invalid_value", "housing", None),
    ],
)
def test_bad_single_applicants_are_refused_naming_the_variable(tiny, applicant, code, field, message):
    with pytest.raises(ScoringError) as refused:
        tiny.score(applicant)
    assert refused.value.code == code
    assert refused.value.extra["field"] == field
    if message:
        assert refused.value.message == message


def test_decimal_and_numpy_numbers_are_numbers(tiny):
    from decimal import Decimal

    assert tiny.score({"months": Decimal("12"), "housing": "own", "phone": "yes"}).points == 550
    assert tiny.score({"months": np.int64(11), "housing": "own", "phone": "yes"}).points == 600


def test_category_text_rule():
    assert [category_text(v) for v in ("a", 2, 2.0, 2.5, None, float("nan"), True)] == [
        "a",
        "2",
        "2",
        "2.5",
        None,
        None,
        "True",
    ]


# --- batches --------------------------------------------------------------------------------------------


def batch(months, housing, phone):
    return {"months": np.asarray(months), "housing": np.asarray(housing), "phone": np.asarray(phone)}


def test_batch_missing_values_score_the_missing_bin(tiny):
    points = tiny.score_batch(
        {
            "months": np.array([np.nan, 12.0, 40.0]),
            "housing": np.array([None, "rent", float("nan")], dtype=object),
            "phone": np.array(["", "yes", "no"]),
        }
    )
    assert points.tolist() == [230 + 175 + 60, 250 + 150 + 100, 200 + 175 + 50]


@pytest.mark.parametrize(
    ("columns", "code", "extra"),
    [
        (batch([1.0], ["own"], ["yes"]) | {"phone": None}, "invalid_value", {"field": "phone"}),
        ({"months": np.array([1.0]), "housing": np.array(["own"])}, "missing_column", {"field": "phone"}),
        (batch(["12"], ["own"], ["yes"]), "not_numeric", {"field": "months"}),
        (
            batch(np.array([1, "x"], dtype=object), ["own", "own"], ["yes", "no"]),
            "not_numeric",
            {"field": "months", "row": 2},
        ),
        (batch([1.0, np.inf], ["own", "own"], ["yes", "no"]), "not_finite", {"field": "months", "row": 2}),
        (batch([1.0, 2.0], ["own"], ["yes", "no"]), "column_length", {"field": "housing"}),
        (
            batch([1.0, 2.0], ["own", "hut"], ["yes", "no"]),
            "unknown_category",
            {"field": "housing", "row": 2},
        ),
        (batch([1.0], np.array([5]), ["yes"]), "invalid_value", {"field": "housing"}),
    ],
)
def test_bad_batches_are_refused(tiny, columns, code, extra):
    with pytest.raises(ScoringError) as refused:
        tiny.score_batch(columns)
    assert refused.value.code == code
    assert refused.value.extra == extra


def test_category_codes_and_text_give_the_same_points(tiny):
    text = np.array(["own", "free", "hut", "", "rent"])
    codes = tiny.encode("housing", text)
    assert codes.tolist() == [0, 2, -2, -1, 1]
    months, phone = np.full(5, 12.0), np.array(["yes"] * 5)
    by_text = tiny.score_batch({"months": months, "housing": text, "phone": phone}, unknown="missing_bin")
    by_codes = tiny.score_batch({"months": months, "housing": codes, "phone": phone}, unknown="missing_bin")
    assert by_text.tolist() == by_codes.tolist() == [550.0, 500.0, 525.0, 525.0, 500.0]


def test_bin_counts_for_psi(tiny):
    counts = tiny.bin_counts(batch([5.0, 12.0, np.nan, -1.0, 30.0], ["own"] * 5, ["yes"] * 5))
    assert counts["months"].tolist() == [1.0, 1.0, 1.0, 1.0, 1.0]  # bins 0, 1, 2, Special, Missing
    assert tiny.training_bin_counts()["months"].tolist() == [10.0] * 5


values = {
    "months": st.one_of(st.integers(-5, 80), st.sampled_from([-1.0, 12.0, 24.0, 11.999999, 24.000001])),
    "housing": st.sampled_from(["own", "rent", "free", "boat", UNKNOWN]),
    "phone": st.sampled_from(["yes", "no", UNKNOWN]),
}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.fixed_dictionaries(values), min_size=1, max_size=20))
def test_batch_equals_one_by_one(applicants):
    from .conftest import TINY

    card = Scorecard.from_artefact(seal(TINY))
    singles = [card.score(applicant).points for applicant in applicants]
    columns = {
        "months": np.array(
            [np.nan if a["months"] == UNKNOWN else a["months"] for a in applicants], dtype=float
        ),
        "housing": np.array(["" if a["housing"] == UNKNOWN else a["housing"] for a in applicants]),
        "phone": np.array(["" if a["phone"] == UNKNOWN else a["phone"] for a in applicants]),
    }
    assert card.score_batch(columns, unknown="missing_bin").tolist() == singles


@pytest.fixture(scope="module")
def german_rows():
    from creditdesk.scoring.reference_data import load_german_credit

    return load_german_credit().to_dict("records")


@settings(max_examples=100, deadline=None)
@given(row=st.integers(0, 999))
def test_shipped_batch_equals_single_on_german_credit_rows(shipped, german_rows, row):
    applicant = {name: german_rows[row][name] for name in shipped.variable_names}
    single = shipped.score(applicant)
    columns = {name: np.array([value]) for name, value in applicant.items()}
    assert shipped.score_batch(columns).tolist() == [single.points]
    assert single.warnings == ()
    assert single.probability_of_default == pytest.approx(
        shipped.probabilities_of_default(np.array([single.points]))[0], rel=1e-12
    )


def test_variables_describe_the_form(shipped):
    variables = {v.name: v for v in shipped.variables}
    assert len(variables) == 20
    checking = variables["status_of_existing_checking_account"]
    assert (checking.label, checking.kind) == ("支票账户状态", "categorical")
    assert [(c.value, c.label) for c in checking.categories] == [
        ("... < 0 DM", "余额低于 0 马克"),
        ("0 <= ... < 200 DM", "余额 0 至 200 马克"),
        ("... >= 200 DM / salary assignments for at least 1 year", "余额 200 马克及以上或工资代发满 1 年"),
        ("no checking account", "无支票账户"),
    ]
    age = variables["age_in_years"]
    assert (age.label, age.kind, age.minimum, age.maximum, age.integer) == (
        "年龄（岁）",
        "numerical",
        19.0,
        75.0,
        True,
    )
    assert age.to_dict()["categories"] == ()


def categorical_card(categories: list[str]) -> Scorecard:
    """A one-variable scorecard whose category i is in bin i with i points."""
    from .conftest import TINY

    content = json.loads(json.dumps(TINY))
    variable = content["variables"][1]
    variable["categories"] = [{"value": c, "label": c, "bin": i} for i, c in enumerate(categories)]
    variable["bins"] = [dict(variable["bins"][0], points=float(i)) for i in range(len(categories))]
    content["variables"] = [variable]
    return Scorecard.from_artefact(seal(content))


@settings(max_examples=300, deadline=None)
@given(
    categories=st.lists(st.text("ab", min_size=1, max_size=4), min_size=1, max_size=10, unique=True),
    values=st.lists(st.text("abc", max_size=6), min_size=1, max_size=30),
)
def test_text_encoding_is_exact(categories, values):
    card = categorical_card(categories)
    expected = [categories.index(v) if v in categories else (-1 if v == "" else -2) for v in values]
    assert card.encode("housing", np.array(values)).tolist() == expected
    assert card.encode("housing", np.array(values, dtype=object)).tolist() == expected


def test_text_encoding_when_no_two_characters_tell_categories_apart():
    categories = ["".join(c) for c in __import__("itertools").product("ab", repeat=3)]  # 8 need 3 positions
    card = categorical_card(categories)
    values = np.array(["bab", "aaa", "abc", "", "bbbb", "bb"])
    assert card.encode("housing", values).tolist() == [5, 0, -2, -1, -2, -2]
    codes = card.encode("housing", np.array(categories * 3000))  # more than one block of rows
    assert codes.tolist() == list(range(8)) * 3000


def test_a_probability_is_shown_only_by_a_card_calibrated_to_the_book():
    """issue 14: a sample's bad rate is not the book's — pages say 评分 and 等级 until the card states its
    calibration (``scoring.training.bank``); the grade still comes from the card's own PD."""
    from pathlib import Path

    from creditdesk.scoring import engine
    from creditdesk.scoring.scorer.artefact import dump_artefact, seal

    shipped = Path(engine.__file__).parent / "shipped" / "german_credit.json"
    german = Scorecard.from_json(shipped.read_text(encoding="utf-8"))
    calibrated = Scorecard.from_json(
        dump_artefact(
            seal({**german.content, "calibration": {"book_bad_rate": 0.02, "sample_bad_rate": 0.3}})
        )
    )
    assert german.gives_probability and not german.shows_probability
    assert calibrated.shows_probability
    applicant = {name: UNKNOWN for name in german.variable_names}
    plain, shown = engine.score_applicant(german, applicant), engine.score_applicant(calibrated, applicant)
    assert plain.probability_of_default is None and shown.probability_of_default is not None
    assert plain.grade == shown.grade and plain.points == shown.points
