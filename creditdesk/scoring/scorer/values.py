"""How values are compared and written: categories as text; numbers, points and bins for people."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np


def category_text(value: object) -> str | None:
    """The text a category is compared as; ``None`` for a missing value (None, NaN).

    Categories are text: a string is kept as it is; an integer (or a whole float: 2.0) becomes its
    decimal digits ("2"); other numbers their ``repr``. Training applies the same rule.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating | Decimal):
        number = float(value)
        if math.isnan(number):
            return None
        if number.is_integer():
            return str(int(number))
        return repr(number)
    return str(value)


def format_points(value: float) -> str:
    """Points for a sentence: whole numbers without decimals, otherwise at most two decimals."""
    rounded = round(value, 2)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.2f}".rstrip("0").rstrip(".")


def format_number(value: float) -> str:
    """A numeric answer or bin edge for people: 48, 1169, 11.5."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:g}"


def interval_label(low: float | None, high: float | None) -> str:
    """Chinese description of a right-open bin [low, high)."""
    if high is None:
        return "全部" if low is None else f"{format_number(low)} 及以上"
    if low is None:
        return f"小于 {format_number(high)}"
    return f"{format_number(low)}（含）至 {format_number(high)}（不含）"
