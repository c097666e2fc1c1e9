"""A card trained on the bank's own history (training/bank.py): the signal of a synthetic table is
recovered per feature, calibration moves the mean PD to the book's bad rate, the validation report, and
German Credit still trains through the same path to the shipped card."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest

from creditdesk.scoring.errors import ScoringError
from creditdesk.scoring.scorecard import Scorecard
from creditdesk.scoring.tests.conftest import SHIPPED_CONFIG, SHIPPED_MODEL
from creditdesk.scoring.tests.training_tables import synthetic_rows, write_csv
from creditdesk.scoring.training import bank, validation
from creditdesk.scoring.training.table import read_table

BOOK = 0.02


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    return read_table(write_csv(tmp_path_factory.mktemp("bank") / "history.csv", synthetic_rows()))


@pytest.fixture(scope="module")
def config(table):
    return bank.bank_config(table, name="bank_sme", version="t1", title="小微预筛（测试）")


def _train(table, config, book):
    return bank.train_bank_card(
        table, config=config, book_bad_rate=book, n_splits=3, n_repeats=1, created_at="t", calibrated_on=None
    )


@pytest.fixture(scope="module")
def uncalibrated(table, config):
    return _train(table, config, None)


@pytest.fixture(scope="module")
def calibrated(table, config):
    return _train(table, config, BOOK)


def _bin_points(card: Scorecard, name: str) -> list[float]:
    return [row["points"] for row in card.table() if row["variable"] == name and row["kind"] == "bin"]


def test_the_known_signal_is_recovered_per_feature(uncalibrated):
    card = uncalibrated.scorecard
    inquiries = _bin_points(card, "inquiries_6m")
    years = _bin_points(card, "business_years")
    assert len(inquiries) >= 3 and len(years) >= 3
    # more inquiries, fewer points; more years in business, more points
    assert all(b <= a for a, b in itertools.pairwise(inquiries)) and inquiries[-1] < inquiries[0]
    assert all(b >= a for a, b in itertools.pairwise(years)) and years[-1] > years[0]
    applicant = {
        "inquiries_6m": 1,
        "business_years": 10,
        "monthly_income": 12000,
        "has_guarantor": "True",
        "collateral_type": "none",
    }
    base = card.score(applicant).points
    assert card.score({**applicant, "inquiries_6m": 8}).points < base
    assert card.score({**applicant, "business_years": 18}).points > base


def test_variables_are_registry_features_with_designed_ranges(uncalibrated, table):
    card = uncalibrated.scorecard
    assert set(card.variable_names) <= set(table.features)
    content = card.content
    by_name = {v["name"]: v for v in content["variables"]}
    assert by_name["inquiries_6m"]["label"] == "近 6 个月征信查询次数"
    inquiries = table.frame["inquiries_6m"]
    assert by_name["inquiries_6m"]["range"] == {"from": inquiries.min(), "below": inquiries.max() + 1}
    income = by_name["monthly_income"]
    assert income["range"]["from"] == table.frame["monthly_income"].min()
    assert income["range"]["below"] == math.nextafter(table.frame["monthly_income"].max(), math.inf)
    applicant = {
        "inquiries_6m": 40,
        "business_years": 10,
        "monthly_income": 12000,
        "has_guarantor": "False",
        "collateral_type": "vehicle",
    }
    warnings = card.score(applicant).warnings
    assert [(w.code, w.variable) for w in warnings] == [("out_of_range", "inquiries_6m")]
    assert content["target"] == {
        "column": "outcome",
        "event": 1,
        "definition": {"days_past_due": 90, "within_months": 12, "text": "放款后 12 个月内逾期 90 天及以上"},
    }
    assert content["training_data"]["fingerprint"] == table.fingerprint
    assert content["training_data"]["first_application_date"] == table.dates[0].isoformat()


def test_a_card_without_a_book_bad_rate_is_marked_uncalibrated(uncalibrated):
    content = uncalibrated.scorecard.content
    assert "calibration" in content and content["calibration"] is None
    assert uncalibrated.report["calibration"] is None


def test_calibration_moves_the_mean_pd_to_the_book_bad_rate(calibrated, uncalibrated, table):
    card = calibrated.scorecard
    columns = table.columns(card.variable_names)
    points = card.score_batch(columns, unknown="missing_bin")
    assert abs(float(card.probabilities_of_default(points).mean()) - BOOK) < 1e-6
    before = uncalibrated.scorecard
    assert np.array_equal(points, before.score_batch(columns, unknown="missing_bin"))  # points unchanged
    assert abs(float(before.probabilities_of_default(points).mean()) - table.bad_rate) < 1e-3
    calibration = card.content["calibration"]
    assert calibration["sample_bad_rate"] == table.bad_rate
    assert calibration["book_bad_rate"] == BOOK
    expected = math.log(BOOK / (1 - BOOK)) - math.log(table.bad_rate / (1 - table.bad_rate))
    assert calibration["prior_correction_log_odds"] == pytest.approx(expected, abs=1e-12)
    assert calibration["shift_log_odds"] < 0 and abs(calibration["shift_log_odds"] - expected) < 0.3
    scaling = card.content["scaling"]
    assert scaling["offset"] == pytest.approx(
        calibration["offset_before"] + scaling["factor"] * calibration["shift_log_odds"]
    )
    assert calibration["calibrated_on"]


def test_the_shift_is_the_prior_correction_when_every_pd_is_the_same():
    shift = bank.calibration_shift(np.full(50, 0.1), 0.02)
    assert shift == pytest.approx(math.log(0.02 / 0.98) - math.log(0.1 / 0.9), abs=1e-12)


@pytest.mark.parametrize("rate", [0.0, 1.0, -0.1, 2])
def test_a_book_bad_rate_outside_0_1_is_refused(rate):
    content = {"scaling": {"factor": 28.85, "offset": 487.12}}
    with pytest.raises(ScoringError) as caught:
        bank.calibrate(
            content, np.array([600.0]), sample_bad_rate=0.1, book_bad_rate=rate, calibrated_on=None
        )  # type: ignore[arg-type]
    assert caught.value.code == "book_bad_rate_invalid"
    assert "calibration" not in content


def test_the_validation_report(uncalibrated, calibrated, table):
    report = calibrated.report
    json.dumps(report)  # JSON-able
    cv = report["cross_validation"]
    assert cv["scheme"]["n_splits"] == 3
    assert 0.6 < cv["auc"]["mean"] < 1 and cv["auc"]["std"] > 0
    assert cv["gini"]["mean"] == pytest.approx(2 * cv["auc"]["mean"] - 1)
    assert report["out_of_time"]["train"]["rows"] + report["out_of_time"]["test"]["rows"] == table.rows
    ivs = [entry["iv"] for entry in report["features"]]
    assert ivs == sorted(ivs, reverse=True)
    assert {entry["name"] for entry in report["features"]} == set(table.features)
    assert report["features"][0]["bins"]
    grades = report["score_by_grade"]
    assert [row["grade"] for row in grades] == ["A", "B", "C", "D", "E"]
    assert sum(row["count"] for row in grades) == table.rows
    assert sum(row["bads"] for row in grades) == table.bads
    assert "skipped" in report["psi"]
    text = validation.report_markdown(report)
    assert "AUC" in text and "校准到本行坏账率 2.00%" in text and "近 6 个月征信查询次数" in text
    assert "未校准" in validation.report_markdown(uncalibrated.report)


def test_psi_against_the_current_card(uncalibrated, calibrated, table):
    card = calibrated.scorecard
    points = card.score_batch(table.columns(card.variable_names), unknown="missing_bin")
    result = validation.psi_against(table, card, points, uncalibrated.scorecard)
    assert result["score"]["value"] == pytest.approx(0.0, abs=1e-12)  # the same population as its dev sample
    assert result["grades"]["value"] > 0  # calibrating to a lower bad rate moves applicants to better grades
    from creditdesk.scoring.expert.artefact import compile_to_artefact, load_shipped

    expert = Scorecard.from_artefact(compile_to_artefact(load_shipped()))
    skipped = validation.psi_against(table, card, points, expert)
    assert "skipped" in skipped and "不在训练数据中" in skipped["skipped"]


def test_german_credit_still_trains_through_the_path_to_the_shipped_card():
    from creditdesk.scoring.reference_data import GERMAN_CREDIT_TARGET, german_credit_path
    from creditdesk.scoring.training import load_config

    shipped = json.loads(SHIPPED_MODEL.read_text(encoding="utf-8"))["content"]
    model, metrics = bank.fit_and_validate(
        german_credit_path(),
        target=GERMAN_CREDIT_TARGET,
        config=load_config(SHIPPED_CONFIG),
        n_splits=2,
        n_repeats=1,
        created_at=shipped["created_at"],
    )
    content = model.artefact["content"]
    assert content["metrics"] == metrics
    # as test_scorecard's check of train(): every bin, WoE, point and grade exactly; the coefficients
    # within 1e-9 (BLAS builds sum in another order); the metrics are this run's (2×1 folds, for speed)
    assert _without(content) == _without(shipped)
    for ours, theirs in zip(content["variables"], shipped["variables"], strict=True):
        assert math.isclose(ours["coefficient"], theirs["coefficient"], rel_tol=1e-9, abs_tol=1e-12)


def _without(content):
    variables = [{k: v for k, v in item.items() if k != "coefficient"} for item in content["variables"]]
    return {**{k: v for k, v in content.items() if k != "metrics"}, "variables": variables}


def test_psi_against_the_expert_card_compares_grades(tmp_path):
    from creditdesk.scoring.expert.artefact import compile_to_artefact, load_shipped
    from creditdesk.scoring.tests.training_tables import with_more_features

    expert = Scorecard.from_artefact(compile_to_artefact(load_shipped()))
    table = read_table(write_csv(tmp_path / "wide.csv", with_more_features(synthetic_rows(n=800, seed=9))))
    assert set(expert.variable_names) <= set(table.features)
    config = bank.bank_config(table, name="wide", version="1")
    card = bank.train_bank_card(table, config=config, n_splits=2, n_repeats=1, against=expert, created_at="t")
    psi = card.report["psi"]
    assert psi["against"] == f"{expert.name} {expert.version}"
    assert "score" not in psi and "专家评分卡" in psi["score_note"]
    assert sum(psi["grades"]["expected_counts"]) == sum(psi["grades"]["actual_counts"]) == table.rows
    assert "等级分布 PSI" in validation.report_markdown(card.report)
