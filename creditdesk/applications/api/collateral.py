"""The collateral register and 统一授信 for programs: ``/api/v1/collateral/`` (list, register, detail,
appraisals, prior liens), ``/api/v1/collateral/liens/{id}/release/``, ``/api/v1/pledges/`` (and their
release) and ``/api/v1/applications/{id}/exposure/`` — the same selectors and services as the pages."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from creditdesk.accounts import scope
from creditdesk.applications.models import Collateral, CollateralKind, Pledge
from creditdesk.applications.selectors import collateral as selectors
from creditdesk.applications.selectors.exposure import exposure_for
from creditdesk.applications.services import collateral as services
from creditdesk.core.api.ids import IdField, IdFilter
from creditdesk.core.api.schema import may_conflict


def _money(**kwargs: Any) -> serializers.DecimalField:
    """An amount in yuan, exact to the fen: ``"400000.00"`` (or a JSON number); printed as text."""
    return serializers.DecimalField(max_digits=17, decimal_places=2, coerce_to_string=True, **kwargs)


class PositionSerializer(serializers.Serializer):
    """What the collateral is worth to the bank now."""

    value = _money(allow_null=True, help_text=_("最新评估价值；未评估为 null。"))
    prior_liens = _money(help_text=_("未解押的已有抵押余额合计。"))
    net_value = _money(help_text=_("可抵押价值 = 评估价值 − 已有抵押。"))
    pledged = _money(help_text=_("本行有效押品担保合计。"))
    remaining = _money(help_text=_("剩余可担保价值 = 可抵押价值 − 本行已担保。"))
    ltv = serializers.DecimalField(
        max_digits=7, decimal_places=4, allow_null=True, help_text=_("本行已担保的综合抵质押率。")
    )
    revaluation_due = serializers.BooleanField(help_text=_("已到重估日期且其后未重新评估。"))


class AppraisalSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    appraiser = serializers.CharField(max_length=100)
    appraised_on = serializers.DateField()
    value = _money()


class PriorLienSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    holder = serializers.CharField(max_length=100)
    rank = serializers.IntegerField(min_value=1, max_value=99)
    amount = _money()
    released_on = serializers.DateField(read_only=True, allow_null=True)


class PledgeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    collateral = serializers.IntegerField(source="collateral_id", read_only=True)
    application = serializers.IntegerField(source="application_id", read_only=True)
    amount = _money(read_only=True)
    ltv = serializers.DecimalField(max_digits=7, decimal_places=4, read_only=True)
    pledged_at = serializers.DateTimeField(read_only=True)
    released_at = serializers.DateTimeField(read_only=True, allow_null=True)


class CollateralSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    position = serializers.SerializerMethodField()

    class Meta:
        model = Collateral
        fields = [
            "id",
            "customer",
            "customer_name",
            "kind",
            "kind_display",
            "description",
            "owners",
            "certificate_number",
            "location",
            "next_revaluation_on",
            "created_at",
            "position",
        ]
        read_only_fields = fields

    @extend_schema_field(PositionSerializer)
    def get_position(self, obj: Collateral) -> dict[str, Any]:
        position = selectors.collateral_position(collateral=obj)
        return PositionSerializer(
            {
                "value": position.value,
                "prior_liens": position.prior_liens,
                "net_value": position.net_value,
                "pledged": position.pledged,
                "remaining": position.remaining,
                "ltv": position.ltv,
                "revaluation_due": position.revaluation_due,
            }
        ).data


class CollateralDetailSerializer(CollateralSerializer):
    appraisals = AppraisalSerializer(many=True, read_only=True)
    prior_liens = PriorLienSerializer(many=True, read_only=True)
    pledges = PledgeSerializer(many=True, read_only=True)

    class Meta(CollateralSerializer.Meta):
        fields = [*CollateralSerializer.Meta.fields, "appraisals", "prior_liens", "pledges"]
        read_only_fields = fields


class CollateralCreateSerializer(serializers.Serializer):
    customer = IdField(help_text=_("押品所有权人（客户编号），须为您可维护的客户。"))
    kind = serializers.ChoiceField(choices=CollateralKind.choices)
    description = serializers.CharField(max_length=300)
    owners = serializers.CharField(max_length=300, help_text=_("权属证书上的全部所有权人。"))
    certificate_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    location = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    next_revaluation_on = serializers.DateField(required=False, allow_null=True, default=None)


class PledgeCreateSerializer(serializers.Serializer):
    collateral = IdField(help_text=_("押品编号：须属于申请的借款人、共同借款人或保证人。"))
    application = IdField(help_text=_("申请编号：须为您经办、仍可修改的申请。"))
    amount = _money(
        help_text=_(
            "担保金额（元）：不超过申请金额和押品剩余可担保价值（否则 collateral_value_exceeded），"
            "综合抵质押率不超过产品上限（否则 ltv_above_product_cap）。"
        )
    )


class CollateralFilterSet(django_filters.FilterSet):
    customer = IdFilter(field_name="customer_id", label=_("客户编号"))
    kind = django_filters.ChoiceFilter(choices=CollateralKind.choices, label=_("押品类型"))

    class Meta:
        model = Collateral
        fields = ["customer", "kind"]


class CollateralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """押品: the register of the customers in one's scope (``?customer=`` narrows to one)."""

    serializer_class = CollateralSerializer
    filterset_class = CollateralFilterSet

    def get_queryset(self) -> Any:
        return selectors.collateral_list_visible_to(user=self.request.user).order_by("customer_id", "id")

    def get_serializer_class(self) -> Any:
        return CollateralDetailSerializer if self.action == "retrieve" else CollateralSerializer

    def get_object(self) -> Collateral:
        return selectors.collateral_get_visible(user=self.request.user, collateral_id=self.kwargs["pk"])

    @extend_schema(request=CollateralCreateSerializer, responses={201: CollateralDetailSerializer})
    def create(self, request: Request) -> Response:
        """登记押品 (the customer's CM or team lead)."""
        data = CollateralCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        collateral = services.collateral_register(
            actor=request.user, customer_id=values.pop("customer"), **values
        )
        return Response(CollateralDetailSerializer(collateral).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AppraisalSerializer, responses={201: AppraisalSerializer})
    @action(detail=True, methods=["post"])
    def appraisals(self, request: Request, pk: int) -> Response:
        """登记评估：价值大于零，评估日期不晚于今天。最新日期的评估为准。"""
        collateral = self.get_object()
        data = AppraisalSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appraisal = services.appraisal_record(
            actor=request.user, collateral_id=collateral.pk, **data.validated_data
        )
        return Response(AppraisalSerializer(appraisal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PriorLienSerializer, responses={201: PriorLienSerializer})
    @action(detail=True, methods=["post"])
    def liens(self, request: Request, pk: int) -> Response:
        """登记已有抵押（抵押权人、顺位、担保余额）。"""
        collateral = self.get_object()
        data = PriorLienSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lien = services.prior_lien_record(
            actor=request.user, collateral_id=collateral.pk, **data.validated_data
        )
        return Response(PriorLienSerializer(lien).data, status=status.HTTP_201_CREATED)


class PriorLienReleaseView(APIView):
    @extend_schema(request=None, responses=PriorLienSerializer)
    @may_conflict
    def post(self, request: Request, id: int) -> Response:
        """登记解押（今天）。已解押的再次解押为 409 lien_already_released。"""
        lien = services.prior_lien_release(actor=request.user, lien_id=id)
        return Response(PriorLienSerializer(lien).data)


class PledgeCreateView(APIView):
    @extend_schema(request=PledgeCreateSerializer, responses={201: PledgeSerializer})
    @may_conflict
    def post(self, request: Request) -> Response:
        """登记押品担保：申请须仍可修改（否则 409 application_not_editable）。"""
        data = PledgeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        pledge = services.pledge_create(
            actor=request.user,
            collateral_id=values["collateral"],
            application_id=values["application"],
            amount=values["amount"],
        )
        return Response(PledgeSerializer(pledge).data, status=status.HTTP_201_CREATED)


class PledgeReleaseView(APIView):
    @extend_schema(request=None, responses=PledgeSerializer)
    @may_conflict
    def post(self, request: Request, id: int) -> Response:
        """解除押品担保：仅在申请可修改或已拒绝、撤回、过期时（否则 409 pledge_in_force）。"""
        scope.get_visible_or_404(request.user, Pledge.objects.all(), pk=id)
        pledge = services.pledge_release(actor=request.user, pledge_id=id)
        return Response(PledgeSerializer(pledge).data)


class PartyLineSerializer(serializers.Serializer):
    customer_id = serializers.IntegerField()
    name = serializers.CharField(help_text=_("客户名称；您无权查看的关联客户为空。"))
    relation = serializers.CharField()
    limits = _money(help_text=_("已批未用额度（已批准、调整后批准、已签约的申请）。"))
    balances = _money(help_text=_("贷款余额。"))
    total = _money()


class BreachSerializer(serializers.Serializer):
    scope = serializers.CharField(help_text=_("single（单一客户）或 group（集团 / 关联方）。"))
    total = _money()
    limit = _money()
    excess = _money()
    message = serializers.CharField()


class ExposureSerializer(serializers.Serializer):
    application_id = serializers.IntegerField()
    own = PartyLineSerializer()
    related = PartyLineSerializer(many=True)
    requested = _money()
    single_total = _money()
    group_total = _money()
    single_limit = _money(allow_null=True)
    group_limit = _money(allow_null=True)
    breaches = BreachSerializer(many=True)
    within_limits = serializers.BooleanField()
    balances_known = serializers.BooleanField(help_text=_("贷款余额是否已接入；否则余额按 0 计。"))


class ExposureView(APIView):
    @extend_schema(responses=ExposureSerializer)
    def get(self, request: Request, id: int) -> Response:
        """统一授信：借款人及其关联方的已批未用额度和贷款余额、本申请金额，对照单一客户和集团限额。"""
        application = selectors.application_get_visible(user=request.user, application_id=id)
        return Response(ExposureSerializer(exposure_for(application=application, viewer=request.user)).data)


__all__ = [
    "CollateralViewSet",
    "ExposureView",
    "PledgeCreateView",
    "PledgeReleaseView",
    "PriorLienReleaseView",
]
