"""Between the scorecard (pure, ``scorecard.py``) and the product: loading a stored version, where each
variable's value comes from (the customer's profile, the latest needs analysis, or asked), the form a CM
fills in, and the figures the pages and the API show.

Where values come from: a model's variable is filled from the customer's profile or from the customer's
latest need where they say the same thing (``PROFILE_SOURCES``, ``NEED_SOURCES``, by variable name —
the German Credit names of the shipped model: age, housing, property; loan duration, amount, purpose);
everything else is asked. An answer typed by the CM wins over the profile (it may be out of date), and
the stored inputs say which values were typed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creditdesk.core.exceptions import DomainError
from creditdesk.customers.identity import age_on
from creditdesk.customers.models import Customer
from creditdesk.products.models import Need
from creditdesk.products.selectors import latest_need
from creditdesk.scoring.models import ScoreModel

if TYPE_CHECKING:
    from creditdesk.scoring.scorecard import Scorecard, VariableSpec

SOURCE_CUSTOMER, SOURCE_NEED, SOURCE_ASKED = "customer", "need", "asked"
SOURCE_LABELS = {
    SOURCE_CUSTOMER: gettext_lazy("客户资料"),
    SOURCE_NEED: gettext_lazy("需求分析"),
    SOURCE_ASKED: gettext_lazy("询问客户"),
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
    points: Decimal
    probability_of_default: Decimal
    grade: str
    reasons: list[dict[str, Any]]
    contributions: list[dict[str, Any]]
    warnings: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "points": self.points,
            "probability_of_default": self.probability_of_default,
            "grade": self.grade,
            "reasons": self.reasons,
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
        if variable.kind == "numerical" and variable.name in values:
            values[variable.name] = _number(variable, values[variable.name])
    return values


def score_applicant(card: Scorecard, applicant: Mapping[str, Any]) -> Outcome:
    """Score one applicant (variable → value) and say why: the points, the probability of default, the
    grade, the reason codes and the per-variable contributions."""
    result = card.score(applicant_values(card, applicant))
    contributions = []
    for item in result.contributions:
        row = item.to_dict()
        row["value"] = str(row["value"])  # JSON-safe and as typed
        contributions.append(row)
    return Outcome(
        points=_decimal(result.points, 2),
        probability_of_default=_decimal(result.probability_of_default, 6),
        grade=result.grade,
        reasons=[reason.to_dict() for reason in result.reasons],
        contributions=contributions,
        warnings=[warning.to_dict() for warning in result.warnings],
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


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
    return None if value in ("", None) else value


def _known_values(card: Scorecard, customer: Customer, today: date) -> dict[str, tuple[Any, str]]:
    """What the profile and the latest need say, per variable of the model: (value, source)."""
    need = latest_need(customer=customer)
    known: dict[str, tuple[Any, str]] = {}
    for variable in card.variables:
        value = None
        if variable.name in PROFILE_SOURCES:
            value, source = PROFILE_SOURCES[variable.name](customer, today), SOURCE_CUSTOMER
        if value is None and need is not None and variable.name in NEED_SOURCES:
            value, source = NEED_SOURCES[variable.name](need), SOURCE_NEED
        if value is not None:
            known[variable.name] = (value, source)
    return known


def _same(left: Any, right: Any) -> bool:
    try:
        return Decimal(str(left)) == Decimal(str(right))
    except InvalidOperation:
        return str(left) == str(right)


def collect_inputs(
    card: Scorecard, *, customer: Customer, answers: Mapping[str, Any], today: date
) -> dict[str, dict[str, Any]]:
    """Every variable of ``card`` with its value and where it came from; a variable with neither an
    answer nor a known value is refused, naming it (nothing is guessed)."""
    names = {variable.name for variable in card.variables}
    unknown = sorted(set(answers) - names)
    if unknown:
        raise DomainError(
            "variable_unknown",
            _("模型中没有“%(name)s”这一项。") % {"name": unknown[0][:40]},
            {"field": unknown[0][:40]},
        )
    known = _known_values(card, customer, today)
    inputs: dict[str, dict[str, Any]] = {}
    for variable in card.variables:
        answer = _clean(answers.get(variable.name))
        value, origin = known.get(variable.name, (None, SOURCE_ASKED))
        if answer is not None:
            origin = origin if value is not None and _same(value, answer) else SOURCE_ASKED
            value = answer
        if value is None:
            raise DomainError(
                "missing_value",
                _("请填写“%(label)s”。") % {"label": variable.label},
                {"field": variable.name},
            )
        if variable.kind == "numerical":
            value = _number(variable, value) if not isinstance(value, int | float) else value
        elif variable.categories and str(value) not in {c.value for c in variable.categories}:
            raise DomainError(
                "invalid_value",
                _("“%(label)s”请从选项中选择。") % {"label": variable.label},
                {"field": variable.name},
            )
        inputs[variable.name] = {
            "value": value if variable.kind == "numerical" else str(value),
            "source": origin,
        }
    return inputs


def form_fields(
    card: Scorecard,
    *,
    customer: Customer,
    today: date,
    submitted: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The pre-assessment form: one field per variable, pre-filled from the profile or the latest need
    where they say it, the rest asked."""
    known = _known_values(card, customer, today)
    fields = []
    for variable in card.variables:
        value, source = known.get(variable.name, (None, SOURCE_ASKED))
        if submitted is not None:
            value = submitted.get(variable.name)
        help_text = ""
        if variable.kind == "numerical" and variable.minimum is not None and variable.maximum is not None:
            help_text = _("训练数据范围：%(low)s – %(high)s") % {
                "low": f"{variable.minimum:g}",
                "high": f"{variable.maximum:g}",
            }
        fields.append(
            {
                "name": variable.name,
                "label": variable.label,
                "kind": "choice" if variable.kind == "categorical" else "number",
                "choices": [(category.value, category.label) for category in variable.categories],
                "value": "" if value is None else str(value),
                "source": source,
                "source_label": str(SOURCE_LABELS[source]),
                "help": help_text,
                "error": (errors or {}).get(variable.name, ""),
            }
        )
    return fields


def input_rows(
    assessment_contributions: Sequence[Mapping[str, Any]], inputs: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """An assessment's inputs as table rows: label, value as a person reads it, source, points."""
    return [
        {
            "label": item["label"],
            "value_label": item["value_label"],
            "source_label": str(
                SOURCE_LABELS.get((inputs.get(item["variable"]) or {}).get("source", ""), "—")
            ),
            "points": _decimal(item["points"], 2),
            "best_points": _decimal(item["best_points"], 2),
        }
        for item in assessment_contributions
    ]


def variable_list(card: Scorecard) -> list[dict[str, Any]]:
    """The variables for programs: name, label, kind, categories or bounds, and where the product
    fills them from (``customer`` / ``need`` / ``asked``)."""
    rows = []
    for variable in card.variables:
        row = variable.to_dict()
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
    ``MIN_MONITORED`` recent scores to say anything."""
    from creditdesk.scoring import psi

    result: dict[str, Any] = {"days": days, "count": len(recent), "enough": len(recent) >= MIN_MONITORED}
    if not result["enough"]:
        return result
    reference = card.score_reference
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
