"""Reads of notifications: a person's own, never anyone else's (``Notification.scope_paths``)."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from creditdesk.accounts import scope
from creditdesk.notifications.models import Notification


def notification_list_visible_to(*, user: Any) -> QuerySet[Notification]:
    """The person's own notifications, unread first, each group newest first (``unread`` annotated)."""
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return (
        scope.visible(user, Notification.objects.all())
        .annotate(unread=unread)
        .order_by("-unread", "-created_at", "-id")
    )


def notification_get_visible(*, user: Any, notification_id: Any) -> Notification:
    """One of the person's notifications, or 404 (another person's does not exist for them)."""
    return scope.get_visible_or_404(user, Notification.objects.all(), pk=notification_id)


def unread_count(*, user: Any) -> int:
    """How many of the person's notifications are unread (0 for someone not signed in)."""
    return scope.visible(user, Notification.objects.filter(read_at__isnull=True)).count()
