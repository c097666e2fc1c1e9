"""Reads of scorecards and pre-assessments, scoped to the person asking."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import DateTimeField, ExpressionWrapper, QuerySet, Subquery, Value
from django.http import Http404
from django.utils import timezone

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.customers.models import Customer
from creditdesk.scoring import engine
from creditdesk.scoring.choices import ModelStatus
from creditdesk.scoring.models import Assessment, ScoreModel

MONITORING_DAYS = 90


def assessment_list_visible_to(*, user: User) -> QuerySet[Assessment]:
    return scope.visible(user, Assessment.objects.all()).select_related(
        "customer", "model", "created_by", "overridden_by"
    )


def assessment_get_visible(*, user: User, assessment_id: int) -> Assessment:
    """The pre-assessment if ``user`` may see its customer; 404 otherwise (never say which)."""
    found = assessment_list_visible_to(user=user).filter(pk=assessment_id).first()
    if found is None:
        raise Http404("not found")
    return found


def assessments_of(*, customer: Customer) -> QuerySet[Assessment]:
    """A customer's pre-assessments, newest first (the caller has checked the customer's scope)."""
    return customer.assessments.select_related("model", "created_by", "overridden_by")


def model_list() -> QuerySet[ScoreModel]:
    """Every version: reference data every signed-in person may read (no customer data in it)."""
    return ScoreModel.objects.select_related("created_by", "approved_by", "activated_by")


def model_get(*, model_id: int) -> ScoreModel:
    found = model_list().filter(pk=model_id).first()
    if found is None:
        raise Http404("not found")
    return found


def active_model_or_none() -> ScoreModel | None:
    return ScoreModel.objects.filter(status=ModelStatus.ACTIVE).first()


def monitoring(*, model: ScoreModel, days: int = MONITORING_DAYS) -> dict[str, Any]:
    """Population stability of the version's recent pre-assessments (the last ``days``; all of them,
    every scope: a model statistic with no customer in it) against its reference population: a trained
    card's development sample, or — a card without one (an expert card) — the version's own baseline,
    its pre-assessments in its first ``engine.BASELINE_DAYS`` days in use (``engine.baseline_stability``).
    PSI of the score and of each variable, with the 0.1 / 0.25 thresholds. Two queries at most, however
    many pre-assessments: the recent ones, and the baseline (bounded in SQL by the activation and the
    first pre-assessment, so only the baseline period's rows are read)."""
    card = engine.load(model)
    now = timezone.now()
    since = now - timedelta(days=days)
    recent = list(
        Assessment.objects.filter(model=model, created_at__gte=since).values_list("points", "contributions")
    )
    if engine.has_development_sample(card):
        return engine.stability(card, recent, days=days)
    period = timedelta(days=engine.BASELINE_DAYS)
    first = Assessment.objects.filter(model=model).order_by("created_at").values("created_at")[:1]
    baseline = Assessment.objects.filter(
        model=model,
        created_at__lt=ExpressionWrapper(Subquery(first) + Value(period), output_field=DateTimeField()),
    )
    if model.activated_at is not None:
        baseline = baseline.filter(created_at__lt=model.activated_at + period)
    rows = list(baseline.order_by("created_at", "pk").values_list("created_at", "points", "contributions"))
    return engine.baseline_stability(card, rows, recent, days=days, activated_at=model.activated_at, now=now)
