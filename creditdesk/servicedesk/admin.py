"""The tier matrix (分级响应规则) in the audited admin: data the bank edits, every change an audit row, the
next request tiered by it. Requests themselves are not in the admin: they change only through their
services (routing, escalation, the compliance guard on answers) and are read on the scoped pages."""

from django.contrib import admin

from creditdesk.core.admin_audit import AuditedModelAdmin
from creditdesk.servicedesk.models import TierRule


@admin.register(TierRule)
class TierRuleAdmin(AuditedModelAdmin):
    """One row per kind × urgency × complexity (blank: any); the most specific matching row wins, and a
    request no row matches goes to the team lead within 8 working hours."""

    list_display = ["kind", "urgency", "complexity", "tier", "response_hours", "source"]
    list_filter = ["kind", "tier"]
    ordering = ["kind", "urgency", "complexity"]
