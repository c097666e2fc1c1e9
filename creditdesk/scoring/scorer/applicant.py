"""One applicant's answers (单个申请人): checked, placed in their bins, warnings for what is unknown.

Rules: every variable of the model must be present with a value or the explicit ``UNKNOWN`` marker; a
missing field, ``None``, NaN or an empty category is refused (``missing_value``) so that no score is
made from an unanswered form. ``UNKNOWN`` scores the Missing bin and is reported as a warning
``missing_value``. A number must be a real number (not text, not a boolean: ``not_numeric``) and finite
(``not_finite``); a category is compared as text and one the model has never seen scores the Missing
bin with a warning ``unknown_category``.

``NOT_APPLICABLE`` says a variable does not apply to this applicant (a business has no 公积金, an
unsecured loan no loan-to-value): it scores the Missing bin, whose points the card's authors chose for
that case, is shown as 不适用 and is no reason code (it says nothing about the applicant); who decides
that a variable does not apply is the caller (``scoring.features.applicant_values`` for the registry's
features). A number outside the range a numerical variable's bins were designed for scores the nearest
bin and is reported as a warning ``out_of_range``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Final

import numpy as np

from creditdesk.scoring.errors import ScoringError
from creditdesk.scoring.scorer.categorical import CategoricalVariable
from creditdesk.scoring.scorer.numerical import NumericalVariable
from creditdesk.scoring.scorer.results import Contribution, ScoreWarning
from creditdesk.scoring.scorer.values import category_text
from creditdesk.scoring.scorer.variable import Variable

UNKNOWN: Final = "__unknown__"
"""The explicit "unknown" answer of one applicant: scored with the Missing bin and reported."""

NOT_APPLICABLE: Final = "__not_applicable__"
"""The variable does not apply to this applicant: scored with the Missing bin, shown as 不适用, no reason."""


def missing_value(variable: Variable) -> ScoringError:
    return ScoringError(
        "missing_value",
        f"请填写「{variable.label}」；确实不知道时请明确选择“未知”。",
        {"field": variable.name},
    )


def one_number(raw: object, variable: NumericalVariable) -> float:
    if raw is None:
        raise missing_value(variable)
    if isinstance(raw, bool | np.bool_) or not isinstance(
        raw, int | float | Decimal | np.integer | np.floating
    ):
        raise ScoringError(
            "not_numeric", f"「{variable.label}」应为数值，收到「{raw}」。", {"field": variable.name}
        )
    number = float(raw)
    if math.isnan(number):
        raise missing_value(variable)
    if math.isinf(number):
        raise ScoringError("not_finite", f"「{variable.label}」应为有限的数值。", {"field": variable.name})
    return number


def one_category(raw: object, variable: CategoricalVariable) -> str:
    if isinstance(raw, list | tuple | dict | set):
        raise ScoringError(
            "invalid_value", f"「{variable.label}」应为一个类别，收到「{raw}」。", {"field": variable.name}
        )
    text = category_text(raw)
    if text is None or text == "":
        raise missing_value(variable)
    return text


def out_of_range(variable: NumericalVariable, value_label: str, bin_id: int) -> str:
    """The warning for a value outside the card's designed range (``value_label`` may be a mask: the page
    of a person who may not see a sensitive value says it with the mask in the value's place)."""
    return (
        f"「{variable.label}」为 {value_label}，超出评分卡设计的范围（{variable.range_label()}），"
        f"已按最接近的一档「{variable.bin_labels[bin_id]}」计分，请人工复核。"
    )


def contribution(
    variable: NumericalVariable | CategoricalVariable, applicant: Mapping[str, object]
) -> tuple[Contribution, ScoreWarning | None]:
    """The bin and points ``variable`` gives ``applicant``, and a warning if the answer is unknown."""
    if variable.name not in applicant:
        raise missing_value(variable)
    raw = applicant[variable.name]
    value: object
    warning = None
    if isinstance(raw, str) and raw == UNKNOWN:
        value, bin_id, value_label = UNKNOWN, variable.missing_id, "未知"
        warning = ScoreWarning(
            "missing_value", variable.name, f"「{variable.label}」填写为未知，按缺失档计分。"
        )
    elif isinstance(raw, str) and raw == NOT_APPLICABLE:
        value, bin_id, value_label = NOT_APPLICABLE, variable.missing_id, "不适用"
    elif isinstance(variable, NumericalVariable):
        number = one_number(raw, variable)
        value, bin_id, value_label = number, variable.locate(number), variable.value_label(number)
        if bin_id < variable.n_bins and variable.outside_range(number):
            warning = ScoreWarning("out_of_range", variable.name, out_of_range(variable, value_label, bin_id))
    else:
        text = value = one_category(raw, variable)
        if text in variable.bin_of:
            bin_id, value_label = variable.bin_of[text], variable.labels[text]
        else:
            bin_id, value_label = variable.missing_id, text
            warning = ScoreWarning(
                "unknown_category",
                variable.name,
                f"「{variable.label}」的「{text}」不是模型训练时见过的类别，按缺失档计分。",
            )
    placed = Contribution(
        variable=variable.name,
        label=variable.label,
        value=value,
        value_label=value_label,
        bin=bin_id,
        bin_label=variable.bin_labels[bin_id],
        points=variable.row_points[bin_id],
        best_points=variable.best_points,
    )
    return placed, warning
