"""One variable of a scorecard compiled for scoring: its bins, their points and labels.

Bin ids follow optbinning's table: 0..n−1 the regular bins, n the Special bin, n+1 the Missing bin;
``row_points[bin id]`` are their points. The best points of a variable are the most any regular bin
gives (the reference of reason codes).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from creditdesk.scoring.scorer.fields import invalid, mapping, number, sequence, text
from creditdesk.scoring.scorer.results import VariableSpec

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class Variable:
    """The parts common to numerical and categorical variables; see the module docstring."""

    kind: Literal["numerical", "categorical"]

    def __init__(self, data: Mapping[str, Any], where: str) -> None:
        self.data = data
        self.name = text(data.get("name"), f"{where}.name")
        self.label = text(data.get("label", self.name), f"{where}.label")
        bins = sequence(data.get("bins"), f"{where}.bins")
        if not bins:
            raise invalid(f"变量 {self.name} 没有分箱", field=self.name)
        self.bins = [mapping(item, f"{where}.bins[{i}]") for i, item in enumerate(bins)]
        self.special = mapping(data.get("special"), f"{where}.special")
        self.missing = mapping(data.get("missing"), f"{where}.missing")
        rows = [*self.bins, self.special, self.missing]
        self.row_points: list[float] = [
            number(row.get("points"), f"{where}.bins[{i}].points") for i, row in enumerate(rows)
        ]
        # the Special and Missing rows may name themselves (an expert card's "不适用或未提供"); a trained
        # card's are always 特殊值 and 缺失
        self.bin_labels: list[str] = [str(row.get("label") or row.get("bin") or "") for row in self.bins] + [
            str(self.special.get("label") or "特殊值"),
            str(self.missing.get("label") or "缺失"),
        ]
        self.n_bins = len(self.bins)
        self.special_id = self.n_bins
        self.missing_id = self.n_bins + 1
        self.best_points = max(self.row_points[: self.n_bins])
        self.special_points = self.row_points[self.special_id]
        self.missing_points = self.row_points[self.missing_id]

    def spec(self) -> VariableSpec:
        raise NotImplementedError

    def points(self, column: Any, unknown: str) -> FloatArray:
        """Points of each row of a batch column (see :meth:`Scorecard.score_batch`)."""
        raise NotImplementedError

    def bin_ids(self, column: Any) -> IntArray:
        """Bin id of each row of a batch column (an unknown category: the Missing bin)."""
        raise NotImplementedError

    def training_counts(self) -> FloatArray:
        """The training count of each bin id (regular bins, Special, Missing)."""
        entries = [*self.bins, self.special, self.missing]
        return np.array([float(entry.get("count") or 0) for entry in entries])
