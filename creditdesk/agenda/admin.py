from django.contrib import admin

from creditdesk.agenda.models import Task
from creditdesk.core.admin import ReadOnlyAdmin


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    """Read-only overview for support; tasks are changed by their owners through the services."""

    list_display = ["title", "owner", "kind", "due_date", "status"]
    list_filter = ["status", "kind"]
    search_fields = ["title"]
