"""Filters shared by the audit page and the audit API, and a yes/no filter for every filter set."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from creditdesk.core.models import AuditEvent


@extend_schema_field({"type": "boolean"})
class YesNoFilter(django_filters.Filter):
    """``?revoked=true`` / ``false``; empty is no filter, anything else is invalid (400 in the API) —
    django-filter's BooleanFilter reads ``?revoked=null`` or a typo as "no filter" and lists everything."""

    field_class = forms.TypedChoiceField

    def __init__(self, *args: object, yes: object = _("是"), no: object = _("否"), **kwargs: object) -> None:
        kwargs.setdefault("choices", [("", _("全部")), ("true", yes), ("false", no)])
        kwargs.setdefault("coerce", lambda value: value == "true")
        kwargs.setdefault("empty_value", None)
        super().__init__(*args, **kwargs)


class AuditEventFilterSet(django_filters.FilterSet):
    actor = django_filters.CharFilter(field_name="actor_username", lookup_expr="icontains", label=_("操作人"))
    action = django_filters.CharFilter(field_name="action", lookup_expr="startswith", label=_("操作"))
    target_type = django_filters.CharFilter(field_name="target_type", label=_("对象类型"))
    target_id = django_filters.CharFilter(field_name="target_id", label=_("对象编号"))
    request_id = django_filters.CharFilter(field_name="request_id", label=_("请求编号"))
    date_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("起始日期")
    )
    date_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("结束日期"))

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "target_type", "target_id", "request_id", "date_from", "date_to"]
