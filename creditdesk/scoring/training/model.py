"""Training a scorecard on all the data (训练): the sealed artefact, ready to score.

Rule: :func:`train` is deterministic — the same data and configuration give the same artefact except
``created_at``. The artefact records the training scores' deciles (the expected side of a score PSI).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from creditdesk.scoring.psi import quantile_edges
from creditdesk.scoring.scorer.artefact import dump_artefact, seal
from creditdesk.scoring.scorer.card import Scorecard
from creditdesk.scoring.training.config import validate_config
from creditdesk.scoring.training.content import build_content, compile_scorecard
from creditdesk.scoring.training.data import TrainingData, columns_of, prepare
from creditdesk.scoring.training.fitting import fit_pipeline

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class TrainedModel:
    """A trained scorecard: the sealed artefact, our scorer built from it, the fitted optbinning
    scorecard (for comparison) and the validated training data."""

    artefact: dict[str, Any]
    scorecard: Scorecard
    estimator: Any
    data: TrainingData

    @property
    def table(self) -> list[dict[str, Any]]:
        """The scorecard table: variable, bin label, WoE, points, count, event rate."""
        return self.scorecard.table()

    def to_json(self) -> str:
        return dump_artefact(self.artefact)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def train(
    frame_or_csv_path: pd.DataFrame | str | Path,
    *,
    target: str,
    config: Mapping[str, Any],
    metrics: Mapping[str, Any] | None = None,
    created_at: str | None = None,
) -> TrainedModel:
    """Train a scorecard on all the data (the rules are in the module docstring). ``metrics`` (e.g. a
    cross-validation report) are sealed into the artefact; ``created_at`` defaults to now (UTC)."""
    config = validate_config(config)
    data = prepare(frame_or_csv_path, target=target, config=config)
    fitted = fit_pipeline(data.X, data.y, config, data.kinds)
    content = build_content(fitted, data, config, created_at=created_at or _now(), metrics=metrics)
    provisional = compile_scorecard(content)
    points = provisional.score_batch(columns_of(data.X), unknown="missing_bin")
    edges = quantile_edges(points, bins=10)
    counts = np.bincount(np.searchsorted(edges, points, side="right"), minlength=len(edges) + 1)
    content["score_reference"] = {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}
    artefact = seal(content)
    return TrainedModel(
        artefact=artefact, scorecard=Scorecard.from_artefact(artefact), estimator=fitted, data=data
    )
