"""Evaluation of a scorecard configuration (模型评估) by repeated stratified cross-validation.

Rules:

- Folds: scikit-learn's ``RepeatedStratifiedKFold(n_splits, n_repeats, random_state)`` over the
  validated data (same validation as training). Everything is fitted on the training part of a fold
  only — binning, logistic regression, scaling (``fit_pipeline``) — and the test part is scored
  by our numpy scorer from the fold's artefact; a category the fold's training part never saw scores the
  Missing bin (optbinning's treatment) and is counted in ``unknown_categories``.
- Per fold: AUC (ranking bad above good by PD), KS = max(TPR − FPR) over thresholds, Gini = 2·AUC − 1.
  Reported as mean and sample standard deviation (ddof = 1) over all folds, with every fold's value.
- Pooled out-of-fold (every test prediction of every repeat): the calibration table by deciles of PD
  (count, mean PD, observed bad rate, score range) and the score distribution by class (histogram counts
  of good and bad on shared edges) for the report's charts.
- Baselines, in the same folds when asked (``baselines``): ``optbinning_default`` — optbinning's
  ``BinningProcess(variable_names)`` with its defaults (only the categorical columns named, as its
  dtype inference would) + ``LogisticRegression()`` + ``Scorecard`` defaults; ``onehot_lr`` —
  one-hot categoricals, standardised numericals, ``LogisticRegression(max_iter=1000)``;
  ``random_forest`` — one-hot + ``RandomForestClassifier(n_estimators=500)`` (a non-scorecard
  reference). In the baselines a missing category becomes the category "(missing)" and a missing
  number the training fold's median.

The report is a JSON-able dict (see :func:`cross_validate`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from creditdesk.scoring.errors import ScoringError
from creditdesk.scoring.training.config import validate_config
from creditdesk.scoring.training.content import build_content, compile_scorecard
from creditdesk.scoring.training.data import TrainingData, columns_of, prepare
from creditdesk.scoring.training.fitting import fit_pipeline

if TYPE_CHECKING:
    import pandas as pd

MISSING_CATEGORY = "(missing)"

LABELS = {
    "pipeline": "本模型（评分卡）",
    "optbinning_default": "optbinning 默认评分卡",
    "onehot_lr": "独热编码逻辑回归",
    "random_forest": "随机森林（参考）",
}


def _optbinning_default(data: TrainingData, random_state: int) -> Any:
    from optbinning import BinningProcess, Scorecard
    from sklearn.linear_model import LogisticRegression

    names = data.variables
    categorical = [name for name in names if data.kinds[name] == "categorical"]
    return Scorecard(BinningProcess(names, categorical_variables=categorical), LogisticRegression())


def _encoder(data: TrainingData, scale: bool) -> Any:
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    categorical = [name for name in data.variables if data.kinds[name] == "categorical"]
    numerical = [name for name in data.variables if data.kinds[name] == "numerical"]
    numeric_steps: list[Any] = [SimpleImputer(strategy="median")]
    if scale:
        numeric_steps.append(StandardScaler())
    return ColumnTransformer(
        [
            ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical),
            ("numerical", make_pipeline(*numeric_steps), numerical),
        ]
    )


def _onehot_lr(data: TrainingData, random_state: int) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(_encoder(data, scale=True), LogisticRegression(max_iter=1000))


def _random_forest(data: TrainingData, random_state: int) -> Any:
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.pipeline import make_pipeline

    forest = RandomForestClassifier(n_estimators=500, random_state=random_state, n_jobs=-1)
    return make_pipeline(_encoder(data, scale=False), forest)


BASELINES: dict[str, Callable[[TrainingData, int], Any]] = {
    "optbinning_default": _optbinning_default,
    "onehot_lr": _onehot_lr,
    "random_forest": _random_forest,
}


def fold_metrics(y: np.ndarray, risk: np.ndarray) -> dict[str, float]:
    """AUC, KS and Gini of a risk score (higher = more likely bad) against y (1 = bad)."""
    from sklearn.metrics import roc_auc_score, roc_curve

    auc = float(roc_auc_score(y, risk))
    fpr, tpr, _ = roc_curve(y, risk)
    return {"auc": auc, "ks": float(np.max(tpr - fpr)), "gini": 2.0 * auc - 1.0}


def _summary(values: Sequence[float]) -> dict[str, Any]:
    array = np.asarray(values, dtype=np.float64)
    std = float(array.std(ddof=1)) if array.size > 1 else 0.0
    return {"mean": float(array.mean()), "std": std, "folds": [float(v) for v in array]}


def calibration_table(
    y: np.ndarray, pd: np.ndarray, points: np.ndarray, *, groups: int = 10
) -> list[dict[str, Any]]:
    """Rows sorted by PD, cut into ``groups`` groups of (nearly) equal size: count, mean PD, observed
    bad rate, bads, score range — does the PD mean what it says?"""
    order = np.argsort(pd, kind="stable")
    table = []
    for index, part in enumerate(np.array_split(order, groups), start=1):
        if part.size == 0:
            continue
        table.append(
            {
                "group": index,
                "count": int(part.size),
                "mean_pd": float(pd[part].mean()),
                "bad_rate": float(y[part].mean()),
                "bads": int(y[part].sum()),
                "min_points": float(points[part].min()),
                "max_points": float(points[part].max()),
            }
        )
    return table


def score_distribution(y: np.ndarray, points: np.ndarray, *, width: float = 10.0) -> dict[str, Any]:
    """Histogram of points by class on shared edges ``width`` points apart (multiples of ``width``)."""
    low = float(np.floor(points.min() / width) * width)
    high = float(np.ceil((points.max() + 1e-9) / width) * width)
    edges = np.arange(low, high + width / 2, width)
    if edges.size < 2:
        edges = np.array([low, low + width])
    good, _ = np.histogram(points[y == 0], bins=edges)
    bad, _ = np.histogram(points[y == 1], bins=edges)
    return {"edges": [float(e) for e in edges], "good": [int(c) for c in good], "bad": [int(c) for c in bad]}


def _baseline_frame(data: TrainingData) -> pd.DataFrame:
    """The prepared frame with missing categories as a constant category (a fold-independent fill)."""
    frame = data.X.copy()
    for name in data.variables:
        if data.kinds[name] == "categorical":
            column = frame[name].to_numpy(dtype=object)
            is_missing = np.fromiter((value is None for value in column), dtype=bool, count=len(column))
            frame[name] = np.where(is_missing, MISSING_CATEGORY, column)
    return frame


def cross_validate(
    frame: pd.DataFrame | str | Path,
    *,
    target: str,
    config: Mapping[str, Any],
    n_splits: int = 5,
    n_repeats: int = 5,
    random_state: int = 42,
    baselines: Sequence[str] = (),
) -> dict[str, Any]:
    """Repeated stratified cross-validation of the configuration (and the named ``baselines`` in the
    same folds). Returns::

        {"scheme": {"method", "n_splits", "n_repeats", "random_state", "folds", "rows", "events"},
         "models": {"pipeline": {"label", "auc": {"mean", "std", "folds"}, "ks": {...}, "gini": {...}},
                    <baseline>: {...}},
         "unknown_categories": <test values scored with the Missing bin because their fold never saw them>,
         "calibration": [{"group", "count", "mean_pd", "bad_rate", "bads", "min_points", "max_points"}],
         "score_distribution": {"edges", "good", "bad"}}
    """
    from sklearn.model_selection import RepeatedStratifiedKFold

    for name in baselines:
        if name not in BASELINES:
            raise ScoringError(
                "config_invalid",
                f"不认识的对照模型「{name}」：可选 {'、'.join(BASELINES)}。",
                {"field": "baselines"},
            )
    if n_splits < 2 or n_repeats < 1:
        raise ScoringError("config_invalid", "交叉验证至少 2 折、重复 1 次。", {"field": "n_splits"})
    config = validate_config(config)
    data = prepare(frame, target=target, config=config)
    if int(min(data.y.sum(), len(data.y) - data.y.sum())) < n_splits:
        raise ScoringError("too_few_rows", f"每类样本数少于折数 {n_splits}。", {"field": "n_splits"})
    splitter = RepeatedStratifiedKFold(n_splits=n_splits, n_repeats=n_repeats, random_state=random_state)
    folds = list(splitter.split(np.zeros(len(data.y)), data.y))
    scores: dict[str, list[dict[str, float]]] = {"pipeline": [], **{name: [] for name in baselines}}
    baseline_frame = _baseline_frame(data)
    pooled_y, pooled_pd, pooled_points = [], [], []
    unknown = 0
    for train_index, test_index in folds:
        X_train, X_test = data.X.iloc[train_index], data.X.iloc[test_index]
        y_train, y_test = data.y[train_index], data.y[test_index]
        fitted = fit_pipeline(X_train, y_train, config, data.kinds)
        fold_data = TrainingData(
            X=X_train,
            y=y_train,
            kinds=data.kinds,
            target=data.target,
            event=data.event,
            fingerprint=data.fingerprint,
            source=data.source,
        )
        card = compile_scorecard(build_content(fitted, fold_data, config, created_at=""))
        columns = columns_of(X_test)
        for spec in card.variables:
            if spec.kind == "categorical":
                unknown += int((card.encode(spec.name, columns[spec.name]) == -2).sum())
        points = card.score_batch(columns, unknown="missing_bin")
        pd_ = card.probabilities_of_default(points)
        scores["pipeline"].append(fold_metrics(y_test, pd_))
        pooled_y.append(y_test)
        pooled_pd.append(pd_)
        pooled_points.append(points)
        for name in baselines:
            model = BASELINES[name](data, random_state)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(baseline_frame.iloc[train_index], y_train)
                risk = model.predict_proba(baseline_frame.iloc[test_index])[:, 1]
            scores[name].append(fold_metrics(y_test, risk))
    y_all = np.concatenate(pooled_y)
    pd_all = np.concatenate(pooled_pd)
    points_all = np.concatenate(pooled_points)
    return {
        "scheme": {
            "method": "repeated_stratified_kfold",
            "n_splits": n_splits,
            "n_repeats": n_repeats,
            "random_state": random_state,
            "folds": len(folds),
            "rows": len(data.y),
            "events": int(data.y.sum()),
        },
        "models": {
            name: {
                "label": LABELS[name],
                **{metric: _summary([fold[metric] for fold in results]) for metric in ("auc", "ks", "gini")},
            }
            for name, results in scores.items()
        },
        "unknown_categories": unknown,
        "calibration": calibration_table(y_all, pd_all, points_all),
        "score_distribution": score_distribution(y_all, points_all),
    }
