"""What changed between two versions of an expert card (专家评分卡变更): base points, features added or
dropped, bands added or removed, a band's points or rationale, the Missing band, grade cut-offs — each a
row with a stable ``what``, where it is, before and after, and a Chinese sentence for the audit trail.

A band is matched by what it covers (a numerical band by its edges, a categorical one by its categories),
not by its position: deleting the second of five bands is one removal, not four changes. A band whose
edges moved is a removal and an addition (it covers something else).

Imports no Django (import-linter: "Pure cores import no Django").
"""

from __future__ import annotations

from typing import Any

from creditdesk.scoring.expert.card import Band, CardFeature, ExpertCard, fmt_number


def _key(band: Band) -> tuple[Any, ...]:
    return (band.lower, band.upper, frozenset(band.categories))


def _row(what: str, text: str, **where: Any) -> dict[str, Any]:
    return {"what": what, **where, "text": text}


def _band_changes(before: CardFeature, after: CardFeature) -> list[dict[str, Any]]:
    label = after.feature.label
    changes: list[dict[str, Any]] = []
    old = {_key(band): band for band in before.bands}
    new_keys = {_key(band) for band in after.bands}
    for band in before.bands:
        if _key(band) not in new_keys:
            changes.append(
                _row(
                    "band_removed",
                    f"「{label}」删除档位「{band.label}」（原 {fmt_number(band.points)} 分）",
                    feature=after.key,
                    band=band.label,
                    before=band.points,
                    after=None,
                )
            )
    for band in after.bands:
        was = old.get(_key(band))
        if was is None:
            changes.append(
                _row(
                    "band_added",
                    f"「{label}」新增档位「{band.label}」：{fmt_number(band.points)} 分",
                    feature=after.key,
                    band=band.label,
                    before=None,
                    after=band.points,
                )
            )
            continue
        changes.extend(_same_band(label, after.key, band.label, was, band))
    changes.extend(_missing_changes(before, after))
    return changes


def _same_band(label: str, key: str, name: str, was: Band, band: Band) -> list[dict[str, Any]]:
    changes = []
    if was.points != band.points:
        changes.append(
            _row(
                "points",
                f"「{label}」「{name}」分值 {fmt_number(was.points)} → {fmt_number(band.points)}",
                feature=key,
                band=name,
                before=was.points,
                after=band.points,
            )
        )
    if was.rationale != band.rationale:
        changes.append(
            _row(
                "rationale",
                f"「{label}」「{name}」依据改为：{band.rationale}",
                feature=key,
                band=name,
                before=was.rationale,
                after=band.rationale,
            )
        )
    return changes


def _missing_changes(before: CardFeature, after: CardFeature) -> list[dict[str, Any]]:
    label = after.feature.label
    if before.missing_points != after.missing_points:
        return [
            _row(
                "missing_points",
                f"「{label}」缺失档分值 {fmt_number(before.missing_points)} → "
                f"{fmt_number(after.missing_points)}",
                feature=after.key,
                band="missing",
                before=before.missing_points,
                after=after.missing_points,
            )
        ]
    was = before.missing.rationale if before.missing else ""
    now = after.missing.rationale if after.missing else ""
    if was != now:
        return [
            _row(
                "missing_rationale",
                f"「{label}」缺失档依据改为：{now or '（无）'}",
                feature=after.key,
                band="missing",
                before=was,
                after=now,
            )
        ]
    return []


def card_changes(before: ExpertCard, after: ExpertCard) -> list[dict[str, Any]]:
    """Every change from ``before`` to ``after``, in card order (base points, features, cut-offs)."""
    changes: list[dict[str, Any]] = []
    if before.base_points != after.base_points:
        changes.append(
            _row(
                "base_points",
                f"基础分 {fmt_number(before.base_points)} → {fmt_number(after.base_points)}",
                before=before.base_points,
                after=after.base_points,
            )
        )
    old = {item.key: item for item in before.features}
    new = {item.key for item in after.features}
    for item in before.features:
        if item.key not in new:
            changes.append(_row("feature_removed", f"删除项目「{item.feature.label}」", feature=item.key))
    for item in after.features:
        was = old.get(item.key)
        if was is None:
            changes.append(_row("feature_added", f"新增项目「{item.feature.label}」", feature=item.key))
        else:
            changes.extend(_band_changes(was, item))
    cutoffs = dict(before.grades)
    for grade, minimum in after.grades:
        if cutoffs.get(grade) != minimum and minimum is not None:
            was_min = cutoffs.get(grade)
            changes.append(
                _row(
                    "cutoff",
                    f"等级 {grade} 最低分 {'—' if was_min is None else fmt_number(was_min)} → "
                    f"{fmt_number(minimum)}",
                    grade=grade,
                    before=was_min,
                    after=minimum,
                )
            )
    return changes
