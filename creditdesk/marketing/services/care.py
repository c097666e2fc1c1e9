"""客户关怀 — satisfaction surveys after a disbursement or a service event (NPS / CSAT, counted for the CM
who served the customer) and the feedback log with its follow-up."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy, scope
from creditdesk.accounts.models import User
from creditdesk.agenda.choices import TaskKind
from creditdesk.agenda.services import task_schedule
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record, audit_snapshot
from creditdesk.core.exceptions import Conflict, DomainError, NotFound
from creditdesk.loans.models import Loan
from creditdesk.marketing.choices import FeedbackKind, FeedbackStatus, SurveyKind, SurveyStatus, SurveyTrigger
from creditdesk.marketing.models import Feedback, Survey
from creditdesk.marketing.services.common import customer_for

SCORE_RANGE = {SurveyKind.NPS: (0, 10), SurveyKind.CSAT: (1, 5)}
COMMENT_MAX = 500
TEXT_MAX = 2000
FEEDBACK_FOLLOW_UP_DAYS = {FeedbackKind.COMPLAINT: 1}
"""A complaint is followed up the next day (a task for the customer's CM); other feedback within a week."""
SURVEY_FIELDS = ("customer", "owner", "kind", "trigger", "trigger_key", "status", "score", "comment")
FEEDBACK_FIELDS = ("customer", "kind", "text", "received_on", "status", "resolution")


def _invalid(code: str, message: str, field: str) -> DomainError:
    return DomainError(code, message, {"field": field})


def surveys_after_disbursement(*, day: date) -> int:
    """放款后回访: an NPS survey for each loan booked on ``day``, counted for the loan's CM — once per loan
    (the unique key ``loan:<id>``: run twice, nothing new). Returns how many were created. The system
    writes them (the daily batch); the outbox sends them."""
    loans = Loan.objects.filter(value_date=day).values_list("pk", "customer_id", "owner_id")
    keys = {f"loan:{pk}": (customer_id, owner_id) for pk, customer_id, owner_id in loans}
    sent = set(
        Survey.objects.filter(kind=SurveyKind.NPS, trigger_key__in=list(keys)).values_list(
            "trigger_key", flat=True
        )
    )
    surveys = [
        Survey(
            customer_id=customer_id,
            owner_id=owner_id,
            kind=SurveyKind.NPS,
            trigger=SurveyTrigger.DISBURSEMENT,
            trigger_key=key,
            sent_on=day,
        )
        for key, (customer_id, owner_id) in keys.items()
        if key not in sent
    ]
    if not surveys:
        return 0
    with transaction.atomic():
        Survey.objects.bulk_create(surveys, ignore_conflicts=True)  # a concurrent run: each once still
        audit_record(actor=None, action="survey.send_batch", after={"day": day, "surveys": len(surveys)})
    return len(surveys)


@transaction.atomic(durable=True)
def survey_send(
    *, actor: User, customer_id: int | str, kind: str, trigger_key: str, on: date | None = None
) -> Survey:
    """A survey after a service event (``trigger_key`` names it, e.g. ``repayment:2026-03-01``), by whoever
    may change the customer; counted for the customer's CM. The same event and kind twice is refused
    (``survey_duplicate``)."""
    customer = customer_for(actor, customer_id, Action.CUSTOMER_CHANGE)
    if kind not in SurveyKind.values:
        raise _invalid("survey_kind_unknown", _("调查类型无效。"), "kind")
    key = (trigger_key or "").strip()
    if not key or len(key) > 60:
        raise _invalid("survey_trigger_invalid", _("请填写触发事件（不超过 60 个字符）。"), "trigger_key")
    survey = Survey(
        customer=customer,
        owner_id=customer.owner_id,
        kind=kind,
        trigger=SurveyTrigger.SERVICE,
        trigger_key=key,
        sent_on=on or timezone.localdate(),
    )
    try:
        with transaction.atomic():
            survey.save()
    except IntegrityError:
        raise Conflict("survey_duplicate", _("该事件已发送过此类调查。"), {"field": "trigger_key"}) from None
    audit_record(
        actor=actor, action="survey.send", target=survey, after=audit_snapshot(survey, SURVEY_FIELDS)
    )
    return survey


@transaction.atomic(durable=True)
def survey_answer(
    *,
    actor: User | None,
    survey_id: int | str,
    score: int,
    comment: str = "",
    now: datetime | None = None,
) -> Survey:
    """回复: the score (NPS 0–10, CSAT 1–5, a whole number) and comment, once — a second answer is refused
    (``survey_already_answered``). Recorded by the channel (``actor`` None) or by a person the policy allows
    (``SURVEY_RECORD``: not the CM whose service is measured)."""
    try:
        survey = Survey.objects.select_for_update().filter(pk=survey_id).first()
    except (ValueError, TypeError):
        survey = None
    if survey is None or (actor is not None and not scope.can_see(actor, survey)):
        raise NotFound("not_found", _("调查不存在或不在您的权限范围内。"))
    if actor is not None:
        policy.require(actor, Action.SURVEY_RECORD, survey)
    if survey.status == SurveyStatus.ANSWERED:
        raise Conflict("survey_already_answered", _("该调查已回复，不能重复作答。"), {"field": "score"})
    low, high = SCORE_RANGE[SurveyKind(survey.kind)]
    if not isinstance(score, int) or isinstance(score, bool) or not low <= score <= high:
        raise _invalid(
            "survey_score_invalid",
            _("评分须为 %(low)s 至 %(high)s 的整数。") % {"low": low, "high": high},
            "score",
        )
    text = (comment or "").strip()
    if len(text) > COMMENT_MAX:
        raise _invalid("survey_comment_too_long", _("意见不能超过 500 个字。"), "comment")
    survey.status, survey.score, survey.comment = SurveyStatus.ANSWERED, score, text
    survey.answered_at, survey.recorded_by = now or timezone.now(), actor
    survey.save()
    audit_record(
        actor=actor, action="survey.answer", target=survey, after=audit_snapshot(survey, SURVEY_FIELDS)
    )
    return survey


@transaction.atomic(durable=True)
def feedback_record(
    *, actor: User, customer_id: int | str, kind: str, text: str, received_on: date | None = None
) -> Feedback:
    """登记反馈 (``FEEDBACK_RECORD``): its kind and text, received today or earlier; a follow-up task for the
    customer's CM (a complaint the next day, anything else within a week)."""
    customer = customer_for(actor, customer_id, Action.FEEDBACK_RECORD)
    if kind not in FeedbackKind.values:
        raise _invalid("feedback_kind_unknown", _("反馈类型无效。"), "kind")
    body = (text or "").strip()
    if not body:
        raise _invalid("feedback_text_required", _("请填写反馈内容。"), "text")
    if len(body) > TEXT_MAX:
        raise _invalid("feedback_text_too_long", _("反馈内容不能超过 2000 个字。"), "text")
    today = timezone.localdate()
    received = received_on or today
    if received > today:
        raise _invalid("feedback_in_future", _("收到日期不能晚于今天。"), "received_on")
    feedback = Feedback(customer=customer, kind=kind, text=body, received_on=received, recorded_by=actor)
    feedback.task = task_schedule(
        actor=actor,
        owner=customer.owner,
        customer=customer,
        title=_("跟进客户%(kind)s：%(name)s") % {"kind": feedback.get_kind_display(), "name": customer.name},
        due_date=today + timedelta(days=FEEDBACK_FOLLOW_UP_DAYS.get(FeedbackKind(kind), 7)),
        kind=TaskKind.FOLLOW_UP,
    )
    feedback.save()
    audit_record(
        actor=actor,
        action="feedback.record",
        target=feedback,
        after=audit_snapshot(feedback, FEEDBACK_FIELDS),
    )
    return feedback


@transaction.atomic(durable=True)
def feedback_close(
    *, actor: User, feedback_id: int | str, resolution: str, now: datetime | None = None
) -> Feedback:
    """办结: with what was done. A complaint is closed by the team lead or branch head (``COMPLAINT_CLOSE``),
    other feedback by whoever may change the customer; closed once (``feedback_closed``)."""
    try:
        feedback = (
            Feedback.objects.select_for_update().select_related("customer").filter(pk=feedback_id).first()
        )
    except (ValueError, TypeError):
        feedback = None
    if feedback is None or not scope.can_see(actor, feedback):
        raise NotFound("not_found", _("反馈不存在或不在您的权限范围内。"))
    if feedback.kind == FeedbackKind.COMPLAINT:
        policy.require(actor, Action.COMPLAINT_CLOSE, feedback)
    else:
        policy.require(actor, Action.CUSTOMER_CHANGE, feedback.customer)
    if feedback.status == FeedbackStatus.CLOSED:
        raise Conflict("feedback_closed", _("该反馈已办结。"), {"field": "status"})
    text = (resolution or "").strip()
    if not text:
        raise _invalid("feedback_resolution_required", _("办结须填写处理结果。"), "resolution")
    if len(text) > TEXT_MAX:
        raise _invalid("feedback_resolution_too_long", _("处理结果不能超过 2000 个字。"), "resolution")
    before = audit_snapshot(feedback, FEEDBACK_FIELDS)
    feedback.status, feedback.resolution, feedback.closed_at = (
        FeedbackStatus.CLOSED,
        text,
        now or timezone.now(),
    )
    feedback.save()
    audit_record(
        actor=actor,
        action="feedback.close",
        target=feedback,
        before=before,
        after=audit_snapshot(feedback, FEEDBACK_FIELDS),
    )
    return feedback
