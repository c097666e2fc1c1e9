import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creditdesk.core.api.ids import IdFilter
from creditdesk.core.filtersets import YesNoFilter
from creditdesk.customers.choices import Channel, ValueSegment
from creditdesk.marketing.choices import LeadStage
from creditdesk.marketing.models import Lead
from creditdesk.marketing.selectors import stalled_q


class LeadFilterSet(django_filters.FilterSet):
    """Shared by the lead list page, the board and the lead API."""

    stage = django_filters.ChoiceFilter(choices=LeadStage.choices, label=_("阶段"), empty_label=_("全部"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("获客渠道"), empty_label=_("全部"))
    value_segment = django_filters.ChoiceFilter(
        choices=ValueSegment.choices, label=_("客户层级"), empty_label=_("全部")
    )
    owner = IdFilter(field_name="owner_id", label=_("负责人编号"))
    customer = IdFilter(field_name="customer_id", label=_("客户编号"))
    stalled = YesNoFilter(method="filter_stalled", label=_("停滞"))
    pool = YesNoFilter(field_name="owner", lookup_expr="isnull", label=_("线索池"))
    q = django_filters.CharFilter(method="filter_q", label=_("姓名/手机尾号"))

    class Meta:
        model = Lead
        fields = ["stage", "channel", "value_segment", "owner", "customer", "stalled", "pool", "q"]

    def filter_stalled(self, queryset: QuerySet[Lead], name: str, value: bool | None) -> QuerySet[Lead]:
        if value is None:
            return queryset
        stalled = stalled_q(timezone.now())
        return queryset.filter(stalled) if value else queryset.exclude(stalled)

    def filter_q(self, queryset: QuerySet[Lead], name: str, value: str) -> QuerySet[Lead]:
        """A name fragment, or the last four digits of the phone."""
        text = (value or "").strip()[:50]
        if not text:
            return queryset
        if text.isdigit() and len(text) == 4:
            return queryset.filter(Q(phone_tail=text) | Q(name__icontains=text))
        return queryset.filter(name__icontains=text)
