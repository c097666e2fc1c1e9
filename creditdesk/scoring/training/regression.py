"""The scorecard's logistic regression (逻辑回归) on the WoE of the bins.

Rules:

- scikit-learn's ``LogisticRegression`` with L2 strength ``C`` (the intercept is not penalised) and
  ``max_iter`` from the configuration's ``logistic_regression``.
- ``class_weight: "balanced"`` weighs each class inversely to its frequency in the rows being fitted
  (bad and good count as much in total) — for the slopes only. Weighting moves the intercept as if the
  bad rate were 50 %, which would overstate every probability of default, shift every score down and
  push applicants into worse grades. So the intercept is then refitted without weights, the slopes held:
  it is the one for which the mean PD over the rows being fitted equals their bad rate (the condition an
  unweighted fit meets), and PD stays calibrated to the population the model was trained on.

Imported by :func:`creditdesk.scoring.training.fitting.fit_pipeline` only when fitting (it loads
scikit-learn).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression


class BalancedSlopesLogisticRegression(LogisticRegression):
    """Slopes fitted with balanced class weights, intercept refitted unweighted (module docstring)."""

    intercept_: np.ndarray  # set by LogisticRegression.fit (typed for mypy, which cannot see it)

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> BalancedSlopesLogisticRegression:
        super().fit(X, y, sample_weight=sample_weight)
        z = np.asarray(X, dtype=np.float64) @ self.coef_.ravel()
        target = np.asarray(y, dtype=np.float64)
        weights = np.ones_like(z) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        self.intercept_ = np.array([_calibrated_intercept(z, target, weights, float(self.intercept_[0]))])
        return self


def _calibrated_intercept(z: np.ndarray, y: np.ndarray, weights: np.ndarray, start: float) -> float:
    """The intercept b with Σ w·σ(b + z) = Σ w·y (expected bads = observed bads): Newton's method from
    ``start``, kept inside a bracket that always holds the root (the left side increases with b)."""
    bads = float(weights @ y)

    def excess(intercept: float) -> tuple[float, float]:
        p = np.exp(-np.logaddexp(0.0, -(intercept + z)))  # σ without overflow
        return float(weights @ p) - bads, float(weights @ (p * (1.0 - p)))

    low, high = start - 1.0, start + 1.0
    while excess(low)[0] > 0:
        low -= 2 * (high - low)
    while excess(high)[0] < 0:
        high += 2 * (high - low)
    intercept = start
    for _ in range(200):
        value, slope = excess(intercept)
        if value == 0:
            return intercept
        if value > 0:
            high = intercept
        else:
            low = intercept
        step = intercept - value / slope if slope > 0 else math.inf
        following = step if low < step < high else (low + high) / 2
        if abs(following - intercept) <= 1e-15 * max(1.0, abs(intercept)):
            return following
        intercept = following
    return intercept


def logistic_regression(settings: Mapping[str, Any]) -> LogisticRegression:
    """The estimator of the configuration's ``logistic_regression`` section."""
    if settings["class_weight"] == "balanced":
        return BalancedSlopesLogisticRegression(
            C=settings["C"], class_weight="balanced", max_iter=settings["max_iter"]
        )
    return LogisticRegression(C=settings["C"], max_iter=settings["max_iter"])
