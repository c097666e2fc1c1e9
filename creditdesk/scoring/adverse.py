"""Adverse reasons in the customer's terms (可告知客户的扣分原因): each reason code of a score on the
registry's features, said as a sentence about a CreditDesk field with what would change it (issue 14,
PIPL art. 24: a decision made by the scorecard is explainable and reviewable).

Rules: the reasons are the engine's (:func:`creditdesk.scoring.scorer.reasons.reasons`: the variables that
lost the most points against their best band, ``NOT_APPLICABLE`` ones excluded), in the same order; this
module only says them differently:

- a numerical value is compared with the nearest band that gives more points (by position; between two
  as near, the one with more points, then the lower). If that band lies below, the value is too high:
  the feature's ``too_high`` sentence with ``{at_least}`` = the lower edge of the value's band and
  ``{more_than}`` = that edge − 1 (whole-number features); if above, too low: ``too_low`` with
  ``{below}`` = the upper edge of the value's band ("近 6 个月征信查询 9 次，多于 6 次");
- a category: the feature's sentence for that category, else its ``adverse`` sentence with the
  category's label ("企业规模为微型");
- an answer given as unknown: "未提供「…」" with "补充提供…"; a category the card does not know: said as
  such, for the customer manager to check.

``advice`` is the feature's, with the same edges filled in. The internal score and grade are never in
these sentences (RULES.md: not printed on anything given to the customer).

A sensitive feature (``Feature.sensitive``: income) has a second, masked form of its sentence — the
registry's ``too_high_masked`` / ``too_low_masked``, the same edges without the value ("月收入低于
50,000.00 元") — for a person who may not see the value in clear (:func:`masked_reason`, built from the
stored contribution's band, so assessments made before the masks existed are said the same way).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from creditdesk.scoring.features import MASKED, Feature, feature
from creditdesk.scoring.scorer.applicant import UNKNOWN
from creditdesk.scoring.scorer.card import Scorecard
from creditdesk.scoring.scorer.results import ScoreResult


@dataclass(frozen=True)
class CustomerReason:
    """One reason code as the customer is told it, and what would change it."""

    feature: str
    label: str
    points_lost: float
    sentence: str
    advice: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Placed(Protocol):
    """Where a value fell: the value and its bin (a ``Contribution``, or one read back from storage)."""

    @property
    def value(self) -> object: ...

    @property
    def bin(self) -> int: ...


@dataclass(frozen=True)
class _Stored:
    value: object
    bin: int


class _Blank(dict[str, str]):
    """Template values; an edge a template names but the band has not reads as nothing."""

    def __missing__(self, key: str) -> str:
        return ""


def _nearest_better(points: Sequence[float], mine: int) -> int | None:
    better = [i for i, value in enumerate(points) if value > points[mine]]
    if not better:
        return None
    return min(better, key=lambda i: (abs(i - mine), -points[i], i))


def _edges(variable: Mapping[str, Any], index: int) -> tuple[float | None, float | None]:
    """The [lower, upper) of bin ``index`` (the designed range at the ends, else unbounded)."""
    splits = list(variable.get("splits", []))
    designed = variable.get("range", {})
    lower = splits[index - 1] if index > 0 else designed.get("from")
    upper = splits[index] if index < len(splits) else designed.get("below")
    return lower, upper


def _numerical(
    item: Feature, variable: Mapping[str, Any], placed: _Placed, *, masked: bool
) -> tuple[str, _Blank]:
    values = _Blank() if masked else _Blank(value=item.display(placed.value))
    fallback = f"{item.label}（{MASKED}）" if masked else "{label}为 {value}"
    points = [float(row["points"]) for row in variable["bins"]]
    if placed.bin >= len(points):  # Special: not used by expert cards
        return fallback.format_map(_Blank(values, label=item.label)), values
    better = _nearest_better(points, placed.bin)
    lower, upper = _edges(variable, placed.bin)
    if better is not None and better < placed.bin and lower is not None:
        values["at_least"] = item.display(lower)
        if item.integer:
            values["more_than"] = item.display(lower - 1)
        template = item.too_high_masked if masked else item.too_high
    elif better is not None and better > placed.bin and upper is not None:
        values["below"] = item.display(upper)
        template = item.too_low_masked if masked else item.too_low
    else:
        template = ""
    return (template or fallback).format_map(_Blank(values, label=item.label)), values


def _sentence(
    item: Feature, variable: Mapping[str, Any], placed: _Placed, *, masked: bool = False
) -> tuple[str, str]:
    if placed.value == UNKNOWN:
        return f"未提供「{item.label}」", f"补充提供「{item.label}」的相关材料后重新评估"
    if item.kind == "categorical":
        value = str(placed.value)
        if value not in item.category_values:
            return f"「{item.label}」为「{value}」，不在评分卡的类别中", "请客户经理核实该项后重新评估"
        label = item.category_label(value)
        values = _Blank(value=label)
        sentence = item.adverse_by_category.get(value) or (item.adverse or "{label}为{value}").format_map(
            _Blank(values, label=item.label)
        )
        return sentence, item.advice.format_map(values)
    sentence, values = _numerical(item, variable, placed, masked=masked)
    return sentence, item.advice.format_map(values)


def customer_reasons(card: Scorecard, result: ScoreResult) -> tuple[CustomerReason, ...]:
    """The reason codes of ``result`` (a score by ``card``, whose variables are registry features) in
    the customer's terms; ``feature_unknown`` for a card on other variables (German Credit)."""
    variables = {variable["name"]: variable for variable in card.content["variables"]}
    placed = {item.variable: item for item in result.contributions}
    said = []
    for reason in result.reasons:
        item = feature(reason.variable)
        sentence, advice = _sentence(item, variables[reason.variable], placed[reason.variable])
        said.append(CustomerReason(item.key, item.label, reason.points_lost, sentence, advice))
    return tuple(said)


def masked_reason(
    card: Scorecard, reason: Mapping[str, Any], contribution: Mapping[str, Any]
) -> dict[str, Any]:
    """A stored customer reason (``CustomerReason.to_dict``) as a person who may not see a sensitive
    value reads it: the feature's masked sentence and advice, from the band of the stored contribution
    (``Contribution.to_dict``: its ``bin`` and ``value``). A reason on a feature that is not sensitive is
    returned as it is."""
    item = feature(str(reason["feature"]))
    if not item.sensitive:
        return dict(reason)
    variables = {variable["name"]: variable for variable in card.content["variables"]}
    placed = _Stored(contribution.get("value"), int(contribution["bin"]))
    sentence, advice = _sentence(item, variables[item.key], placed, masked=True)
    return {**reason, "sentence": sentence, "advice": advice}
