from typing import Any

from django.contrib import admin

from creditdesk.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
