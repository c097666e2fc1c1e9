"""Writes to scorecards and pre-assessments. Each service is one durable transaction with its audit row.

Rules: a model version is registered as a draft from its checksummed artefact (a tampered file is
refused); a risk manager other than the one who registered it approves the draft, and a risk manager or
the branch head other than that person activates it (maker-checker, the policy's rules); the German
Credit benchmark card is never activated for customers; activating one retires the version in use (one
active version, enforced by the database too). A pre-assessment is
made by the customer's CM or team lead with the active version and keeps that version; its grade may
be overridden, with a reason, by a second person (team lead, risk manager, approver, branch head) —
never by the CM alone, so the score never silently decides and the seller never decides alone either.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy, scope
from creditdesk.accounts.models import User
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import Conflict, DomainError, NotFound
from creditdesk.core.exceptions import NotAllowed as NotAllowed  # a refusal of the policy's, re-exported
from creditdesk.customers.locks import customer_for_change
from creditdesk.scoring import engine
from creditdesk.scoring.choices import MODEL_TRANSITIONS, Grade, ModelStatus
from creditdesk.scoring.models import Assessment, ScoreModel
from creditdesk.scoring.reference_data import BENCHMARK_CARD_NAMES

REASON_MIN = 4
REASON_MAX = 200


def _model_for_change(*, actor: User, model_id: int | str, action: Action) -> ScoreModel:
    """The version, locked, once the policy let ``actor`` do ``action`` to it: the role first (403
    whichever version), then maker-checker on the version itself (``score_model_own_draft``)."""
    policy.require(actor, action)
    model = ScoreModel.objects.select_for_update().filter(pk=model_id).first()
    if model is None:
        raise NotFound("not_found", _("评分模型不存在。"))
    policy.require(actor, action, model)
    return model


def is_benchmark(model: ScoreModel) -> bool:
    """Whether the version is the trainer's benchmark card (German Credit, recognised by its artefact's
    name): kept for ``make bench`` and as a test fixture, never used on customers (issue 14, item 7)."""
    return model.name in BENCHMARK_CARD_NAMES


def _move(model: ScoreModel, to: str) -> None:
    if to not in MODEL_TRANSITIONS.get(model.status, frozenset()):
        raise Conflict(
            "score_model_status_invalid",
            _("模型当前状态为“%(status)s”，不能变为“%(to)s”。")
            % {"status": model.get_status_display(), "to": ModelStatus(to).label},
        )
    model.status = to


@transaction.atomic(durable=True)
def score_model_register(
    *, actor: User | None, artefact: str, report: dict[str, Any] | None = None
) -> ScoreModel:
    """登记模型: a new draft version from a scorecard artefact (JSON text). The checksum is verified and
    the artefact kept byte for byte; the same name and version twice is refused."""
    return register_draft(actor=actor, artefact=artefact, report=report)


def register_draft(*, actor: User | None, artefact: str, report: dict[str, Any] | None = None) -> ScoreModel:
    """``score_model_register`` inside a transaction the caller holds (a service that registers a draft
    as part of its own change, e.g. ``card_drafts.card_draft_create``, so both commit or neither)."""
    card = engine.parse(artefact)
    if ScoreModel.objects.filter(name=card.name, version=card.version).exists():
        raise Conflict(
            "score_model_version_exists",
            _("模型 %(name)s 的版本 %(version)s 已登记，请使用新的版本号。")
            % {"name": card.name, "version": card.version},
        )
    model = ScoreModel.objects.create(
        name=card.name,
        version=card.version,
        title=card.title,
        artefact=artefact,
        checksum=card.checksum,
        data_fingerprint=card.data_fingerprint,
        parameters=card.parameters,
        report=report if report is not None else card.metrics,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="score_model.register",
        target=model,
        after={"name": model.name, "version": model.version, "checksum": model.checksum},
    )
    return model


@transaction.atomic(durable=True)
def score_model_approve(*, actor: User, model_id: int | str) -> ScoreModel:
    """审核模型: a risk manager approves a draft version after reading its report — never one they
    registered themselves (maker-checker, ``score_model_own_draft``: the policy's rule)."""
    model = _model_for_change(actor=actor, model_id=model_id, action=Action.SCORING_MODEL_APPROVE)
    _move(model, ModelStatus.APPROVED)
    model.approved_by, model.approved_at = actor, timezone.now()
    model.save(update_fields=["status", "approved_by", "approved_at"])
    audit_record(
        actor=actor,
        action="score_model.approve",
        target=model,
        before={"status": ModelStatus.DRAFT},
        after={"status": model.status},
    )
    return model


@transaction.atomic(durable=True)
def score_model_activate(*, actor: User, model_id: int | str) -> ScoreModel:
    """启用模型: a risk manager or the branch head puts an approved (or retired) version in use — never
    one they registered (maker-checker, ``score_model_own_draft``), never the benchmark card
    (``benchmark_card_not_for_customers``); the version in use until now is retired in the same
    transaction. Pre-assessments already made keep their version."""
    model = _model_for_change(actor=actor, model_id=model_id, action=Action.SCORING_MODEL_ACTIVATE)
    if is_benchmark(model):
        raise Conflict(
            "benchmark_card_not_for_customers",
            _("「%(title)s」是训练基准（公开数据集 German Credit），不能用于本行客户的预评估。")
            % {"title": model.title},
        )
    before = model.status
    _move(model, ModelStatus.ACTIVE)
    previous = ScoreModel.objects.select_for_update().filter(status=ModelStatus.ACTIVE).first()
    if previous is not None:
        previous.status = ModelStatus.RETIRED
        previous.save(update_fields=["status"])
    model.activated_by, model.activated_at = actor, timezone.now()
    try:
        with transaction.atomic():
            model.save(update_fields=["status", "activated_by", "activated_at"])
    except IntegrityError:  # another activation committed in between
        raise Conflict(
            "score_model_activation_conflict", _("其他人刚刚启用了另一个模型版本，请刷新后重试。")
        ) from None
    audit_record(
        actor=actor,
        action="score_model.activate",
        target=model,
        before={"status": before, "active_version": str(previous) if previous else ""},
        after={"status": model.status, "active_version": str(model)},
    )
    return model


def active_model() -> ScoreModel:
    model = ScoreModel.objects.filter(status=ModelStatus.ACTIVE).first()
    if model is None:
        raise Conflict("no_active_model", _("尚未启用评分模型，请联系风险经理。"))
    return model


@transaction.atomic(durable=True)
def assessment_create(*, actor: User, customer_id: int | str, answers: dict[str, Any]) -> Assessment:
    """预评估: score the customer with the active model version. Each variable comes from the customer's
    profile where the model maps it and from ``answers`` otherwise (an answer given wins over the
    profile: the CM corrects what is out of date). A missing or invalid answer is refused naming the
    variable; nothing is stored until every variable has a value."""
    policy.require(actor, Action.ASSESSMENT_RUN)  # the role first: 403 whatever the customer
    customer = customer_for_change(actor=actor, customer_id=customer_id, action=Action.ASSESSMENT_RUN)
    model = active_model()
    card = engine.load(model)
    inputs = engine.collect_inputs(card, customer=customer, answers=answers, today=timezone.localdate())
    result = engine.score(card, inputs)
    assessment = Assessment.objects.create(
        customer=customer,
        model=model,
        inputs=inputs,
        points=result.points,
        probability_of_default=result.probability_of_default,
        grade=result.grade,
        reasons=result.reasons,
        customer_reasons=result.customer_reasons,
        contributions=result.contributions,
        warnings=result.warnings,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="assessment.create",
        target=assessment,
        after={
            "customer": customer.pk,
            "model": str(model),
            "points": str(assessment.points),
            "grade": assessment.grade,
        },
    )
    return assessment


@transaction.atomic(durable=True)
def assessment_override(*, actor: User, assessment_id: int | str, grade: str, reason: str) -> Assessment:
    """人工调整等级: a second person (team lead, risk manager, approver or branch head who can see the
    customer) sets the grade later steps use, with a reason of at least four characters. The model's
    own score and grade stay as they were; the change is audited."""
    assessment = scope.get_for_change(
        actor,
        Assessment.objects.all(),
        assessment_id,
        action=Action.SCORE_OVERRIDE,
        missing=_("预评估不存在，或不在您的权限范围内。"),
    )
    if grade not in Grade.values:
        raise DomainError("grade_invalid", _("请选择 A–E 中的一个等级。"), {"field": "grade"})
    reason = (reason or "").strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise DomainError(
            "reason_required",
            _("请填写调整原因（%(low)s–%(high)s 个字）。") % {"low": REASON_MIN, "high": REASON_MAX},
            {"field": "reason"},
        )
    before = {"grade": assessment.final_grade, "override_reason": assessment.override_reason}
    assessment.override_grade, assessment.override_reason = grade, reason
    assessment.overridden_by, assessment.overridden_at = actor, timezone.now()
    assessment.save(update_fields=["override_grade", "override_reason", "overridden_by", "overridden_at"])
    audit_record(
        actor=actor,
        action="assessment.override",
        target=assessment,
        before=before,
        after={"grade": grade, "model_grade": assessment.grade, "override_reason": reason},
    )
    return assessment
