"""What scoring returns (计分结果): one applicant's score with its contributions, reason codes and
warnings, and what a form needs to ask for each variable of a model."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal


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
    """One applicant's score: points, PD, grade, per-variable contributions, reasons and warnings. A card
    that gives no probability (an expert card) has ``probability_of_default`` None: 评分 and 等级 only."""

    points: float
    probability_of_default: float | None
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
