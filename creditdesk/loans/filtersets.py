import django_filters
from django.utils.translation import gettext_lazy as _

from creditdesk.core.api.ids import IdFilter
from creditdesk.loans.models import Loan, LoanStatus


class LoanFilterSet(django_filters.FilterSet):
    """Shared by the loan list page and the loan API."""

    status = django_filters.ChoiceFilter(choices=LoanStatus.choices, label=_("状态"))
    number = django_filters.CharFilter(field_name="number", lookup_expr="icontains", label=_("借据号"))
    customer = IdFilter(field_name="customer_id", label=_("客户编号"))
    value_from = django_filters.DateFilter(field_name="value_date", lookup_expr="gte", label=_("起息日从"))
    value_to = django_filters.DateFilter(field_name="value_date", lookup_expr="lte", label=_("起息日至"))

    class Meta:
        model = Loan
        fields = ["status", "number", "customer", "value_from", "value_to"]
