"""Reading the fields of a scorecard's content: a malformed field is ``model_invalid``, naming where."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from creditdesk.scoring.errors import ScoringError


def invalid(message: str, **extra: Any) -> ScoringError:
    """``model_invalid``: the file is not a usable scorecard (``extra`` names the field)."""
    return ScoringError("model_invalid", f"评分卡文件无效：{message}", extra or None)


def number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise invalid(f"{where} 应为有限的数值", field=where)
    return float(value)


def text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise invalid(f"{where} 应为非空文本", field=where)
    return value


def mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise invalid(f"{where} 应为对象", field=where)
    return value


def sequence(value: Any, where: str) -> Sequence[Any]:
    if not isinstance(value, list):
        raise invalid(f"{where} 应为数组", field=where)
    return value
