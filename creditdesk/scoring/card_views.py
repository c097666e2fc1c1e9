"""The expert card editor (编辑专家评分卡): a risk manager edits a version's bands, points, rationales and
cut-offs and saves them as a new draft version (``card_drafts.card_draft_create``); another risk manager
approves it and another risk manager or the branch head activates it, on the model page.

The form is the card's: numbers are passed to the card's checks as typed when they are not numbers (so
"abc" is refused with the card's own ``points_invalid``), every refusal is shown next to the feature and
band it names and listed at the top, and everything typed is kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from creditdesk.accounts import policy
from creditdesk.core.actions import Action
from creditdesk.core.enums import GRADES
from creditdesk.core.exceptions import DomainError
from creditdesk.core.views.errors import refusals_as_http
from creditdesk.products.facts import FACTS, FactType
from creditdesk.scoring import card_drafts, selectors
from creditdesk.scoring.expert import ExpertCard
from creditdesk.scoring.expert.card import CardFeature, fmt_number
from creditdesk.scoring.models import ScoreModel

BAND_FIELDS = ("lower", "upper", "points", "rationale")


def _shown(value: float | None) -> str:
    return "" if value is None else fmt_number(value)


def _number(text: str) -> Any:
    """A number typed in the form ("12", "12.5", "5,000") as a number; blank as None; anything else as
    typed, for the card's checks to refuse in their own words."""
    cleaned = text.strip().replace(",", "").replace("，", "")
    if not cleaned:
        return None
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return text.strip()
    if not number.is_finite():
        return text.strip()
    return int(number) if number == number.to_integral_value() else float(number)


def _points(text: str) -> Any:
    value = _number(text)
    return "" if value is None else value


def _hint(item: CardFeature) -> str:
    spec = item.feature
    if FACTS[spec.fact].type == FactType.RATIO:
        return _("比率，如 0.3 即 30%")
    return spec.unit


# --- the form's initial values and what was typed --------------------------------------------------------


def _initial(base: ExpertCard) -> dict[str, Any]:
    """The form's values from the base card (the rows of each feature, plus one blank row to add one)."""
    values: dict[str, Any] = {"base_points": fmt_number(base.base_points), "features": {}}
    for grade, minimum in base.grades:
        values[f"cutoff-{grade}"] = _shown(minimum)
    for item in base.features:
        rows = [
            {
                "lower": _shown(band.lower),
                "upper": _shown(band.upper),
                "points": fmt_number(band.points),
                "rationale": band.rationale,
                "categories": list(band.categories),
                "delete": False,
            }
            for band in item.bands
        ]
        rows.append(_blank())
        values["features"][item.key] = {
            "rows": rows,
            "missing_points": fmt_number(item.missing.points) if item.missing else "",
            "missing_rationale": item.missing.rationale if item.missing else "",
        }
    return values


def _blank() -> dict[str, Any]:
    return {"lower": "", "upper": "", "points": "", "rationale": "", "categories": [], "delete": False}


def _is_blank(row: Mapping[str, Any]) -> bool:
    return not any(str(row[name]).strip() for name in BAND_FIELDS) and not row["categories"]


def _typed(post: QueryDict, base: ExpertCard) -> dict[str, Any]:
    """The values as typed (kept on a refusal), one blank row added where the last was used."""
    values: dict[str, Any] = {"base_points": post.get("base_points", ""), "features": {}}
    for grade in GRADES[:-1]:
        values[f"cutoff-{grade}"] = post.get(f"cutoff-{grade}", "")
    for item in base.features:
        key = item.key
        try:
            count = min(int(post.get(f"{key}-rows", "0")), 50)
        except ValueError:
            count = 0
        rows = [
            {
                **{name: post.get(f"{key}-{index}-{name}", "") for name in BAND_FIELDS},
                "categories": post.getlist(f"{key}-{index}-categories"),
                "delete": bool(post.get(f"{key}-{index}-delete")),
            }
            for index in range(count)
        ]
        if not rows or not _is_blank(rows[-1]):
            rows.append(_blank())
        values["features"][key] = {
            "rows": rows,
            "missing_points": post.get(f"{key}-missing-points", ""),
            "missing_rationale": post.get(f"{key}-missing-rationale", ""),
        }
    return values


def _is_edge(value: Any) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def _low(value: float | None) -> float:
    return float("-inf") if value is None else float(value)


def _card_data(values: Mapping[str, Any], base: ExpertCard) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """The card the typed values make, and for each feature the form row of each of its bands (to show a
    refusal naming band n next to the row it came from)."""
    features = []
    rows_of: dict[str, list[int]] = {}
    for item in base.features:
        typed = values["features"][item.key]
        bands: list[dict[str, Any]] = []
        rows_of[item.key] = []
        for index, row in enumerate(typed["rows"]):
            if row["delete"] or _is_blank(row):
                continue
            band: dict[str, Any]
            if item.feature.kind == "numerical":
                band = {"lower": _number(row["lower"]), "upper": _number(row["upper"])}
            else:
                band = {"categories": list(row["categories"])}
            band.update(points=_points(row["points"]), rationale=row["rationale"].strip())
            bands.append(band)
            rows_of[item.key].append(index)
        if item.feature.kind == "numerical" and all(_is_edge(band["lower"]) for band in bands):
            # a band added in the blank row (at the end) goes to its place: bands run from low to high
            order = sorted(range(len(bands)), key=lambda n: _low(bands[n]["lower"]))
            bands = [bands[n] for n in order]
            rows_of[item.key] = [rows_of[item.key][n] for n in order]
        feature: dict[str, Any] = {"key": item.key, "bands": bands}
        if typed["missing_points"].strip() or typed["missing_rationale"].strip():
            feature["missing"] = {
                "points": _points(typed["missing_points"]),
                "rationale": typed["missing_rationale"].strip(),
                "label": item.missing.label if item.missing else _("未提供"),
            }
        features.append(feature)
    grades = [
        {
            "grade": grade,
            "min_points": None if grade == GRADES[-1] else _points(values.get(f"cutoff-{grade}", "")),
        }
        for grade in GRADES
    ]
    data = {"base_points": _points(values["base_points"]), "grades": grades, "features": features}
    return data, rows_of


# --- refusals placed where they belong -------------------------------------------------------------------


def _placed(error: DomainError, rows_of: Mapping[str, Sequence[int]]) -> dict[str, Any]:
    """Each problem of a refusal at its place: a band's row, a feature's Missing band, the feature, a
    grade's cut-off, a field (version, note, base points); all of them in the summary."""
    problems = error.extra.get("problems") or [{"code": error.code, "message": error.message, **error.extra}]
    placed: dict[str, Any] = {"summary": [], "rows": {}, "missing": {}, "features": {}, "fields": {}}
    for problem in problems:
        message, feature, band = problem.get("message", ""), problem.get("feature"), problem.get("band")
        placed["summary"].append({"message": message, "feature": feature})
        if feature and band == "missing":
            placed["missing"].setdefault(feature, []).append(message)
        elif feature and isinstance(band, int) and 0 < band <= len(rows_of.get(feature, ())):
            placed["rows"].setdefault((feature, rows_of[feature][band - 1]), []).append(message)
        elif feature:
            placed["features"].setdefault(feature, []).append(message)
        elif problem.get("grade"):
            placed["fields"].setdefault(f"cutoff-{problem['grade']}", []).append(message)
        elif problem.get("field"):
            placed["fields"].setdefault(str(problem["field"]), []).append(message)
    return placed


def _sections(base: ExpertCard, values: Mapping[str, Any], placed: Mapping[str, Any]) -> list[dict[str, Any]]:
    sections = []
    for number, item in enumerate(base.features, start=1):
        typed = values["features"][item.key]
        rows = []
        for index, row in enumerate(typed["rows"]):
            chosen = set(row["categories"])
            rows.append(
                {
                    **row,
                    "index": index,
                    "new": index >= len(item.bands) and _is_blank(row),
                    "errors": placed["rows"].get((item.key, index), []),
                    "choices": [
                        {"value": c.value, "label": c.label, "checked": c.value in chosen}
                        for c in item.feature.categories
                    ],
                }
            )
        sections.append(
            {
                "number": number,
                "key": item.key,
                "label": item.feature.label,
                "numerical": item.feature.kind == "numerical",
                "hint": _hint(item),
                "rows": rows,
                "count": len(rows),
                "missing_label": item.missing.label if item.missing else _("未提供"),
                "missing_points": typed["missing_points"],
                "missing_rationale": typed["missing_rationale"],
                "missing_errors": placed["missing"].get(item.key, []),
                "errors": placed["features"].get(item.key, []),
            }
        )
    return sections


def _form(
    request: HttpRequest,
    model: ScoreModel,
    base: ExpertCard,
    values: Mapping[str, Any],
    *,
    placed: Mapping[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    placed = placed or {"summary": [], "rows": {}, "missing": {}, "features": {}, "fields": {}}
    low, high = base.score_range
    context = {
        "model": model,
        "base": base,
        "values": values,
        "sections": _sections(base, values, placed),
        "cutoffs": [
            {
                "grade": grade,
                "value": values.get(f"cutoff-{grade}", ""),
                "errors": placed["fields"].get(f"cutoff-{grade}", []),
            }
            for grade in GRADES[:-1]
        ],
        "field_errors": placed["fields"],
        "summary": placed["summary"],
        "score_low": fmt_number(low),
        "score_high": fmt_number(high),
    }
    return render(request, "scoring/card_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def card_edit(request: HttpRequest, model_id: int) -> HttpResponse:
    """编辑为新版本: the form pre-filled from the version's card (GET); the edited card saved as a new
    draft version (POST), or every refusal shown where it belongs with everything typed kept."""
    model = selectors.model_get(model_id=model_id)
    with refusals_as_http():  # the form is the action's: asked before it is drawn, again by the service
        policy.require(request.user, Action.SCORING_CARD_DRAFT)
    try:
        base = card_drafts.base_card(model)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("scoring:model", model_id=model.pk)
    if request.method == "GET":
        values = {
            **_initial(base),
            "version": card_drafts.next_patch_version(model.version),
            "note": "",
        }
        return _form(request, model, base, values)
    values = {**_typed(request.POST, base), **{k: request.POST.get(k, "") for k in ("version", "note")}}
    card_data, rows_of = _card_data(values, base)
    try:
        with refusals_as_http():
            draft = card_drafts.card_draft_create(
                actor=request.user,
                base_model_id=model.pk,
                card_data=card_data,
                version=values["version"],
                note=values["note"],
            )
    except DomainError as exc:
        return _form(request, model, base, values, placed=_placed(exc, rows_of), status=400)
    messages.success(request, _("已登记新版本 %(version)s（待审核）。") % {"version": draft.version})
    return redirect("scoring:model", model_id=draft.pk)
