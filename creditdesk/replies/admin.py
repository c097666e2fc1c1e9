"""The 话术库 in the admin, read-only: scripts are written, submitted, approved and retired on the pages
(``/replies/``) through their services, so that no text reaches a customer without its version and its
compliance review; their history and their uses are shown, never changed."""

from django.contrib import admin

from creditdesk.core.admin import ReadOnlyAdmin
from creditdesk.replies.models import ReplyScript, ReplyScriptVersion, ScriptUse


@admin.register(ReplyScript)
class ReplyScriptAdmin(ReadOnlyAdmin):
    list_display = [
        "key",
        "category",
        "question",
        "response_tier",
        "status",
        "version",
        "approved_version",
        "owner",
    ]
    list_filter = ["status", "category", "response_tier"]
    list_select_related = ["owner"]
    search_fields = ["key", "question", "variants", "answer"]


@admin.register(ReplyScriptVersion)
class ReplyScriptVersionAdmin(ReadOnlyAdmin):
    list_display = ["script", "version", "status", "actor", "note", "created_at"]
    list_filter = ["status"]
    list_select_related = ["script", "actor"]
    date_hierarchy = "created_at"


@admin.register(ScriptUse)
class ScriptUseAdmin(ReadOnlyAdmin):
    """Uses name no phone: the customer and the lead are shown by their record's name only."""

    list_display = ["used_at", "script", "version", "actor", "purpose", "stage_at_use", "outcome"]
    list_filter = ["purpose", "outcome"]
    list_select_related = ["script", "actor"]
    raw_id_fields = ["customer", "lead"]
    date_hierarchy = "used_at"
