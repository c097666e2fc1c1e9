"""Filters shared by the product-library pages and API, and by the needs API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from creditdesk.core.api.ids import IdFilter
from creditdesk.core.filtersets import YesNoFilter
from creditdesk.products.choices import Category, LoanPurpose
from creditdesk.products.models import Need, Product


class ProductFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("代码或名称"))
    category = django_filters.ChoiceFilter(
        choices=Category.choices, label=_("产品类别"), empty_label=_("全部")
    )
    is_active = YesNoFilter(label=_("上架"), yes=_("上架"), no=_("下架"))

    class Meta:
        model = Product
        fields = ["q", "category", "is_active"]

    def search(self, queryset: QuerySet[Product], name: str, value: str) -> QuerySet[Product]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


class NeedFilterSet(django_filters.FilterSet):
    customer = IdFilter(field_name="customer_id", label=_("客户编号"))
    purpose = django_filters.ChoiceFilter(choices=LoanPurpose.choices, label=_("贷款用途"))

    class Meta:
        model = Need
        fields = ["customer", "purpose"]
