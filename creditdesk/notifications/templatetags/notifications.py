"""``{% unread_notifications_badge %}``: 通知 with the signed-in person's unread count, linking to their
notifications — in the top bar of every page. ``oob=True`` renders it for an htmx out-of-band swap (the
已读 button's answer updates the count in place)."""

from __future__ import annotations

from typing import Any

from django import template

from creditdesk.notifications.selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/_badge.html", takes_context=True)
def unread_notifications_badge(context: template.Context, oob: bool = False) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    return {"signed_in": signed_in, "count": unread_count(user=user) if signed_in else 0, "oob": oob}
