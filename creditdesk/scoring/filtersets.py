"""Filters of the pre-assessment list (the API's ``?customer=``)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from creditdesk.core.api.ids import IdFilter
from creditdesk.scoring.models import Assessment


class AssessmentFilterSet(django_filters.FilterSet):
    customer = IdFilter(field_name="customer_id", label=_("客户编号"))

    class Meta:
        model = Assessment
        fields = ["customer"]
