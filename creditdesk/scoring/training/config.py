"""The training configuration (训练配置): every key checked, defaults filled in.

Rules: an unknown key is refused (``config_unknown_key``), a wrong type or value too (``config_invalid``);
``extra["field"]`` is the dotted path of the key. A validated configuration validates to itself.

Keys (defaults in :data:`DEFAULT_CONFIG`):

- ``name``, ``version``, ``title``, ``description``: what the model is called; ``target_event``: the
  target value that means bad (default 1/True, or "bad" next to "good");
- ``variables`` (default: every column but the target), ``categorical``, ``numerical``: which columns
  and of which kind (otherwise inferred from the data);
- ``binning``: optbinning ``OptimalBinning`` parameters for every variable (:data:`_BINNING_KEYS`), e.g.
  ``min_bin_size`` (smallest bin as a share of the rows), ``monotonic_trend``, ``cat_cutoff`` (a
  category rarer than this share of the training rows joins the variable's "others" bin, decided on the
  rows being fitted); ``binning_by_variable``: the same per variable, plus ``special_codes``;
- ``selection``: keep only variables with ``iv_min`` ≤ IV ≤ ``iv_max`` and/or the ``top`` by IV, decided
  on the rows being fitted;
- ``logistic_regression``: ``C`` (inverse L2 strength), ``class_weight`` (``null`` or ``"balanced"``:
  each class weighted inversely to its frequency in the rows being fitted), ``max_iter``;
- ``scaling``: ``pdo``, ``base_points``, ``base_odds`` (good:bad), ``rounding`` (integer points);
- ``grades``: upper PD bounds of grades A–D; ``reasons.top_n``; ``labels``: Chinese labels of variables
  and categories; ``min_rows``, ``min_class_rows``: the least data training accepts.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from creditdesk.scoring.errors import ScoringError
from creditdesk.scoring.scorer.risk import GRADES

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
