"""A card trained on the bank's own history (本行历史数据训练的评分卡), with its validation report.

The path (``creditdesk scoring train``): a training table (:mod:`.table`, imported all or nothing) →
:func:`fit_and_validate` — the German Credit path's own machinery, unchanged: repeated stratified
cross-validation with the binning fitted inside each fold (:func:`.evaluation.cross_validate`), then the
card fitted on every row (:func:`.model.train`); German Credit goes through this same function (the
benchmark ``bench_scorecard_cv`` and the tests), so its card is the one shipped → :func:`train_bank_card`
finishes the card for the bank and seals it again:

- the variables are the registry features present in the table, named by registry key (so the customer
  reasons of :mod:`creditdesk.scoring.adverse` apply), labelled with the registry's Chinese labels;
  categories are the registry's keys. Each numerical variable gets its designed ``range`` from the
  training minimum to just above the training maximum (``{"from": min, "below": max + 1}`` for a
  whole-number feature, the next float above ``max`` otherwise): a value the card never saw is scored in
  the nearest bin and flagged (``out_of_range``);
- ``features``: ``"registry"`` — every variable is a registry feature under its key (a form can pre-fill
  it from the customer record and tell adverse reasons in the customer's terms);
- ``target.definition``: what bad meant (``days_past_due``, ``within_months``, ``text``), by default 90
  days past due or more within 12 months of disbursement;
- ``training_data`` names the file (its SHA-256) and the first and last application dates;
- ``calibration`` (校准): ``null`` when no book bad rate was given — the card's probabilities are the
  training sample's, so pages show 评分 and 等级 only, never 违约概率 (RULES.md). Given the book's bad rate
  (``--book-bad-rate``) the card is calibrated by prior correction: every score's bad log-odds moves by
  one constant δ, chosen so that the mean PD over the training rows equals the book's bad rate (to
  1e-9). The closed-form prior correction ln(book odds / sample odds) is recorded next to it
  (``prior_correction_log_odds``); δ differs from it only because the mean of the PDs is not the PD of
  their mean. The shift is applied to the scaling's ``offset`` (offset + factor·δ): the points, the
  ranks, the reasons and the score reference are unchanged, only the points → PD map moves. The card
  states ``sample_bad_rate``, ``book_bad_rate``, ``shift_log_odds``, the offset before and after, the
  mean PD before and after, and ``calibrated_on`` (the date).

The validation report (:mod:`.validation`: AUC, KS and Gini with their CV spread, an out-of-time check,
IV and binning table per feature, the calibration, the score distribution by grade, PSI against the
current card) is returned with the card and written by the command as JSON and Markdown.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from creditdesk.scoring.errors import ScoringError
from creditdesk.scoring.features import feature
from creditdesk.scoring.scorer.artefact import seal
from creditdesk.scoring.scorer.card import Scorecard
from creditdesk.scoring.training.config import validate_config
from creditdesk.scoring.training.data import columns_of
from creditdesk.scoring.training.evaluation import cross_validate
from creditdesk.scoring.training.model import TrainedModel, train
from creditdesk.scoring.training.table import MIN_BADS, MIN_ROWS, OUTCOME, TrainingTable
from creditdesk.scoring.training.validation import validation_report

if TYPE_CHECKING:
    import pandas as pd

BANK_DEFAULTS: Final[dict[str, Any]] = {
    # the German Credit configuration's binning and regression (chosen there by repeated CV): bins of at
    # least 5 % of the rows, monotonic where the data says so, rare categories grouped
    "binning": {
        "max_n_prebins": 20,
        "min_prebin_size": 0.05,
        "min_bin_size": 0.05,
        "monotonic_trend": "auto",
        "cat_cutoff": 0.05,
    },
    "logistic_regression": {"C": 0.2, "class_weight": "balanced", "max_iter": 1000},
    "scaling": {"pdo": 20, "base_points": 600, "base_odds": 50, "rounding": True},
}
"""Training configuration of a bank card unless ``--config`` says otherwise (its variables, kinds and
labels always come from the table and the registry)."""

OUT_OF_TIME_SHARE: Final = 0.2


@dataclass(frozen=True)
class OutcomeDefinition:
    """What a bad loan is (坏样本定义): ``days_past_due`` or more within ``within_months`` of
    disbursement."""

    days_past_due: int = 90
    within_months: int = 12

    def __post_init__(self) -> None:
        if self.days_past_due < 1 or self.within_months < 1:
            raise ScoringError(
                "config_invalid",
                "坏样本定义的逾期天数和观察月数应为正整数。",
                {"field": "outcome_definition"},
            )

    @property
    def text(self) -> str:
        return f"放款后 {self.within_months} 个月内逾期 {self.days_past_due} 天及以上"

    def to_dict(self) -> dict[str, Any]:
        return {"days_past_due": self.days_past_due, "within_months": self.within_months, "text": self.text}


@dataclass(frozen=True)
class BankCard:
    """A trained bank card: the sealed artefact, the scorer built from it and its validation report."""

    artefact: dict[str, Any]
    scorecard: Scorecard
    report: dict[str, Any]
    model: TrainedModel


def bank_config(
    table: TrainingTable,
    *,
    name: str,
    version: str,
    title: str = "",
    base: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The validated training configuration of ``table``: :data:`BANK_DEFAULTS` overlaid by ``base``
    (section by section), with the variables, their kinds and labels from the registry."""
    raw: dict[str, Any] = copy.deepcopy(BANK_DEFAULTS)
    for key, value in (base or {}).items():
        if isinstance(value, Mapping) and isinstance(raw.get(key), dict):
            raw[key] = {**raw[key], **value}
        else:
            raw[key] = copy.deepcopy(value)
    features = [feature(key) for key in table.features]
    raw.update(
        {
            "name": name,
            "version": version,
            "title": title or raw.get("title") or f"{name} {version}",
            "target_event": 1,
            "variables": [item.key for item in features],
            "categorical": [item.key for item in features if item.kind == "categorical"] or None,
            "numerical": [item.key for item in features if item.kind == "numerical"] or None,
            "labels": {
                item.key: {
                    "label": item.label,
                    **(
                        {"categories": {c.value: c.label for c in item.categories}} if item.categories else {}
                    ),
                }
                for item in features
            },
            # the table's own floor (read_table refuses less), so a frame given directly is held to it too
            "min_rows": MIN_ROWS,
            "min_class_rows": MIN_BADS,
        }
    )
    return validate_config(raw)


def fit_and_validate(
    source: pd.DataFrame | str | Path,
    *,
    target: str,
    config: Mapping[str, Any],
    n_splits: int = 5,
    n_repeats: int = 5,
    random_state: int = 42,
    baselines: Sequence[str] = (),
    created_at: str | None = None,
) -> tuple[TrainedModel, dict[str, Any]]:
    """Repeated stratified CV of ``config`` on ``source`` (binning inside each fold), then the card
    trained on all of it with the CV report sealed in as its ``metrics``. German Credit and the bank's
    tables both go through here."""
    metrics = cross_validate(
        source,
        target=target,
        config=config,
        n_splits=n_splits,
        n_repeats=n_repeats,
        random_state=random_state,
        baselines=baselines,
    )
    return train(source, target=target, config=config, metrics=metrics, created_at=created_at), metrics


# --- calibration -----------------------------------------------------------------------------------------


def _log_odds(p: float) -> float:
    return math.log(p / (1.0 - p))


def calibration_shift(pd_: np.ndarray, target_rate: float) -> float:
    """The δ for which mean σ(logit(pd) + δ) = ``target_rate``: Newton's method on a bracket that always
    holds the root (the mean increases with δ)."""
    logits = np.log(pd_) - np.log1p(-pd_)

    def excess(shift: float) -> tuple[float, float]:
        p = np.exp(-np.logaddexp(0.0, -(logits + shift)))
        return float(p.mean()) - target_rate, float((p * (1.0 - p)).mean())

    low, high = -1.0, 1.0
    while excess(low)[0] > 0:
        low *= 2
    while excess(high)[0] < 0:
        high *= 2
    shift = _log_odds(target_rate) - _log_odds(float(pd_.mean()))
    shift = min(max(shift, low), high)
    for _ in range(200):
        value, slope = excess(shift)
        if abs(value) <= 1e-13:
            return shift
        if value > 0:
            high = shift
        else:
            low = shift
        step = shift - value / slope if slope > 0 else math.inf
        shift = step if low < step < high else (low + high) / 2
    return shift


def calibrate(
    content: dict[str, Any],
    points: np.ndarray,
    *,
    sample_bad_rate: float,
    book_bad_rate: float | None,
    calibrated_on: dt.date,
) -> None:
    """Set ``content["calibration"]`` (and move ``scaling.offset``) as the module docstring says."""
    if book_bad_rate is None:
        content["calibration"] = None
        return
    if not (isinstance(book_bad_rate, int | float) and 0.0 < book_bad_rate < 1.0):
        raise ScoringError(
            "book_bad_rate_invalid",
            "本行坏账率（--book-bad-rate）应为 0 与 1 之间的小数，如 0.02。",
            {"field": "book_bad_rate"},
        )
    scaling = content["scaling"]
    factor, offset = float(scaling["factor"]), float(scaling["offset"])
    before = np.exp(-np.logaddexp(0.0, (points - offset) / factor))
    shift = calibration_shift(before, book_bad_rate)
    after_offset = offset + factor * shift
    after = np.exp(-np.logaddexp(0.0, (points - after_offset) / factor))
    scaling["offset"] = after_offset
    content["calibration"] = {
        "method": "prior_correction",
        "sample_bad_rate": sample_bad_rate,
        "book_bad_rate": float(book_bad_rate),
        "shift_log_odds": shift,
        "prior_correction_log_odds": _log_odds(book_bad_rate) - _log_odds(sample_bad_rate),
        "offset_before": offset,
        "offset_after": after_offset,
        "mean_pd_before": float(before.mean()),
        "mean_pd_after": float(after.mean()),
        "calibrated_on": calibrated_on.isoformat(),
        "note": "各分数的坏账对数几率统一平移，使训练样本的平均违约概率等于本行坏账率；分数与排序不变。",
    }


# --- the bank card ---------------------------------------------------------------------------------------


def _design_ranges(content: dict[str, Any]) -> None:
    for variable in content["variables"]:
        if variable["kind"] != "numerical":
            continue
        bounds = variable["bounds"]
        low, high = float(bounds["min"]), float(bounds["max"])
        below = high + 1.0 if bounds["integer"] else math.nextafter(high, math.inf)
        variable["range"] = {"from": low, "below": below}


def train_bank_card(
    table: TrainingTable,
    *,
    config: Mapping[str, Any],
    outcome: OutcomeDefinition | None = None,
    book_bad_rate: float | None = None,
    n_splits: int = 5,
    n_repeats: int = 5,
    random_state: int = 42,
    against: Scorecard | None = None,
    created_at: str | None = None,
    calibrated_on: dt.date | None = None,
) -> BankCard:
    """Fit, validate, finish and seal a card on the bank's table (see the module docstring)."""
    outcome = outcome or OutcomeDefinition()
    model, metrics = fit_and_validate(
        table.frame,
        target=OUTCOME,
        config=config,
        n_splits=n_splits,
        n_repeats=n_repeats,
        random_state=random_state,
        created_at=created_at,
    )
    content = copy.deepcopy(dict(model.artefact["content"]))
    content["target"] = {"column": OUTCOME, "event": 1, "definition": outcome.to_dict()}
    content["training_data"].update(
        {
            "fingerprint": table.fingerprint,
            "source": table.source,
            "first_application_date": table.dates[0].isoformat(),
            "last_application_date": table.dates[-1].isoformat(),
        }
    )
    content["features"] = "registry"
    _design_ranges(content)
    points = model.scorecard.score_batch(columns_of(model.data.X), unknown="missing_bin")
    calibrate(
        content,
        points,
        sample_bad_rate=table.bad_rate,
        book_bad_rate=book_bad_rate,
        calibrated_on=calibrated_on or dt.datetime.now(dt.UTC).date(),
    )
    artefact = seal(content)
    card = Scorecard.from_artefact(artefact)
    report = validation_report(table, model, card, metrics, config=config, against=against)
    return BankCard(artefact=artefact, scorecard=card, report=report, model=model)
