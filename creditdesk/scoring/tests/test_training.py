"""Training: the configuration's checks, every bad-input code, and what a trained model holds."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from creditdesk.scoring.errors import ScoringError
from creditdesk.scoring.reference_data import german_credit_path
from creditdesk.scoring.training import (
    DEFAULT_CONFIG,
    columns_of,
    load_config,
    prepare,
    train,
    validate_config,
)


def synthetic(rows: int = 300, seed: int = 1) -> pd.DataFrame:
    """Applicants whose risk rises with ``months`` and is higher for renters."""
    rng = np.random.default_rng(seed)
    months = rng.integers(6, 61, rows)
    housing = rng.choice(["own", "rent", "free"], rows, p=[0.6, 0.3, 0.1])
    logit = -2.5 + 0.05 * months + np.where(housing == "rent", 0.8, 0.0)
    bad = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)
    return pd.DataFrame({"months": months, "housing": housing, "bad": bad})


def refused(frame, *, target="bad", config=None) -> ScoringError:
    with pytest.raises(ScoringError) as caught:
        prepare(frame, target=target, config=config or {})
    return caught.value


# --- configuration --------------------------------------------------------------------------------------


def test_defaults_fill_an_empty_configuration():
    config = validate_config({})
    assert config["scaling"] == {"pdo": 20, "base_points": 600, "base_odds": 50, "rounding": False}
    assert config["grades"] == {"A": 0.05, "B": 0.1, "C": 0.2, "D": 0.4}
    assert config["reasons"] == {"top_n": 4}
    assert config["title"] == "scorecard"
    assert validate_config(config) == config  # idempotent
    assert set(config) == set(DEFAULT_CONFIG)


@pytest.mark.parametrize(
    ("raw", "code", "field"),
    [
        ({"colour": "red"}, "config_unknown_key", "colour"),
        ({"binning": {"max_bins": 5}}, "config_unknown_key", "binning.max_bins"),
        ({"scaling": {"pdo": 20, "points": 600}}, "config_unknown_key", "scaling.points"),
        ({"labels": {"x": {"label": "甲", "unit": "月"}}}, "config_unknown_key", "labels.x.unit"),
        ({"scaling": {"pdo": "20"}}, "config_invalid", "scaling.pdo"),
        ({"scaling": {"pdo": -20}}, "config_invalid", "scaling.pdo"),
        ({"scaling": {"rounding": 1}}, "config_invalid", "scaling.rounding"),
        ({"logistic_regression": {"C": 0}}, "config_invalid", "logistic_regression.C"),
        ({"logistic_regression": {"max_iter": 10.5}}, "config_invalid", "logistic_regression.max_iter"),
        ({"binning": {"monotonic_trend": "sideways"}}, "config_invalid", "binning.monotonic_trend"),
        ({"binning": {"min_bin_size": 1.5}}, "config_invalid", "binning.min_bin_size"),
        ({"grades": {"A": 0.1, "B": 0.05, "C": 0.2, "D": 0.4}}, "config_invalid", "grades"),
        ({"grades": {"A": 0.1}}, "config_invalid", "grades"),
        ({"variables": "months"}, "config_invalid", "variables"),
        ({"categorical": ["a"], "numerical": ["a"]}, "config_invalid", "categorical"),
        (
            {"binning_by_variable": {"m": {"special_codes": ["x"]}}},
            "config_invalid",
            "binning_by_variable.m.special_codes",
        ),
        ({"reasons": {"top_n": -1}}, "config_invalid", "reasons.top_n"),
        ({"min_rows": 1}, "config_invalid", "min_rows"),
    ],
)
def test_bad_configurations_name_the_key(raw, code, field):
    with pytest.raises(ScoringError) as caught:
        validate_config(raw)
    assert caught.value.code == code
    assert caught.value.extra == {"field": field}


def test_unknown_key_message_is_for_people():
    with pytest.raises(ScoringError) as caught:
        validate_config({"binning": {"max_bins": 5}})
    assert caught.value.message == "配置中有不认识的项「binning.max_bins」，请检查拼写。"


def test_load_config_reads_and_validates(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"name": "x", "logistic_regression": {"C": 0.5}}), encoding="utf-8")
    config = load_config(path)
    assert config["logistic_regression"] == {"C": 0.5, "class_weight": None, "max_iter": 1000}
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ScoringError) as caught:
        load_config(path)
    assert caught.value.code == "config_unreadable"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(ScoringError) as caught:
        load_config(path)
    assert caught.value.code == "config_invalid"


# --- bad data -------------------------------------------------------------------------------------------


def test_missing_target_and_variable_columns():
    frame = synthetic()
    error = refused(frame, target="default_flag")
    assert (error.code, error.extra) == ("missing_column", {"field": "default_flag"})
    error = refused(frame, config={"variables": ["months", "income", "age"]})
    assert error.code == "missing_column"
    assert error.extra == {"field": "income", "fields": ["income", "age"]}
    assert error.message == "数据中缺少变量列：income、age。"


def test_target_not_binary():
    frame = synthetic()
    frame.loc[[3, 7], "bad"] = 2
    error = refused(frame)
    assert (error.code, error.extra) == ("target_not_binary", {"field": "bad"})
    assert error.message.startswith("目标列「bad」应只有两种取值（好/坏），实际有 3 种")


def test_two_values_that_do_not_say_which_is_bad():
    frame = synthetic()
    frame["bad"] = np.where(frame["bad"] == 1, "N", "Y")
    assert refused(frame).code == "target_not_binary"
    data = prepare(frame, target="bad", config={"target_event": "N"})
    assert data.y.tolist() == (synthetic()["bad"]).tolist()
    assert refused(frame, config={"target_event": "bad"}).extra == {"field": "target_event"}


def test_good_bad_strings_are_understood():
    frame = synthetic()
    frame["bad"] = np.where(frame["bad"] == 1, "bad", "good")
    assert prepare(frame, target="bad", config={}).y.tolist() == synthetic()["bad"].tolist()


def test_one_class():
    frame = synthetic()
    frame["bad"] = 0
    error = refused(frame)
    assert (error.code, error.extra) == ("single_class", {"field": "bad"})
    assert error.message == "目标列「bad」只有一种取值（0）：训练需要好、坏两类样本。"


def test_target_with_an_empty_row():
    frame = synthetic().astype({"bad": float})
    frame.loc[41, "bad"] = np.nan
    error = refused(frame)
    assert (error.code, error.extra) == ("target_missing", {"field": "bad", "row": 42})


def test_a_string_in_a_numeric_column_names_column_and_first_bad_row():
    frame = synthetic().astype({"months": object})
    frame.loc[17, "months"] = "twelve"
    frame.loc[30, "months"] = "n/a"
    error = refused(frame)
    assert (error.code, error.extra) == ("not_numeric", {"field": "months", "row": 18})
    assert error.message == (
        "数值列「months」第 18 行是「twelve」，不是数值；若它本是分类变量，请在配置 categorical 中列出。"
    )
    assert prepare(frame, target="bad", config={"categorical": ["months"]}).kinds["months"] == "categorical"


def test_a_declared_numerical_column_of_text_is_refused():
    error = refused(synthetic(), config={"numerical": ["housing"]})
    assert (error.code, error.extra) == ("not_numeric", {"field": "housing", "row": 1})


def test_infinite_numbers_are_refused():
    frame = synthetic().astype({"months": float})
    frame.loc[5, "months"] = np.inf
    assert refused(frame).extra == {"field": "months", "row": 6}
    assert refused(frame).code == "not_finite"


def test_an_all_empty_column_is_refused():
    frame = synthetic()
    frame["income"] = np.nan
    error = refused(frame)
    assert (error.code, error.extra) == ("all_missing", {"field": "income"})
    frame["income"] = None
    frame["income"] = frame["income"].astype(object)
    assert refused(frame).code == "all_missing"


def test_too_few_rows_and_too_few_of_a_class():
    error = refused(synthetic(rows=50))
    assert (error.code, error.message) == ("too_few_rows", "训练数据只有 50 行，至少需要 100 行。")
    frame = synthetic()
    frame["bad"] = 0
    frame.loc[:4, "bad"] = 1
    error = refused(frame)
    assert error.code == "too_few_rows"
    assert error.message == "坏样本 5 个、好样本 295 个：每类至少需要 10 个。"


def test_an_unreadable_file(tmp_path):
    with pytest.raises(ScoringError) as caught:
        prepare(tmp_path / "nothing.csv", target="bad", config={})
    assert caught.value.code == "data_unreadable"


def test_kinds_are_inferred_from_dtypes_and_categories_are_text():
    frame = synthetic()
    frame["level"] = frame["months"] % 3  # numbers declared categorical become text
    data = prepare(frame, target="bad", config={"categorical": ["level"]})
    assert data.kinds == {"months": "numerical", "housing": "categorical", "level": "categorical"}
    assert sorted(set(data.X["level"])) == ["0", "1", "2"]
    assert data.X["months"].dtype == np.float64


# --- a trained model ------------------------------------------------------------------------------------


def test_train_on_a_csv_records_its_fingerprint_and_table(tmp_path):
    path = tmp_path / "applicants.csv"
    synthetic().to_csv(path, index=False)
    model = train(path, target="bad", config={"name": "demo", "scaling": {"rounding": True}}, created_at="t")
    content = model.artefact["content"]
    assert content["training_data"] == {
        "fingerprint": "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest(),
        "source": "applicants.csv",
        "rows": 300,
        "events": int(synthetic()["bad"].sum()),
        "non_events": 300 - int(synthetic()["bad"].sum()),
    }
    assert content["created_at"] == "t"
    assert [v["name"] for v in content["variables"]] == ["months", "housing"]
    months = model.table[0]
    assert set(months) == {
        "variable",
        "variable_label",
        "bin_id",
        "kind",
        "bin",
        "bin_label",
        "woe",
        "points",
        "count",
        "event_rate",
    }
    rows = [row for row in model.table if row["variable"] == "months" and row["kind"] == "bin"]
    assert sum(row["count"] for row in rows) == 300
    assert all(row["points"] == round(row["points"]) for row in model.table)
    # risk rises with months: the first bin scores more than the last
    assert rows[0]["points"] > rows[-1]["points"]
    assert np.array_equal(
        model.scorecard.score_batch(
            {"months": model.data.X["months"].to_numpy(), "housing": model.data.X["housing"].to_numpy()}
        ),
        model.estimator.score(model.data.X),
    )


def test_train_is_deterministic_and_a_frame_is_fingerprinted():
    first = train(synthetic(), target="bad", config={}, created_at="t")
    second = train(synthetic(), target="bad", config={}, created_at="t")
    assert first.artefact == second.artefact
    text = synthetic().to_csv(index=False, lineterminator="\n")
    fingerprint = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    assert first.artefact["content"]["training_data"]["fingerprint"] == fingerprint


def test_selection_can_leave_no_variable():
    with pytest.raises(ScoringError) as caught:
        train(synthetic(), target="bad", config={"selection": {"iv_min": 50.0}})
    assert caught.value.code == "no_variables"


def test_special_codes_score_their_own_bin():
    frame = synthetic()
    frame.loc[:29, "months"] = -1
    model = train(frame, target="bad", config={"binning_by_variable": {"months": {"special_codes": [-1]}}})
    months = model.artefact["content"]["variables"][0]
    assert months["special_codes"] == [-1.0]
    assert months["special"]["count"] == 30
    assert np.array_equal(
        model.scorecard.score_batch(
            {"months": frame["months"].to_numpy(), "housing": frame["housing"].to_numpy()}
        ),
        model.estimator.score(model.data.X),
    )


def test_the_shipped_configuration_validates_and_covers_german_credit():
    from .conftest import SHIPPED_CONFIG

    config = load_config(SHIPPED_CONFIG)
    assert config["target_event"] == "bad"
    assert config["logistic_regression"] == {"C": 0.2, "class_weight": "balanced", "max_iter": 1000}
    assert config["binning"]["cat_cutoff"] == 0.05
    frame = pd.read_csv(german_credit_path())
    assert sorted(config["labels"]) == sorted(c for c in frame.columns if c != "creditability")
    for name, entry in config["labels"].items():
        if name in config["categorical"]:
            assert set(frame[name].unique()) <= set(entry["categories"]), name


def test_balanced_class_weights_fit_the_slopes_and_keep_pd_calibrated():
    from sklearn.linear_model import LogisticRegression

    frame = synthetic(rows=600, seed=3)
    config = {"logistic_regression": {"C": 0.2, "class_weight": "balanced"}}
    model = train(frame, target="bad", config=config, created_at="t")
    fitted = model.estimator.estimator_
    woe = model.estimator.binning_process_.transform(model.data.X)
    weighted = LogisticRegression(C=0.2, class_weight="balanced", max_iter=1000).fit(woe, model.data.y)
    # the slopes are the weighted regression's ...
    assert np.allclose(fitted.coef_, weighted.coef_, rtol=0, atol=1e-12)
    # ... the intercept is not: it makes the mean PD on the training rows their bad rate (unrounded points)
    assert abs(fitted.intercept_[0] - weighted.intercept_[0]) > 0.1
    pd_ = model.scorecard.probabilities_of_default(model.scorecard.score_batch(columns_of(model.data.X)))
    assert pd_.mean() == pytest.approx(model.data.y.mean(), abs=1e-9)
    assert weighted.predict_proba(woe)[:, 1].mean() > model.data.y.mean() + 0.1  # what weighting alone gives
