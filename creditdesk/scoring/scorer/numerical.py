"""A numerical variable compiled for scoring: bins by their edges.

Rules (as optbinning's ``Scorecard.score``): bins are right-open — with edges s1 < … < sk, bin 0 is
x < s1, bin i is s_i ≤ x < s_(i+1), the last bin is x ≥ sk (optbinning's ``np.digitize(x, splits,
right=False)``, here the number of splits ≤ x, counted by one vectorised comparison per split — or
``searchsorted(side="right")`` beyond ``_COMPARED_SPLITS`` splits — which is the same). A value listed in
``special_codes`` scores the Special bin; NaN scores the Missing bin. Text, booleans and infinities are
refused in a batch (``not_numeric`` / ``not_finite``, naming the first bad row).

A variable may state the range its bins were designed for, ``"range": {"from": a, "below": b}`` (either
end optional; a value is inside when a ≤ x < b, the same right-open rule as the bins). A value outside
still scores the bin it falls in — the first or the last, the nearest — and a single applicant's score
reports it (``out_of_range``, :mod:`.applicant`). Without ``range`` nothing is reported (the trained
German Credit card has none).
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from creditdesk.scoring.errors import ScoringError
from creditdesk.scoring.scorer.fields import invalid, mapping, number, sequence
from creditdesk.scoring.scorer.results import VariableSpec
from creditdesk.scoring.scorer.values import format_number, interval_label
from creditdesk.scoring.scorer.variable import FloatArray, IntArray, Variable

_COMPARED_SPLITS = 16
"""Up to this many splits a column is binned by comparisons with each split, beyond by binary search."""


class NumericalVariable(Variable):
    kind: Literal["numerical", "categorical"] = "numerical"

    def __init__(self, data: Mapping[str, Any], where: str) -> None:
        super().__init__(data, where)
        splits = [number(v, f"{where}.splits") for v in sequence(data.get("splits"), f"{where}.splits")]
        if any(b <= a for a, b in itertools.pairwise(splits)):
            raise invalid(f"变量 {self.name} 的分箱边界应严格递增", field=self.name)
        if len(splits) + 1 != self.n_bins:
            raise invalid(f"变量 {self.name} 的分箱数与边界数不符", field=self.name)
        self.splits = splits
        codes = sequence(data.get("special_codes", []), f"{where}.special_codes")
        self.special_codes = tuple(number(v, f"{where}.special_codes") for v in codes)
        self._special_array = np.array(self.special_codes, dtype=np.float64)
        bounds = mapping(data.get("bounds", {}), f"{where}.bounds")
        self.minimum = number(bounds["min"], f"{where}.bounds.min") if "min" in bounds else None
        self.maximum = number(bounds["max"], f"{where}.bounds.max") if "max" in bounds else None
        self.integer = bool(bounds.get("integer", False))
        designed = mapping(data.get("range", {}), f"{where}.range")
        self.range_from = number(designed["from"], f"{where}.range.from") if "from" in designed else None
        self.range_below = number(designed["below"], f"{where}.range.below") if "below" in designed else None
        if (
            self.range_from is not None
            and self.range_below is not None
            and self.range_below <= self.range_from
        ):
            raise invalid(f"变量 {self.name} 的设计范围下限应小于上限", field=self.name)
        # searchsorted(side="right") on [splits..., NaN]: a number lands in its right-open bin (+inf in
        # the last one), NaN sorts after everything and lands one past the regular bins, where the
        # lookup table holds the Missing bin's points.
        self._edges = np.array([*splits, np.nan], dtype=np.float64)
        self._lut = np.array([*self.row_points[: self.n_bins], self.missing_points], dtype=np.float64)

    def spec(self) -> VariableSpec:
        return VariableSpec(
            name=self.name,
            label=self.label,
            kind="numerical",
            minimum=self.minimum,
            maximum=self.maximum,
            integer=self.integer,
            special_codes=self.special_codes,
        )

    def locate(self, x: float) -> int:
        """The bin id of one number."""
        if math.isnan(x):
            return self.missing_id
        if x in self.special_codes:
            return self.special_id
        return bisect.bisect_right(self.splits, x)

    def outside_range(self, x: float) -> bool:
        """Whether ``x`` lies outside the range the bins were designed for (never, without one)."""
        return (self.range_from is not None and x < self.range_from) or (
            self.range_below is not None and x >= self.range_below
        )

    def range_label(self) -> str:
        return interval_label(self.range_from, self.range_below)

    def value_label(self, x: float) -> str:
        return format_number(x)

    def column(self, column: Any) -> FloatArray:
        """The column as float64; refuses text, booleans and infinities (``not_numeric``/``not_finite``)."""
        array = np.asarray(column)
        if array.ndim != 1:
            raise ScoringError("invalid_value", f"「{self.label}」应为一维数组。", {"field": self.name})
        kind = array.dtype.kind
        if kind == "f":
            values = array.astype(np.float64, copy=False)
        elif kind in "iu":
            values = array.astype(np.float64)
        elif kind == "O":
            values = _object_to_float(array, self)
        else:
            raise ScoringError(
                "not_numeric",
                f"「{self.label}」应为数值，收到的是{'文本' if kind in 'US' else '非数值'}列。",
                {"field": self.name},
            )
        infinite = np.isinf(values)
        if infinite.any():
            row = int(np.argmax(infinite)) + 1
            raise ScoringError(
                "not_finite", f"「{self.label}」第 {row} 行不是有限的数值。", {"field": self.name, "row": row}
            )
        return values

    def _positions(self, values: FloatArray) -> npt.NDArray[np.uint8] | npt.NDArray[np.intp]:
        """Each value's regular bin (0 … n−1), n for NaN; special codes are not looked at here."""
        if len(self.splits) > _COMPARED_SPLITS:
            positions: npt.NDArray[np.intp] = np.searchsorted(self._edges, values, side="right")
            return positions
        # bin = how many splits are ≤ x = k − how many are > x (k splits); a few vectorised comparisons
        # beat a binary search per value. NaN is below no split (k) and adds one for being NaN: n.
        bins = np.full(values.shape[0], len(self.splits), dtype=np.uint8)
        below = np.empty(values.shape[0], dtype=np.bool_)
        for split in self.splits:
            np.less(values, split, out=below)
            bins -= below.view(np.uint8)
        bins += np.isnan(values).view(np.uint8)
        return bins

    def points(self, column: Any, unknown: str) -> FloatArray:
        values = self.column(column)
        result: FloatArray = self._lut[self._positions(values)]
        if self.special_codes:
            result[np.isin(values, self._special_array)] = self.special_points
        return result

    def bin_ids(self, column: Any) -> IntArray:
        values = self.column(column)
        ids = self._positions(values).astype(np.int64)
        ids[ids == self.n_bins] = self.missing_id
        if self.special_codes:
            ids[np.isin(values, self._special_array)] = self.special_id
        return ids


def _object_to_float(array: npt.NDArray[Any], variable: NumericalVariable) -> FloatArray:
    """An object column (a Python list of numbers and None) to float64, row by row: the slow path."""
    values = np.empty(array.shape[0], dtype=np.float64)
    for row, item in enumerate(array.tolist()):
        if item is None:
            values[row] = np.nan
        elif isinstance(item, bool) or not isinstance(item, int | float | Decimal):
            raise ScoringError(
                "not_numeric",
                f"「{variable.label}」第 {row + 1} 行应为数值，收到「{item}」。",
                {"field": variable.name, "row": row + 1},
            )
        else:
            values[row] = float(item)
    return values
