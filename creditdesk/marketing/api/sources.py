"""Where leads come from, for programs: the branch's campaigns (``/api/v1/campaigns/``), partner
organisations (``/api/v1/partners/``, the contact's phone masked) and territories (``/api/v1/territories/``,
with each one's market report), read by everyone of the branch and kept by its team leads and branch head
(``marketing_source_not_allowed`` otherwise); and the marketing results read for the person asking
(``/api/v1/marketing/…``: per source, top referrers, satisfaction per CM, fee income per CM)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from creditdesk.core.api.schema import may_conflict
from creditdesk.customers.choices import Channel
from creditdesk.customers.identity import mask_phone
from creditdesk.marketing import selectors, services
from creditdesk.marketing.api.fields import AmountText, money, optional_id, text
from creditdesk.marketing.choices import PartnerKind, ReferrerKind, TerritoryKind
from creditdesk.marketing.models import Campaign, Partner, Territory
from creditdesk.marketing.reports.offers import fee_income_by_cm
from creditdesk.marketing.reports.referrals import top_referrers
from creditdesk.marketing.reports.sources import GROUPS, source_results
from creditdesk.marketing.reports.surveys import satisfaction_by_cm
from creditdesk.marketing.reports.territories import territories_of, territory_report
from creditdesk.marketing.services import CampaignInput, PartnerInput, TerritoryInput

# --- campaigns ----------------------------------------------------------------------------------------------


class CampaignSerializer(serializers.ModelSerializer):
    """营销活动: its channel, partner, period and cost (the source results share the cost over its leads)."""

    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    partner_name = serializers.SerializerMethodField()
    cost = money(help_text=_("活动成本（元）"))

    class Meta:
        model = Campaign
        fields = [
            "id",
            "branch",
            "name",
            "channel",
            "channel_display",
            "channel_detail",
            "partner",
            "partner_name",
            "starts_on",
            "ends_on",
            "cost",
            "notes",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_partner_name(self, obj: Campaign) -> str:
        """The partner's name; empty for a campaign without a partner."""
        return obj.partner.name if obj.partner else ""


class CampaignWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text=_("活动名称（本支行内不重名）"))
    channel = serializers.ChoiceField(choices=Channel.choices)
    channel_detail = text(100)
    partner = optional_id(_("合作渠道编号（本支行的）；null 表示无合作渠道。"))
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(help_text=_("结束日期：不早于开始日期"))
    cost = AmountText(default="0", help_text=_('活动成本（元），如 9000 或 "0.9万"；默认 0'))
    notes = text(200)


# --- partners -----------------------------------------------------------------------------------------------


class PartnerSerializer(serializers.ModelSerializer):
    """合作渠道: never the contact's phone in clear (masked)."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    contact_phone_masked = serializers.SerializerMethodField()

    class Meta:
        model = Partner
        fields = [
            "id",
            "branch",
            "name",
            "kind",
            "kind_display",
            "contact_name",
            "contact_phone_masked",
            "agreement",
            "active",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_contact_phone_masked(self, obj: Partner) -> str:
        """联系电话, masked (``139****9018``); empty when none was recorded."""
        return mask_phone(obj.contact_phone) if obj.contact_phone else ""


class PartnerWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text=_("名称（本支行内不重名）"))
    kind = serializers.ChoiceField(choices=PartnerKind.choices)
    contact_name = text(50)
    contact_phone = text(20, help_text=_("联系人手机号码（11 位）；留空表示不登记。修改时不填则保留原号码。"))
    agreement = text(200, help_text=_("合作协议/备注"))
    active = serializers.BooleanField(default=True, help_text=_("是否合作中"))


# --- territories --------------------------------------------------------------------------------------------


class TerritorySerializer(serializers.ModelSerializer):
    """片区: customers are in it when their address contains one of its keywords."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Territory
        fields = [
            "id",
            "branch",
            "name",
            "kind",
            "kind_display",
            "keywords",
            "notes",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class TerritoryWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60, help_text=_("名称（本支行内不重名）"))
    kind = serializers.ChoiceField(choices=TerritoryKind.choices)
    keywords = serializers.CharField(
        max_length=200, help_text=_("地址关键词，用逗号分隔，每个至少 2 个字，如 高新区创业园,创业路")
    )
    notes = text(200)


class CountSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()


def _counts(pairs: list[tuple[str, int]]) -> list[dict[str, Any]]:
    return [{"label": label, "count": n} for label, n in pairs]


class TerritoryReportSerializer(serializers.Serializer):
    """片区市场分析 for the person asking (only the customers and leads in their scope count)."""

    territory = TerritorySerializer()
    customers = serializers.IntegerField(help_text=_("片区内（地址匹配）您可见的客户数"))
    with_loan = serializers.IntegerField(help_text=_("其中有在贷贷款的客户数"))
    with_cross_sell = serializers.IntegerField(help_text=_("其中持有交叉销售产品的客户数"))
    loan_penetration = serializers.FloatField(
        allow_null=True, help_text=_("贷款渗透率（0–1）；无客户时 null")
    )
    cross_sell_penetration = serializers.FloatField(allow_null=True, help_text=_("交叉销售渗透率（0–1）"))
    open_leads = serializers.IntegerField(help_text=_("标注该片区、仍在跟进的线索数"))
    leads_by_stage = CountSerializer(many=True, help_text=_("标注该片区的线索，按阶段"))
    by_industry = CountSerializer(many=True, help_text=_("客户按国民经济行业门类"))
    by_size = CountSerializer(many=True, help_text=_("企业客户按规模（大/中/小/微）"))
    competitors = CountSerializer(
        many=True, help_text=_("本团队记录的同业报价，按机构（团队的市场信息，非仅本片区）")
    )


# --- the views ----------------------------------------------------------------------------------------------


class _BranchSourceViewSet(viewsets.GenericViewSet):
    """The list, detail, create and update of a branch's marketing record; a subclass says which."""

    filter_backends: list[Any] = []
    write_serializer: type[serializers.Serializer]

    def _read(self, pk: int) -> Any:
        raise NotImplementedError

    def _save(self, values: dict[str, Any], pk: int | None) -> Any:
        raise NotImplementedError

    def _current(self, row: Any) -> dict[str, Any]:
        raise NotImplementedError

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @may_conflict
    def create(self, request: Request) -> Response:
        data = self.write_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved = self._save(dict(data.validated_data), None)
        return Response(self.get_serializer(self._read(saved.pk)).data, status=status.HTTP_201_CREATED)

    def _update(self, request: Request, *, partial: bool) -> Response:
        row = self.get_object()
        data = self.write_serializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        values = {**self._current(row), **data.validated_data} if partial else dict(data.validated_data)
        self._save(values, row.pk)
        return Response(self.get_serializer(self._read(row.pk)).data)

    @may_conflict
    def update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=False)

    @may_conflict
    def partial_update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=True)


_REFUSALS = (
    "Refusals: 403 ``marketing_source_not_allowed`` (only team leads and branch heads keep the branch's "
    "records); 409 ``marketing_source_duplicate`` (the branch has one of that name); the fields' codes."
)


@extend_schema_view(
    create=extend_schema(request=CampaignWriteSerializer, responses={201: CampaignSerializer}),
    update=extend_schema(request=CampaignWriteSerializer, responses=CampaignSerializer),
    partial_update=extend_schema(request=CampaignWriteSerializer, responses=CampaignSerializer),
)
class CampaignViewSet(_BranchSourceViewSet):
    __doc__ = (
        "营销活动 of the caller's branch, latest first; POST registers one, PUT replaces it, PATCH changes "
        "the fields given. Field codes: ``name_required``, ``campaign_channel_unknown``, "
        "``campaign_period_invalid``, ``campaign_cost_invalid``, ``campaign_partner_not_found``. " + _REFUSALS
    )
    serializer_class = CampaignSerializer
    write_serializer = CampaignWriteSerializer

    def get_queryset(self) -> Any:
        return selectors.campaigns_of(user=self.request.user)

    def get_object(self) -> Campaign:
        return selectors.campaign_get_visible(user=self.request.user, campaign_id=self.kwargs["pk"])

    def _read(self, pk: int) -> Campaign:
        return selectors.campaign_get_visible(user=self.request.user, campaign_id=pk)

    def _current(self, row: Campaign) -> dict[str, Any]:
        return {
            "name": row.name,
            "channel": row.channel,
            "channel_detail": row.channel_detail,
            "partner": row.partner_id,
            "starts_on": row.starts_on,
            "ends_on": row.ends_on,
            "cost": str(row.cost),
            "notes": row.notes,
        }

    def _save(self, values: dict[str, Any], pk: int | None) -> Campaign:
        return services.campaign_save(actor=self.request.user, data=CampaignInput(**values), campaign_id=pk)


@extend_schema_view(
    create=extend_schema(request=PartnerWriteSerializer, responses={201: PartnerSerializer}),
    update=extend_schema(request=PartnerWriteSerializer, responses=PartnerSerializer),
    partial_update=extend_schema(request=PartnerWriteSerializer, responses=PartnerSerializer),
)
class PartnerViewSet(_BranchSourceViewSet):
    __doc__ = (
        "合作渠道 of the caller's branch, by name (the contact's phone masked); POST registers one, PUT "
        "replaces it (a blank ``contact_phone`` removes the number), PATCH changes the fields given (the "
        "number is kept unless given). Field codes: ``name_required``, ``partner_kind_unknown``, "
        "``phone_invalid``. " + _REFUSALS
    )
    serializer_class = PartnerSerializer
    write_serializer = PartnerWriteSerializer

    def get_queryset(self) -> Any:
        return selectors.partners_of(user=self.request.user)

    def get_object(self) -> Partner:
        return selectors.partner_get_visible(user=self.request.user, partner_id=self.kwargs["pk"])

    def _read(self, pk: int) -> Partner:
        return selectors.partner_get_visible(user=self.request.user, partner_id=pk)

    def _current(self, row: Partner) -> dict[str, Any]:
        return {
            "name": row.name,
            "kind": row.kind,
            "contact_name": row.contact_name,
            "contact_phone": row.contact_phone,
            "agreement": row.agreement,
            "active": row.active,
        }

    def _save(self, values: dict[str, Any], pk: int | None) -> Partner:
        return services.partner_save(actor=self.request.user, data=PartnerInput(**values), partner_id=pk)


@extend_schema_view(
    create=extend_schema(request=TerritoryWriteSerializer, responses={201: TerritorySerializer}),
    update=extend_schema(request=TerritoryWriteSerializer, responses=TerritorySerializer),
    partial_update=extend_schema(request=TerritoryWriteSerializer, responses=TerritorySerializer),
)
class TerritoryViewSet(_BranchSourceViewSet):
    __doc__ = (
        "片区 of the caller's branch, by name; POST registers one, PUT replaces it, PATCH changes the fields "
        "given; ``report/`` is its market analysis for the caller. Field codes: ``name_required``, "
        "``territory_kind_unknown``, ``territory_keywords_invalid``. " + _REFUSALS
    )
    serializer_class = TerritorySerializer
    write_serializer = TerritoryWriteSerializer

    def get_queryset(self) -> Any:
        return territories_of(user=self.request.user).order_by("name", "id")

    def get_object(self) -> Territory:
        return selectors.territory_get_visible(user=self.request.user, territory_id=self.kwargs["pk"])

    def _read(self, pk: int) -> Territory:
        return selectors.territory_get_visible(user=self.request.user, territory_id=pk)

    def _current(self, row: Territory) -> dict[str, Any]:
        return {"name": row.name, "kind": row.kind, "keywords": row.keywords, "notes": row.notes}

    def _save(self, values: dict[str, Any], pk: int | None) -> Territory:
        return services.territory_save(
            actor=self.request.user, data=TerritoryInput(**values), territory_id=pk
        )

    @extend_schema(responses=TerritoryReportSerializer)
    @action(detail=True, methods=["get"])
    def report(self, request: Request, pk: str) -> Response:
        """片区市场分析: the customers the caller sees in the territory (by industry section and size class),
        their loan and cross-sell penetration, the leads tagged with it by stage, the team's competitor
        quotes."""
        found = territory_report(user=request.user, territory=self.get_object())
        body = {
            "territory": found.territory,
            "customers": found.customers,
            "with_loan": found.with_loan,
            "with_cross_sell": found.with_cross_sell,
            "loan_penetration": found.loan_penetration,
            "cross_sell_penetration": found.cross_sell_penetration,
            "open_leads": found.open_leads,
            "leads_by_stage": _counts(found.leads_by_stage),
            "by_industry": _counts(found.by_industry),
            "by_size": _counts(found.by_size),
            "competitors": _counts(found.competitors),
        }
        return Response(TerritoryReportSerializer(body).data)


# --- the results --------------------------------------------------------------------------------------------


class PeriodQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False, default=None, help_text=_("起始日期（含），不填不限"))
    end = serializers.DateField(
        required=False, default=None, help_text=_("截止日期（含），不填不限；不能早于起始日期")
    )


@extend_schema_field({"type": "string", "enum": list(GROUPS), "default": "channel"})
class GroupText(serializers.CharField):
    """``group``: checked by the report (``source_group_unknown``), so that a client reads the domain code."""


class SourceQuerySerializer(PeriodQuerySerializer):
    group = GroupText(
        max_length=20,
        required=False,
        default="channel",
        help_text=_("分组：channel 获客渠道、campaign 营销活动、partner 合作渠道"),
    )


class ReferrerQuerySerializer(PeriodQuerySerializer):
    limit = serializers.IntegerField(
        required=False, default=20, min_value=1, max_value=100, help_text=_("最多返回几位推荐人，默认 20")
    )


def _rate(help_text: Any) -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=help_text)


class SourceRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("渠道代码、活动编号或合作渠道编号；空串：未关联活动/合作渠道"))
    label = serializers.CharField()
    leads = serializers.IntegerField(help_text=_("期间录入的线索数（您可见的）"))
    converted = serializers.IntegerField(help_text=_("其中进入过“申请中”的线索数"))
    conversion_rate = _rate(_("转化率（0–1）"))
    loans = serializers.IntegerField(help_text=_("归属该来源的贷款笔数"))
    customers = serializers.IntegerField(help_text=_("归属该来源、获得贷款的客户数"))
    volume = money(help_text=_("放款金额（元）"))
    cost = money(allow_null=True, help_text=_("分摊的活动成本（元）；无活动时 null"))
    cost_per_acquisition = money(allow_null=True, help_text=_("获客成本（元/客户）"))
    overdue_rate = _rate(_("当前逾期笔数占比"))
    ever_30_rate = _rate(_("曾逾期 30 天以上笔数占比"))
    npl_rate = _rate(_("不良笔数占比"))
    npl_balance_ratio = _rate(_("不良余额占比（不良率）"))


class ReferrerRowSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReferrerKind.choices)
    referrer_id = serializers.IntegerField(help_text=_("客户、员工或合作渠道的编号（随 kind）"))
    name = serializers.CharField()
    leads = serializers.IntegerField()
    converted = serializers.IntegerField()
    loans = serializers.IntegerField()
    volume = money(help_text=_("带来的放款金额（元）"))
    overdue = serializers.IntegerField()
    npl = serializers.IntegerField()
    overdue_rate = _rate(_("逾期笔数占比"))
    npl_rate = _rate(_("不良笔数占比"))
    reward = money(help_text=_("按奖励规则应得的奖励（元）"))


class SatisfactionRowSerializer(serializers.Serializer):
    owner_id = serializers.IntegerField(help_text=_("被测评的客户经理"))
    name = serializers.CharField()
    sent = serializers.IntegerField()
    answered = serializers.IntegerField()
    response_rate = _rate(_("回复率（0–1）"))
    nps = serializers.FloatField(allow_null=True, help_text=_("净推荐值（−100 至 100）；无回复时 null"))
    nps_answers = serializers.IntegerField()
    csat_satisfied = _rate(_("CSAT 4–5 分占比"))
    csat_mean = serializers.FloatField(allow_null=True, help_text=_("CSAT 平均分"))
    csat_answers = serializers.IntegerField()


class FeeIncomeRowSerializer(serializers.Serializer):
    owner_id = serializers.IntegerField(help_text=_("客户经理"))
    name = serializers.CharField()
    offered = serializers.IntegerField(help_text=_("推荐次数"))
    accepted = serializers.IntegerField(help_text=_("客户接受次数"))
    fee_income = money(help_text=_("已接受推荐的预计年中间业务收入（元）"))


class MarketingResultsViewSet(viewsets.GenericViewSet):
    """营销效果 for the person asking — only what their scope shows counts (a CM their own leads, customers
    and surveys, a team lead the team's, a branch head and a risk manager the branch's)."""

    filter_backends: list[Any] = []

    def _page(self, rows: list[Any], serializer: type[serializers.Serializer]) -> Response:
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(serializer(page, many=True).data)

    @extend_schema(parameters=[SourceQuerySerializer], responses=SourceRowSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="source-results")
    def source_results(self, request: Request) -> Response:
        """获客来源效果 of the leads entered from ``start`` to ``end``, grouped by ``group``: leads,
        conversion, loans and volume, cost and cost per acquisition, later credit quality; biggest volume
        first. Refusals: 400 ``source_group_unknown``, ``source_period_invalid``."""
        query = SourceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        rows = source_results(
            user=request.user, group=values["group"], start=values["start"], end=values["end"]
        )
        return self._page(rows, SourceRowSerializer)

    @extend_schema(parameters=[ReferrerQuerySerializer], responses=ReferrerRowSerializer(many=True))
    @action(detail=False, methods=["get"])
    def referrers(self, request: Request) -> Response:
        """转介绍排行: the referrers (customers, colleagues, partners) of the leads entered from ``start`` to
        ``end``, by volume brought: leads, conversions, loans, quality and the reward earned. Refusal: 400
        ``source_period_invalid``."""
        query = ReferrerQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        rows = top_referrers(
            user=request.user, start=values["start"], end=values["end"], limit=values["limit"]
        )
        return self._page(rows, ReferrerRowSerializer)

    @extend_schema(parameters=[PeriodQuerySerializer], responses=SatisfactionRowSerializer(many=True))
    @action(detail=False, methods=["get"])
    def satisfaction(self, request: Request) -> Response:
        """满意度 per CM measured, over the surveys sent from ``start`` to ``end``: response rate, NPS,
        CSAT; best NPS first. Refusal: 400 ``source_period_invalid``."""
        query = PeriodQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["start"], query.validated_data["end"]
        return self._page(
            satisfaction_by_cm(user=request.user, start=start, end=end), SatisfactionRowSerializer
        )

    @extend_schema(responses=FeeIncomeRowSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="fee-income")
    def fee_income(self, request: Request) -> Response:
        """中间业务收入 per CM of the customers the caller sees: offers made, accepted, and the yearly fee
        income expected from the accepted ones; highest first."""
        return self._page(fee_income_by_cm(user=request.user), FeeIncomeRowSerializer)
