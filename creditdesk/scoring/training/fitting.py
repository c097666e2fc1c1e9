"""Fitting the scorecard (拟合): optbinning's binning and scikit-learn's logistic regression.

Rules: everything selected from data — bins, WoE, the variables kept, the coefficients — is fitted on
the rows given and nothing else; cross-validation calls :func:`fit_pipeline` on each training fold, so
no test row is ever seen. Missing and special values get WoE 0 (optbinning's default), so their bins
score the neutral points of the variable.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from creditdesk.scoring.errors import ScoringError

if TYPE_CHECKING:
    import pandas as pd


def fit_pipeline(X: pd.DataFrame, y: np.ndarray, config: Mapping[str, Any], kinds: Mapping[str, str]) -> Any:
    """Fit optbinning's binning and scorecard on (X, y) only; returns the fitted ``optbinning.Scorecard``.
    Cross-validation calls this on each training fold, so the binning never sees a test row."""
    from optbinning import BinningProcess
    from optbinning import Scorecard as OptbinningScorecard

    from creditdesk.scoring.training.regression import logistic_regression

    names = list(X.columns)
    fit_params = {
        name: {**config["binning"], **config["binning_by_variable"].get(name, {})} for name in names
    }
    selection = config["selection"]
    criteria: dict[str, Any] = {}
    if selection["iv_min"] is not None:
        criteria["min"] = selection["iv_min"]
    if selection["iv_max"] is not None:
        criteria["max"] = selection["iv_max"]
    if selection["top"] is not None:
        criteria.update({"strategy": "highest", "top": selection["top"]})
    process = BinningProcess(
        names,
        categorical_variables=[name for name in names if kinds[name] == "categorical"],
        binning_fit_params={name: params for name, params in fit_params.items() if params} or None,
        selection_criteria={"iv": criteria} if criteria else None,
    )
    estimator = logistic_regression(config["logistic_regression"])
    scaling = config["scaling"]
    scorecard = OptbinningScorecard(
        binning_process=process,
        estimator=estimator,
        scaling_method="pdo_odds",
        scaling_method_params={
            "pdo": scaling["pdo"],
            "odds": scaling["base_odds"],
            "scorecard_points": scaling["base_points"],
        },
        rounding=scaling["rounding"],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            scorecard.fit(X, y)
        except ValueError:
            process = scorecard.binning_process_
            if process is not None and not process.get_support().any():
                raise ScoringError(
                    "no_variables", "按配置的筛选条件，没有变量入选评分卡。", {"field": "selection"}
                ) from None
            raise
    return scorecard
