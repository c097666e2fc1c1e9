from django.contrib import admin

from creditdesk.agenda.models import Task


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    """Read-only overview for support; tasks are changed by their owners through the services."""

    list_display = ["title", "owner", "kind", "due_date", "status"]
    list_filter = ["status", "kind"]
    search_fields = ["title"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
