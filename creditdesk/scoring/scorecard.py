"""The scorecard scorer (评分卡计分): loads a saved scorecard and scores applicants with numpy alone.

This module imports only the standard library, numpy and the scoring errors: scoring never loads
pandas, scikit-learn or optbinning (``training`` produces the artefact, this module reads it).

Artefact (JSON text, UTF-8)::

    {"format": "creditdesk-scorecard/1", "content": {...}, "checksum": "sha256:<64 hex>"}

``checksum`` is the SHA-256 of the canonical JSON of ``content``: keys sorted, no whitespace
(``separators=(",", ":")``), non-ASCII characters kept as UTF-8 (``ensure_ascii=False``), no NaN or
infinity. The file around it may be indented any way; a change to any value of ``content`` (one point
of one bin) makes :meth:`Scorecard.from_json` refuse it with ``model_tampered``; a file that is not a
scorecard of this format is refused with ``model_invalid``. ``content`` holds:

- ``name`` (model code), ``version``, ``title`` (Chinese name), ``created_at`` (ISO 8601, UTC);
- ``target``: ``{"column": ..., "event": <the target value that means bad>}``;
- ``training_data``: ``{"fingerprint": "sha256:...", "source": ..., "rows", "events", "non_events"}`` —
  the fingerprint is the SHA-256 of the training CSV's bytes (or of the frame written as CSV);
- ``parameters``: the validated training configuration and library versions;
- ``scaling``: ``{"method": "pdo_odds", "pdo", "base_points", "base_odds", "factor", "offset",
  "rounding", "intercept_points"}``;
- ``grades``: ``[{"grade": "A", "max_pd": 0.05}, ..., {"grade": "E", "max_pd": null}]``;
- ``reasons``: ``{"top_n": 4}``;
- ``variables``: in scoring order, each ``{"name", "label", "kind": "numerical" | "categorical",
  "coefficient", "iv", "bins": [{"bin", "label", "woe", "points", "count", "event_rate"}, ...],
  "special": {...}, "missing": {...}}`` plus, for a numerical variable, ``"splits"`` (increasing bin
  edges), ``"special_codes"`` and ``"bounds": {"min", "max", "integer"}`` (seen in training), and for a
  categorical one ``"categories": [{"value", "label", "bin"}, ...]`` (``bin`` indexes ``bins``);
- ``score_reference``: the training scores' decile edges and counts (the expected side of a score PSI);
- ``metrics``: evaluation figures filled by whoever trained it (cross-validation), possibly empty.

Business rules of scoring (they mirror optbinning's ``Scorecard.score`` exactly, tested on every German
Credit row):

- Numerical bins are right-open: with edges s1 < s2 < … < sk, bin 0 is x < s1, bin i is
  s_i ≤ x < s_(i+1), the last bin is x ≥ sk (optbinning uses ``np.digitize(x, splits, right=False)``;
  here ``np.searchsorted(splits, x, side="right")``, which is the same). A value listed in
  ``special_codes`` scores the Special bin; NaN scores the Missing bin.
- A category scores the points of the bin that holds it. A category the model has never seen gets the
  Missing bin's points — what optbinning does (its transform gives an unseen category the index −1, the
  last row of the variable's table, which is Missing). It is never silent: :meth:`Scorecard.score`
  reports it as a warning ``unknown_category``, :meth:`Scorecard.score_batch` refuses it unless the
  caller asks for ``unknown="missing_bin"``.
- Missing values: a single applicant (:meth:`Scorecard.score`) must give every variable a value or the
  explicit ``UNKNOWN`` marker; a missing field, ``None`` or NaN is refused (``missing_value``) so that
  no score is made from an unanswered form. ``UNKNOWN`` scores the Missing bin and is reported as a
  warning. A batch (:meth:`Scorecard.score_batch`) scores NaN / ``None`` / ``""`` with the Missing bin,
  as optbinning does.
- Points of a score = Σ points of each variable's bin (+ ``intercept_points``, 0 unless the scorecard is
  intercept-based), added in the variables' order starting from 0.0, as optbinning adds them.
- Probability of default (PD) from the points S, with factor = PDO / ln 2 and
  offset = base_points − factor · ln(base_odds) (good:bad odds): S = offset + factor · ln(good/bad odds),
  hence PD = 1 / (1 + exp((S − offset) / factor)). At S = base_points the odds are base_odds:1 (PD =
  1/51 with the defaults) and every PDO points more halve the odds of being bad. Unrounded points give
  exactly the logistic regression's PD; with rounded points (the shipped model rounds) it is the PD of
  the rounded total, each bin's points being at most half a point from the regression's.
- Grade: the first grade whose ``max_pd`` is above the PD (``pd < max_pd``); the last grade (E) has no
  upper bound. A PD equal to a threshold falls in the worse grade.
- Reason codes: for each variable, points lost = the best points any of its regular bins gives − the
  points obtained; the ``top_n`` variables with a loss > 0, largest loss first (ties in the model's
  variable order), each as a Chinese sentence such as
  「支票账户状态」为「余额低于 0 马克」，比该项最佳档少 35 分.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from creditdesk.scoring.errors import ScoringError

FORMAT: Final = "creditdesk-scorecard/1"
UNKNOWN: Final = "__unknown__"
"""The explicit "unknown" answer of one applicant: scored with the Missing bin and reported."""
GRADES: Final = ("A", "B", "C", "D", "E")
DEFAULT_TOP_N: Final = 4

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


# --- canonical form and checksum ----------------------------------------------------------------------


def canonical_json(content: Any) -> bytes:
    """The bytes the checksum is taken of: sorted keys, no whitespace, UTF-8, no NaN/infinity."""
    try:
        text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ScoringError("model_invalid", f"评分卡内容无法写成 JSON：{exc}") from exc
    return text.encode("utf-8")


def content_checksum(content: Any) -> str:
    """``"sha256:<hex>"`` of :func:`canonical_json` of ``content``."""
    return "sha256:" + hashlib.sha256(canonical_json(content)).hexdigest()


def seal(content: Mapping[str, Any]) -> dict[str, Any]:
    """The artefact envelope of ``content`` with its checksum (the only way an artefact is made)."""
    plain = json.loads(canonical_json(dict(content)))
    return {"format": FORMAT, "content": plain, "checksum": content_checksum(plain)}


def dump_artefact(envelope: Mapping[str, Any]) -> str:
    """The artefact as readable JSON text (indented; the checksum does not depend on the layout)."""
    return json.dumps(envelope, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


# --- values ---------------------------------------------------------------------------------------------


def category_text(value: object) -> str | None:
    """The text a category is compared as; ``None`` for a missing value (None, NaN).

    Categories are text: a string is kept as it is; an integer (or a whole float: 2.0) becomes its
    decimal digits ("2"); other numbers their ``repr``. Training applies the same rule.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating | Decimal):
        number = float(value)
        if math.isnan(number):
            return None
        if number.is_integer():
            return str(int(number))
        return repr(number)
    return str(value)


def format_points(value: float) -> str:
    """Points for a sentence: whole numbers without decimals, otherwise at most two decimals."""
    rounded = round(value, 2)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.2f}".rstrip("0").rstrip(".")


def format_number(value: float) -> str:
    """A numeric answer or bin edge for people: 48, 1169, 11.5."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:g}"


def interval_label(low: float | None, high: float | None) -> str:
    """Chinese description of a right-open bin [low, high)."""
    if high is None:
        return "全部" if low is None else f"{format_number(low)} 及以上"
    if low is None:
        return f"小于 {format_number(high)}"
    return f"{format_number(low)}（含）至 {format_number(high)}（不含）"


def probability_of_default(points: float, *, factor: float, offset: float) -> float:
    """PD = 1 / (1 + exp((points − offset) / factor)), computed without overflow."""
    z = (points - offset) / factor
    if z >= 0:
        e = math.exp(-z)
        return e / (1.0 + e)
    return 1.0 / (1.0 + math.exp(z))


# --- results --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryOption:
    """One choice of a categorical variable, for a form's select."""

    value: str
    label: str


@dataclass(frozen=True)
class VariableSpec:
    """What a form needs to ask for one variable of the model."""

    name: str
    label: str
    kind: Literal["numerical", "categorical"]
    categories: tuple[CategoryOption, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    special_codes: tuple[float, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Contribution:
    """The points one variable gave: the value, the bin it fell in, the bin's points and the best."""

    variable: str
    label: str
    value: object
    value_label: str
    bin: int
    bin_label: str
    points: float
    best_points: float

    @property
    def points_lost(self) -> float:
        return self.best_points - self.points

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["points_lost"] = self.points_lost
        return data


@dataclass(frozen=True)
class Reason:
    """A reason code: a variable that cost points against its best bin, in a sentence."""

    variable: str
    label: str
    points_lost: float
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ScoreWarning:
    """Something a person should know about a score (an unknown value scored with the Missing bin)."""

    code: str
    variable: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ScoreResult:
    """One applicant's score: points, PD, grade, per-variable contributions, reasons and warnings."""

    points: float
    probability_of_default: float
    grade: str
    contributions: tuple[Contribution, ...]
    reasons: tuple[Reason, ...]
    warnings: tuple[ScoreWarning, ...]
    model_name: str
    model_version: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "points": self.points,
            "probability_of_default": self.probability_of_default,
            "grade": self.grade,
            "contributions": [item.to_dict() for item in self.contributions],
            "reasons": [item.to_dict() for item in self.reasons],
            "warnings": [item.to_dict() for item in self.warnings],
            "model_name": self.model_name,
            "model_version": self.model_version,
        }


# --- structural checks of the artefact ------------------------------------------------------------------


def _invalid(message: str, **extra: Any) -> ScoringError:
    return ScoringError("model_invalid", f"评分卡文件无效：{message}", extra or None)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _invalid(f"{where} 应为有限的数值", field=where)
    return float(value)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise _invalid(f"{where} 应为非空文本", field=where)
    return value


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _invalid(f"{where} 应为对象", field=where)
    return value


def _sequence(value: Any, where: str) -> Sequence[Any]:
    if not isinstance(value, list):
        raise _invalid(f"{where} 应为数组", field=where)
    return value


# --- compiled variables ---------------------------------------------------------------------------------


class _Variable:
    """One variable compiled for scoring. Bin ids follow optbinning's table: 0..n−1 the regular bins,
    n the Special bin, n+1 the Missing bin; ``row_points[bin id]`` are their points."""

    kind: Literal["numerical", "categorical"]

    def __init__(self, data: Mapping[str, Any], where: str) -> None:
        self.data = data
        self.name = _text(data.get("name"), f"{where}.name")
        self.label = _text(data.get("label", self.name), f"{where}.label")
        bins = _sequence(data.get("bins"), f"{where}.bins")
        if not bins:
            raise _invalid(f"变量 {self.name} 没有分箱", field=self.name)
        self.bins = [_mapping(item, f"{where}.bins[{i}]") for i, item in enumerate(bins)]
        self.special = _mapping(data.get("special"), f"{where}.special")
        self.missing = _mapping(data.get("missing"), f"{where}.missing")
        rows = [*self.bins, self.special, self.missing]
        self.row_points: list[float] = [
            _number(row.get("points"), f"{where}.bins[{i}].points") for i, row in enumerate(rows)
        ]
        self.bin_labels: list[str] = [str(row.get("label") or row.get("bin") or "") for row in self.bins] + [
            "特殊值",
            "缺失",
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
        raise NotImplementedError

    def bin_ids(self, column: Any) -> IntArray:
        raise NotImplementedError


class _Numerical(_Variable):
    kind: Literal["numerical", "categorical"] = "numerical"

    def __init__(self, data: Mapping[str, Any], where: str) -> None:
        super().__init__(data, where)
        splits = [_number(v, f"{where}.splits") for v in _sequence(data.get("splits"), f"{where}.splits")]
        if any(b <= a for a, b in itertools.pairwise(splits)):
            raise _invalid(f"变量 {self.name} 的分箱边界应严格递增", field=self.name)
        if len(splits) + 1 != self.n_bins:
            raise _invalid(f"变量 {self.name} 的分箱数与边界数不符", field=self.name)
        self.splits = splits
        codes = _sequence(data.get("special_codes", []), f"{where}.special_codes")
        self.special_codes = tuple(_number(v, f"{where}.special_codes") for v in codes)
        self._special_array = np.array(self.special_codes, dtype=np.float64)
        bounds = _mapping(data.get("bounds", {}), f"{where}.bounds")
        self.minimum = _number(bounds["min"], f"{where}.bounds.min") if "min" in bounds else None
        self.maximum = _number(bounds["max"], f"{where}.bounds.max") if "max" in bounds else None
        self.integer = bool(bounds.get("integer", False))
        # searchsorted(side="right") on [splits..., NaN]: a number lands in its right-open bin (+inf in
        # the last one), NaN sorts after everything and lands one past the regular bins, where the
        # lookup table holds the Missing bin's points — one pass, no separate isnan.
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
        if math.isnan(x):
            return self.missing_id
        if x in self.special_codes:
            return self.special_id
        return bisect.bisect_right(self.splits, x)

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

    def points(self, column: Any, unknown: str) -> FloatArray:
        values = self.column(column)
        result: FloatArray = self._lut[np.searchsorted(self._edges, values, side="right")]
        if self.special_codes:
            result[np.isin(values, self._special_array)] = self.special_points
        return result

    def bin_ids(self, column: Any) -> IntArray:
        values = self.column(column)
        ids = np.searchsorted(self._edges, values, side="right").astype(np.int64)
        ids[ids == self.n_bins] = self.missing_id
        if self.special_codes:
            ids[np.isin(values, self._special_array)] = self.special_id
        return ids


def _object_to_float(array: npt.NDArray[Any], variable: _Numerical) -> FloatArray:
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


def _category_text_or_empty(value: object) -> str:
    return category_text(value) or ""


_to_category_text = np.frompyfunc(_category_text_or_empty, 1, 1)


_BLOCK: Final = 16384


class _TextTable:
    """Exact lookup of category text in a ``U`` array of one width: the categories that fit in that
    width, and the character positions (one, or two) at which they all differ."""

    def __init__(self, categories: Sequence[tuple[str, int]], width: int) -> None:
        fitting = sorted((value, code) for value, code in categories if len(value) <= width)
        self.values = np.array([value for value, _ in fitting] or [""], dtype=f"<U{max(width, 1)}")
        self.codes = np.array([code for _, code in fitting] or [-2], dtype=np.int64)
        self.empty = not fitting
        chars = self.values.view(np.uint32).reshape(len(self.values), max(width, 1))
        self.positions: tuple[int, ...] = ()
        count = len(fitting)
        for first in range(width):
            if len(set(chars[:, first].tolist())) == count:
                self.positions = (first,)
                break
        else:
            pairs = ((a, b) for a in range(width) for b in range(a + 1, width))
            for first, second in pairs:
                if len(set(zip(chars[:, first].tolist(), chars[:, second].tolist(), strict=True))) == count:
                    self.positions = (first, second)
                    break
        keys = self._keys(chars) if self.positions else np.zeros(len(self.values), dtype=np.int64)
        self.order = np.argsort(keys, kind="stable")
        self.sorted_keys = keys[self.order]

    def _keys(self, chars: npt.NDArray[np.uint32]) -> IntArray:
        keys = chars[:, self.positions[0]].astype(np.int64)
        if len(self.positions) == 2:
            keys = keys * 0x110000 + chars[:, self.positions[1]]
        return keys

    def lookup(self, block: npt.NDArray[np.str_], chars: npt.NDArray[np.uint32] | None) -> IntArray:
        if self.empty:
            return np.full(block.shape[0], -2, dtype=np.int64)
        last = len(self.values) - 1
        if self.positions and chars is not None:
            candidate = self.order[np.minimum(np.searchsorted(self.sorted_keys, self._keys(chars)), last)]
        else:  # categories told apart by no one or two characters: binary search on the text
            candidate = np.minimum(np.searchsorted(self.values, block), last)
        codes: IntArray = self.codes[candidate]
        codes[self.values[candidate] != block] = -2
        return codes


class _Categorical(_Variable):
    kind: Literal["numerical", "categorical"] = "categorical"

    def __init__(self, data: Mapping[str, Any], where: str) -> None:
        super().__init__(data, where)
        options = _sequence(data.get("categories"), f"{where}.categories")
        self.options: list[CategoryOption] = []
        self.bin_of: dict[str, int] = {}
        for i, item in enumerate(options):
            option = _mapping(item, f"{where}.categories[{i}]")
            value = option.get("value")
            if not isinstance(value, str) or value in self.bin_of:
                raise _invalid(f"变量 {self.name} 的类别应为互不相同的文本", field=self.name)
            bin_id = option.get("bin")
            if isinstance(bin_id, bool) or not isinstance(bin_id, int) or not 0 <= bin_id < self.n_bins:
                raise _invalid(f"变量 {self.name} 的类别「{value}」指向不存在的分箱", field=self.name)
            self.bin_of[value] = bin_id
            self.options.append(CategoryOption(value=value, label=str(option.get("label") or value)))
        if not self.options:
            raise _invalid(f"变量 {self.name} 没有类别", field=self.name)
        self.labels = {option.value: option.label for option in self.options}
        self._text_tables: dict[int, _TextTable] = {}
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
        return self._encode_text(np.ascontiguousarray(array))

    def _text_table(self, width: int) -> _TextTable:
        table = self._text_tables.get(width)
        if table is None:
            table = self._text_tables[width] = _TextTable(
                [(value, code) for code, value in enumerate(option.value for option in self.options)], width
            )
        return table

    def _encode_text(self, array: npt.NDArray[np.str_]) -> IntArray:
        """Codes of a ``U`` array, exactly: a candidate category from one or two characters that tell
        the categories apart, then a full comparison with it (anything else is unknown, "" missing).
        Done in blocks of rows so that the temporaries stay in the CPU cache."""
        n = array.shape[0]
        width = array.dtype.itemsize // 4
        codes = np.empty(n, dtype=np.int64)
        table = self._text_table(width)
        chars = array.view(np.uint32).reshape(n, width) if width else None
        for start in range(0, n, _BLOCK):
            stop = min(n, start + _BLOCK)
            block = array[start:stop]
            found = table.lookup(block, None if chars is None else chars[start:stop])
            codes[start:stop] = found
        unmatched = np.flatnonzero(codes == -2)
        if unmatched.size:
            codes[unmatched[array[unmatched] == ""]] = -1
        return codes

    def points(self, column: Any, unknown: str) -> FloatArray:
        codes = self.encode(column)
        if codes.size and unknown == "raise" and int(codes.min()) == -2:
            row = int(np.argmax(codes == -2)) + 1
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


# --- the scorecard --------------------------------------------------------------------------------------


class Scorecard:
    """A saved scorecard, verified and compiled for scoring. Build it with :meth:`from_json` (or
    :meth:`from_artefact` for an envelope already parsed); never from unchecked content."""

    def __init__(self, envelope: Mapping[str, Any]) -> None:
        if envelope.get("format") != FORMAT:
            raise _invalid(f"格式应为 {FORMAT}", field="format")
        content = _mapping(envelope.get("content"), "content")
        checksum = envelope.get("checksum")
        if not isinstance(checksum, str) or not checksum.startswith("sha256:") or len(checksum) != 71:
            raise _invalid("缺少 sha256 校验和", field="checksum")
        if content_checksum(content) != checksum:
            raise ScoringError(
                "model_tampered",
                "评分卡文件的校验和不符：文件在生成后被修改过，不能使用。",
                {"field": "checksum"},
            )
        self.content: Mapping[str, Any] = content
        self.checksum: str = checksum
        self.name = _text(content.get("name"), "name")
        self.version = _text(content.get("version"), "version")
        self.title = str(content.get("title") or self.name)
        self.created_at = str(content.get("created_at") or "")
        scaling = _mapping(content.get("scaling"), "scaling")
        self.factor = _number(scaling.get("factor"), "scaling.factor")
        self.offset = _number(scaling.get("offset"), "scaling.offset")
        if self.factor <= 0:
            raise _invalid("scaling.factor 应为正数", field="scaling.factor")
        self.intercept_points = _number(scaling.get("intercept_points", 0.0), "scaling.intercept_points")
        self.grades = self._read_grades(_sequence(content.get("grades"), "grades"))
        reasons = _mapping(content.get("reasons", {}), "reasons")
        top_n = reasons.get("top_n", DEFAULT_TOP_N)
        if isinstance(top_n, bool) or not isinstance(top_n, int) or top_n < 0:
            raise _invalid("reasons.top_n 应为非负整数", field="reasons.top_n")
        self.top_n: int = top_n
        variables = _sequence(content.get("variables"), "variables")
        if not variables:
            raise _invalid("没有变量", field="variables")
        compiled: list[_Numerical | _Categorical] = []
        for i, item in enumerate(variables):
            data = _mapping(item, f"variables[{i}]")
            kind = data.get("kind")
            if kind == "numerical":
                compiled.append(_Numerical(data, f"variables[{i}]"))
            elif kind == "categorical":
                compiled.append(_Categorical(data, f"variables[{i}]"))
            else:
                raise _invalid(
                    f"variables[{i}].kind 应为 numerical 或 categorical", field=f"variables[{i}].kind"
                )
        names = [variable.name for variable in compiled]
        if len(set(names)) != len(names):
            raise _invalid("变量名重复", field="variables")
        self._variables = compiled
        self._by_name = {variable.name: variable for variable in compiled}

    @staticmethod
    def _read_grades(items: Sequence[Any]) -> list[tuple[str, float | None]]:
        grades: list[tuple[str, float | None]] = []
        for i, item in enumerate(items):
            data = _mapping(item, f"grades[{i}]")
            grade = _text(data.get("grade"), f"grades[{i}].grade")
            bound = data.get("max_pd")
            grades.append((grade, None if bound is None else _number(bound, f"grades[{i}].max_pd")))
        bounds = [bound for _, bound in grades]
        inner = [bound for bound in bounds[:-1] if bound is not None]
        if (
            not grades
            or bounds[-1] is not None
            or len(inner) != len(bounds) - 1
            or any(not 0 < b < 1 for b in inner)
            or any(b <= a for a, b in itertools.pairwise(inner))
        ):
            raise _invalid("等级阈值应在 0 与 1 之间严格递增，最后一级不设上限", field="grades")
        return grades

    # construction

    @classmethod
    def from_json(cls, text: str | bytes) -> Scorecard:
        """Parse and verify an artefact; ``model_invalid`` if it is not one, ``model_tampered`` if its
        content does not match its checksum."""
        try:
            envelope = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise _invalid(f"不是 JSON（{exc}）") from exc
        if not isinstance(envelope, dict):
            raise _invalid("顶层应为对象")
        return cls(envelope)

    @classmethod
    def from_artefact(cls, envelope: Mapping[str, Any]) -> Scorecard:
        return cls(envelope)

    def to_json(self) -> str:
        return dump_artefact({"format": FORMAT, "content": self.content, "checksum": self.checksum})

    # what the model is

    @property
    def data_fingerprint(self) -> str:
        return str(_mapping(self.content.get("training_data", {}), "training_data").get("fingerprint", ""))

    @property
    def parameters(self) -> dict[str, Any]:
        return dict(_mapping(self.content.get("parameters", {}), "parameters"))

    @property
    def metrics(self) -> dict[str, Any]:
        return dict(_mapping(self.content.get("metrics", {}), "metrics"))

    @property
    def score_reference(self) -> dict[str, Any]:
        """Training scores' decile edges and counts: the expected side of a score PSI."""
        return dict(_mapping(self.content.get("score_reference", {}), "score_reference"))

    @property
    def variables(self) -> tuple[VariableSpec, ...]:
        """The variables in scoring order, with what a form needs (label, kind, choices or bounds)."""
        return tuple(variable.spec() for variable in self._variables)

    @property
    def variable_names(self) -> tuple[str, ...]:
        return tuple(variable.name for variable in self._variables)

    def table(self) -> list[dict[str, Any]]:
        """The scorecard table: one row per bin (and the Special and Missing rows) of each variable."""
        rows: list[dict[str, Any]] = []
        for variable in self._variables:
            entries = [*variable.bins, variable.special, variable.missing]
            kinds = ["bin"] * variable.n_bins + ["special", "missing"]
            for bin_id, (entry, kind) in enumerate(zip(entries, kinds, strict=True)):
                rows.append(
                    {
                        "variable": variable.name,
                        "variable_label": variable.label,
                        "bin_id": bin_id,
                        "kind": kind,
                        "bin": entry.get("bin", ""),
                        "bin_label": variable.bin_labels[bin_id],
                        "woe": entry.get("woe"),
                        "points": variable.row_points[bin_id],
                        "count": entry.get("count"),
                        "event_rate": entry.get("event_rate"),
                    }
                )
        return rows

    def training_bin_counts(self) -> dict[str, FloatArray]:
        """Per variable, the training count of each bin id (regular bins, Special, Missing)."""
        counts: dict[str, FloatArray] = {}
        for variable in self._variables:
            entries = [*variable.bins, variable.special, variable.missing]
            counts[variable.name] = np.array([float(entry.get("count") or 0) for entry in entries])
        return counts

    # scoring

    def probability_of_default(self, points: float) -> float:
        """PD of a score (see the module docstring for the formula)."""
        return probability_of_default(points, factor=self.factor, offset=self.offset)

    def probabilities_of_default(self, points: npt.ArrayLike) -> FloatArray:
        z = (np.asarray(points, dtype=np.float64) - self.offset) / self.factor
        result: FloatArray = np.exp(-np.logaddexp(0.0, z))
        return result

    def grade_for(self, pd: float) -> str:
        """The grade of a PD: the first whose ``max_pd`` is above it; the last grade otherwise."""
        for grade, bound in self.grades:
            if bound is None or pd < bound:
                return grade
        return self.grades[-1][0]

    def score(self, applicant: Mapping[str, object], *, top_n: int | None = None) -> ScoreResult:
        """Score one applicant: every variable of the model must be present with a value (or
        ``UNKNOWN``); extra fields are ignored. Refusals name the variable: ``missing_value``,
        ``not_numeric``, ``not_finite``, ``invalid_value``."""
        total = 0.0
        contributions: list[Contribution] = []
        warnings: list[ScoreWarning] = []
        for variable in self._variables:
            if variable.name not in applicant:
                raise _missing(variable)
            raw = applicant[variable.name]
            value: object
            if isinstance(raw, str) and raw == UNKNOWN:
                value, bin_id, value_label = UNKNOWN, variable.missing_id, "未知"
                warnings.append(
                    ScoreWarning(
                        "missing_value", variable.name, f"「{variable.label}」填写为未知，按缺失档计分。"
                    )
                )
            elif isinstance(variable, _Numerical):
                number = _one_number(raw, variable)
                value, bin_id, value_label = number, variable.locate(number), variable.value_label(number)
            else:
                text = value = _one_category(raw, variable)
                if text in variable.bin_of:
                    bin_id, value_label = variable.bin_of[text], variable.labels[text]
                else:
                    bin_id, value_label = variable.missing_id, text
                    warnings.append(
                        ScoreWarning(
                            "unknown_category",
                            variable.name,
                            f"「{variable.label}」的「{text}」不是模型训练时见过的类别，按缺失档计分。",
                        )
                    )
            points = variable.row_points[bin_id]
            total += points
            contributions.append(
                Contribution(
                    variable=variable.name,
                    label=variable.label,
                    value=value,
                    value_label=value_label,
                    bin=bin_id,
                    bin_label=variable.bin_labels[bin_id],
                    points=points,
                    best_points=variable.best_points,
                )
            )
        total += self.intercept_points
        pd = self.probability_of_default(total)
        return ScoreResult(
            points=total,
            probability_of_default=pd,
            grade=self.grade_for(pd),
            contributions=tuple(contributions),
            reasons=self.reasons(contributions, top_n=self.top_n if top_n is None else top_n),
            warnings=tuple(warnings),
            model_name=self.name,
            model_version=self.version,
        )

    def reasons(self, contributions: Sequence[Contribution], *, top_n: int) -> tuple[Reason, ...]:
        """The ``top_n`` contributions that lost points, largest loss first (stable for ties)."""
        losing = [item for item in contributions if item.points_lost > 0]
        losing.sort(key=lambda item: -item.points_lost)
        reasons = []
        for item in losing[:top_n]:
            variable = self._by_name[item.variable]
            if (
                item.bin == variable.missing_id
                and isinstance(variable, _Categorical)
                and item.value != UNKNOWN
            ):
                what = f"为「{item.value_label}」（模型未见过的类别）"
            elif item.bin == variable.missing_id:
                what = "未知"
            elif isinstance(variable, _Categorical):
                what = f"为「{item.value_label}」"
            elif item.bin == variable.special_id:
                what = f"为特殊值 {item.value_label}"
            else:
                what = f"为 {item.value_label}"
            message = f"「{item.label}」{what}，比该项最佳档少 {format_points(item.points_lost)} 分"
            reasons.append(Reason(item.variable, item.label, item.points_lost, message))
        return tuple(reasons)

    def encode(self, name: str, values: Any) -> IntArray:
        """Category codes of a categorical column (index into its ``categories``; −1 missing, −2
        unknown): convert a text column once, then score it (and others) as codes."""
        variable = self._by_name.get(name)
        if not isinstance(variable, _Categorical):
            raise ScoringError("invalid_value", f"模型中没有分类变量「{name}」。", {"field": name})
        return variable.encode(values)

    def score_batch(
        self, columns: Mapping[str, Any], *, unknown: Literal["raise", "missing_bin"] = "raise"
    ) -> FloatArray:
        """Points of many applicants, vectorised (no loop over rows).

        ``columns`` maps each variable to a 1-D array of equal length: numbers (float, NaN = missing;
        or int) for a numerical variable; text (numpy ``U``, or object with None/NaN = missing, ``""`` =
        missing) or integer category codes from :meth:`encode` for a categorical one. An unknown
        category is refused (``unknown_category``, naming the variable and the first row) unless
        ``unknown="missing_bin"``, which scores it with the Missing bin as optbinning does.
        """
        if unknown not in ("raise", "missing_bin"):
            raise ScoringError("invalid_value", "unknown 只能是 raise 或 missing_bin。", {"field": "unknown"})
        parts: list[FloatArray] = []
        for variable in self._variables:
            if variable.name not in columns:
                raise ScoringError(
                    "missing_column", f"缺少变量「{variable.label}」这一列。", {"field": variable.name}
                )
            points = variable.points(columns[variable.name], unknown)
            if parts and points.shape[0] != parts[0].shape[0]:
                raise ScoringError(
                    "column_length", f"「{variable.label}」的行数与其他列不同。", {"field": variable.name}
                )
            parts.append(points)
        # added in the variables' order from 0.0, as optbinning adds them: the same floats exactly
        total = np.zeros(parts[0].shape[0], dtype=np.float64)
        for points in parts:
            total += points
        total += self.intercept_points
        return total

    def bin_counts(self, columns: Mapping[str, Any]) -> dict[str, FloatArray]:
        """Per variable, how many rows of ``columns`` fall in each bin id (regular bins, Special,
        Missing; an unknown category counts as Missing, where it is scored): the actual side of a
        variable PSI against :meth:`training_bin_counts`."""
        counts: dict[str, FloatArray] = {}
        for variable in self._variables:
            if variable.name not in columns:
                raise ScoringError(
                    "missing_column", f"缺少变量「{variable.label}」这一列。", {"field": variable.name}
                )
            ids = variable.bin_ids(columns[variable.name])
            counts[variable.name] = np.bincount(ids, minlength=variable.n_bins + 2).astype(np.float64)
        return counts


def _missing(variable: _Variable) -> ScoringError:
    return ScoringError(
        "missing_value",
        f"请填写「{variable.label}」；确实不知道时请明确选择“未知”。",
        {"field": variable.name},
    )


def _one_number(raw: object, variable: _Numerical) -> float:
    if raw is None:
        raise _missing(variable)
    if isinstance(raw, bool | np.bool_) or not isinstance(
        raw, int | float | Decimal | np.integer | np.floating
    ):
        raise ScoringError(
            "not_numeric", f"「{variable.label}」应为数值，收到「{raw}」。", {"field": variable.name}
        )
    number = float(raw)
    if math.isnan(number):
        raise _missing(variable)
    if math.isinf(number):
        raise ScoringError("not_finite", f"「{variable.label}」应为有限的数值。", {"field": variable.name})
    return number


def _one_category(raw: object, variable: _Categorical) -> str:
    if isinstance(raw, list | tuple | dict | set):
        raise ScoringError(
            "invalid_value", f"「{variable.label}」应为一个类别，收到「{raw}」。", {"field": variable.name}
        )
    text = category_text(raw)
    if text is None or text == "":
        raise _missing(variable)
    return text
