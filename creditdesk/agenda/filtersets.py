import django_filters
from django.utils.translation import gettext_lazy as _

from creditdesk.agenda.choices import TaskKind, TaskStatus
from creditdesk.agenda.models import Task
from creditdesk.core.api.ids import IdFilter


class TaskFilterSet(django_filters.FilterSet):
    """Shared by the task list page and the task API."""

    status = django_filters.ChoiceFilter(choices=TaskStatus.choices, label=_("状态"))
    kind = django_filters.ChoiceFilter(choices=TaskKind.choices, label=_("类型"))
    due_from = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", label=_("截止日期从"))
    due_to = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label=_("截止日期至"))
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("关键词"))
    customer = IdFilter(field_name="customer_id", label=_("客户编号"))

    class Meta:
        model = Task
        fields = ["status", "kind", "due_from", "due_to", "q", "customer"]
