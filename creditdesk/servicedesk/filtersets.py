"""The filters of the request list — one filter set for the page and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creditdesk.core.api.ids import IdFilter
from creditdesk.core.filtersets import YesNoFilter
from creditdesk.servicedesk.choices import RequestKind, RequestStatus, Tier
from creditdesk.servicedesk.models import ServiceRequest
from creditdesk.servicedesk.selectors import late_q

SEARCH_MAX = 50


class ServiceRequestFilterSet(django_filters.FilterSet):
    """Status, kind, tier, late (超时未响应), assigned to me, one customer, a number or customer name."""

    status = django_filters.ChoiceFilter(
        choices=RequestStatus.choices, label=_("状态"), empty_label=_("全部")
    )
    kind = django_filters.ChoiceFilter(choices=RequestKind.choices, label=_("类型"), empty_label=_("全部"))
    tier = django_filters.ChoiceFilter(choices=Tier.choices, label=_("响应层级"), empty_label=_("全部"))
    late = YesNoFilter(method="filter_late", label=_("超时未响应"))
    mine = YesNoFilter(method="filter_mine", label=_("由我处理"))
    customer = IdFilter(field_name="customer_id", label=_("客户编号"))
    q = django_filters.CharFilter(method="filter_q", label=_("编号/客户名称"), max_length=SEARCH_MAX)

    class Meta:
        model = ServiceRequest
        fields = ["status", "kind", "tier", "late", "mine", "customer", "q"]

    def filter_late(
        self, queryset: QuerySet[ServiceRequest], name: str, value: bool | None
    ) -> QuerySet[ServiceRequest]:
        if value is None:
            return queryset
        late = late_q(timezone.now())
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_mine(
        self, queryset: QuerySet[ServiceRequest], name: str, value: bool | None
    ) -> QuerySet[ServiceRequest]:
        user = getattr(self.request, "user", None)
        if value is None or user is None:
            return queryset
        return queryset.filter(assignee_id=user.pk) if value else queryset.exclude(assignee_id=user.pk)

    def filter_q(self, queryset: QuerySet[ServiceRequest], name: str, value: str) -> QuerySet[ServiceRequest]:
        """A request number (or part of it), or a customer name fragment."""
        text = (value or "").strip()[:SEARCH_MAX]
        if not text:
            return queryset
        return queryset.filter(Q(number__icontains=text) | Q(customer__name__icontains=text))
