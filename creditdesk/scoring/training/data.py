"""Training data (训练数据): read, fingerprinted and validated before anything is fitted.

Rules: the target column must hold exactly two values; 1 = bad (the event). Which value is bad:
``target_event`` from the configuration, else 1/True, or "bad" when the values are "good"/"bad". A
target that is not binary, missing in a row, or has one class is refused. A column listed in
``categorical``/``numerical`` is that; otherwise its dtype decides (numbers → numerical, text →
categorical), except that a text column whose values are at least 90 % numbers is a numerical column
with typing errors and is refused (``not_numeric``, naming the column and the first bad row). Categories
are compared as text (:func:`creditdesk.scoring.scorer.values.category_text`). Infinite numbers, an
all-empty column and too few rows (``min_rows``, ``min_class_rows`` of each class) are refused.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from creditdesk.scoring.errors import ScoringError
from creditdesk.scoring.scorer.values import category_text
from creditdesk.scoring.training.config import validate_config

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class TrainingData:
    """Validated training data: ``X`` (numerical columns float64, categorical columns text/None, in
    variable order, the input's index kept), ``y`` (1 = bad), the kind of each variable, and where the
    data came from."""

    X: pd.DataFrame
    y: np.ndarray
    kinds: dict[str, str]
    target: str
    event: Any
    fingerprint: str
    source: str

    @property
    def variables(self) -> list[str]:
        return list(self.X.columns)


def _row(position: int) -> int:
    """1-based data row (the header of a CSV is not counted)."""
    return position + 1


def read_frame(frame_or_csv_path: pd.DataFrame | str | Path) -> tuple[pd.DataFrame, str, str]:
    """The data, its fingerprint (SHA-256 of the CSV's bytes, or of the frame written as CSV) and its
    source (file name or "DataFrame")."""
    import pandas as pd

    if isinstance(frame_or_csv_path, pd.DataFrame):
        text = frame_or_csv_path.to_csv(index=False, lineterminator="\n")
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return frame_or_csv_path, f"sha256:{digest}", "DataFrame"
    path = Path(frame_or_csv_path)
    try:
        raw = path.read_bytes()
        frame = pd.read_csv(io.BytesIO(raw))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ScoringError(
            "data_unreadable", f"无法读取训练数据 {path.name}：{exc}", {"field": str(path)}
        ) from exc
    return frame, f"sha256:{hashlib.sha256(raw).hexdigest()}", path.name


def _target(
    frame: pd.DataFrame, target: str, event: Any, config: Mapping[str, Any]
) -> tuple[np.ndarray, Any]:
    import pandas as pd

    column = frame[target]
    missing = column.isna().to_numpy()
    if missing.any():
        row = _row(int(np.argmax(missing)))
        raise ScoringError(
            "target_missing",
            f"目标列「{target}」第 {row} 行为空：每行都要有好/坏标记。",
            {"field": target, "row": row},
        )
    values = list(pd.unique(column))
    shown = "、".join(str(v) for v in values[:5])
    if len(values) > 2:
        raise ScoringError(
            "target_not_binary",
            f"目标列「{target}」应只有两种取值（好/坏），实际有 {len(values)} 种：{shown}…",
            {"field": target},
        )
    if len(values) < 2:
        raise ScoringError(
            "single_class",
            f"目标列「{target}」只有一种取值（{shown}）：训练需要好、坏两类样本。",
            {"field": target},
        )
    if event is None:
        texts = {str(v).strip().lower() for v in values}
        if texts <= {"0", "1", "true", "false", "0.0", "1.0"}:
            event = next(v for v in values if str(v).strip().lower() in ("1", "true", "1.0"))
        elif texts == {"good", "bad"}:
            event = next(v for v in values if str(v).strip().lower() == "bad")
        else:
            raise ScoringError(
                "target_not_binary",
                f"目标列「{target}」的取值为 {shown}：请在配置 target_event 中指明哪个值表示违约（坏）。",
                {"field": target},
            )
    elif event not in values:
        raise ScoringError(
            "target_not_binary",
            f"配置的 target_event「{event}」不在目标列「{target}」的取值（{shown}）中。",
            {"field": "target_event"},
        )
    y = (column == event).to_numpy().astype(np.int64)
    counts = {1: int(y.sum()), 0: int(len(y) - y.sum())}
    if min(counts.values()) < config["min_class_rows"]:
        raise ScoringError(
            "too_few_rows",
            f"坏样本 {counts[1]} 个、好样本 {counts[0]} 个：每类至少需要 {config['min_class_rows']} 个。",
            {"field": target},
        )
    return y, (event.item() if hasattr(event, "item") else event)


def _numeric(series: pd.Series, name: str, *, inferred: bool) -> np.ndarray:
    import pandas as pd

    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        coerced = pd.to_numeric(series, errors="coerce")
        bad = (series.notna() & coerced.isna()).to_numpy()
        if bad.any():
            position = int(np.argmax(bad))
            row, value = _row(position), series.iloc[position]
            hint = "；若它本是分类变量，请在配置 categorical 中列出" if inferred else ""
            raise ScoringError(
                "not_numeric",
                f"数值列「{name}」第 {row} 行是「{value}」，不是数值{hint}。",
                {"field": name, "row": row},
            )
        values = coerced.to_numpy(dtype=np.float64, na_value=np.nan)
    infinite = np.isinf(values)
    if infinite.any():
        row = _row(int(np.argmax(infinite)))
        raise ScoringError(
            "not_finite", f"数值列「{name}」第 {row} 行不是有限的数值。", {"field": name, "row": row}
        )
    return values


def _kind_of(series: pd.Series, name: str, config: Mapping[str, Any]) -> tuple[str, bool]:
    """(kind, inferred). A text column mostly of numbers is numerical (its strings are then errors)."""
    import pandas as pd

    if config["categorical"] and name in config["categorical"]:
        return "categorical", False
    if config["numerical"] and name in config["numerical"]:
        return "numerical", False
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "categorical", True
    if pd.api.types.is_numeric_dtype(dtype):
        return "numerical", True
    present = series.dropna()
    parsed = int(pd.to_numeric(present, errors="coerce").notna().sum())
    if len(present) and parsed >= 0.9 * len(present):
        return "numerical", True
    return "categorical", True


def prepare(
    frame_or_csv_path: pd.DataFrame | str | Path, *, target: str, config: Mapping[str, Any]
) -> TrainingData:
    """Read and validate training data (see the module docstring for the rules and error codes)."""
    import pandas as pd

    config = validate_config(config)
    frame, fingerprint, source = read_frame(frame_or_csv_path)
    if target not in frame.columns:
        raise ScoringError("missing_column", f"数据中没有目标列「{target}」。", {"field": target})
    names = config["variables"] or [str(c) for c in frame.columns if c != target]
    if target in names:
        raise ScoringError("config_invalid", f"目标列「{target}」不能同时作为变量。", {"field": "variables"})
    absent = [name for name in names if name not in frame.columns]
    for key in ("categorical", "numerical"):
        for name in config[key] or []:
            if name not in names:
                raise ScoringError(
                    "config_invalid", f"配置 {key} 中的「{name}」不是所用的变量。", {"field": key}
                )
    if absent:
        raise ScoringError(
            "missing_column",
            f"数据中缺少变量列：{'、'.join(absent)}。",
            {"field": absent[0], "fields": absent},
        )
    if not names:
        raise ScoringError("no_variables", "除目标列外没有可用的变量。", {"field": "variables"})
    for name in config["binning_by_variable"]:
        if name not in names:
            raise ScoringError(
                "config_invalid",
                f"binning_by_variable 中的「{name}」不是所用的变量。",
                {"field": "binning_by_variable"},
            )
    if len(frame) < config["min_rows"]:
        raise ScoringError(
            "too_few_rows",
            f"训练数据只有 {len(frame)} 行，至少需要 {config['min_rows']} 行。",
            {"field": "rows"},
        )
    y, event = _target(frame, target, config["target_event"], config)
    columns: dict[str, Any] = {}
    kinds: dict[str, str] = {}
    for name in names:
        series = frame[name]
        kind, inferred = _kind_of(series, name, config)
        if kind == "numerical":
            values: Any = _numeric(series, name, inferred=inferred)
            empty = bool(np.isnan(values).all())
        else:
            if config["binning_by_variable"].get(name, {}).get("special_codes"):
                raise ScoringError(
                    "config_invalid",
                    f"特殊值只适用于数值变量，「{name}」是分类变量。",
                    {"field": f"binning_by_variable.{name}.special_codes"},
                )
            values = np.array([category_text(v) for v in series.tolist()], dtype=object)
            empty = all(v is None or v == "" for v in values)
        if empty:
            raise ScoringError("all_missing", f"变量列「{name}」全部为空，无法训练。", {"field": name})
        columns[name], kinds[name] = values, kind
    X = pd.DataFrame(columns, index=frame.index)
    return TrainingData(
        X=X, y=y, kinds=kinds, target=target, event=event, fingerprint=fingerprint, source=source
    )


def columns_of(X: pd.DataFrame) -> dict[str, np.ndarray]:
    """The columns of a prepared frame as arrays, as :meth:`Scorecard.score_batch` takes them."""
    return {name: X[name].to_numpy() for name in X.columns}
