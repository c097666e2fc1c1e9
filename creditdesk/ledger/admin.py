from typing import Any

from django.contrib import admin

from creditdesk.core.admin import ReadOnlyAdmin
from creditdesk.ledger.models import JournalEntry, JournalLine

_LINE_FIELDS: tuple[str, ...] = ("account", "side", "amount")
_ENTRY_FIELDS: tuple[str, ...] = (
    "business_date",
    "kind",
    "loan_id",
    "reference",
    "memo",
    "reverses",
    "posted_by",
    "posted_at",
)


class JournalLineInline(admin.TabularInline):
    """The lines of an entry, shown and never edited: the ledger is append-only."""

    model = JournalLine
    fields = _LINE_FIELDS
    readonly_fields = _LINE_FIELDS
    extra = 0
    can_delete = False
    ordering = ["id"]

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    """Read-only view of the ledger for support and audit: entries with their lines. Nothing is added,
    changed or deleted here — postings come only from ``journal_post``, corrections are reversals."""

    list_display = ["id", "business_date", "kind", "loan_id", "reference", "posted_at"]
    list_filter = ["kind", "business_date"]
    search_fields = ["=loan_id", "reference"]
    date_hierarchy = "business_date"
    list_select_related = ["posted_by"]
    fields = _ENTRY_FIELDS
    readonly_fields = _ENTRY_FIELDS
    inlines = [JournalLineInline]
