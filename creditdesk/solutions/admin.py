"""Competitor quotes and proposals in the admin: read-only. Both change only through the services (the
pages and the API), which validate, scope and audit; a proposal is never changed at all."""

from django.contrib import admin

from creditdesk.core.admin import ReadOnlyAdmin
from creditdesk.solutions.models import CompetitorOffer, Proposal


@admin.register(CompetitorOffer)
class CompetitorOfferAdmin(ReadOnlyAdmin):
    list_display = ["institution", "product_name", "kind", "amount", "term_months", "team", "quoted_on"]
    list_filter = ["kind"]
    list_select_related = ["team"]
    search_fields = ["institution", "product_name"]


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["number", "customer", "created_by", "created_at"]
    list_select_related = ["customer", "created_by"]
    exclude = ["pdf"]
    search_fields = ["number"]
