"""Expert scorecards (专家评分卡): a card written by risk managers as data, checked, and compiled into the
artefact the scorer already scores — so an expert card and a trained card are scored by the same engine,
with the same reason codes and the same speed.

A card (JSON, ``CARD_FORMAT``)::

    {"name": "expert_retail_sme", "version": "1.0.0", "title": "…", "description": "…",
     "base_points": 200, "top_n": 4,
     "grades": [{"grade": "A", "min_points": 630}, …, {"grade": "E", "min_points": null}],
     "score_range": {"min": 230, "max": 735},                        (optional: checked when given)
     "features": [
       {"key": "inquiries_6m",
        "bands": [{"lower": null, "upper": 3, "points": 40, "rationale": "近期无密集融资"},
                  {"lower": 3, "upper": 5, "points": 30, "rationale": "…"}, …,
                  {"lower": 7, "upper": null, "points": 0, "rationale": "…"}],
        "missing": {"points": 10, "rationale": "…", "label": "未取得征信摘要"}},       (optional)
       {"key": "size_class",
        "bands": [{"categories": ["large", "medium"], "points": 20, "rationale": "…"}, …],
        "missing": {…}}]}

Rules (``validate`` refuses a card that breaks one, with a stable code and a Chinese sentence naming the
feature and the band; every problem found is listed under ``extra["problems"]``):

- a card has a name, a version, a title and at least one feature (``card_empty``); no key it does not
  know (``card_invalid``); a feature is in the registry (``feature_unknown``) and never protected
  (``feature_protected``, :mod:`creditdesk.scoring.features`), at most once (``feature_repeated``);
- points (base, bands, missing) are numbers — not text, not yes/no, finite (``points_invalid``); each
  band has a one-line rationale (``rationale_missing``);
- numerical bands are right-open intervals [lower, upper) listed from low to high, each following the
  last without overlap (``band_overlap``) or gap (``band_gap``); ``null`` is −∞ as the first lower and
  +∞ as the last upper. Finite ends state the range the card was designed for: a value outside is scored
  in the nearest (first or last) band and flagged ``out_of_range``. Edges are numbers
  (``band_edge_invalid``; whole numbers for a whole-number feature) with lower < upper
  (``band_invalid``); a categorical band has categories, a numerical one edges (``band_invalid``);
- categorical bands together hold every category of the feature exactly once: none in two bands
  (``category_repeated``), none left out (``category_uncovered``), none the feature does not have
  (``category_unknown``); a category never seen (not in the registry) is scored in the Missing band and
  flagged ``unknown_category``;
- the Missing band (optional) scores an unknown answer and a feature that does not apply to the
  applicant; without one, both score the feature's lowest band's points (the prudent choice);
- grades are A, B, C, D, E in that order (``grades_invalid``); A–D carry a minimum score (a number:
  ``cutoff_invalid``), strictly descending (``cutoff_not_descending``), each within the scores the card
  can give — above its lowest, at most its highest (``cutoff_out_of_range``); E has none;
  ``score_range``, when given, is that range (``score_range_mismatch``).

The card gives 评分 and 等级 only: no probability of default (its artefact's ``scaling.method`` is
``"points"``; RULES.md: a PD only after calibration to the bank's book).

Imports no Django (import-linter: "Pure cores import no Django").
"""

from creditdesk.scoring.expert.artefact import (
    SHIPPED,
    compile_card,
    compile_to_artefact,
    load_shipped,
    source_card,
)
from creditdesk.scoring.expert.card import CARD_FORMAT, Band, CardError, CardFeature, ExpertCard, band_label
from creditdesk.scoring.expert.validation import validate

__all__ = [
    "CARD_FORMAT",
    "SHIPPED",
    "Band",
    "CardError",
    "CardFeature",
    "ExpertCard",
    "band_label",
    "compile_card",
    "compile_to_artefact",
    "load_shipped",
    "source_card",
    "validate",
]
