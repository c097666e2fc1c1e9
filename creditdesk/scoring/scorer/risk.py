"""Probability of default (违约概率) from points, and the risk grade (风险等级) from the probability.

Rules, with factor = PDO / ln 2 and offset = base_points − factor · ln(base_odds) (good:bad odds):

- S = offset + factor · ln(good/bad odds), hence PD = 1 / (1 + exp((S − offset) / factor)). At
  S = base_points the odds are base_odds:1 and every PDO points more halve the odds of being bad.
- Grades are read from the artefact as ``[{"grade": "A", "max_pd": 0.05}, …, {"grade": "E", "max_pd":
  null}]``: bounds strictly increasing between 0 and 1, the last grade unbounded. A PD gets the first
  grade whose ``max_pd`` is above it (``pd < max_pd``): a PD equal to a threshold falls in the worse
  grade.

A card that gives no probability (an expert card: ``scaling.method`` ``"points"``) grades its points
directly: ``[{"grade": "A", "min_points": 650}, …, {"grade": "E", "min_points": null}]``, minimums
strictly decreasing, the last grade unbounded below. Points get the first grade whose ``min_points``
they reach (``points ≥ min_points``): points equal to a cut-off are in the better grade.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from creditdesk.core.enums import GRADES as GRADES  # the letters of ``core.enums.RiskGrade``, best first
from creditdesk.scoring.scorer.fields import invalid, mapping, number, text

Grades = list[tuple[str, float | None]]


def probability_of_default(points: float, *, factor: float, offset: float) -> float:
    """PD = 1 / (1 + exp((points − offset) / factor)), computed without overflow."""
    z = (points - offset) / factor
    if z >= 0:
        e = math.exp(-z)
        return e / (1.0 + e)
    return 1.0 / (1.0 + math.exp(z))


def probabilities_of_default(
    points: npt.ArrayLike, *, factor: float, offset: float
) -> npt.NDArray[np.float64]:
    """:func:`probability_of_default` of many scores at once."""
    z = (np.asarray(points, dtype=np.float64) - offset) / factor
    result: npt.NDArray[np.float64] = np.exp(-np.logaddexp(0.0, z))
    return result


def _read_bounds(items: Sequence[Any], key: str) -> tuple[Grades, list[float]]:
    """The artefact's grades as ``[(grade, bound or None)]`` read from ``key`` (``max_pd`` or
    ``min_points``), and the bounds of all but the last grade; refuses a shape that cannot grade."""
    grades: Grades = []
    for i, item in enumerate(items):
        data = mapping(item, f"grades[{i}]")
        grade = text(data.get("grade"), f"grades[{i}].grade")
        bound = data.get(key)
        grades.append((grade, None if bound is None else number(bound, f"grades[{i}].{key}")))
    bounds = [bound for _, bound in grades]
    inner = [bound for bound in bounds[:-1] if bound is not None]
    if not grades or bounds[-1] is not None or len(inner) != len(bounds) - 1:
        return [], inner
    return grades, inner


def read_grades(items: Sequence[Any]) -> Grades:
    """The artefact's grades as ``[(grade, max_pd or None)]``, checked (``model_invalid``)."""
    grades, inner = _read_bounds(items, "max_pd")
    if not grades or any(not 0 < b < 1 for b in inner) or any(b <= a for a, b in itertools.pairwise(inner)):
        raise invalid("等级阈值应在 0 与 1 之间严格递增，最后一级不设上限", field="grades")
    return grades


def grade_for(grades: Grades, pd: float) -> str:
    """The grade of a PD: the first whose ``max_pd`` is above it; the last grade otherwise."""
    for grade, bound in grades:
        if bound is None or pd < bound:
            return grade
    return grades[-1][0]


def read_point_grades(items: Sequence[Any]) -> Grades:
    """A points card's grades as ``[(grade, min_points or None)]``, checked (``model_invalid``)."""
    grades, inner = _read_bounds(items, "min_points")
    if not grades or any(b >= a for a, b in itertools.pairwise(inner)):
        raise invalid("等级的最低分应严格递减，最后一级不设下限", field="grades")
    return grades


def grade_for_points(grades: Grades, points: float) -> str:
    """The grade of a points card's score: the first whose ``min_points`` it reaches; the last otherwise."""
    for grade, minimum in grades:
        if minimum is None or points >= minimum:
            return grade
    return grades[-1][0]
