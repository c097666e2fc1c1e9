"""Reads of core records."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from creditdesk.core.models import AuditEvent

AUDIT_READER_ROLES = frozenset({"admin", "risk_manager"})


def audit_events_visible_to(*, user: Any) -> QuerySet[AuditEvent]:
    """The audit trail a person may search.

    Administrators see every event; a risk manager sees the events of people in their own branch (and
    system events are admin-only). Everyone else sees none (the page answers 403).
    """
    qs = AuditEvent.objects.select_related("actor")
    role = getattr(user, "role", None)
    if not getattr(user, "is_authenticated", False) or role not in AUDIT_READER_ROLES:
        return qs.none()
    if role == "admin":
        return qs
    if user.branch_id is None:
        return qs.none()
    return qs.filter(actor__branch_id=user.branch_id)
