"""Demo scorecard: the shipped expert card (零售及小微贷款预筛专家评分卡, ``shipped/expert_retail_sme.json``)
compiled and registered by the demo risk manager risk1, approved and activated by a second risk manager,
risk2 (maker-checker: whoever registers a version neither approves nor activates it), and
pre-assessments of about 150 demo individuals made with it: what CreditDesk holds about each (profile,
征信 summary, latest need, the DTI and LTV computed from it) is used as it is, and what it does not hold
is answered with a plausible value (reproducible: fixed seed), as a CM would have asked it — so the
score distribution and the stability monitoring show something.

The German Credit card is not registered in the demo: it is the trainer's benchmark (``make bench``) and
a test fixture, never a card for customers (issue 14, item 7).

Idempotent: skipped when a model version exists.
"""

from __future__ import annotations

import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from creditdesk.accounts.models import User
from creditdesk.core.audit import audit_record
from creditdesk.customers.choices import CustomerKind
from creditdesk.customers.models import Customer
from creditdesk.scoring import engine, services
from creditdesk.scoring.expert import compile_to_artefact, load_shipped
from creditdesk.scoring.models import Assessment, ScoreModel
from creditdesk.scoring.scorecard import Scorecard, dump_artefact

SEED = 20261124
ASSESSMENTS = 150
MAKER, CHECKER = "risk1", "risk2"


def expert_artefact() -> str:
    """The shipped expert card as the artefact a version is registered from (JSON text, checksummed)."""
    return dump_artefact(compile_to_artefact(load_shipped()))


def _answer(rng: random.Random, variable: dict[str, Any]) -> Any:
    """A plausible answer for one variable of the card: a value inside one of its bands, at random."""
    if variable["kind"] == "categorical":
        return rng.choice(variable["categories"])["value"]
    splits = [float(edge) for edge in variable["splits"]]
    designed = variable.get("range", {})
    edges = [float(designed.get("from", 0.0)), *splits]
    edges.append(float(designed.get("below", splits[-1] * 1.5 if splits else 1.0)))
    band = rng.randrange(len(edges) - 1)
    low, high = edges[band], edges[band + 1]
    value = low + rng.random() * (high - low)
    if (variable.get("bounds") or {}).get("integer"):
        return max(int(low), min(int(value), int(high) - 1 if high > low + 1 else int(low)))
    return round(value, 4)


def _assessment(card: Scorecard, model: ScoreModel, customer: Customer, rng: random.Random) -> Assessment:
    today = timezone.localdate()
    known = engine.known_values(card, customer, today)
    variables = {variable["name"]: variable for variable in card.content["variables"]}
    answers = {name: _answer(rng, variables[name]) for name in card.variable_names if name not in known}
    inputs = engine.collect_inputs(card, customer=customer, answers=answers, today=today)
    outcome = engine.score(card, inputs)
    return Assessment(
        customer=customer,
        model=model,
        inputs=inputs,
        points=outcome.points,
        probability_of_default=outcome.probability_of_default,
        grade=outcome.grade,
        reasons=outcome.reasons,
        customer_reasons=outcome.customer_reasons,
        contributions=outcome.contributions,
        warnings=outcome.warnings,
        created_by_id=customer.owner_id,
    )


def run(*, stdout: Any = None) -> dict[str, int]:
    if ScoreModel.objects.exists():
        if stdout is not None:
            stdout.write(f"评分模型：已存在（共 {ScoreModel.objects.count()} 个版本）")
        return {"created_models": 0, "created_assessments": 0}
    maker = User.objects.filter(username=MAKER).first()
    checker = User.objects.filter(username=CHECKER).first()
    if maker is None or checker is None:
        return {"created_models": 0, "created_assessments": 0}
    model = services.score_model_register(actor=maker, artefact=expert_artefact())
    services.score_model_approve(actor=checker, model_id=model.pk)
    model = services.score_model_activate(actor=checker, model_id=model.pk)
    card = engine.load(model)
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
    people = list(
        Customer.objects.filter(kind=CustomerKind.INDIVIDUAL, merged_into__isnull=True)
        .exclude(name__in=("张三", "李四", "王五"))  # left for a person to assess in the demo
        .order_by("pk")
    )
    chosen = rng.sample(people, min(ASSESSMENTS, len(people)))
    assessments = [_assessment(card, model, customer, rng) for customer in chosen]
    with transaction.atomic():
        Assessment.objects.bulk_create(assessments, batch_size=200)
        audit_record(actor=None, action="seed.assessments", after={"created_assessments": len(assessments)})
    if stdout is not None:
        stdout.write(f"评分模型：{model}（已启用）；预评估：新建 {len(assessments)} 次")
    return {"created_models": 1, "created_assessments": len(assessments)}
