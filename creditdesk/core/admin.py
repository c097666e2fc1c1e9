from typing import Any

from django.contrib import admin

from creditdesk.core.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """The admin of a table that changes only through its services (which validate, scope and audit) or
    never at all: rows are listed and shown, never added, changed or deleted here."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: audit rows are never edited or deleted."""

    list_display = [
        "created_at",
        "actor_username",
        "action",
        "target_type",
        "target_repr",
        "ip",
        "request_id",
    ]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_username", "action", "target_repr", "target_id", "request_id"]
    date_hierarchy = "created_at"
