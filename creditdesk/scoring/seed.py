"""Demo scorecard: the shipped German Credit model registered, approved and activated by the demo risk
manager (risk1), and pre-assessments of about 150 demo individuals whose answers are real German Credit
applicants (so the score distribution and the stability monitoring show something real).

Idempotent: skipped when a model version exists.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

from django.db import transaction

from creditdesk.accounts.models import User
from creditdesk.core.audit import audit_record
from creditdesk.customers.choices import CustomerKind
from creditdesk.customers.models import Customer
from creditdesk.scoring import engine, services
from creditdesk.scoring.engine import SOURCE_ASKED
from creditdesk.scoring.models import Assessment, ScoreModel
from creditdesk.scoring.reference_data import GERMAN_CREDIT_TARGET, german_credit_path

SHIPPED = Path(__file__).resolve().parent / "shipped" / "german_credit.json"
SEED = 20261124
ASSESSMENTS = 150


def _applicants(rng: random.Random, count: int) -> list[dict[str, str]]:
    with german_credit_path().open(encoding="utf-8", newline="") as handle:
        rows = [{k: v for k, v in row.items() if k != GERMAN_CREDIT_TARGET} for row in csv.DictReader(handle)]
    return rng.sample(rows, count)


def run(*, stdout: Any = None) -> dict[str, int]:
    if ScoreModel.objects.exists():
        if stdout is not None:
            stdout.write(f"评分模型：已存在（共 {ScoreModel.objects.count()} 个版本）")
        return {"created_models": 0, "created_assessments": 0}
    risk = User.objects.filter(username="risk1").first()
    if risk is None:
        return {"created_models": 0, "created_assessments": 0}
    model = services.score_model_register(actor=risk, artefact=SHIPPED.read_text(encoding="utf-8"))
    services.score_model_approve(actor=risk, model_id=model.pk)
    model = services.score_model_activate(actor=risk, model_id=model.pk)
    card = engine.load(model)
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
    people = list(
        Customer.objects.filter(kind=CustomerKind.INDIVIDUAL, merged_into__isnull=True)
        .exclude(name__in=("张三", "李四", "王五"))  # left for a person to assess in the demo
        .order_by("pk")
        .values_list("pk", "owner_id")
    )
    chosen = rng.sample(people, min(ASSESSMENTS, len(people)))
    assessments = []
    for (customer_id, owner_id), answers in zip(chosen, _applicants(rng, len(chosen)), strict=True):
        values = engine.applicant_values(card, {k: v for k, v in answers.items() if k in card.variable_names})
        inputs = {name: {"value": value, "source": SOURCE_ASKED} for name, value in values.items()}
        outcome = engine.score(card, inputs)
        assessments.append(
            Assessment(
                customer_id=customer_id,
                model=model,
                inputs=inputs,
                points=outcome.points,
                probability_of_default=outcome.probability_of_default,
                grade=outcome.grade,
                reasons=outcome.reasons,
                contributions=outcome.contributions,
                warnings=outcome.warnings,
                created_by_id=owner_id,
            )
        )
    with transaction.atomic():
        Assessment.objects.bulk_create(assessments, batch_size=200)
        audit_record(actor=None, action="seed.assessments", after={"created_assessments": len(assessments)})
    if stdout is not None:
        stdout.write(f"评分模型：{model}（已启用）；预评估：新建 {len(assessments)} 次")
    return {"created_models": 1, "created_assessments": len(assessments)}
