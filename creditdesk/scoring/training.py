"""Training a scorecard (评分卡训练): optimal WoE binning, logistic regression, scaling to points.

Rules:

- Data: a labelled CSV (or DataFrame). The target column must hold exactly two values; 1 = bad (the
  event). Which value is bad: ``target_event`` from the configuration, else 1/True, or "bad" when the
  values are "good"/"bad". A target that is not binary, missing in a row, or has one class is refused.
- Variables: the configuration's ``variables`` (default: every column but the target). A column listed
  in ``categorical``/``numerical`` is that; otherwise its dtype decides (numbers → numerical, text →
  categorical), except that a text column whose values are at least 90 % numbers is a numerical column
  with typing errors and is refused (``not_numeric``, naming the column and the first bad row; list it
  under ``categorical`` if it really is a category). Categories are compared as text
  (:func:`creditdesk.scoring.scorecard.category_text`). Infinite numbers, an all-empty column and too
  few rows (``min_rows``, ``min_class_rows`` of each class) are refused.
- Model: optbinning's ``BinningProcess`` (binning parameters from ``binning`` and
  ``binning_by_variable``, selection by IV from ``selection``) and ``Scorecard`` with scikit-learn's
  ``LogisticRegression`` (``logistic_regression``), scaled with ``pdo_odds``: PDO 20, 600 points at
  good:bad odds 50:1 unless ``scaling`` says otherwise; points rounded to integers when
  ``scaling.rounding``. Missing and special values get WoE 0 (optbinning's default), so their bins score
  the neutral points of the variable.
- Output: the artefact described in :mod:`creditdesk.scoring.scorecard` (sealed with its checksum) and
  the scorecard table. ``train`` is deterministic: the same data and configuration give the same
  artefact except ``created_at``.

pandas, scikit-learn and optbinning are imported inside the functions, so that importing this module
(or scoring) never loads them.

Command line (regenerates the shipped model; the lead's ``creditdesk score train`` calls :func:`train`)::

    python -m creditdesk.scoring.training --data germancredit.csv --target creditability \\
        --config creditdesk/scoring/shipped/german_credit_config.json --cv 5 5 --baselines \\
        --out creditdesk/scoring/shipped/german_credit.json
"""

from __future__ import annotations

import argparse
import hashlib
import io
import itertools
import json
import math
import sys
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from creditdesk.scoring.errors import ScoringError
from creditdesk.scoring.psi import quantile_edges
from creditdesk.scoring.scorecard import (
    GRADES,
    Scorecard,
    category_text,
    dump_artefact,
    interval_label,
    seal,
)

if TYPE_CHECKING:
    import pandas as pd

# --- configuration --------------------------------------------------------------------------------------

MONOTONIC_TRENDS = (
    "auto",
    "auto_heuristic",
    "auto_asc_desc",
    "ascending",
    "descending",
    "concave",
    "convex",
    "peak",
    "valley",
    "peak_heuristic",
    "valley_heuristic",
)

_INT, _NUM, _BOOL, _STR, _NONE = "int", "number", "bool", "str", "null"

# key → (allowed types, allowed values or None, lower bound or None (exclusive when the tuple says so))
_BINNING_KEYS: dict[str, tuple[tuple[str, ...], tuple[Any, ...] | None]] = {
    "max_n_prebins": ((_INT,), None),
    "min_prebin_size": ((_NUM,), None),
    "min_n_bins": ((_INT, _NONE), None),
    "max_n_bins": ((_INT, _NONE), None),
    "min_bin_size": ((_NUM, _NONE), None),
    "max_bin_size": ((_NUM, _NONE), None),
    "monotonic_trend": ((_STR, _NONE), MONOTONIC_TRENDS),
    "max_pvalue": ((_NUM, _NONE), None),
    "max_pvalue_policy": ((_STR,), ("consecutive", "all")),
    "min_event_rate_diff": ((_NUM,), None),
    "gamma": ((_NUM,), None),
    "cat_cutoff": ((_NUM, _NONE), None),
    "divergence": ((_STR,), ("iv", "js", "hellinger", "triangular")),
    "prebinning_method": ((_STR,), ("cart", "mdlp", "quantile", "uniform")),
    "solver": ((_STR,), ("cp", "mip", "ls")),
    "split_digits": ((_INT, _NONE), None),
}

DEFAULT_CONFIG: dict[str, Any] = {
    "name": "scorecard",
    "version": "1",
    "title": "",
    "description": "",
    "target_event": None,
    "variables": None,
    "categorical": None,
    "numerical": None,
    "binning": {},
    "binning_by_variable": {},
    "selection": {"iv_min": None, "iv_max": None, "top": None},
    "logistic_regression": {"C": 1.0, "class_weight": None, "max_iter": 1000},
    "scaling": {"pdo": 20, "base_points": 600, "base_odds": 50, "rounding": False},
    # upper PD bounds (exclusive) of grades A–D; E is the rest. Chosen around a portfolio's usual bad
    # rates: A < 5 %, B < 10 %, C < 20 %, D < 40 %, E ≥ 40 %.
    "grades": {"A": 0.05, "B": 0.10, "C": 0.20, "D": 0.40},
    "reasons": {"top_n": 4},
    "labels": {},
    "min_rows": 100,
    "min_class_rows": 10,
}


def _unknown_key(key: str, path: str) -> ScoringError:
    return ScoringError(
        "config_unknown_key", f"配置中有不认识的项「{path}{key}」，请检查拼写。", {"field": f"{path}{key}"}
    )


def _wrong(path: str, expected: str) -> ScoringError:
    return ScoringError("config_invalid", f"配置项「{path}」应为{expected}。", {"field": path})


def _is(value: Any, kind: str) -> bool:
    if kind == _NONE:
        return value is None
    if kind == _BOOL:
        return isinstance(value, bool)
    if kind == _INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == _NUM:
        return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if kind == _STR:
        return isinstance(value, str)
    raise AssertionError(kind)


_KIND_WORDS = {_INT: "整数", _NUM: "数值", _BOOL: "true/false", _STR: "文本", _NONE: "null"}


def _check(value: Any, path: str, kinds: tuple[str, ...], choices: tuple[Any, ...] | None = None) -> Any:
    if not any(_is(value, kind) for kind in kinds):
        raise _wrong(path, "或".join(_KIND_WORDS[kind] for kind in kinds))
    if choices is not None and value is not None and value not in choices:
        raise _wrong(path, "以下之一：" + "、".join(map(str, choices)))
    return value


def _object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _wrong(path, "对象（JSON object）")
    return value


def _names(value: Any, path: str) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise _wrong(path, "变量名（文本）组成的数组，或 null")
    if len(set(value)) != len(value):
        raise _wrong(path, "不重复的变量名数组")
    return list(value)


def _binning(value: Any, path: str, *, per_variable: bool) -> dict[str, Any]:
    raw = _object(value, path)
    result: dict[str, Any] = {}
    for key, item in raw.items():
        if per_variable and key == "special_codes":
            if not isinstance(item, list) or not all(_is(code, _NUM) for code in item):
                raise _wrong(f"{path}.special_codes", "数值数组")
            result[key] = [float(code) for code in item]
            continue
        if key not in _BINNING_KEYS:
            raise _unknown_key(key, f"{path}.")
        kinds, choices = _BINNING_KEYS[key]
        result[key] = _check(item, f"{path}.{key}", kinds, choices)
    for key in ("min_prebin_size", "min_bin_size", "max_bin_size", "cat_cutoff"):
        if result.get(key) is not None and not 0 < result[key] <= 1:
            raise _wrong(f"{path}.{key}", "0 到 1 之间的比例")
    if result.get("max_n_prebins") is not None and result["max_n_prebins"] < 2:
        raise _wrong(f"{path}.max_n_prebins", "不小于 2 的整数")
    return result


def validate_config(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The configuration checked and completed with defaults. Unknown keys are refused
    (``config_unknown_key``), wrong types and values too (``config_invalid``); ``extra["field"]`` is
    the dotted path of the key. Idempotent: a validated configuration validates to itself."""
    config = _object(dict(raw) if isinstance(raw, Mapping) else raw, "配置")
    for key in config:
        if key not in DEFAULT_CONFIG:
            raise _unknown_key(key, "")
    out: dict[str, Any] = {}
    for key in ("name", "version", "title", "description"):
        value = config.get(key, DEFAULT_CONFIG[key])
        out[key] = _check(value, key, (_STR,))
    if not out["name"] or not out["version"]:
        raise _wrong("name/version", "非空文本")
    out["title"] = out["title"] or out["name"]
    out["target_event"] = _check(config.get("target_event"), "target_event", (_STR, _INT, _BOOL, _NONE))
    for key in ("variables", "categorical", "numerical"):
        out[key] = _names(config.get(key), key)
    if out["categorical"] and out["numerical"] and set(out["categorical"]) & set(out["numerical"]):
        both = sorted(set(out["categorical"]) & set(out["numerical"]))[0]
        raise ScoringError(
            "config_invalid", f"变量「{both}」不能既是分类变量又是数值变量。", {"field": "categorical"}
        )
    out["binning"] = _binning(config.get("binning", {}), "binning", per_variable=False)
    per_variable = _object(config.get("binning_by_variable", {}), "binning_by_variable")
    out["binning_by_variable"] = {
        name: _binning(value, f"binning_by_variable.{name}", per_variable=True)
        for name, value in per_variable.items()
    }
    out["selection"] = _section(
        config, "selection", {"iv_min": (_NUM, _NONE), "iv_max": (_NUM, _NONE), "top": (_INT, _NONE)}
    )
    if out["selection"]["top"] is not None and out["selection"]["top"] < 1:
        raise _wrong("selection.top", "正整数")
    lr = _section(
        config, "logistic_regression", {"C": (_NUM,), "class_weight": (_STR, _NONE), "max_iter": (_INT,)}
    )
    if lr["C"] <= 0:
        raise _wrong("logistic_regression.C", "正数")
    if lr["class_weight"] not in (None, "balanced"):
        raise _wrong("logistic_regression.class_weight", "balanced 或 null")
    if lr["max_iter"] < 1:
        raise _wrong("logistic_regression.max_iter", "正整数")
    out["logistic_regression"] = lr
    scaling = _section(
        config,
        "scaling",
        {"pdo": (_NUM,), "base_points": (_NUM,), "base_odds": (_NUM,), "rounding": (_BOOL,)},
    )
    for key in ("pdo", "base_points", "base_odds"):
        if scaling[key] <= 0:
            raise _wrong(f"scaling.{key}", "正数")
    out["scaling"] = scaling
    grades = _object(config.get("grades", DEFAULT_CONFIG["grades"]), "grades")
    if set(grades) != set(GRADES[:-1]):
        raise _wrong("grades", "A、B、C、D 四个等级的违约概率上限（E 为其余）")
    bounds = [_check(grades[g], f"grades.{g}", (_NUM,)) for g in GRADES[:-1]]
    if not all(0 < b < 1 for b in bounds) or any(b <= a for a, b in itertools.pairwise(bounds)):
        raise _wrong("grades", "0 到 1 之间、从 A 到 D 严格递增的违约概率上限")
    out["grades"] = {g: float(b) for g, b in zip(GRADES[:-1], bounds, strict=True)}
    reasons = _section(config, "reasons", {"top_n": (_INT,)})
    if reasons["top_n"] < 0:
        raise _wrong("reasons.top_n", "非负整数")
    out["reasons"] = reasons
    out["labels"] = _labels(config.get("labels", {}))
    for key, low in (("min_rows", 2), ("min_class_rows", 1)):
        out[key] = _check(config.get(key, DEFAULT_CONFIG[key]), key, (_INT,))
        if out[key] < low:
            raise _wrong(key, f"不小于 {low} 的整数")
    return out


def _section(config: Mapping[str, Any], name: str, keys: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    raw = _object(config.get(name, {}), name)
    for key in raw:
        if key not in keys:
            raise _unknown_key(key, f"{name}.")
    defaults = DEFAULT_CONFIG[name]
    return {key: _check(raw.get(key, defaults[key]), f"{name}.{key}", kinds) for key, kinds in keys.items()}


def _labels(value: Any) -> dict[str, Any]:
    labels = _object(value, "labels")
    out: dict[str, Any] = {}
    for name, entry in labels.items():
        entry = _object(entry, f"labels.{name}")
        for key in entry:
            if key not in ("label", "categories"):
                raise _unknown_key(key, f"labels.{name}.")
        item: dict[str, Any] = {"label": _check(entry.get("label", name), f"labels.{name}.label", (_STR,))}
        if "categories" in entry:
            categories = _object(entry["categories"], f"labels.{name}.categories")
            for category, text in categories.items():
                _check(text, f"labels.{name}.categories.{category}", (_STR,))
            item["categories"] = dict(categories)
        out[name] = item
    return out


def load_config(path: str | Path) -> dict[str, Any]:
    """Read a JSON configuration file and validate it (:func:`validate_config`)."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ScoringError(
            "config_unreadable", f"无法读取配置文件 {path}：{exc}", {"field": str(path)}
        ) from exc
    if not isinstance(raw, dict):
        raise _wrong("配置", "对象（JSON object）")
    return validate_config(raw)


# --- data -----------------------------------------------------------------------------------------------


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


# --- fitting --------------------------------------------------------------------------------------------


def fit_pipeline(X: pd.DataFrame, y: np.ndarray, config: Mapping[str, Any], kinds: Mapping[str, str]) -> Any:
    """Fit optbinning's binning and scorecard on (X, y) only; returns the fitted ``optbinning.Scorecard``.
    Cross-validation calls this on each training fold, so the binning never sees a test row."""
    from optbinning import BinningProcess
    from optbinning import Scorecard as OptbinningScorecard
    from sklearn.linear_model import LogisticRegression

    names = list(X.columns)
    fit_params = {
        name: {**config["binning"], **config["binning_by_variable"].get(name, {})} for name in names
    }
    selection = config["selection"]
    criteria: dict[str, Any] = {}
    if selection["iv_min"] is not None:
        criteria["min"] = selection["iv_min"]
    if selection["iv_max"] is not None:
        criteria["max"] = selection["iv_max"]
    if selection["top"] is not None:
        criteria.update({"strategy": "highest", "top": selection["top"]})
    process = BinningProcess(
        names,
        categorical_variables=[name for name in names if kinds[name] == "categorical"],
        binning_fit_params={name: params for name, params in fit_params.items() if params} or None,
        selection_criteria={"iv": criteria} if criteria else None,
    )
    lr = config["logistic_regression"]
    estimator = LogisticRegression(C=lr["C"], class_weight=lr["class_weight"], max_iter=lr["max_iter"])
    scaling = config["scaling"]
    scorecard = OptbinningScorecard(
        binning_process=process,
        estimator=estimator,
        scaling_method="pdo_odds",
        scaling_method_params={
            "pdo": scaling["pdo"],
            "odds": scaling["base_odds"],
            "scorecard_points": scaling["base_points"],
        },
        rounding=scaling["rounding"],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            scorecard.fit(X, y)
        except ValueError:
            process = scorecard.binning_process_
            if process is not None and not process.get_support().any():
                raise ScoringError(
                    "no_variables", "按配置的筛选条件，没有变量入选评分卡。", {"field": "selection"}
                ) from None
            raise
    return scorecard


def _float(value: Any) -> float:
    return float(value)


def _entry(row: Any, label: str) -> dict[str, Any]:
    return {
        "bin": label,
        "woe": _float(row["WoE"]),
        "points": _float(row["Points"]),
        "count": int(row["Count"]),
        "event_rate": _float(row["Event rate"]),
    }


def build_content(
    fitted: Any,
    data: TrainingData,
    config: Mapping[str, Any],
    *,
    created_at: str,
    metrics: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The artefact's content (see :mod:`creditdesk.scoring.scorecard`) of a fitted pipeline."""
    import optbinning
    import sklearn

    process = fitted.binning_process_
    table = fitted.table(style="detailed")
    coefficients = fitted.estimator_.coef_.ravel()
    labels = config["labels"]
    variables = []
    for index, name in enumerate(process.get_support(names=True)):
        name = str(name)
        rows = table[table["Variable"] == name].sort_values("Bin id")
        n_bins = len(rows) - 2
        regular = [rows.iloc[i] for i in range(n_bins)]
        label = labels.get(name, {}).get("label", name)
        entry: dict[str, Any] = {
            "name": name,
            "label": label,
            "kind": data.kinds[name],
            "coefficient": _float(coefficients[index]),
            "iv": _float(rows["IV"].sum()),
        }
        if data.kinds[name] == "numerical":
            optb = process.get_binned_variable(name)
            splits = [float(s) for s in np.asarray(optb.splits, dtype=np.float64)]
            if len(splits) + 1 != n_bins:
                raise ScoringError("model_invalid", f"变量「{name}」的分箱与边界数不符。", {"field": name})
            edges: list[float | None] = [None, *splits, None]
            bins = []
            for i, row in enumerate(regular):
                item = _entry(row, str(row["Bin"]))
                item["label"] = interval_label(edges[i], edges[i + 1])
                bins.append(item)
            values = data.X[name].to_numpy(dtype=np.float64)
            present = values[~np.isnan(values)]
            entry.update(
                {
                    "splits": splits,
                    "special_codes": list(
                        config["binning_by_variable"].get(name, {}).get("special_codes", [])
                    ),
                    "bounds": {
                        "min": float(present.min()),
                        "max": float(present.max()),
                        "integer": bool(np.all(present == np.round(present))),
                    },
                }
            )
        else:
            category_labels = labels.get(name, {}).get("categories", {})
            bins = []
            bin_of: dict[str, int] = {}
            for i, row in enumerate(regular):
                members = [str(v) for v in list(row["Bin"])]
                item = _entry(row, "[" + ", ".join(members) + "]")
                item["label"] = "、".join(category_labels.get(m, m) for m in members)
                item["categories"] = members
                bins.append(item)
                bin_of.update(dict.fromkeys(members, i))
            seen = set(bin_of)
            order = [c for c in category_labels if c in seen] + sorted(seen - set(category_labels))
            entry["categories"] = [
                {"value": c, "label": category_labels.get(c, c), "bin": bin_of[c]} for c in order
            ]
        entry["bins"] = bins
        entry["special"] = {**_entry(rows.iloc[n_bins], "Special"), "label": "特殊值"}
        entry["missing"] = {**_entry(rows.iloc[n_bins + 1], "Missing"), "label": "缺失"}
        variables.append(entry)

    scaling = config["scaling"]
    factor = scaling["pdo"] / np.log(2)
    offset = scaling["base_points"] - factor * np.log(scaling["base_odds"])
    parameters = {k: v for k, v in config.items() if k not in ("labels", "description")}
    parameters["variable_kinds"] = dict(data.kinds)
    parameters["libraries"] = {"optbinning": optbinning.__version__, "scikit-learn": sklearn.__version__}
    grades = [{"grade": g, "max_pd": config["grades"][g]} for g in GRADES[:-1]] + [
        {"grade": GRADES[-1], "max_pd": None}
    ]
    return {
        "name": config["name"],
        "version": config["version"],
        "title": config["title"],
        "description": config["description"],
        "created_at": created_at,
        "target": {"column": data.target, "event": data.event},
        "training_data": {
            "fingerprint": data.fingerprint,
            "source": data.source,
            "rows": len(data.y),
            "events": int(data.y.sum()),
            "non_events": int(len(data.y) - data.y.sum()),
        },
        "parameters": parameters,
        "scaling": {
            "method": "pdo_odds",
            "pdo": scaling["pdo"],
            "base_points": scaling["base_points"],
            "base_odds": scaling["base_odds"],
            "factor": float(factor),
            "offset": float(offset),
            "rounding": scaling["rounding"],
            "intercept_points": float(fitted.intercept_),
        },
        "grades": grades,
        "reasons": dict(config["reasons"]),
        "variables": variables,
        "score_reference": {},
        "metrics": dict(metrics or {}),
    }


def compile_scorecard(content: Mapping[str, Any]) -> Scorecard:
    return Scorecard.from_artefact(seal(content))


@dataclass(frozen=True)
class TrainedModel:
    """A trained scorecard: the sealed artefact, our scorer built from it, the fitted optbinning
    scorecard (for comparison) and the validated training data."""

    artefact: dict[str, Any]
    scorecard: Scorecard
    estimator: Any
    data: TrainingData

    @property
    def table(self) -> list[dict[str, Any]]:
        """The scorecard table: variable, bin label, WoE, points, count, event rate."""
        return self.scorecard.table()

    def to_json(self) -> str:
        return dump_artefact(self.artefact)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def train(
    frame_or_csv_path: pd.DataFrame | str | Path,
    *,
    target: str,
    config: Mapping[str, Any],
    metrics: Mapping[str, Any] | None = None,
    created_at: str | None = None,
) -> TrainedModel:
    """Train a scorecard on all the data (the rules are in the module docstring). ``metrics`` (e.g. a
    cross-validation report) are sealed into the artefact; ``created_at`` defaults to now (UTC)."""
    config = validate_config(config)
    data = prepare(frame_or_csv_path, target=target, config=config)
    fitted = fit_pipeline(data.X, data.y, config, data.kinds)
    content = build_content(fitted, data, config, created_at=created_at or _now(), metrics=metrics)
    provisional = compile_scorecard(content)
    points = provisional.score_batch(columns_of(data.X), unknown="missing_bin")
    edges = quantile_edges(points, bins=10)
    counts = np.bincount(np.searchsorted(edges, points, side="right"), minlength=len(edges) + 1)
    content["score_reference"] = {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}
    artefact = seal(content)
    return TrainedModel(
        artefact=artefact, scorecard=Scorecard.from_artefact(artefact), estimator=fitted, data=data
    )


# --- command line ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train a scorecard and write its artefact (JSON).")
    parser.add_argument("--data", required=True, help="labelled CSV")
    parser.add_argument("--target", required=True, help="target column (two values, see target_event)")
    parser.add_argument("--config", required=True, help="configuration JSON")
    parser.add_argument("--out", required=True, help="artefact file to write")
    parser.add_argument("--cv", nargs=2, type=int, metavar=("SPLITS", "REPEATS"), help="cross-validate first")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--baselines", action="store_true", help="evaluate the baselines in the same folds")
    parser.add_argument("--created-at", help="ISO timestamp to record (default: now, UTC)")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
        metrics = None
        if args.cv:
            from creditdesk.scoring.evaluation import BASELINES, cross_validate

            metrics = cross_validate(
                args.data,
                target=args.target,
                config=config,
                n_splits=args.cv[0],
                n_repeats=args.cv[1],
                random_state=args.seed,
                baselines=tuple(BASELINES) if args.baselines else (),
            )
        model = train(
            args.data, target=args.target, config=config, metrics=metrics, created_at=args.created_at
        )
    except ScoringError as exc:
        print(f"{exc.code}: {exc.message}", file=sys.stderr)
        return 1
    Path(args.out).write_text(model.to_json(), encoding="utf-8")
    print(f"wrote {args.out} ({model.artefact['checksum']})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
