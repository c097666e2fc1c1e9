"""Between the scorecard (pure, ``scorecard.py``) and the product: loading a stored version, where each
variable's value comes from (the customer's profile, the latest needs analysis, or asked), the form a CM
fills in, and the figures the pages and the API show.

Where values come from, by the card's kind (one path, two sources of what is known):

- a registry card (every variable a feature of ``scoring.features``: the shipped expert card, a card
  trained on the bank's history) is fed from CreditDesk's own facts (``assessment_facts``: the customer
  record, the 征信 summary, the latest need, LTV and the DTI after the new loan computed from it):
  every feature CreditDesk holds is filled and shown with its source, a feature that does not apply to
  the applicant is 不适用 (``NOT_APPLICABLE``: the card's neutral Missing band, no reason), and only the
  rest is asked; its reasons are also said in the customer's terms (``scoring.adverse``);
- the benchmark card (German Credit, never used on customers, kept as the trainer's benchmark and a
  test fixture) is fed from the profile or the latest need where they say the same thing
  (``PROFILE_SOURCES``, ``NEED_SOURCES``, by its variable names: age, housing, property; loan duration,
  amount, purpose); everything else is asked.

An answer typed by the CM wins over what CreditDesk holds (it may be out of date), and the stored inputs
say which values were typed (``asked``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creditdesk.core.exceptions import DomainError
from creditdesk.customers.identity import age_on
from creditdesk.customers.models import Customer
from creditdesk.customers.sensitive import mask_amount
from creditdesk.products.facts import FACTS, FactType
from creditdesk.products.models import Need
from creditdesk.products.selectors import latest_need
from creditdesk.scoring.adverse import customer_reasons
from creditdesk.scoring.assessment_facts import facts_at_assessment
from creditdesk.scoring.features import FEATURES, prefill
from creditdesk.scoring.models import ScoreModel
from creditdesk.scoring.scorer.applicant import NOT_APPLICABLE, UNKNOWN

if TYPE_CHECKING:
    from creditdesk.scoring.psi import FloatArray
    from creditdesk.scoring.scorecard import Scorecard, VariableSpec

SOURCE_CUSTOMER, SOURCE_NEED, SOURCE_ASKED = "customer", "need", "asked"
SOURCE_CREDIT, SOURCE_COLLATERAL, SOURCE_NOT_APPLICABLE = "credit", "collateral", "not_applicable"
SOURCE_LABELS = {
    SOURCE_CUSTOMER: gettext_lazy("客户资料"),
    SOURCE_NEED: gettext_lazy("需求分析"),
    SOURCE_CREDIT: gettext_lazy("征信摘要"),
    SOURCE_COLLATERAL: gettext_lazy("抵押物"),
    SOURCE_ASKED: gettext_lazy("询问客户"),
    SOURCE_NOT_APPLICABLE: gettext_lazy("不适用"),
}

# 需求分析 purposes → German Credit's purpose categories (the nearest the data set has).
PURPOSE_MAP = {
    "business_working_capital": "business",
    "equipment": "business",
    "car_purchase": "car (new)",
    "renovation": "repairs",
    "education": "education",
    "home_purchase": "others",
    "consumption": "others",
    "medical": "others",
    "travel": "others",
    "wedding": "others",
}


def _age(customer: Customer, today: date) -> int | None:
    return age_on(customer.birth_date, today) if customer.birth_date else None


def _housing(customer: Customer, today: date) -> str | None:
    return "own" if customer.has_property else None


def _property(customer: Customer, today: date) -> str | None:
    if customer.has_property:
        return "real estate"
    if customer.has_vehicle:
        return "car or other, not in attribute Savings account/bonds"
    return None


PROFILE_SOURCES: dict[str, Callable[[Customer, date], Any]] = {
    "age_in_years": _age,
    "housing": _housing,
    "property": _property,
}
NEED_SOURCES: dict[str, Callable[[Need], Any]] = {
    "duration_in_month": lambda need: need.term_months,
    "credit_amount": lambda need: need.amount,
    "purpose": lambda need: PURPOSE_MAP.get(need.purpose),
}


def parse(artefact: str) -> Scorecard:
    """The scorecard in ``artefact`` (JSON text), its checksum verified (``model_tampered``)."""
    from creditdesk.scoring.scorecard import Scorecard

    return Scorecard.from_json(artefact)


@lru_cache(maxsize=16)
def _load(model_id: int, checksum: str, artefact: str) -> Scorecard:
    card = parse(artefact)
    if card.checksum != checksum:
        raise DomainError("model_tampered", _("模型文件与登记时的校验和不一致，已拒绝使用。"))
    return card


def load(model: ScoreModel) -> Scorecard:
    """The version's scorecard, parsed and verified once per process (keyed by id and checksum)."""
    return _load(model.pk, model.checksum, model.artefact)


@dataclass(frozen=True)
class Outcome:
    """A score for pages, the API and storage. ``probability_of_default`` is None for a card that gives
    none (an expert card: 评分 and 等级 only); ``customer_reasons`` are the reasons in the customer's
    terms with what would change each, for a card on the registry's features (empty otherwise)."""

    points: Decimal
    probability_of_default: Decimal | None
    grade: str
    reasons: list[dict[str, Any]]
    contributions: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    customer_reasons: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "points": self.points,
            "probability_of_default": self.probability_of_default,
            "grade": self.grade,
            "reasons": self.reasons,
            "customer_reasons": self.customer_reasons,
            "contributions": self.contributions,
            "warnings": self.warnings,
        }


def _decimal(value: float, places: int) -> Decimal:
    return Decimal(repr(round(float(value), places)))


def _number(variable: VariableSpec, raw: Any) -> Any:
    """A numerical answer as a number: form and CSV values arrive as text (``"24"``, ``"5,000"``)."""
    if isinstance(raw, str):
        text = raw.strip().replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise DomainError(
                "not_numeric",
                _("“%(label)s”应为数字。") % {"label": variable.label},
                {"field": variable.name},
            ) from None
        if not number.is_finite():
            raise DomainError(
                "not_finite",
                _("“%(label)s”应为有限的数字。") % {"label": variable.label},
                {"field": variable.name},
            )
        return float(number)
    if isinstance(raw, Decimal):
        return float(raw)
    return raw


def applicant_values(card: Scorecard, applicant: Mapping[str, Any]) -> dict[str, Any]:
    """``applicant`` with numerical answers given as text turned into numbers (refused naming the
    variable when they are not numbers)."""
    values = dict(applicant)
    for variable in card.variables:
        if values.get(variable.name) in (NOT_APPLICABLE, UNKNOWN):
            continue
        if variable.kind == "numerical" and variable.name in values:
            values[variable.name] = _number(variable, values[variable.name])
    return values


def is_registry_card(card: Scorecard) -> bool:
    """Whether every variable of ``card`` is a feature of the registry (``scoring.features``: an expert
    card, or a card trained on the bank's own history): such a card is fed from CreditDesk's own facts
    and its reasons are said in the customer's terms. Any other card (German Credit, the trainer's
    benchmark) is fed by the variable names of ``PROFILE_SOURCES`` / ``NEED_SOURCES`` and asked."""
    return all(name in FEATURES for name in card.variable_names)


def score_applicant(card: Scorecard, applicant: Mapping[str, Any]) -> Outcome:
    """Score one applicant (variable → value) and say why: the points, the grade, the probability of
    default (None for a card that gives none), the reason codes (in the customer's terms too, for a
    registry card) and the per-variable contributions."""
    result = card.score(applicant_values(card, applicant))
    contributions = []
    for item in result.contributions:
        row = item.to_dict()
        row["value"] = str(row["value"])  # JSON-safe and as typed
        contributions.append(row)
    pd = result.probability_of_default if card.shows_probability else None  # grades still use it
    said = customer_reasons(card, result) if is_registry_card(card) else ()
    return Outcome(
        points=_decimal(result.points, 2),
        probability_of_default=None if pd is None else _decimal(pd, 6),
        grade=result.grade,
        reasons=[reason.to_dict() for reason in result.reasons],
        contributions=contributions,
        warnings=[warning.to_dict() for warning in result.warnings],
        customer_reasons=[reason.to_dict() for reason in said],
    )


def score(card: Scorecard, inputs: Mapping[str, Mapping[str, Any]]) -> Outcome:
    """Score the collected ``inputs`` (``{variable: {"value", "source"}}``)."""
    return score_applicant(card, {name: item["value"] for name, item in inputs.items()})


def score_rows(card: Scorecard, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Score many applicants; one refused row refuses all, naming the row (1-based) and the variable."""
    scores = []
    for number, row in enumerate(rows, start=1):
        try:
            outcome = score_applicant(card, row)
        except DomainError as exc:
            raise DomainError(
                exc.code,
                _("第 %(row)s 行：%(message)s") % {"row": number, "message": exc.message},
                {**exc.extra, "row": number},
            ) from exc
        scores.append(
            {
                "points": outcome.points,
                "probability_of_default": outcome.probability_of_default,
                "grade": outcome.grade,
            }
        )
    return scores


UNKNOWN_WORDS = frozenset({"不详", "未知", UNKNOWN})
"""What a CM types (or picks) for an answer the customer cannot give: scored with the card's Missing band
and reported (``missing_value`` warning), never guessed."""


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if value in UNKNOWN_WORDS:
            return UNKNOWN
    return None if value in ("", None) else value


@dataclass(frozen=True)
class Known:
    """A variable's value CreditDesk already holds, where it came from (``SOURCE_LABELS``) and how it was
    obtained (a computed feature's note; for 不适用, the condition that fails)."""

    value: Any
    source: str
    note: str = ""


def _german_known(card: Scorecard, customer: Customer, today: date) -> dict[str, Known]:
    """The benchmark card (German Credit names): the profile and the latest need where they say it."""
    need = latest_need(customer=customer)
    known: dict[str, Known] = {}
    for variable in card.variables:
        value = None
        if variable.name in PROFILE_SOURCES:
            value, source = PROFILE_SOURCES[variable.name](customer, today), SOURCE_CUSTOMER
        if value is None and need is not None and variable.name in NEED_SOURCES:
            value, source = NEED_SOURCES[variable.name](need), SOURCE_NEED
        if value is not None:
            known[variable.name] = Known(value, source)
    return known


def _registry_known(card: Scorecard, customer: Customer, today: date) -> dict[str, Known]:
    """A registry card: every feature CreditDesk holds (``assessment_facts``), 不适用 where it does not
    apply; the rest is asked."""
    held = facts_at_assessment(customer, today=today)
    known: dict[str, Known] = {}
    for item in prefill(card.variable_names, held.facts):
        if item.status == "known":
            known[item.key] = Known(item.value, item.source.value, held.notes.get(item.key, ""))
        elif item.status == "not_applicable":
            known[item.key] = Known(NOT_APPLICABLE, SOURCE_NOT_APPLICABLE, item.note)
    return known


def known_values(card: Scorecard, customer: Customer, today: date) -> dict[str, Known]:
    """What CreditDesk holds for each variable of ``card`` (by the card's kind: a registry card from the
    customer's facts, the benchmark card from its German Credit names)."""
    if is_registry_card(card):
        return _registry_known(card, customer, today)
    return _german_known(card, customer, today)


def _same(left: Any, right: Any) -> bool:
    try:
        return Decimal(str(left)) == Decimal(str(right))
    except InvalidOperation:
        return str(left) == str(right)


def _stored(variable: VariableSpec, value: Any) -> Any:
    """A value as the inputs keep it (JSON): numbers as floats, categories as their text (a yes/no as
    "True" / "False"), the markers as they are."""
    if value in (NOT_APPLICABLE, UNKNOWN):
        return value
    if variable.kind == "numerical":
        return _number(variable, value) if not isinstance(value, int | float) else value
    text = str(value)
    if variable.categories and text not in {c.value for c in variable.categories}:
        raise DomainError(
            "invalid_value",
            _("“%(label)s”请从选项中选择。") % {"label": variable.label},
            {"field": variable.name},
        )
    return text


def collect_inputs(
    card: Scorecard, *, customer: Customer, answers: Mapping[str, Any], today: date
) -> dict[str, dict[str, Any]]:
    """Every variable of ``card`` with its value and where it came from; a variable with neither an
    answer nor a known value is refused, naming it (nothing is guessed). An answer typed by the CM wins
    and is recorded as asked (unless it says what CreditDesk holds)."""
    names = {variable.name for variable in card.variables}
    unknown = sorted(set(answers) - names)
    if unknown:
        raise DomainError(
            "variable_unknown",
            _("模型中没有“%(name)s”这一项。") % {"name": unknown[0][:40]},
            {"field": unknown[0][:40]},
        )
    known = known_values(card, customer, today)
    inputs: dict[str, dict[str, Any]] = {}
    for variable in card.variables:
        answer = _clean(answers.get(variable.name))
        held = known.get(variable.name)
        value, origin = (held.value, held.source) if held is not None else (None, SOURCE_ASKED)
        if answer is not None:
            origin = origin if value is not None and _same(value, answer) else SOURCE_ASKED
            value = answer
        if value is None:
            raise DomainError(
                "missing_value",
                _("请填写“%(label)s”。") % {"label": variable.label},
                {"field": variable.name},
            )
        inputs[variable.name] = {"value": _stored(variable, value), "source": origin}
    return inputs


def _shown(variable: VariableSpec, value: Any, hidden: Collection[str] = ()) -> str:
    """A value as a person reads it: a registry feature in its unit, a category by its label; a
    ``hidden`` feature's as the mask ("已登记")."""
    if value == NOT_APPLICABLE:
        return str(SOURCE_LABELS[SOURCE_NOT_APPLICABLE])
    if value == UNKNOWN:
        return _("不详")
    if variable.name in hidden:
        return str(mask_amount(value))
    if variable.name in FEATURES:
        return FEATURES[variable.name].display(value)
    labels = {c.value: c.label for c in variable.categories}
    return labels.get(str(value), str(value))


def form_fields(
    card: Scorecard,
    *,
    customer: Customer,
    today: date,
    submitted: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    hidden: Collection[str] = (),
) -> list[dict[str, Any]]:
    """The pre-assessment form: one field per variable. What CreditDesk holds is shown with where it came
    from (``status`` ``known``, with an empty box to correct it), 不适用 where a feature does not apply
    (``not_applicable``), and only the rest is asked (``ask``). A value of a ``hidden`` feature (a
    sensitive one, for a person who may not see it: ``scoring.disclosure``) is shown as the mask."""
    known = known_values(card, customer, today)
    fields = []
    for variable in card.variables:
        held = known.get(variable.name)
        status = "ask" if held is None else "not_applicable" if held.value == NOT_APPLICABLE else "known"
        typed = (submitted or {}).get(variable.name)
        help_text = ""
        if variable.kind == "numerical" and variable.minimum is not None and variable.maximum is not None:
            help_text = _("训练数据范围：%(low)s – %(high)s") % {
                "low": f"{variable.minimum:g}",
                "high": f"{variable.maximum:g}",
            }
        feature = FEATURES.get(variable.name)
        fields.append(
            {
                "name": variable.name,
                "label": variable.label,
                "unit": feature.unit if feature is not None else "",
                "ratio": feature is not None and FACTS[feature.fact].type == FactType.RATIO,
                "kind": "choice" if variable.kind == "categorical" else "number",
                "choices": [(category.value, category.label) for category in variable.categories],
                "status": status,
                "value": "" if typed is None else str(typed),
                "shown": "" if held is None else _shown(variable, held.value, hidden),
                "source": "" if held is None else held.source,
                "source_label": str(SOURCE_LABELS[held.source if held is not None else SOURCE_ASKED]),
                "note": "" if held is None else held.note,
                "help": help_text,
                "error": (errors or {}).get(variable.name, ""),
            }
        )
    return fields


def input_rows(
    assessment_contributions: Sequence[Mapping[str, Any]],
    inputs: Mapping[str, Any],
    hidden: Collection[str] = (),
) -> list[dict[str, Any]]:
    """An assessment's inputs as table rows: label, value as a person reads it (a ``hidden`` feature's
    as the mask, "已登记": ``scoring.disclosure``), source, points."""
    rows = []
    for item in assessment_contributions:
        source = (inputs.get(item["variable"]) or {}).get("source", "")
        value = (inputs.get(item["variable"]) or {}).get("value")
        feature = FEATURES.get(item["variable"])
        if value == NOT_APPLICABLE:
            shown = str(SOURCE_LABELS[SOURCE_NOT_APPLICABLE])
        elif item["variable"] in hidden and value not in (None, UNKNOWN):
            shown = str(mask_amount(value))
        elif feature is not None and value not in (None, UNKNOWN):
            shown = feature.display(value)
        else:
            shown = item["value_label"]
        rows.append(
            {
                "variable": item["variable"],
                "label": item["label"],
                "not_applicable": value == NOT_APPLICABLE,
                "value_label": shown,
                "bin_label": item.get("bin_label", ""),
                "source_label": str(SOURCE_LABELS.get(source, "—")),
                "points": _decimal(item["points"], 2),
                "best_points": _decimal(item["best_points"], 2),
            }
        )
    return rows


def variable_list(card: Scorecard) -> list[dict[str, Any]]:
    """The variables for programs: name, label, kind, categories or bounds, and where the product
    fills them from (a registry card: the feature's source — ``customer`` / ``need`` / ``credit`` /
    ``collateral``; the benchmark card: ``customer`` / ``need`` / ``asked``)."""
    rows = []
    registry = is_registry_card(card)
    for variable in card.variables:
        row = variable.to_dict()
        if registry:
            row["from"] = FEATURES[variable.name].source.value
        else:
            row["from"] = (
                SOURCE_CUSTOMER
                if variable.name in PROFILE_SOURCES
                else SOURCE_NEED
                if variable.name in NEED_SOURCES
                else SOURCE_ASKED
            )
        rows.append(row)
    return rows


def stability(card: Scorecard, recent: Sequence[tuple[Any, Any]], *, days: int) -> dict[str, Any]:
    """Population stability of recent pre-assessments against the training population: PSI of the
    score (on the training deciles) and of each variable (on its bins), each with its status against
    the usual thresholds (below 0.1 stable, 0.1–0.25 watch, from 0.25 unstable). Needs at least
    ``MIN_MONITORED`` recent scores, and a development sample to compare with (``reference``: a card
    written by people has none, so nothing is computed for it yet)."""
    from creditdesk.scoring import psi

    reference = card.score_reference
    result: dict[str, Any] = {
        "days": days,
        "count": len(recent),
        "enough": len(recent) >= MIN_MONITORED,
        "reference": bool(reference.get("counts")),
        "reference_kind": "development",
        "reference_label": _("开发样本"),
    }
    if not result["enough"] or not result["reference"]:  # an expert card has no development sample
        return result
    edges = np.asarray(reference.get("edges", []), dtype=np.float64)
    scores = np.asarray([float(points) for points, _contributions in recent], dtype=np.float64)
    actual = np.bincount(np.searchsorted(edges, scores, side="right"), minlength=len(edges) + 1)
    result["score"] = psi.psi_by_bins(reference.get("counts", []), actual).to_dict()
    expected_bins = card.training_bin_counts()
    variables = []
    for variable in card.variables:
        expected = expected_bins[variable.name]
        counts = np.zeros(len(expected), dtype=np.float64)
        for _points, contributions in recent:
            for item in contributions or ():
                if item.get("variable") == variable.name and 0 <= int(item.get("bin", -1)) < len(counts):
                    counts[int(item["bin"])] += 1
        measured = psi.psi_by_bins(expected, counts)
        variables.append({"name": variable.name, "label": variable.label, **measured.to_dict()})
    result["variables"] = sorted(variables, key=lambda row: -row["value"])
    return result


MIN_MONITORED = 30
BASELINE_DAYS = 90


def has_development_sample(card: Scorecard) -> bool:
    """Whether the card carries its training scores' distribution (a trained card) — the reference of
    its monitoring; a card written by people has none and is compared with its own baseline."""
    return bool(card.score_reference.get("counts"))


def _bins_by_variable(card: Scorecard, rows: Sequence[tuple[Any, Any]]) -> dict[str, FloatArray]:
    """Per variable, how many of ``rows`` (points, contributions) fell in each bin id (regular bins,
    Special, Missing), from the bin each stored contribution names."""
    counts = {
        name: np.zeros(len(bins), dtype=np.float64) for name, bins in card.training_bin_counts().items()
    }
    for _points, contributions in rows:
        for item in contributions or ():
            found = counts.get(item.get("variable"))
            index = int(item.get("bin", -1))
            if found is not None and 0 <= index < len(found):
                found[index] += 1
    return counts


def baseline_stability(
    card: Scorecard,
    baseline: Sequence[tuple[datetime, Any, Any]],
    recent: Sequence[tuple[Any, Any]],
    *,
    days: int,
    activated_at: datetime | None,
    now: datetime,
) -> dict[str, Any]:
    """Population stability of a card without a development sample (an expert card): the reference is
    the version's own baseline — its pre-assessments (``baseline``: created_at, points, contributions,
    oldest first) in its first ``BASELINE_DAYS`` days in use, from the earlier of its activation and its
    first pre-assessment (a version re-activated keeps the baseline of its first period in use; one
    never activated in this database starts at its first pre-assessment). The baseline counts once the
    period is over and holds at least ``MIN_MONITORED`` pre-assessments; until then the result says
    which is missing (``baseline["missing"]``) and computes nothing. Then, as for a trained card, PSI of
    the score (on the baseline's deciles) and of each variable (on the card's bins, Missing included),
    each with its status against 0.1 / 0.25; ``variables`` most shifted first."""
    from creditdesk.scoring import psi

    starts = [moment for moment in (activated_at, baseline[0][0] if baseline else None) if moment]
    start = min(starts) if starts else None
    end = start + timedelta(days=BASELINE_DAYS) if start else None
    first_day = timezone.localtime(start).date() if start else None
    last_day = timezone.localtime(end).date() if end else None
    ended = end is not None and now >= end
    missing: list[dict[str, str]] = []
    if start is None:
        missing.append(
            {"code": "baseline_not_started", "message": _("基线期尚未开始：该版本尚未启用，也没有预评估。")}
        )
    elif not ended:
        missing.append(
            {
                "code": "baseline_period_open",
                "message": _("基线期（启用后 %(days)s 天）尚未结束：自 %(start)s 起，至 %(end)s 结束。")
                % {"days": BASELINE_DAYS, "start": first_day, "end": last_day},
            }
        )
    if len(baseline) < MIN_MONITORED:
        missing.append(
            {
                "code": "baseline_too_few",
                "message": _("基线期预评估不足 %(minimum)s 次：目前 %(count)s 次。")
                % {"minimum": MIN_MONITORED, "count": len(baseline)},
            }
        )
    complete = not missing
    result: dict[str, Any] = {
        "days": days,
        "count": len(recent),
        "enough": len(recent) >= MIN_MONITORED,
        "reference": complete,
        "reference_kind": "baseline",
        "reference_label": (
            _("基线期 %(start)s 至 %(end)s 的 %(count)s 次预评估")
            % {"start": first_day, "end": last_day, "count": len(baseline)}
            if start
            else ""
        ),
        "baseline": {
            "start": first_day.isoformat() if first_day else None,
            "end": last_day.isoformat() if last_day else None,
            "days": BASELINE_DAYS,
            "count": len(baseline),
            "minimum": MIN_MONITORED,
            "ended": ended,
            "complete": complete,
            "missing": missing,
        },
    }
    if not complete or not result["enough"]:
        return result
    expected_scores = [float(points) for _created, points, _contributions in baseline]
    result["score"] = psi.psi(expected_scores, [float(points) for points, _contributions in recent]).to_dict()
    expected_bins = _bins_by_variable(card, [(points, items) for _created, points, items in baseline])
    actual_bins = _bins_by_variable(card, recent)
    variables = []
    for variable in card.variables:
        expected, actual = expected_bins[variable.name], actual_bins[variable.name]
        if expected.sum() <= 0 or actual.sum() <= 0:  # a variable no stored contribution names
            continue
        measured = psi.psi_by_bins(expected, actual)
        variables.append({"name": variable.name, "label": variable.label, **measured.to_dict()})
    result["variables"] = sorted(variables, key=lambda row: -row["value"])
    return result
