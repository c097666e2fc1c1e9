"""An expert card (专家评分卡) once checked: its features, their bands and points, its grades; the format
and the rules are in :mod:`creditdesk.scoring.expert`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from creditdesk.scoring.errors import ScoringError
from creditdesk.scoring.features import Feature

CARD_FORMAT: Final = "creditdesk-expert-card/1"


class CardError(ScoringError):
    """An expert card was refused; ``extra`` names the feature and the band (1-based) and lists every
    problem found under ``problems``."""


@dataclass(frozen=True)
class Band:
    """One row of a feature: [lower, upper) or a set of categories, its points, label and rationale."""

    points: float
    rationale: str
    label: str
    lower: float | None = None
    upper: float | None = None
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class CardFeature:
    feature: Feature
    bands: tuple[Band, ...]
    missing: Band | None

    @property
    def key(self) -> str:
        return self.feature.key

    @property
    def missing_points(self) -> float:
        """The points of an unknown or not-applicable value: the Missing band's, else the lowest band's."""
        return self.missing.points if self.missing else min(band.points for band in self.bands)

    @property
    def lowest(self) -> float:
        return min(self.missing_points, *(band.points for band in self.bands))

    @property
    def highest(self) -> float:
        return max(self.missing_points, *(band.points for band in self.bands))


@dataclass(frozen=True)
class ExpertCard:
    """A checked expert card (build it with :func:`validate`)."""

    name: str
    version: str
    title: str
    description: str
    created_at: str
    base_points: float
    top_n: int
    grades: tuple[tuple[str, float | None], ...]
    features: tuple[CardFeature, ...]
    data: Mapping[str, Any]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.features)

    @property
    def score_range(self) -> tuple[float, float]:
        """The lowest and highest score the card can give (base + each feature's lowest / highest)."""
        return (
            self.base_points + sum(item.lowest for item in self.features),
            self.base_points + sum(item.highest for item in self.features),
        )


def fmt_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def edge_text(value: float | None, infinite: str) -> str:
    return infinite if value is None else fmt_number(value)


def band_label(item: Feature, lower: float | None, upper: float | None) -> str:
    """The band [lower, upper) for people: "3–4 次", "少于 3 次", "7 次及以上", and for money and ratios
    "50.00%（含）至 60.00%（不含）"."""
    if item.integer:
        unit = f" {item.unit}" if item.unit else ""
        if upper is None:
            return "全部" if lower is None else f"{fmt_number(lower)}{unit}及以上"
        if lower is None:
            return f"少于 {fmt_number(upper)}{unit}"
        if upper - 1 == lower:
            return f"{fmt_number(lower)}{unit}"
        return f"{fmt_number(lower)}–{fmt_number(upper - 1)}{unit}"
    if upper is None:
        return "全部" if lower is None else f"{item.display(lower)} 及以上"
    if lower is None:
        return f"低于 {item.display(upper)}"
    return f"{item.display(lower)}（含）至 {item.display(upper)}（不含）"
