"""线索评分 — a transparent score of how likely a lead is to end in a disbursed loan (issue 17 item 5),
learnt from a team's own closed leads. Pure Python: the service gathers the leads and stores the model.

The model is naive Bayes over a few attributes of the lead (``FEATURES``), counted, with add-one
(Laplace) smoothing, so every number can be shown and checked by hand:

- the outcome is the one that matters to a bank — the lead reached 已放款 (approved *and* disbursed), not
  "won" — against the leads lost; open leads do not teach;
- prior = ln((disbursed + 1) / (lost + 1));
- a feature value's weight = ln(P(value | disbursed) / P(value | lost)), each P = (count + 1) / (class
  total + number of values seen for the feature + 1) (the extra 1 keeps a value never seen at weight 0);
- a lead's log-odds = prior + Σ weights of its values; its score = 100 × the probability, 0–100;
- its factors = each value's weight, the largest in size first: "渠道：转介绍 +0.92" — what raised or lowered
  the score, in the CM's words.

A model learnt from fewer than ``MIN_OUTCOMES`` closed leads (or with none of either outcome) is not used
(``fit`` refuses, ``lead_score_too_few``): the caller falls back to a wider pool (the branch's) or shows no
score rather than a noisy one.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from creditdesk.core.exceptions import DomainError

MIN_OUTCOMES = 30

FEATURES: dict[str, str] = {
    "channel": "获客渠道",
    "tier": "客户层级",
    "kind": "客户类型",
    "purpose": "资金用途",
    "amount_band": "意向金额",
    "referred": "转介绍",
    "contacted_fast": "两日内联系",
    "interested": "表达意向",
}
"""The attributes the score uses, with the words that name them to a CM."""


def amount_band(amount: object) -> str:
    """意向金额 in bands (yuan): 未填, <10万, 10–50万, 50–200万, ≥200万."""
    if amount is None:
        return "未填"
    value = float(str(amount))
    if value < 100_000:
        return "10万以下"
    if value < 500_000:
        return "10–50万"
    if value < 2_000_000:
        return "50–200万"
    return "200万以上"


@dataclass(frozen=True)
class Factor:
    feature: str
    value: str
    weight: float

    @property
    def label(self) -> str:
        return f"{FEATURES.get(self.feature, self.feature)}：{self.value} {self.weight:+.2f}"


@dataclass(frozen=True)
class Score:
    points: int
    probability: float
    factors: tuple[Factor, ...]


@dataclass(frozen=True)
class LeadScoreModel:
    """What ``fit`` learnt: the outcome counts and, per feature, each value's counts in either outcome."""

    disbursed: int
    lost: int
    counts: Mapping[str, Mapping[str, tuple[int, int]]]

    def as_data(self) -> dict[str, Any]:
        return {
            "disbursed": self.disbursed,
            "lost": self.lost,
            "counts": {f: {v: list(c) for v, c in values.items()} for f, values in self.counts.items()},
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> LeadScoreModel:
        return cls(
            disbursed=int(data["disbursed"]),
            lost=int(data["lost"]),
            counts={
                f: {v: (int(c[0]), int(c[1])) for v, c in values.items()}
                for f, values in data["counts"].items()
            },
        )

    @property
    def prior(self) -> float:
        return math.log((self.disbursed + 1) / (self.lost + 1))

    def weight(self, feature: str, value: str) -> float:
        values = self.counts.get(feature, {})
        good, bad = values.get(value, (0, 0))
        size = len(values) + 1
        return math.log(((good + 1) / (self.disbursed + size)) / ((bad + 1) / (self.lost + size)))


def fit(examples: Iterable[tuple[Mapping[str, str], bool]]) -> LeadScoreModel:
    """Learn from ``(features, disbursed)`` of closed leads; refuses too few (module docstring)."""
    disbursed = lost = 0
    counts: dict[str, Counter[tuple[str, bool]]] = {feature: Counter() for feature in FEATURES}
    for features, outcome in examples:
        if outcome:
            disbursed += 1
        else:
            lost += 1
        for feature in FEATURES:
            counts[feature][(str(features.get(feature, "")), bool(outcome))] += 1
    if disbursed + lost < MIN_OUTCOMES or not disbursed or not lost:
        raise DomainError(
            "lead_score_too_few",
            f"已结束的线索太少（已放款 {disbursed}、已流失 {lost}；"
            f"至少共 {MIN_OUTCOMES} 条且两类都有），暂不评分。",
            {"disbursed": disbursed, "lost": lost},
        )
    table = {
        feature: {
            value: (counter[(value, True)], counter[(value, False)])
            for value in sorted({v for v, _ in counter})
        }
        for feature, counter in counts.items()
    }
    return LeadScoreModel(disbursed, lost, table)


def score(model: LeadScoreModel, features: Mapping[str, str], *, top: int = 3) -> Score:
    """The lead's score and its ``top`` factors by size of weight."""
    factors = [
        Factor(feature, str(features.get(feature, "")), model.weight(feature, str(features.get(feature, ""))))
        for feature in FEATURES
    ]
    log_odds = model.prior + sum(factor.weight for factor in factors)
    probability = 1 / (1 + math.exp(-log_odds))
    ranked = sorted(factors, key=lambda factor: (-abs(factor.weight), factor.feature))
    return Score(round(probability * 100), probability, tuple(ranked[:top]))
