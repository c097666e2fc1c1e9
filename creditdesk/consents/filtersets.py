"""Filters shared by the consent pages and the consent API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from creditdesk.consents.choices import CONSENT_PURPOSE_CHOICES, ConsentChannel, ConsentKind, Purpose
from creditdesk.consents.models import Consent, CreditInquiry
from creditdesk.core.api.ids import IdFilter
from creditdesk.core.filtersets import YesNoFilter


class ConsentFilterSet(django_filters.FilterSet):
    customer = IdFilter(field_name="customer_id", label=_("客户编号"))
    kind = django_filters.ChoiceFilter(choices=ConsentKind.choices, label=_("授权类型"))
    purpose = django_filters.ChoiceFilter(choices=CONSENT_PURPOSE_CHOICES, label=_("授权用途"))
    channel = django_filters.ChoiceFilter(choices=ConsentChannel.choices, label=_("签署方式"))
    revoked = YesNoFilter(field_name="revoked_at", lookup_expr="isnull", exclude=True, label=_("已撤回"))

    class Meta:
        model = Consent
        fields = ["customer", "kind", "purpose", "channel", "revoked"]


class CreditInquiryFilterSet(django_filters.FilterSet):
    customer = IdFilter(field_name="customer_id", label=_("客户编号"))
    purpose = django_filters.ChoiceFilter(choices=Purpose.choices, label=_("查询用途"))
    date_from = django_filters.DateFilter(
        field_name="requested_at", lookup_expr="date__gte", label=_("起始日期")
    )
    date_to = django_filters.DateFilter(
        field_name="requested_at", lookup_expr="date__lte", label=_("结束日期")
    )

    class Meta:
        model = CreditInquiry
        fields = ["customer", "purpose", "date_from", "date_to"]
