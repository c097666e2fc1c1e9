"""Reason codes (拒绝/扣分原因): the variables that cost the most points, in Chinese sentences.

Rule: for each variable, points lost = the best points any of its regular bins gives − the points
obtained; the ``top_n`` variables with a loss > 0, largest loss first (ties in the model's variable
order), each as a sentence such as 「支票账户状态」为「余额低于 0 马克」，比该项最佳档少 35 分. The
sentence says what the value was: a category by its Chinese label, a number as written, a special value,
"unknown" for the explicit marker, and an unseen category as such. A variable marked ``NOT_APPLICABLE``
is no reason: it does not apply to the applicant.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from creditdesk.scoring.scorer.applicant import NOT_APPLICABLE, UNKNOWN
from creditdesk.scoring.scorer.categorical import CategoricalVariable
from creditdesk.scoring.scorer.results import Contribution, Reason
from creditdesk.scoring.scorer.values import format_points
from creditdesk.scoring.scorer.variable import Variable

DEFAULT_TOP_N: Final = 4


def reasons(
    contributions: Sequence[Contribution], variables: Mapping[str, Variable], *, top_n: int
) -> tuple[Reason, ...]:
    """The ``top_n`` contributions that lost points, largest loss first (stable for ties)."""
    losing = [item for item in contributions if item.points_lost > 0 and item.value != NOT_APPLICABLE]
    losing.sort(key=lambda item: -item.points_lost)
    found = []
    for item in losing[:top_n]:
        message = reason_message(item, variables[item.variable])
        found.append(Reason(item.variable, item.label, item.points_lost, message))
    return tuple(found)


def reason_message(item: Contribution, variable: Variable) -> str:
    """The sentence of one reason code (a contribution whose ``value_label`` may be a mask: the page of a
    person who may not see a sensitive value says it with the mask in the value's place)."""
    lost = format_points(item.points_lost)
    return f"「{item.label}」{_what(item, variable)}，比该项最佳档少 {lost} 分"


def _what(item: Contribution, variable: Variable) -> str:
    categorical = isinstance(variable, CategoricalVariable)
    if item.bin == variable.missing_id and categorical and item.value != UNKNOWN:
        return f"为「{item.value_label}」（模型未见过的类别）"
    if item.bin == variable.missing_id:
        return "未知"
    if categorical:
        return f"为「{item.value_label}」"
    if item.bin == variable.special_id:
        return f"为特殊值 {item.value_label}"
    return f"为 {item.value_label}"
