"""Cross-validation: metrics by hand, the report's shape, and binning that never sees a test row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import RepeatedStratifiedKFold

from creditdesk.scoring.errors import ScoringError
from creditdesk.scoring.reference_data import GERMAN_CREDIT_TARGET, german_credit_path
from creditdesk.scoring.training.evaluation import (
    calibration_table,
    cross_validate,
    fold_metrics,
    score_distribution,
)

from .conftest import SHIPPED_CONFIG


def test_fold_metrics_by_hand():
    # pairs (bad, good): (0.35 > 0.1) (0.35 < 0.4) (0.8 > 0.1) (0.8 > 0.4) → AUC 3/4;
    # at threshold 0.8: TPR 1/2, FPR 0; at 0.35: TPR 1, FPR 1/2 → KS 1/2
    metrics = fold_metrics(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    assert metrics == {"auc": 0.75, "ks": 0.5, "gini": 0.5}


def test_calibration_and_distribution_tables():
    y = np.array([0, 0, 0, 1, 0, 1, 1, 1])
    pd_ = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])
    points = np.array([600.0, 590, 580, 570, 560, 550, 540, 531])
    table = calibration_table(y, pd_, points, groups=2)
    assert table == [
        {
            "group": 1,
            "count": 4,
            "mean_pd": 0.25,
            "bad_rate": 0.25,
            "bads": 1,
            "min_points": 570.0,
            "max_points": 600.0,
        },
        {
            "group": 2,
            "count": 4,
            "mean_pd": 0.65,
            "bad_rate": 0.75,
            "bads": 3,
            "min_points": 531.0,
            "max_points": 560.0,
        },
    ]
    histogram = score_distribution(y, points, width=20)
    assert histogram == {
        "edges": [520.0, 540.0, 560.0, 580.0, 600.0, 620.0],
        "good": [0, 0, 1, 2, 1],
        "bad": [1, 2, 1, 0, 0],
    }


@pytest.fixture(scope="module")
def config():
    from creditdesk.scoring.training import load_config

    return load_config(SHIPPED_CONFIG)


def test_binning_is_fitted_inside_each_fold(config, monkeypatch):
    from optbinning import BinningProcess

    seen: list[set[int]] = []
    original = BinningProcess.fit_transform

    def spy(self, X, *args, **kwargs):
        seen.append(set(X.index.tolist()))
        return original(self, X, *args, **kwargs)

    monkeypatch.setattr(BinningProcess, "fit_transform", spy)
    frame = pd.read_csv(german_credit_path())
    cross_validate(frame, target=GERMAN_CREDIT_TARGET, config=config, n_splits=2, n_repeats=1, random_state=7)
    folds = list(
        RepeatedStratifiedKFold(n_splits=2, n_repeats=1, random_state=7).split(
            frame, frame[GERMAN_CREDIT_TARGET]
        )
    )
    assert len(seen) == len(folds) == 2
    for rows, (train_index, test_index) in zip(seen, folds, strict=True):
        assert rows == set(train_index.tolist())
        assert rows.isdisjoint(test_index.tolist())


def test_a_small_cross_validation_report(config):
    report = cross_validate(
        german_credit_path(),
        target=GERMAN_CREDIT_TARGET,
        config=config,
        n_splits=2,
        n_repeats=1,
        baselines=("onehot_lr",),
    )
    assert report["scheme"] == {
        "method": "repeated_stratified_kfold",
        "n_splits": 2,
        "n_repeats": 1,
        "random_state": 42,
        "folds": 2,
        "rows": 1000,
        "events": 300,
    }
    assert set(report["models"]) == {"pipeline", "onehot_lr"}
    pipeline = report["models"]["pipeline"]
    assert pipeline["label"] == "本模型（评分卡）"
    assert len(pipeline["auc"]["folds"]) == 2
    assert pipeline["auc"]["mean"] == pytest.approx(np.mean(pipeline["auc"]["folds"]))
    assert pipeline["auc"]["std"] == pytest.approx(np.std(pipeline["auc"]["folds"], ddof=1))
    assert pipeline["gini"]["mean"] == pytest.approx(2 * pipeline["auc"]["mean"] - 1)
    assert 0.7 < pipeline["auc"]["mean"] < 0.85  # German Credit scorecards sit near 0.79
    assert sum(row["count"] for row in report["calibration"]) == 1000
    assert sum(row["bads"] for row in report["calibration"]) == 300
    assert sum(report["score_distribution"]["good"]) == 700
    assert sum(report["score_distribution"]["bad"]) == 300
    # the riskiest tenth by PD has a far higher bad rate than the safest
    assert report["calibration"][-1]["bad_rate"] > 3 * report["calibration"][0]["bad_rate"]


def test_shipped_metrics_are_the_five_by_five_report(shipped):
    metrics = shipped.metrics
    assert metrics["scheme"]["n_splits"] == 5
    assert metrics["scheme"]["n_repeats"] == 5
    assert metrics["scheme"]["random_state"] == 42
    assert set(metrics["models"]) == {"pipeline", "optbinning_default", "onehot_lr", "random_forest"}
    assert len(metrics["models"]["pipeline"]["auc"]["folds"]) == 25


def test_unknown_baseline_and_too_few_folds(config):
    with pytest.raises(ScoringError) as caught:
        cross_validate(
            german_credit_path(), target=GERMAN_CREDIT_TARGET, config=config, baselines=("xgboost",)
        )
    assert (caught.value.code, caught.value.extra) == ("config_invalid", {"field": "baselines"})
    with pytest.raises(ScoringError) as caught:
        cross_validate(german_credit_path(), target=GERMAN_CREDIT_TARGET, config=config, n_splits=1)
    assert caught.value.code == "config_invalid"


def test_rare_categories_and_class_weights_are_decided_inside_each_fold(config, monkeypatch):
    """``cat_cutoff``'s "others" bins and the balanced regression come from the training fold alone."""
    import math

    from creditdesk.scoring.training import evaluation

    config = {
        **config,
        "binning": {**config["binning"], "cat_cutoff": 0.05},
        "logistic_regression": {**config["logistic_regression"], "class_weight": "balanced"},
    }
    fits = []
    original = evaluation.fit_pipeline

    def spy(X, y, config, kinds):
        fitted = original(X, y, config, kinds)
        fits.append((X, y, fitted))
        return fitted

    monkeypatch.setattr(evaluation, "fit_pipeline", spy)
    frame = pd.read_csv(german_credit_path())
    cross_validate(frame, target=GERMAN_CREDIT_TARGET, config=config, n_splits=2, n_repeats=1, random_state=7)
    assert len(fits) == 2
    differs_from_all_rows = False
    for X, y, fitted in fits:
        assert len(X) == 500
        # the intercept makes the mean PD on this fold's training rows their bad rate
        woe = fitted.binning_process_.transform(X)
        assert fitted.estimator_.predict_proba(woe)[:, 1].mean() == pytest.approx(y.mean(), abs=1e-9)
        for name in config["categorical"]:
            counts = X[name].value_counts()
            rare = set(counts[counts < math.ceil(0.05 * len(X))].index)
            others = fitted.binning_process_.get_binned_variable(name).binning_table.cat_others
            assert set([] if others is None else others) == rare, name
            everyone = frame[name].value_counts()
            differs_from_all_rows |= rare != set(everyone[everyone < math.ceil(0.05 * len(frame))].index)
    assert differs_from_all_rows  # decided on all 1,000 rows, some "others" bin would not be these
