"""Working a request: answering it (响应, the text passes the compliance guard first), closing it with its
resolution (办结), and handing it up one level (升级) — by the assignee, or by the escalation run when the
response target has passed."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from creditdesk.accounts import policy
from creditdesk.accounts.models import User
from creditdesk.agenda.choices import TaskStatus
from creditdesk.compliance.services import compliance_enforce
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import Conflict, NotAllowed
from creditdesk.servicedesk import routing
from creditdesk.servicedesk.choices import MAX_ESCALATION, RequestEventKind, RequestKind, RequestStatus
from creditdesk.servicedesk.models import ServiceRequest
from creditdesk.servicedesk.selectors import request_get_visible
from creditdesk.servicedesk.services.common import (
    NOTE_MAX,
    audit,
    check_move,
    clean_text,
    finish_task,
    locked,
    notify,
    now_or,
    record_event,
    schedule_task,
    snapshot,
    working_target,
)


def _response_text(response: object) -> str:
    return clean_text(
        response,
        field="response",
        code="service_request_response",
        label=_("响应内容"),
        blank=_("请填写给客户的答复。"),
    )


def request_respond(
    *, actor: User, request_id: int | str, response: str, now: datetime | None = None
) -> ServiceRequest:
    """响应 (``SERVICE_REQUEST_HANDLE``: the assignee, or a team lead or branch head who sees it): the answer
    given to the customer, once, while the request is open (``service_request_status``). The answer is a
    message to the customer: it passes the compliance guard first (``compliance_blocked``: nothing is
    recorded; the guard logs the finding in its own transaction, which must outlive this refusal — so it
    runs before this service's transaction). Records the first response time (late or not against the
    target) and marks the agenda task done."""
    request = request_get_visible(user=actor, request_id=request_id)
    policy.require(actor, Action.SERVICE_REQUEST_HANDLE, request)
    check_move(request, RequestStatus.RESPONDED)
    text = _response_text(response)
    compliance_enforce(actor=actor, text=text, channel="message", target=f"customer:{request.customer_id}")
    return _respond(actor=actor, request_id=request.pk, text=text, now=now_or(now))


@transaction.atomic(durable=True)
def _respond(*, actor: User, request_id: int, text: str, now: datetime) -> ServiceRequest:
    request = locked(actor, request_id)
    check_move(request, RequestStatus.RESPONDED)  # again, under the lock: answered twice at once
    before = snapshot(request)
    request.status = RequestStatus.RESPONDED
    request.response = text
    request.responded_by = actor
    request.first_response_at = request.first_response_at or now
    request.save()
    finish_task(request, status=TaskStatus.DONE, actor=actor)
    record_event(request, kind=RequestEventKind.RESPONDED, actor=actor, at=now)
    audit(actor, "service_request.respond", request, before=before, late=request.answered_late)
    return request


@transaction.atomic(durable=True)
def request_close(
    *, actor: User, request_id: int | str, resolution: str, now: datetime | None = None
) -> ServiceRequest:
    """办结 with its resolution (``service_request_resolution_required``), answered or not (a request the
    customer withdrew), once (``service_request_status``). By the assignee or a team lead or branch head
    who sees it — a complaint only by a team lead or branch head (``complaint_close_not_allowed``: a
    complaint may be about the manager, who does not close it). Cancels the agenda task if still open."""
    request = locked(actor, request_id)
    if request.kind == RequestKind.COMPLAINT:
        policy.require(actor, Action.COMPLAINT_CLOSE, request)
    check_move(request, RequestStatus.CLOSED)
    text = clean_text(
        resolution,
        field="resolution",
        code="service_request_resolution",
        label=_("处理结果"),
        blank=_("办结须填写处理结果。"),
    )
    now = now_or(now)
    before = snapshot(request)
    request.status = RequestStatus.CLOSED
    request.resolution = text
    request.closed_at = now
    request.closed_by = actor
    request.save()
    finish_task(request, status=TaskStatus.CANCELLED, actor=actor)
    record_event(request, kind=RequestEventKind.CLOSED, actor=actor, at=now)
    audit(actor, "service_request.close", request, before=before)
    return request


@transaction.atomic(durable=True)
def request_escalate(
    *, actor: User, request_id: int | str, note: str = "", now: datetime | None = None
) -> ServiceRequest:
    """升级 by hand: the assignee hands an open request up one level (a question beyond them, a customer
    asking for a superior) — only the assignee (``service_request_escalate_not_assignee``), and only while
    someone is above them (``service_request_escalation_top``). The new assignee gets the same response
    hours from now, a task and a notification; the old task is cancelled."""
    request = locked(actor, request_id)
    if request.assignee_id != actor.pk:
        raise NotAllowed("service_request_escalate_not_assignee", _("只有诉求的当前处理人可以申请升级。"))
    if request.status != RequestStatus.OPEN:
        raise Conflict(
            "service_request_status",
            _("该诉求当前为“%(status)s”，不能再升级。") % {"status": request.get_status_display()},
            {"field": "status", "status": request.status},
        )
    reason = clean_text(note, field="note", code="service_request_note", label=_("升级说明"), limit=NOTE_MAX)
    upper = routing.next_up(request.assignee) if request.escalation_level < MAX_ESCALATION else None
    if upper is None:
        raise Conflict(
            "service_request_escalation_top",
            _("已是最高一级（支行行长），不能再升级。"),
            {"field": "escalation_level"},
        )
    escalate(request, to=upper, actor=actor, now=now_or(now), note=reason or _("处理人申请升级。"))
    return request


def escalate(request: ServiceRequest, *, to: User, actor: User | None, now: datetime, note: str) -> None:
    """Hand ``request`` (locked by the caller) one level up to ``to``, inside the caller's transaction: the
    same response hours again from ``now`` (in working hours), a new task on ``to``'s agenda, the old one
    cancelled, an event, a notification and the audit row. Once per level: a second escalation to the same
    level (a concurrent run) is refused by the history's unique key (``service_request_escalated``)."""
    before = snapshot(request)
    previous = request.assignee
    finish_task(request, status=TaskStatus.CANCELLED, actor=actor)
    request.escalation_level += 1
    request.assignee = to
    request.due_at, calendar_note = working_target(received=now, hours=request.response_hours)
    if calendar_note:
        request.calendar_assumed = True
        if calendar_note not in request.routing_note:
            request.routing_note = "\n".join(filter(None, [request.routing_note, calendar_note]))
    customer_name = request.customer.name
    request.task = schedule_task(request, actor=actor, customer_name=customer_name)
    request.save()
    try:
        with transaction.atomic():
            record_event(
                request,
                kind=RequestEventKind.ESCALATED,
                actor=actor,
                at=now,
                from_assignee=previous,
                to_assignee=to,
                note=note,
            )
    except IntegrityError:
        raise Conflict(
            "service_request_escalated", _("该诉求已升级到这一级。"), {"field": "escalation_level"}
        ) from None
    notify(
        request,
        key=f"escalated:{request.escalation_level}",
        title=_("客户诉求升级给您：%(customer)s（%(kind)s）")
        % {"customer": customer_name, "kind": request.get_kind_display()},
        customer_name=customer_name,
    )
    audit(actor, "service_request.escalate", request, before=before, note=note)
