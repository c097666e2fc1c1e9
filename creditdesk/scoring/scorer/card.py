"""The scorecard (评分卡): a verified artefact compiled for scoring one applicant or a batch.

Rules (the full list is in :mod:`creditdesk.scoring.scorecard`): points of a score = Σ points of each
variable's bin (+ ``intercept_points``, 0 unless the scorecard is intercept-based), added in the
variables' order starting from 0.0, as optbinning adds them — so a batch gives the same floats as
optbinning's ``Scorecard.score`` exactly. A single applicant gets the PD, grade, contributions, reason
codes and warnings; a batch only points (vectorised, no loop over rows).

Two kinds of card share this scorer. A trained card (``scaling.method`` ``"pdo_odds"``, or none given)
turns points into a PD and grades the PD. A card that gives no probability (``scaling.method``
``"points"``: an expert card, :mod:`creditdesk.scoring.expert`) has no ``factor`` or ``offset``, grades
its points by their minimums (:func:`~creditdesk.scoring.scorer.risk.grade_for_points`), and its score's
``probability_of_default`` is None; asking it for a PD is refused (``no_probability``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from creditdesk.scoring.errors import ScoringError
from creditdesk.scoring.scorer import risk
from creditdesk.scoring.scorer.applicant import contribution
from creditdesk.scoring.scorer.artefact import FORMAT, dump_artefact, parse_artefact, verified_content
from creditdesk.scoring.scorer.categorical import CategoricalVariable
from creditdesk.scoring.scorer.fields import invalid, mapping, number, sequence, text
from creditdesk.scoring.scorer.numerical import NumericalVariable
from creditdesk.scoring.scorer.reasons import DEFAULT_TOP_N, reasons
from creditdesk.scoring.scorer.results import Contribution, Reason, ScoreResult, ScoreWarning, VariableSpec
from creditdesk.scoring.scorer.variable import FloatArray, IntArray

PDO_ODDS: Final = "pdo_odds"
"""``scaling.method`` of a trained card: points ⇔ odds, a PD, grades by PD."""
POINTS: Final = "points"
"""``scaling.method`` of a card that gives no probability (an expert card): grades by points."""


class Scorecard:
    """A saved scorecard, verified and compiled for scoring. Build it with :meth:`from_json` (or
    :meth:`from_artefact` for an envelope already parsed); never from unchecked content."""

    def __init__(self, envelope: Mapping[str, Any]) -> None:
        content, checksum = verified_content(envelope)
        self.content: Mapping[str, Any] = content
        self.checksum: str = checksum
        self.name = text(content.get("name"), "name")
        self.version = text(content.get("version"), "version")
        self.title = str(content.get("title") or self.name)
        self.created_at = str(content.get("created_at") or "")
        scaling = mapping(content.get("scaling"), "scaling")
        self.method = str(scaling.get("method") or PDO_ODDS)
        self.factor: float | None = None
        self.offset: float | None = None
        self.intercept_points = number(scaling.get("intercept_points", 0.0), "scaling.intercept_points")
        if self.method == POINTS:
            self.grades = risk.read_point_grades(sequence(content.get("grades"), "grades"))
        else:
            self.factor = number(scaling.get("factor"), "scaling.factor")
            self.offset = number(scaling.get("offset"), "scaling.offset")
            if self.factor <= 0:
                raise invalid("scaling.factor 应为正数", field="scaling.factor")
            self.grades = risk.read_grades(sequence(content.get("grades"), "grades"))
        top_n = mapping(content.get("reasons", {}), "reasons").get("top_n", DEFAULT_TOP_N)
        if isinstance(top_n, bool) or not isinstance(top_n, int) or top_n < 0:
            raise invalid("reasons.top_n 应为非负整数", field="reasons.top_n")
        self.top_n: int = top_n
        variables = sequence(content.get("variables"), "variables")
        if not variables:
            raise invalid("没有变量", field="variables")
        compiled: list[NumericalVariable | CategoricalVariable] = []
        for i, item in enumerate(variables):
            data = mapping(item, f"variables[{i}]")
            kind = data.get("kind")
            if kind == "numerical":
                compiled.append(NumericalVariable(data, f"variables[{i}]"))
            elif kind == "categorical":
                compiled.append(CategoricalVariable(data, f"variables[{i}]"))
            else:
                where = f"variables[{i}].kind"
                raise invalid(f"{where} 应为 numerical 或 categorical", field=where)
        names = [variable.name for variable in compiled]
        if len(set(names)) != len(names):
            raise invalid("变量名重复", field="variables")
        self._variables = compiled
        self._by_name = {variable.name: variable for variable in compiled}

    def variable(self, name: str) -> NumericalVariable | CategoricalVariable:
        """The compiled variable ``name`` (``KeyError`` if the card has none)."""
        return self._by_name[name]

    # construction

    @classmethod
    def from_json(cls, text: str | bytes) -> Scorecard:
        """Parse and verify an artefact; ``model_invalid`` if it is not one, ``model_tampered`` if its
        content does not match its checksum."""
        return cls(parse_artefact(text))

    @classmethod
    def from_artefact(cls, envelope: Mapping[str, Any]) -> Scorecard:
        return cls(envelope)

    def to_json(self) -> str:
        return dump_artefact({"format": FORMAT, "content": self.content, "checksum": self.checksum})

    # what the model is

    @property
    def data_fingerprint(self) -> str:
        return str(mapping(self.content.get("training_data", {}), "training_data").get("fingerprint", ""))

    @property
    def parameters(self) -> dict[str, Any]:
        return dict(mapping(self.content.get("parameters", {}), "parameters"))

    @property
    def metrics(self) -> dict[str, Any]:
        return dict(mapping(self.content.get("metrics", {}), "metrics"))

    @property
    def score_reference(self) -> dict[str, Any]:
        """Training scores' decile edges and counts: the expected side of a score PSI."""
        return dict(mapping(self.content.get("score_reference", {}), "score_reference"))

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
        return {variable.name: variable.training_counts() for variable in self._variables}

    # scoring

    @property
    def gives_probability(self) -> bool:
        """Whether the card turns points into a PD (a trained card) or gives points and a grade only."""
        return self.factor is not None

    @property
    def shows_probability(self) -> bool:
        """Whether a person may be shown the PD (违约概率): only a card calibrated to the bank's own book
        (its content states ``calibration``, ``scoring.training.bank``). A sample's bad rate is not the
        book's (German Credit is 30 % bad): until calibrated, a card says 评分 and 等级 only (issue 14)."""
        return self.gives_probability and bool(self.content.get("calibration"))

    def _scale(self) -> tuple[float, float]:
        if self.factor is None or self.offset is None:
            raise ScoringError(
                "no_probability",
                f"评分卡「{self.title}」只给出评分和等级，不给出违约概率。",
                {"model": self.name},
            )
        return self.factor, self.offset

    def probability_of_default(self, points: float) -> float:
        """PD of a score (see :mod:`creditdesk.scoring.scorer.risk` for the formula)."""
        factor, offset = self._scale()
        return risk.probability_of_default(points, factor=factor, offset=offset)

    def probabilities_of_default(self, points: npt.ArrayLike) -> FloatArray:
        factor, offset = self._scale()
        return risk.probabilities_of_default(points, factor=factor, offset=offset)

    def grade_for(self, pd: float) -> str:
        """The grade of a PD: the first whose ``max_pd`` is above it; the last grade otherwise."""
        self._scale()
        return risk.grade_for(self.grades, pd)

    def grade_for_points(self, points: float) -> str:
        """The grade of a score, whichever kind the card is (by its PD, or by its points)."""
        if self.factor is None:
            return risk.grade_for_points(self.grades, points)
        return self.grade_for(self.probability_of_default(points))

    def score(self, applicant: Mapping[str, object], *, top_n: int | None = None) -> ScoreResult:
        """Score one applicant: every variable of the model must be present with a value (or
        ``UNKNOWN``); extra fields are ignored. Refusals name the variable: ``missing_value``,
        ``not_numeric``, ``not_finite``, ``invalid_value``."""
        total = 0.0
        contributions: list[Contribution] = []
        warnings: list[ScoreWarning] = []
        for variable in self._variables:
            placed, warning = contribution(variable, applicant)
            total += placed.points
            contributions.append(placed)
            if warning is not None:
                warnings.append(warning)
        total += self.intercept_points
        pd = self.probability_of_default(total) if self.gives_probability else None
        return ScoreResult(
            points=total,
            probability_of_default=pd,
            grade=self.grade_for(pd) if pd is not None else self.grade_for_points(total),
            contributions=tuple(contributions),
            reasons=self.reasons(contributions, top_n=self.top_n if top_n is None else top_n),
            warnings=tuple(warnings),
            model_name=self.name,
            model_version=self.version,
        )

    def reasons(self, contributions: Sequence[Contribution], *, top_n: int) -> tuple[Reason, ...]:
        """The ``top_n`` contributions that lost points, largest loss first (stable for ties)."""
        return reasons(contributions, self._by_name, top_n=top_n)

    def encode(self, name: str, values: Any) -> IntArray:
        """Category codes of a categorical column (index into its ``categories``; −1 missing, −2
        unknown): convert a text column once, then score it (and others) as codes."""
        variable = self._by_name.get(name)
        if not isinstance(variable, CategoricalVariable):
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
