from django.contrib import admin

from creditdesk.core.admin_audit import AuditedModelAdmin
from creditdesk.rates.models import LprRate


@admin.register(LprRate)
class LprRateAdmin(AuditedModelAdmin):
    """Administrators add each month's LPR; every change is audited."""

    list_display = ["effective_from", "one_year", "five_year", "source"]
    date_hierarchy = "effective_from"
