"""Checking an expert card (专家评分卡校验): every rule of :mod:`creditdesk.scoring.expert`, each refusal
with a stable code and a Chinese sentence naming the feature and the band; all problems found are listed
under the first one's ``extra["problems"]``."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeGuard

from creditdesk.core.enums import GRADES
from creditdesk.scoring.expert.card import (
    CARD_FORMAT,
    Band,
    CardError,
    CardFeature,
    ExpertCard,
    band_label,
    edge_text,
    fmt_number,
)
from creditdesk.scoring.features import Feature, FeatureError, feature
from creditdesk.scoring.scorer.reasons import DEFAULT_TOP_N

_CARD_KEYS = frozenset(
    {"format", "name", "version", "title", "description", "created_at", "base_points", "top_n"}
    | {"grades", "score_range", "features"}
)
_FEATURE_KEYS = frozenset({"key", "bands", "missing"})
_NUMERICAL_BAND_KEYS = frozenset({"lower", "upper", "points", "rationale"})
_CATEGORICAL_BAND_KEYS = frozenset({"categories", "points", "rationale"})
_MISSING_KEYS = frozenset({"points", "rationale", "label"})


Refuse = Callable[..., None]


def _is_number(value: object) -> TypeGuard[int | float]:
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


def _where(item: Feature, band: int | None = None) -> str:
    return f"「{item.label}」第 {band} 档" if band is not None else f"「{item.label}」"


def _unknown_keys(
    data: Mapping[str, Any], allowed: frozenset[str], where: str, refuse: Refuse, **extra: Any
) -> None:
    for key in data:
        if key not in allowed:
            refuse(
                "card_invalid", f"{where}中有无法识别的项「{str(key)[:40]}」。", **extra, field=str(key)[:40]
            )


def _points(value: object, what: str, refuse: Refuse, **extra: Any) -> float | None:
    if not _is_number(value):
        refuse("points_invalid", f"{what}的分值应为数值（收到「{str(value)[:40]}」）。", **extra)
        return None
    return float(value)


def _rationale(value: object, what: str, refuse: Refuse, **extra: Any) -> str:
    if not isinstance(value, str) or not value.strip() or "\n" in value:
        refuse("rationale_missing", f"{what}缺少一行说明理由。", **extra)
        return ""
    return value.strip()


def _edge(value: object, item: Feature, band: int, refuse: Refuse) -> tuple[bool, float | None]:
    if value is None:
        return True, None
    if not _is_number(value) or (item.integer and not float(value).is_integer()):
        kind = "整数" if item.integer else "数值"
        refuse(
            "band_edge_invalid",
            f"{_where(item, band)}的边界应为{kind}或留空（收到「{str(value)[:40]}」）。",
            feature=item.key,
            band=band,
        )
        return False, None
    return True, float(value)


def _numerical_bands(item: Feature, raw: Sequence[Any], refuse: Refuse) -> list[Band] | None:
    bands: list[Band] = []
    ok = True
    for number, data in enumerate(raw, start=1):
        where = _where(item, number)
        if not isinstance(data, Mapping) or "categories" in data:
            refuse(
                "band_invalid",
                f"{where}应写下限和上限（数值特征不按类别分档）。",
                feature=item.key,
                band=number,
            )
            ok = False
            continue
        _unknown_keys(data, _NUMERICAL_BAND_KEYS, where, refuse, feature=item.key, band=number)
        good_low, lower = _edge(data.get("lower"), item, number, refuse)
        good_high, upper = _edge(data.get("upper"), item, number, refuse)
        points = _points(data.get("points"), where, refuse, feature=item.key, band=number)
        rationale = _rationale(data.get("rationale"), where, refuse, feature=item.key, band=number)
        if not (good_low and good_high) or points is None:
            ok = False
            continue
        if lower is not None and upper is not None and lower >= upper:
            refuse(
                "band_invalid",
                f"{where}的下限 {fmt_number(lower)} 应小于上限 {fmt_number(upper)}。",
                feature=item.key,
                band=number,
            )
            ok = False
            continue
        bands.append(Band(points, rationale, band_label(item, lower, upper), lower, upper))
    if not ok:
        return None
    for number, (before, after) in enumerate(itertools.pairwise(bands), start=1):
        high = math.inf if before.upper is None else before.upper
        low = -math.inf if after.lower is None else after.lower
        pair = f"「{item.label}」第 {number} 档与第 {number + 1} 档"
        if high > low:
            refuse(
                "band_overlap",
                f"{pair}重叠（第 {number} 档到 {edge_text(before.upper, '+∞')} 为止，"
                f"第 {number + 1} 档从 {edge_text(after.lower, '−∞')} 开始）；各档应从低到高首尾相接。",
                feature=item.key,
                band=number + 1,
            )
            ok = False
        elif high < low:
            refuse(
                "band_gap",
                f"{pair}之间有空档（{fmt_number(high)} 至 {fmt_number(low)} 不在任何一档）；各档应首尾相接。",
                feature=item.key,
                band=number + 1,
            )
            ok = False
    return bands if ok else None


def _categorical_bands(item: Feature, raw: Sequence[Any], refuse: Refuse) -> list[Band] | None:
    bands: list[Band] = []
    seen: dict[str, int] = {}
    ok = True
    for number, data in enumerate(raw, start=1):
        where = _where(item, number)
        categories = data.get("categories") if isinstance(data, Mapping) else None
        if (
            not isinstance(data, Mapping)
            or "lower" in data
            or "upper" in data
            or not isinstance(categories, list)
            or not categories
        ):
            refuse(
                "band_invalid",
                f"{where}应列出所含的类别（分类特征不按上下限分档）。",
                feature=item.key,
                band=number,
            )
            ok = False
            continue
        _unknown_keys(data, _CATEGORICAL_BAND_KEYS, where, refuse, feature=item.key, band=number)
        points = _points(data.get("points"), where, refuse, feature=item.key, band=number)
        rationale = _rationale(data.get("rationale"), where, refuse, feature=item.key, band=number)
        for value in categories:
            text = str(value)
            if not isinstance(value, str) or text not in item.category_values:
                allowed = "、".join(f"{c.value}（{c.label}）" for c in item.categories)
                refuse(
                    "category_unknown",
                    f"{where}的类别「{text[:40]}」不是「{item.label}」的类别；可选：{allowed}。",
                    feature=item.key,
                    band=number,
                )
                ok = False
            elif text in seen:
                refuse(
                    "category_repeated",
                    f"「{item.label}」的类别「{item.category_label(text)}」"
                    f"同时在第 {seen[text]} 档和第 {number} 档。",
                    feature=item.key,
                    band=number,
                )
                ok = False
            else:
                seen[text] = number
        if points is None:
            ok = False
            continue
        label = "、".join(item.category_label(str(value)) for value in categories)
        bands.append(Band(points, rationale, label, categories=tuple(str(value) for value in categories)))
    left_out = [c for c in item.categories if c.value not in seen]
    if ok and left_out:
        names = "、".join(c.label for c in left_out)
        refuse("category_uncovered", f"「{item.label}」的类别「{names}」不在任何一档。", feature=item.key)
        ok = False
    return bands if ok else None


def _missing(item: Feature, data: object, refuse: Refuse) -> tuple[bool, Band | None]:
    if data is None:
        return True, None
    where = f"「{item.label}」的缺失档"
    if not isinstance(data, Mapping):
        refuse("band_invalid", f"{where}应为一个对象（分值、理由）。", feature=item.key, band="missing")
        return False, None
    _unknown_keys(data, _MISSING_KEYS, where, refuse, feature=item.key, band="missing")
    points = _points(data.get("points"), where, refuse, feature=item.key, band="missing")
    rationale = _rationale(data.get("rationale"), where, refuse, feature=item.key, band="missing")
    label = data.get("label") or "未提供"
    if not isinstance(label, str):
        refuse("card_invalid", f"{where}的名称应为文本。", feature=item.key, band="missing")
        return False, None
    if points is None:
        return False, None
    return True, Band(points, rationale, label)


def _features(raw: object, refuse: Refuse) -> list[CardFeature] | None:
    if not isinstance(raw, list) or not raw:
        refuse("card_empty", "评分卡至少要使用一个特征。", field="features")
        return None
    parsed: list[CardFeature] = []
    seen: set[str] = set()
    ok = True
    for index, data in enumerate(raw, start=1):
        if not isinstance(data, Mapping):
            refuse("card_invalid", f"第 {index} 个特征应为一个对象（特征、分档）。", field="features")
            ok = False
            continue
        try:
            item = feature(data.get("key"))  # type: ignore[arg-type]
        except FeatureError as error:
            refuse(error.code, error.message, **error.extra)
            ok = False
            continue
        if item.key in seen:
            refuse("feature_repeated", f"{_where(item)}在评分卡中出现了不止一次。", feature=item.key)
            ok = False
            continue
        seen.add(item.key)
        _unknown_keys(data, _FEATURE_KEYS, _where(item), refuse, feature=item.key)
        bands_raw = data.get("bands")
        if not isinstance(bands_raw, list) or not bands_raw:
            refuse("bands_empty", f"{_where(item)}没有分档。", feature=item.key)
            ok = False
            continue
        reader = _numerical_bands if item.kind == "numerical" else _categorical_bands
        bands = reader(item, bands_raw, refuse)
        good_missing, missing = _missing(item, data.get("missing"), refuse)
        if bands is None or not good_missing:
            ok = False
            continue
        parsed.append(CardFeature(item, tuple(bands), missing))
    return parsed if ok else None


def _grades(raw: object, refuse: Refuse) -> list[tuple[str, float | None]] | None:
    letters = "、".join(GRADES)
    if (
        not isinstance(raw, list)
        or [item.get("grade") if isinstance(item, Mapping) else None for item in raw] != list(GRADES)
        or any(set(item) - {"grade", "min_points"} for item in raw)
    ):
        refuse("grades_invalid", f"等级应依次为 {letters}，每级写明最低分（最后一级不设）。", field="grades")
        return None
    grades: list[tuple[str, float | None]] = []
    ok = True
    for item in raw:
        grade, minimum = item["grade"], item.get("min_points")
        last = grade == GRADES[-1]
        if last and minimum is not None:
            refuse(
                "grades_invalid",
                f"最低一级 {grade} 不设最低分（其余等级之下的分数都是 {grade}）。",
                field="grades",
            )
            ok = False
        elif not last and not _is_number(minimum):
            refuse(
                "cutoff_invalid",
                f"等级 {grade} 的最低分应为数值（收到「{str(minimum)[:40]}」）。",
                grade=grade,
            )
            ok = False
        grades.append((grade, None if last or not _is_number(minimum) else float(minimum)))
    return grades if ok else None


def _check_cutoffs(card: ExpertCard, stated: object, refuse: Refuse) -> None:
    low, high = card.score_range
    cutoffs = [(grade, minimum) for grade, minimum in card.grades if minimum is not None]
    for (upper_grade, upper), (grade, minimum) in itertools.pairwise(cutoffs):
        if minimum >= upper:
            refuse(
                "cutoff_not_descending",
                f"等级 {grade} 的最低分 {fmt_number(minimum)} "
                f"应低于等级 {upper_grade} 的最低分 {fmt_number(upper)}。",
                grade=grade,
            )
    for grade, minimum in cutoffs:
        if not low < minimum <= high:
            consequence = "该等级永远达不到" if minimum > high else "其下各级永远用不到"
            refuse(
                "cutoff_out_of_range",
                f"等级 {grade} 的最低分 {fmt_number(minimum)} 超出本评分卡能给出的分数范围"
                f"（{fmt_number(low)}–{fmt_number(high)}），{consequence}。",
                grade=grade,
            )
    if stated is not None:
        given = (stated.get("min"), stated.get("max")) if isinstance(stated, Mapping) else None
        if given != (low, high):
            refuse(
                "score_range_mismatch",
                f"评分卡写明的分数范围与各档分值算出的范围（{fmt_number(low)}–{fmt_number(high)}）不一致。",
                field="score_range",
            )


def _text(data: Mapping[str, Any], key: str, label: str, refuse: Refuse, *, required: bool = True) -> str:
    value = data.get(key, None if required else "")
    if not isinstance(value, str) or (required and not value.strip()):
        refuse("card_invalid", f"请填写评分卡的{label}。", field=key)
        return ""
    return value.strip()


def validate(card_data: object) -> ExpertCard:
    """The checked card (see the module docstring for the rules); ``CardError`` otherwise."""
    if not isinstance(card_data, Mapping):
        raise CardError("card_invalid", "评分卡应为一个对象（名称、版本、特征、分档、等级）。")
    problems: list[CardError] = []

    def refuse(code: str, message: str, **extra: Any) -> None:
        problems.append(CardError(code, message, extra))

    _unknown_keys(card_data, _CARD_KEYS, "评分卡", refuse)
    if card_data.get("format", CARD_FORMAT) != CARD_FORMAT:
        refuse("card_invalid", f"评分卡格式应为 {CARD_FORMAT}。", field="format")
    name = _text(card_data, "name", "代码", refuse)
    version = _text(card_data, "version", "版本号", refuse)
    title = _text(card_data, "title", "名称", refuse)
    description = _text(card_data, "description", "说明", refuse, required=False)
    created_at = _text(card_data, "created_at", "日期", refuse, required=False)
    base = _points(card_data.get("base_points"), "基础分", refuse, field="base_points")
    top_n = card_data.get("top_n", DEFAULT_TOP_N)
    if isinstance(top_n, bool) or not isinstance(top_n, int) or not 0 <= top_n <= 10:
        refuse("card_invalid", "列出的扣分原因条数（top_n）应为 0–10 的整数。", field="top_n")
    features = _features(card_data.get("features"), refuse)
    grades = _grades(card_data.get("grades"), refuse)
    if not problems and features is not None and grades is not None and base is not None:
        data = json.loads(json.dumps(dict(card_data), ensure_ascii=False, allow_nan=False))
        card = ExpertCard(
            name, version, title, description, created_at, base, top_n, tuple(grades), tuple(features), data
        )
        _check_cutoffs(card, card_data.get("score_range"), refuse)
        if not problems:
            return card
    first = problems[0]
    listed = [{"code": p.code, "message": p.message, **p.extra} for p in problems]
    raise CardError(first.code, first.message, {**first.extra, "problems": listed})
