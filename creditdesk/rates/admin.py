from django.contrib import admin

from creditdesk.core.admin_audit import AuditedModelAdmin
from creditdesk.rates.models import LprRate, ProvidentRate


@admin.register(LprRate)
class LprRateAdmin(AuditedModelAdmin):
    """Administrators add each month's LPR; every change is audited. The effective date must be a
    publication date (``LprRate.clean``)."""

    list_display = ["effective_from", "one_year", "five_year", "source"]
    date_hierarchy = "effective_from"


@admin.register(ProvidentRate)
class ProvidentRateAdmin(AuditedModelAdmin):
    """Administrators add each change of the 公积金 loan rates, with its announcement; every change is
    audited."""

    list_display = [
        "effective_from",
        "first_home_up_to_5y",
        "first_home_over_5y",
        "second_home_up_to_5y",
        "second_home_over_5y",
        "source",
    ]
    date_hierarchy = "effective_from"
