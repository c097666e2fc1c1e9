"""The approval matrices in the audited admin: routing (amount band × product × grade → levels, SLA),
concession authority (rate bp, limit %), exposure limits. Credit policy the bank edits; every change is
an audit row. Applications themselves change only through their services, never here."""

from django.contrib import admin

from creditdesk.applications.models import ConcessionLimit, ExposureLimit, RoutingRule
from creditdesk.core.admin_audit import AuditedModelAdmin


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedModelAdmin):
    """The first row (by position) that covers an application's amount, product and grade routes it."""

    list_display = [
        "position",
        "name",
        "min_amount",
        "max_amount",
        "product_code",
        "grades",
        "levels",
        "quorum",
        "sla_hours",
    ]
    ordering = ["position", "id"]


@admin.register(ConcessionLimit)
class ConcessionLimitAdmin(AuditedModelAdmin):
    list_display = ["role", "max_rate_bp", "max_amount_pct", "source"]


@admin.register(ExposureLimit)
class ExposureLimitAdmin(AuditedModelAdmin):
    list_display = ["scope", "amount", "source"]
