"""Compiling an expert card into the scorer's artefact (``creditdesk-scorecard/1``), so that the one
engine scores it: base points as the intercept, one variable per feature, the bands as bins with their
points, labels and rationales, the designed range of a numerical feature, grades by points, no
probability; and the shipped default card."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from creditdesk.scoring.expert.card import CARD_FORMAT, Band, CardError, CardFeature, ExpertCard, edge_text
from creditdesk.scoring.expert.validation import validate
from creditdesk.scoring.scorer.artefact import seal
from creditdesk.scoring.scorer.card import POINTS, Scorecard

SHIPPED: Final = Path(__file__).resolve().parent.parent / "shipped" / "expert_retail_sme.json"
"""The shipped default card: 零售及小微贷款预筛专家评分卡 (示例参数)."""


def _bin(band: Band, notation: str) -> dict[str, Any]:
    return {"bin": notation, "label": band.label, "points": band.points, "rationale": band.rationale}


def _rows_around(item: CardFeature) -> dict[str, Any]:
    missing = item.missing or Band(item.missing_points, "未提供时按该项最低档计分（审慎原则）", "未提供")
    return {
        "special": {"bin": "Special", "label": "特殊值（本卡不用）", "points": item.missing_points},
        "missing": {
            "bin": "Missing",
            "label": missing.label,
            "points": missing.points,
            "rationale": missing.rationale,
        },
    }


def _variable(item: CardFeature) -> dict[str, Any]:
    spec = item.feature
    variable: dict[str, Any] = {"name": spec.key, "label": spec.label, "kind": spec.kind, "unit": spec.unit}
    if spec.kind == "numerical":
        first, last = item.bands[0], item.bands[-1]
        designed = {"from": first.lower, "below": last.upper}
        variable.update(
            splits=[band.upper for band in item.bands[:-1]],
            special_codes=[],
            bounds={"integer": spec.integer},
            range={key: value for key, value in designed.items() if value is not None},
            bins=[
                _bin(band, f"[{edge_text(band.lower, '-inf')}, {edge_text(band.upper, 'inf')})")
                for band in item.bands
            ],
        )
    else:
        bin_of = {value: index for index, band in enumerate(item.bands) for value in band.categories}
        variable.update(
            categories=[
                {"value": c.value, "label": c.label, "bin": bin_of[c.value]} for c in spec.categories
            ],
            bins=[
                {**_bin(band, "[" + ", ".join(band.categories) + "]"), "categories": list(band.categories)}
                for band in item.bands
            ],
        )
    variable.update(_rows_around(item))
    return variable


def compile_to_artefact(card: ExpertCard) -> dict[str, Any]:
    """The sealed artefact (``creditdesk-scorecard/1``) of ``card``: base points as the intercept, one
    variable per feature, bins and points as written, grades by points, no probability."""
    low, high = card.score_range
    content = {
        "name": card.name,
        "version": card.version,
        "title": card.title,
        "description": card.description,
        "created_at": card.created_at,
        "kind": "expert",
        "training_data": {},
        "parameters": {"card_format": CARD_FORMAT},
        "scaling": {"method": POINTS, "intercept_points": card.base_points},
        "grades": [{"grade": grade, "min_points": minimum} for grade, minimum in card.grades],
        "score_range": {"min": low, "max": high},
        "reasons": {"top_n": card.top_n},
        "variables": [_variable(item) for item in card.features],
        "score_reference": {},
        "metrics": {},
        "source_card": card.data,
    }
    return seal(content)


def compile_card(card_data: object) -> Scorecard:
    """Validate ``card_data`` and give the scorer of its artefact."""
    return Scorecard.from_artefact(compile_to_artefact(validate(card_data)))


def source_card(scorecard: Scorecard) -> ExpertCard:
    """The expert card an artefact was compiled from (to edit it as a new draft); ``card_invalid`` when
    the artefact is not an expert card's."""
    data = scorecard.content.get("source_card")
    if scorecard.content.get("kind") != "expert" or not isinstance(data, Mapping):
        raise CardError("card_invalid", f"「{scorecard.title}」不是专家评分卡。", {"model": scorecard.name})
    return validate(data)


def load_shipped() -> ExpertCard:
    """The shipped default card (``shipped/expert_retail_sme.json``), checked."""
    return validate(json.loads(SHIPPED.read_text(encoding="utf-8")))
