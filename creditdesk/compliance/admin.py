"""The compliance data in the admin: the rules, audited (``AuditedModelAdmin``; the model's ``clean``
refuses a pattern that does not compile, with the reason) and never deleted — a rule is retired by
unticking 启用, and the log still names it; the log of checks, read-only (written only by the guard)."""

from typing import Any

from django.contrib import admin

from creditdesk.compliance.models import ComplianceCheck, ComplianceRule
from creditdesk.core.admin import ReadOnlyAdmin
from creditdesk.core.admin_audit import AuditedModelAdmin


@admin.register(ComplianceRule)
class ComplianceRuleAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "kind", "severity", "channels", "active", "updated_at"]
    list_filter = ["kind", "severity", "active"]
    search_fields = ["code", "name", "pattern", "message"]
    ordering = ["code"]
    readonly_fields = ["updated_by", "updated_at"]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        """The code names the rule in the log: typed once."""
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "code"] if obj is not None else fields

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ComplianceCheck)
class ComplianceCheckAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "origin", "channel", "blocked", "rules", "target"]
    list_select_related = ["actor"]
    list_filter = ["blocked", "channel", "origin"]
    search_fields = ["rules", "target", "text_sha256"]
    date_hierarchy = "created_at"
