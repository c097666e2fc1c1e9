"""超时升级: the scheduled run (``creditdesk servicedesk_escalate``, every 15 minutes) that hands each late
request one level up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from creditdesk.accounts.choices import Role
from creditdesk.core.exceptions import Conflict
from creditdesk.servicedesk import routing
from creditdesk.servicedesk.choices import MAX_ESCALATION
from creditdesk.servicedesk.models import ServiceRequest
from creditdesk.servicedesk.selectors import late_q
from creditdesk.servicedesk.services.common import now_or
from creditdesk.servicedesk.services.handling import escalate

ESCALATED, AT_TOP, GONE = "escalated", "at_top", "gone"
BATCH = 500
"""Late requests one run takes (the next run, 15 minutes later, takes the rest)."""


@dataclass(frozen=True)
class EscalationRun:
    """What one run did: requests handed up, and late requests left where they are (nobody above: at the
    branch head, or two levels up already)."""

    escalated: int
    at_top: int


def request_escalate_due(*, now: datetime | None = None) -> EscalationRun:
    """Every open request past its response target (``due_at`` before ``now``) goes one level up — the
    customer manager → the team lead → the branch head (``routing.next_up``), at most two levels — with the
    same response hours again from ``now``, a new agenda task (the old one cancelled) and a notification.
    Each request in its own transaction, row-locked and checked again (answered or handed up meanwhile:
    left alone). Idempotent: once handed up its new target lies ahead, so a second run at the same moment
    changes nothing; a request with nobody above stays late and is counted in ``at_top``."""
    now = now_or(now)
    late = ServiceRequest.objects.filter(late_q(now))
    climbing = Q(escalation_level__lt=MAX_ESCALATION) & ~Q(assignee__role=Role.BRANCH_HEAD)
    at_top = late.exclude(climbing).count()
    escalated = 0
    for request_id in late.filter(climbing).order_by("due_at", "id").values_list("pk", flat=True)[:BATCH]:
        try:
            outcome = _escalate_one(request_id, now)
        except Conflict:  # a concurrent run handed it up first
            continue
        escalated += outcome == ESCALATED
        at_top += outcome == AT_TOP
    return EscalationRun(escalated=escalated, at_top=at_top)


@transaction.atomic(durable=True)
def _escalate_one(request_id: int, now: datetime) -> str:
    request = ServiceRequest.objects.filter(late_q(now), pk=request_id).select_for_update().first()
    if request is None:
        return GONE  # answered or handed up since the list was read
    upper = routing.next_up(request.assignee) if request.escalation_level < MAX_ESCALATION else None
    if upper is None:
        return AT_TOP
    late_hours = (now - request.due_at).total_seconds() / 3600
    escalate(
        request,
        to=upper,
        actor=None,
        now=now,
        note=_("超过响应时限 %(hours).1f 小时未响应，自动升级。") % {"hours": late_hours},
    )
    return ESCALATED
