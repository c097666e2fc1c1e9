"""Filters shared by the pages and the API: the log of checks (拦截记录) and the rules."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from creditdesk.compliance.choices import Channel, CheckOrigin, RuleKind, Severity
from creditdesk.compliance.models import ComplianceCheck, ComplianceRule
from creditdesk.core.filtersets import YesNoFilter
from creditdesk.core.forms import DateInput


class ComplianceCheckFilterSet(django_filters.FilterSet):
    """拦截记录: blocked or let through with a warning, the channel, where it came from, a rule (by its
    code), a period of days (local dates, both ends included)."""

    blocked = YesNoFilter(field_name="blocked", label=_("结果"), yes=_("已拦截"), no=_("提醒后发送"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("渠道"), empty_label=_("全部"))
    origin = django_filters.ChoiceFilter(choices=CheckOrigin.choices, label=_("来源"), empty_label=_("全部"))
    rule = django_filters.CharFilter(method="filter_rule", label=_("规则代码"))
    date_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("起始日期"), widget=DateInput
    )
    date_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("结束日期"), widget=DateInput
    )

    class Meta:
        model = ComplianceCheck
        fields = ["blocked", "channel", "origin", "rule", "date_from", "date_to"]

    def filter_rule(
        self, queryset: QuerySet[ComplianceCheck], name: str, value: str
    ) -> QuerySet[ComplianceCheck]:
        """The checks where the rule ``value`` fired (``rules`` holds the codes, comma-separated)."""
        code = (value or "").strip()[:50]
        if not code:
            return queryset
        return queryset.filter(
            Q(rules=code)
            | Q(rules__startswith=f"{code},")
            | Q(rules__endswith=f",{code}")
            | Q(rules__contains=f",{code},")
        )


class ComplianceRuleFilterSet(django_filters.FilterSet):
    """合规规则: by kind, severity and whether in force."""

    kind = django_filters.ChoiceFilter(choices=RuleKind.choices, label=_("类型"), empty_label=_("全部"))
    severity = django_filters.ChoiceFilter(
        choices=Severity.choices, label=_("处理方式"), empty_label=_("全部")
    )
    active = YesNoFilter(field_name="active", label=_("状态"), yes=_("启用"), no=_("已停用"))

    class Meta:
        model = ComplianceRule
        fields = ["kind", "severity", "active"]
