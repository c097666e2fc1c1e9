"""The application list's filters, shared by the page and the API."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from creditdesk.applications.choices import ApplicationKind, ApplicationStatus
from creditdesk.applications.models import Application
from creditdesk.core.api.ids import IdFilter


class ApplicationFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label=_("状态"))
    kind = django_filters.ChoiceFilter(choices=ApplicationKind.choices, label=_("申请类型"))
    customer = IdFilter(field_name="customer_id", label=_("客户编号"))
    q = django_filters.CharFilter(method="search", label=_("申请编号或客户名称"))

    class Meta:
        model = Application
        fields = ["status", "kind", "customer", "q"]

    def search(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        value = value.strip()[:50]
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(customer__name__icontains=value))
