"""Reads of core records."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from creditdesk.core.actions import Action, can
from creditdesk.core.models import AuditEvent


def audit_events_visible_to(*, user: Any) -> QuerySet[AuditEvent]:
    """The audit trail a person may search.

    Administrators see every event; a risk manager sees the events of people in their own branch (and
    system events are admin-only). Everyone else sees none (the page answers 403). Who reads which is
    the policy's (``Action.AUDIT_READ`` / ``AUDIT_READ_ALL``).
    """
    qs = AuditEvent.objects.select_related("actor")
    if not can(user, Action.AUDIT_READ):
        return qs.none()
    if can(user, Action.AUDIT_READ_ALL):
        return qs
    if user.branch_id is None:
        return qs.none()
    return qs.filter(actor__branch_id=user.branch_id)
