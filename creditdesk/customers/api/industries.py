"""GB/T 4754-2017 industries for programs: `GET /api/v1/industries/?q=` — reference data, read-only.

The same search as the customer form's picker (``industries.search_industries``): a name, its pinyin
or initials ("cy" finds 餐饮) or a code ("6210", "H62").
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from creditdesk.customers import industries

MAX_RESULTS = 50
LEVELS = ["section", "division", "group", "class"]


class IndustrySerializer(serializers.Serializer):
    """One entry of the classification: 门类 (section, "H"), 大类 (division, "H62"), 中类 (group, "H621"),
    小类 (class, "H6210")."""

    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(
        choices=LEVELS, help_text="section 门类，division 大类，group 中类，class 小类"
    )
    label = serializers.CharField(help_text="代码与名称，如 “H6210 正餐服务”")


class IndustryQuery(serializers.Serializer):
    """The search: ``q`` a name, pinyin (initials too) or code; ``limit`` how many at most."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=50,
        help_text="行业名称、拼音或拼音首字母、代码，如 餐饮、cy、6210",
    )
    limit = serializers.IntegerField(
        required=False, default=20, min_value=1, max_value=MAX_RESULTS, help_text="最多返回条数，默认 20"
    )


def _row(industry: Any) -> dict[str, Any]:
    return {
        "code": industry.code,
        "name": industry.name,
        "level": industry.level,
        "label": industry.label,
    }


class IndustryViewSet(viewsets.ViewSet):
    """国民经济行业分类 (GB/T 4754-2017): the entries matching ``q`` (at most ``limit``, 20 by default);
    without ``q``, the 20 门类."""

    @extend_schema(parameters=[IndustryQuery], responses=IndustrySerializer(many=True))
    def list(self, request: Request) -> Response:
        params = IndustryQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        query, limit = params.validated_data["q"].strip(), params.validated_data["limit"]
        found = (
            industries.search_industries(query, limit=limit)
            if query
            else [industry for industry in industries.INDUSTRIES.values() if industry.level == "section"]
        )
        return Response(IndustrySerializer([_row(industry) for industry in found], many=True).data)
