"""Notifications for tests: put in the outbox and delivered, as the apps that announce things will."""

from __future__ import annotations

from django.db import transaction

from creditdesk.notifications import services
from creditdesk.notifications.models import Notification


def notify(
    recipient, *, key: str, title: str = "张三的贷款申请待您审批", event: str = "approval_routed", link=""
):
    """An in-app notification for ``recipient``, delivered (the outbox message, then the row)."""
    with transaction.atomic():
        [message] = services.outbox_put(
            recipient=recipient, event=event, title=title, body="申请金额 30 万元", link=link, dedupe_key=key
        )
    services.outbox_deliver(message_ids=[message.pk])
    return Notification.objects.get(message=message)
