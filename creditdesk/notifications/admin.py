from django.contrib import admin

from creditdesk.core.admin import ReadOnlyAdmin
from creditdesk.notifications.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Read-only view of the outbox for support: what is waiting, what failed and why. The text and the
    address are left out — a repayment reminder names a customer, and administrators see no customer
    data."""

    list_display = [
        "id",
        "channel",
        "event",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "channel", "event"]
    fields = [
        "channel",
        "event",
        "recipient",
        "dedupe_key",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields
