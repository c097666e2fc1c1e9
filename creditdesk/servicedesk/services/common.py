"""What every request service shares: reading what a person typed, taking a request to change it, the
history row, the agenda task and the notification of the person who must answer."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy, scope
from creditdesk.accounts.models import User
from creditdesk.agenda.choices import TaskKind
from creditdesk.agenda.models import Task
from creditdesk.agenda.services import task_schedule, task_settle
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record, audit_snapshot
from creditdesk.core.exceptions import Conflict, DomainError, NotFound
from creditdesk.finance.workdays import is_working_day
from creditdesk.notifications.choices import Event
from creditdesk.notifications.services import outbox_put
from creditdesk.servicedesk import tiering
from creditdesk.servicedesk.choices import REQUEST_TRANSITIONS, RequestEventKind
from creditdesk.servicedesk.models import TEXT_MAX, ServiceRequest, ServiceRequestEvent

REQUEST_FIELDS = (
    "number",
    "customer",
    "kind",
    "channel",
    "urgency",
    "complexity",
    "tier",
    "response_hours",
    "assignee",
    "escalation_level",
    "status",
    "received_at",
    "due_at",
    "first_response_at",
    "response",
    "closed_at",
    "closed_by",
    "resolution",
    "calendar_assumed",
)
"""What the audit trail records of a request (the customer's words stay on the request itself)."""
NOTE_MAX = 500


def invalid(code: str, message: str, field: str) -> DomainError:
    return DomainError(code, message, {"field": field})


def clean_text(
    value: object, *, field: str, code: str, label: str, blank: str = "", limit: int = TEXT_MAX
) -> str:
    """Text a person typed, trimmed. Blank → ``<code>_required`` with the sentence ``blank`` (blank text is
    accepted when ``blank`` is empty); over ``limit`` characters → ``<code>_too_long``; not text, or with a
    NUL or a lone surrogate (which no database keeps) → ``<code>_invalid``. Any other character — emoji,
    full-width, rare Han characters — is kept as typed."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise invalid(f"{code}_invalid", _("%(label)s须为文字。") % {"label": label}, field)
    text = value.strip()
    if not text and blank:
        raise invalid(f"{code}_required", blank, field)
    if len(text) > limit:
        raise invalid(
            f"{code}_too_long",
            _("%(label)s不能超过 %(n)s 个字（现为 %(len)s 个字）。")
            % {"label": label, "n": limit, "len": len(text)},
            field,
        )
    if "\x00" in text or any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise invalid(
            f"{code}_invalid", _("%(label)s含有无法保存的字符，请删除后重试。") % {"label": label}, field
        )
    return text


def request_text(value: object) -> str:
    """What the customer said: required, at most 2000 characters (``service_request_text_required`` /
    ``_too_long`` / ``_invalid``)."""
    return clean_text(
        value,
        field="text",
        code="service_request_text",
        label=_("诉求内容"),
        blank=_("请填写客户诉求的内容。"),
    )


def now_or(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def working_target(*, received: datetime, hours: int) -> tuple[datetime, str]:
    """The due time of ``hours`` working hours from ``received`` (local working days), and the note to keep
    when a day of a year without a published holiday calendar was counted as Monday–Friday."""
    calendar = tiering.FallbackCalendar(is_working_day)
    due = tiering.due_at(timezone.localtime(received), hours, calendar)
    return due, calendar.note()


def locked(actor: User, request_id: int | str) -> ServiceRequest:
    """The request, row-locked, if ``actor`` sees it (``NotFound`` otherwise) and may handle it
    (``SERVICE_REQUEST_HANDLE``: its assignee, or a team lead or branch head who sees it; 403 otherwise)."""
    try:
        row = scope.visible(actor, ServiceRequest.objects.filter(pk=request_id)).select_for_update().first()
    except (ValueError, TypeError):
        row = None
    if row is None:
        raise NotFound("not_found", _("客户诉求不存在或不在您的权限范围内。"))
    policy.require(actor, Action.SERVICE_REQUEST_HANDLE, row)
    return row


def check_move(request: ServiceRequest, status: str) -> None:
    """``request`` may move to ``status`` (``REQUEST_TRANSITIONS``), else ``service_request_status``."""
    if status not in REQUEST_TRANSITIONS[request.status]:
        raise Conflict(
            "service_request_status",
            _("该诉求当前为“%(status)s”，不能再执行此操作。") % {"status": request.get_status_display()},
            {"field": "status", "status": request.status},
        )


def record_event(
    request: ServiceRequest,
    *,
    kind: str,
    actor: User | None,
    at: datetime,
    from_assignee: User | None = None,
    to_assignee: User | None = None,
    note: str = "",
) -> ServiceRequestEvent:
    return ServiceRequestEvent.objects.create(
        request=request,
        kind=kind,
        actor=actor,
        from_assignee=from_assignee,
        to_assignee=to_assignee,
        level=request.escalation_level if kind == RequestEventKind.ESCALATED else 0,
        note=note[:TEXT_MAX],
        at=at,
    )


def schedule_task(request: ServiceRequest, *, actor: User | None, customer_name: str) -> Task:
    """The task on the assignee's agenda (待办): "【诉求·投诉】张三 4小时内响应", due on the response target's
    date — today at the earliest (the agenda takes no task due in the past: a request received days ago
    and escalated now is due today)."""
    labels = [_("诉求"), request.get_kind_display()]
    if request.escalation_level:
        labels.append(_("升级"))
    title = _("【%(labels)s】%(name)s %(hours)s小时内响应") % {
        "labels": "·".join(str(label) for label in labels),
        "name": customer_name[:40],
        "hours": request.response_hours,
    }
    due_day: date = max(timezone.localdate(request.due_at), timezone.localdate())
    return task_schedule(
        actor=actor,
        owner=request.assignee,
        customer=request.customer,
        title=title,
        due_date=due_day,
        kind=TaskKind.FOLLOW_UP,
        notes=_("客户诉求 %(number)s，须在 %(due)s 前响应。")
        % {"number": request.number, "due": timezone.localtime(request.due_at).strftime("%Y-%m-%d %H:%M")},
    )


def finish_task(request: ServiceRequest, *, status: str, actor: User | None) -> None:
    """The request's agenda task marked done (answered) or cancelled (moved to someone else, closed
    unanswered), inside the caller's transaction (``agenda.services.task_settle``)."""
    if request.task_id is not None:
        task_settle(actor=actor, task_id=request.task_id, status=status)


def notify(request: ServiceRequest, *, key: str, title: str, customer_name: str) -> None:
    """An in-app notification to the assignee, once per ``key`` (the event: registered, escalated to a
    level), delivered when the caller's transaction commits."""
    due = timezone.localtime(request.due_at).strftime("%Y-%m-%d %H:%M")
    outbox_put(
        recipient=request.assignee,
        event=Event.SERVICE_REQUEST,
        title=title,
        body=_("%(customer)s 的%(kind)s（%(number)s），请在 %(due)s 前响应。")
        % {
            "customer": customer_name,
            "kind": request.get_kind_display(),
            "number": request.number,
            "due": due,
        },
        link=f"/servicedesk/{request.pk}/",
        dedupe_key=f"service_request:{request.pk}:{key}",
    )


def audit(
    actor: User | None, action: str, request: ServiceRequest, before: dict | None = None, **extra: object
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=request,
        before=before,
        after={**audit_snapshot(request, REQUEST_FIELDS), **extra},
    )


def snapshot(request: Model) -> dict:
    return audit_snapshot(request, REQUEST_FIELDS)
