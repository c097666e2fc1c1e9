"""登记客户诉求: classify (kind × urgency × complexity, suggested from the text where the person left it to
the system), find the tier and the response target, route to the person who answers, and put the request
on their agenda and in their notifications — one transaction."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy, scope
from creditdesk.accounts.models import User
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import NotFound
from creditdesk.customers.models import Customer
from creditdesk.finance.workdays import is_working_day
from creditdesk.servicedesk import routing, tiering
from creditdesk.servicedesk.choices import Complexity, RequestChannel, RequestEventKind, RequestKind, Urgency
from creditdesk.servicedesk.models import ServiceRequest
from creditdesk.servicedesk.selectors import tier_specs
from creditdesk.servicedesk.services.common import (
    audit,
    invalid,
    notify,
    now_or,
    record_event,
    request_text,
    schedule_task,
)

RECEIVED_WITHIN = timedelta(days=90)
"""How far back a request may be registered (a letter found in a drawer is still registered, with its
real date; anything older is a typing error)."""


def _customer(actor: User, customer_id: int | str) -> Customer:
    """The customer (not merged away) the request is about, if ``actor`` sees them (404 otherwise) and may
    record requests (``SERVICE_REQUEST_RECORD``: 403)."""
    try:
        customer = (
            Customer.objects.filter(pk=customer_id, merged_into__isnull=True).select_related("owner").first()
        )
    except (ValueError, TypeError):
        customer = None
    if customer is None or not scope.can_see(actor, customer):
        raise NotFound("not_found", _("客户不存在或不在您的权限范围内。"))
    policy.require(actor, Action.SERVICE_REQUEST_RECORD, customer)
    return customer


def _choice(value: object, values: list[str], *, code: str, message: str, field: str) -> str:
    """A choice, or "" when left blank (the suggestion fills it); anything else → ``code``."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or value not in values:
        raise invalid(code, message, field)
    return value


def _received(received_at: datetime | None, now: datetime) -> datetime:
    received = received_at or now
    if timezone.is_naive(received):
        received = timezone.make_aware(received)
    if received > now + timedelta(minutes=5):  # a clock a few minutes ahead is not an error
        raise invalid("service_request_received_in_future", _("收到时间不能晚于现在。"), "received_at")
    if received < now - RECEIVED_WITHIN:
        raise invalid(
            "service_request_received_too_old", _("收到时间不能早于 90 天前，请核对日期。"), "received_at"
        )
    return received


def new_number(received: datetime) -> str:
    """诉求编号: SR, the day received, and eight random hex digits (SR20261207-3FA9C2D1) — unique without a
    counter to lock."""
    return f"SR{timezone.localdate(received):%Y%m%d}-{secrets.token_hex(4).upper()}"


@transaction.atomic(durable=True)
def request_record(
    *,
    actor: User,
    customer_id: int | str,
    text: str,
    channel: str,
    kind: str = "",
    urgency: str = "",
    complexity: str = "",
    received_at: datetime | None = None,
    now: datetime | None = None,
) -> ServiceRequest:
    """登记诉求 (``SERVICE_REQUEST_RECORD``: whoever sees the customer among the front line).

    Rules: the text is required, at most 2000 characters (``service_request_text_required`` /
    ``_too_long``); the channel, kind, urgency and complexity are known values (``service_request_<field>
    _unknown``), the last three may be left blank — then ``tiering.suggest`` fills them from the text and
    the request keeps the reasons; received now or earlier, within 90 days. The tier and the response hours
    come from the tier matrix (``TierRule``; none matching: the team lead within 8 working hours), the due
    time counts working hours from the moment received (a year without a holiday calendar: Monday–Friday,
    flagged ``calendar_assumed``). Routed by ``routing.route``: 客户经理 → the customer's manager, 团队主管 →
    the team lead of the manager's team, 专员 → a risk manager of the branch (each: else the branch head).
    The assignee gets an agenda task due on the target's date and an in-app notification."""
    customer = _customer(actor, customer_id)
    body = request_text(text)
    channel = _choice(
        channel,
        RequestChannel.values,
        code="service_request_channel_unknown",
        message=_("请选择诉求渠道（电话、微信、短信、网点、线上或信函）。"),
        field="channel",
    )
    if not channel:
        raise invalid(
            "service_request_channel_unknown",
            _("请选择诉求渠道（电话、微信、短信、网点、线上或信函）。"),
            "channel",
        )
    kind = _choice(
        kind,
        RequestKind.values,
        code="service_request_kind_unknown",
        message=_("诉求类型无效：请选择咨询、投诉、困难求助、个人信息请求或其他，或留空由系统建议。"),
        field="kind",
    )
    urgency = _choice(
        urgency,
        Urgency.values,
        code="service_request_urgency_unknown",
        message=_("紧急程度无效：请选择紧急、一般或不急，或留空由系统建议。"),
        field="urgency",
    )
    complexity = _choice(
        complexity,
        Complexity.values,
        code="service_request_complexity_unknown",
        message=_("复杂程度无效：请选择简单或复杂，或留空由系统建议。"),
        field="complexity",
    )
    now = now_or(now)
    received = _received(received_at, now)

    notes: list[str] = []
    if not (kind and urgency and complexity):
        suggestion = tiering.suggest(body)
        kind = kind or suggestion.kind.value
        urgency = urgency or suggestion.urgency.value
        complexity = complexity or suggestion.complexity.value
        notes.append(_("系统建议分级：") + "".join(suggestion.reasons))
    target = tiering.target_for(
        tier_specs(),
        kind=kind,
        urgency=urgency,
        complexity=complexity,
        received=timezone.localtime(received),
        is_working_day=is_working_day,
    )
    notes += target.notes
    route = routing.route(customer.owner, target.tier)
    if route.note:
        notes.append(route.note)

    request = ServiceRequest.objects.create(
        number=new_number(received),
        customer=customer,
        kind=kind,
        channel=channel,
        text=body,
        urgency=urgency,
        complexity=complexity,
        tier=target.tier.value,
        response_hours=target.hours,
        assignee=route.person,
        received_at=received,
        due_at=target.due,
        routing_note="\n".join(notes),
        calendar_assumed=target.calendar_assumed,
        created_by=actor,
    )
    request.task = schedule_task(request, actor=actor, customer_name=customer.name)
    request.save(update_fields=["task"])
    record_event(request, kind=RequestEventKind.CREATED, actor=actor, at=now)
    record_event(
        request,
        kind=RequestEventKind.ROUTED,
        actor=actor,
        at=now,
        to_assignee=route.person,
        note=_("%(tier)s，%(hours)s 个工作小时内响应。")
        % {"tier": request.get_tier_display(), "hours": target.hours}
        + (route.note or ""),
    )
    notify(
        request,
        key="routed",
        title=_("新的客户诉求：%(customer)s（%(kind)s）")
        % {"customer": customer.name, "kind": request.get_kind_display()},
        customer_name=customer.name,
    )
    audit(actor, "service_request.record", request)
    return request
