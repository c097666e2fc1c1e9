"""Filters shared by the solutions pages and API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from creditdesk.core.api.ids import IdFilter
from creditdesk.solutions.models import CompetitorOffer, Proposal, QuoteKind


class CompetitorOfferFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("机构或产品"))
    kind = django_filters.ChoiceFilter(choices=QuoteKind.choices, label=_("报价方式"))

    class Meta:
        model = CompetitorOffer
        fields = ["q", "kind"]

    def search(self, queryset: QuerySet[CompetitorOffer], name: str, value: str) -> QuerySet[CompetitorOffer]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(institution__icontains=value) | Q(product_name__icontains=value))


class ProposalFilterSet(django_filters.FilterSet):
    customer = IdFilter(field_name="customer_id", label=_("客户编号"))

    class Meta:
        model = Proposal
        fields = ["customer"]
