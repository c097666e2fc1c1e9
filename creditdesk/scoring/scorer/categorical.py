"""A categorical variable compiled for scoring: categories mapped to their bins.

Rules: a category scores the points of the bin that holds it. A category the model has never seen gets
the Missing bin's points — what optbinning does (its transform gives an unseen category the index −1,
the last row of the variable's table, which is Missing); a missing value (None, NaN, "") too. In a batch
a column is text (numpy ``U``; or object, converted row by row with
:func:`~creditdesk.scoring.scorer.values.category_text`) or integer category codes from
:meth:`CategoricalVariable.encode` (index into ``categories``; −1 missing, −2 unknown).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np

from creditdesk.scoring.errors import ScoringError
from creditdesk.scoring.scorer.fields import invalid, mapping, sequence
from creditdesk.scoring.scorer.results import CategoryOption, VariableSpec
from creditdesk.scoring.scorer.text_codes import UNKNOWN_CODE, TextCoder
from creditdesk.scoring.scorer.values import category_text
from creditdesk.scoring.scorer.variable import FloatArray, IntArray, Variable


def _category_text_or_empty(value: object) -> str:
    return category_text(value) or ""


_to_category_text = np.frompyfunc(_category_text_or_empty, 1, 1)


class CategoricalVariable(Variable):
    kind: Literal["numerical", "categorical"] = "categorical"

    def __init__(self, data: Mapping[str, Any], where: str) -> None:
        super().__init__(data, where)
        options = sequence(data.get("categories"), f"{where}.categories")
        self.options: list[CategoryOption] = []
        self.bin_of: dict[str, int] = {}
        for i, item in enumerate(options):
            option = mapping(item, f"{where}.categories[{i}]")
            value = option.get("value")
            if not isinstance(value, str) or value in self.bin_of:
                raise invalid(f"变量 {self.name} 的类别应为互不相同的文本", field=self.name)
            bin_id = option.get("bin")
            if isinstance(bin_id, bool) or not isinstance(bin_id, int) or not 0 <= bin_id < self.n_bins:
                raise invalid(f"变量 {self.name} 的类别「{value}」指向不存在的分箱", field=self.name)
            self.bin_of[value] = bin_id
            self.options.append(CategoryOption(value=value, label=str(option.get("label") or value)))
        if not self.options:
            raise invalid(f"变量 {self.name} 没有类别", field=self.name)
        self.labels = {option.value: option.label for option in self.options}
        self._coders: dict[int, TextCoder] = {}
        code_bins = [self.bin_of[option.value] for option in self.options]
        self._code_bins = np.array([*code_bins, self.missing_id, self.missing_id], dtype=np.int64)
        # Points by category code; codes −2 (unknown) and −1 (missing) index the last two entries, both
        # the Missing bin's points (optbinning's treatment of an unseen category).
        self._lut = np.array(
            [*(self.row_points[b] for b in code_bins), self.missing_points, self.missing_points],
            dtype=np.float64,
        )

    def spec(self) -> VariableSpec:
        return VariableSpec(
            name=self.name, label=self.label, kind="categorical", categories=tuple(self.options)
        )

    def encode(self, column: Any) -> IntArray:
        """Category codes: index into ``categories`` for a known one, −1 missing, −2 unknown."""
        array = np.asarray(column)
        if array.ndim != 1:
            raise ScoringError("invalid_value", f"「{self.label}」应为一维数组。", {"field": self.name})
        kind = array.dtype.kind
        if kind in "iu":
            codes = array.astype(np.int64, copy=False)
            if codes.size and (int(codes.min()) < -2 or int(codes.max()) >= len(self.options)):
                raise ScoringError(
                    "invalid_value",
                    f"「{self.label}」的类别编码应在 −2 到 {len(self.options) - 1} 之间。",
                    {"field": self.name},
                )
            return codes
        if kind == "S":
            array = np.char.decode(array, "utf-8")
        elif kind in "Ofb":
            # the slow path (one Python call a row): None/NaN become "" (missing), numbers their text
            array = _to_category_text(array.astype(object, copy=False)).astype(str)
        elif kind != "U":
            raise ScoringError(
                "invalid_value", f"「{self.label}」应为文本或类别编码列。", {"field": self.name}
            )
        return self._coder(array.dtype.itemsize // 4).codes(np.ascontiguousarray(array))

    def _coder(self, width: int) -> TextCoder:
        coder = self._coders.get(width)
        if coder is None:
            coder = self._coders[width] = TextCoder([option.value for option in self.options], width)
        return coder

    def points(self, column: Any, unknown: str) -> FloatArray:
        codes = self.encode(column)
        if codes.size and unknown == "raise" and int(codes.min()) == UNKNOWN_CODE:
            row = int(np.argmax(codes == UNKNOWN_CODE)) + 1
            raise ScoringError(
                "unknown_category",
                f"「{self.label}」第 {row} 行的类别不在模型中；请更正，"
                '或明确按缺失档计分（unknown="missing_bin"）。',
                {"field": self.name, "row": row},
            )
        result: FloatArray = self._lut[codes]
        return result

    def bin_ids(self, column: Any) -> IntArray:
        ids: IntArray = self._code_bins[self.encode(column)]
        return ids
