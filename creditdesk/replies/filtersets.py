"""The library's filters, shared by the 话术库 page (the browse tabs) and ``GET /api/v1/scripts/``: category,
status, and a substring of the question, its other wordings or the answer (``q``; the ranked search by the
customer's own words is ``services.script_search``)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from creditdesk.replies.choices import Category, ScriptStatus
from creditdesk.replies.models import ReplyScript

Q_MAX = 50
"""The longest substring filtered on (a longer one is cut): a list filter, not the search."""


class ScriptFilterSet(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("类别"), empty_label=_("全部"))
    status = django_filters.ChoiceFilter(choices=ScriptStatus.choices, label=_("状态"), empty_label=_("全部"))
    q = django_filters.CharFilter(method="filter_q", label=_("包含文字"))

    class Meta:
        model = ReplyScript
        fields = ["category", "status", "q"]

    def filter_q(self, queryset: QuerySet[ReplyScript], name: str, value: str) -> QuerySet[ReplyScript]:
        """Scripts whose key, question, other wordings or answer contain ``value``."""
        text = (value or "").strip()[:Q_MAX]
        if not text:
            return queryset
        return queryset.filter(
            Q(key__icontains=text)
            | Q(question__icontains=text)
            | Q(variants__icontains=text)
            | Q(answer__icontains=text)
        )
