"""Population stability (群体稳定性指数, PSI): has the population being scored moved away from the one
the model was trained on?

PSI = Σ over bins (aᵢ − eᵢ) · ln(aᵢ / eᵢ), where eᵢ and aᵢ are the shares of the expected (training)
and actual (recent) populations in bin i. A share of 0 is replaced by ``EPSILON`` (0.0001, i.e. 0.01 %)
so that an empty bin adds a large but finite term instead of infinity; the shares are not renormalised
afterwards. A bin empty on both sides adds nothing.

- Scores: :func:`psi` bins both by the expected scores' deciles (``bins`` quantiles; right-open bins like
  the scorecard's, the first and last open-ended) unless ``edges`` are given.
- A variable: :func:`psi_by_bins` compares counts per scorecard bin (regular bins, Special, Missing).

Thresholds (the usual industry rule): PSI < 0.1 stable (稳定), 0.1 ≤ PSI < 0.25 watch (需关注),
PSI ≥ 0.25 unstable (不稳定) — see :func:`stability_status`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from creditdesk.scoring.errors import ScoringError

EPSILON: Final = 1e-4
WATCH: Final = 0.1
UNSTABLE: Final = 0.25
STABILITY_LABELS: Final[dict[str, str]] = {"stable": "稳定", "watch": "需关注", "unstable": "不稳定"}

Status = Literal["stable", "watch", "unstable"]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class PsiResult:
    """A PSI with its table: per bin the counts, shares and the term it adds."""

    value: float
    edges: tuple[float, ...]
    expected_counts: tuple[float, ...]
    actual_counts: tuple[float, ...]
    expected_shares: tuple[float, ...]
    actual_shares: tuple[float, ...]
    terms: tuple[float, ...]

    @property
    def status(self) -> Status:
        return stability_status(self.value)

    @property
    def status_label(self) -> str:
        return STABILITY_LABELS[self.status]

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "status": self.status,
            "status_label": self.status_label,
            "edges": list(self.edges),
            "expected_counts": list(self.expected_counts),
            "actual_counts": list(self.actual_counts),
            "expected_shares": list(self.expected_shares),
            "actual_shares": list(self.actual_shares),
            "terms": list(self.terms),
        }


def stability_status(value: float) -> Status:
    """ "stable" below 0.1, "watch" from 0.1 to below 0.25, "unstable" from 0.25 (labels in
    ``STABILITY_LABELS``)."""
    if value < WATCH:
        return "stable"
    if value < UNSTABLE:
        return "watch"
    return "unstable"


def _finite(values: npt.ArrayLike, name: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or array.size == 0:
        raise ScoringError("psi_invalid", f"{name}应为非空的一维数值数组。", {"field": name})
    if not np.isfinite(array).all():
        raise ScoringError("psi_invalid", f"{name}中有空值或非有限的数值。", {"field": name})
    return array


def quantile_edges(expected: npt.ArrayLike, *, bins: int = 10) -> FloatArray:
    """Interior edges at the expected values' quantiles 1/bins … (bins−1)/bins, duplicates removed
    (a score with few distinct values gives fewer bins)."""
    if bins < 2:
        raise ScoringError("psi_invalid", "分箱数至少为 2。", {"field": "bins"})
    values = _finite(expected, "expected")
    inner = np.quantile(values, np.linspace(0.0, 1.0, bins + 1)[1:-1])
    edges: FloatArray = np.unique(inner)
    return edges


def psi_by_bins(expected_counts: npt.ArrayLike, actual_counts: npt.ArrayLike) -> PsiResult:
    """PSI of two count vectors over the same bins (e.g. a variable's scorecard bins)."""
    expected = _finite(expected_counts, "expected_counts")
    actual = _finite(actual_counts, "actual_counts")
    if expected.shape != actual.shape:
        raise ScoringError("psi_invalid", "两组计数的分箱数不同。", {"field": "actual_counts"})
    if (expected < 0).any() or (actual < 0).any() or expected.sum() <= 0 or actual.sum() <= 0:
        raise ScoringError("psi_invalid", "计数应为非负数，且每组至少有一个样本。", {"field": "counts"})
    e_share = expected / expected.sum()
    a_share = actual / actual.sum()
    both_empty = (e_share == 0) & (a_share == 0)
    e = np.where(e_share == 0, EPSILON, e_share)
    a = np.where(a_share == 0, EPSILON, a_share)
    terms = np.where(both_empty, 0.0, (a - e) * np.log(a / e))
    return PsiResult(
        value=float(terms.sum()),
        edges=(),
        expected_counts=tuple(float(x) for x in expected),
        actual_counts=tuple(float(x) for x in actual),
        expected_shares=tuple(float(x) for x in e_share),
        actual_shares=tuple(float(x) for x in a_share),
        terms=tuple(float(x) for x in terms),
    )


def bin_counts(values: npt.ArrayLike, edges: npt.ArrayLike) -> FloatArray:
    """How many values fall in each right-open bin (−∞, e1), [e1, e2), …, [ek, +∞)."""
    array = _finite(values, "values")
    cuts = np.asarray(edges, dtype=np.float64)
    counts: FloatArray = np.bincount(
        np.searchsorted(cuts, array, side="right"), minlength=cuts.size + 1
    ).astype(np.float64)
    return counts


def psi(
    expected: npt.ArrayLike, actual: npt.ArrayLike, *, edges: npt.ArrayLike | None = None, bins: int = 10
) -> PsiResult:
    """PSI of scores: ``expected`` (training) and ``actual`` (recent) binned by ``edges`` (default: the
    expected's ``bins``-quantiles)."""
    cuts = quantile_edges(expected, bins=bins) if edges is None else np.asarray(edges, dtype=np.float64)
    if cuts.ndim != 1 or (cuts.size > 1 and (np.diff(cuts) <= 0).any()):
        raise ScoringError("psi_invalid", "分箱边界应严格递增。", {"field": "edges"})
    result = psi_by_bins(bin_counts(expected, cuts), bin_counts(actual, cuts))
    return PsiResult(
        value=result.value,
        edges=tuple(float(x) for x in cuts),
        expected_counts=result.expected_counts,
        actual_counts=result.actual_counts,
        expected_shares=result.expected_shares,
        actual_shares=result.actual_shares,
        terms=result.terms,
    )
