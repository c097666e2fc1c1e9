"""交叉销售 for programs: a customer's next best offers (``/api/v1/offers/next/?customer=``: ranked, with the
reasons, what blocks each, whether the marketing consent is missing, the fee income), the offers made
(``/api/v1/offers/``) and their outcome. An offer is made only with a marketing consent in force
(``offer_consent_missing``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from creditdesk.consents.selectors import marketing_allowed
from creditdesk.core.api.ids import IdField
from creditdesk.core.api.schema import may_conflict
from creditdesk.customers.selectors import customer_get_visible
from creditdesk.marketing import selectors, services
from creditdesk.marketing.api.care import CustomerQuerySerializer
from creditdesk.marketing.api.fields import money, text
from creditdesk.marketing.choices import OfferCategory, OfferOutcome
from creditdesk.marketing.models import OfferRecord
from creditdesk.marketing.reports.offers import next_offers_for

DECISIONS = [(value, label) for value, label in OfferOutcome.choices if value != OfferOutcome.OFFERED]
"""The customer's answer to an offer (the schema's ``OfferDecisionEnum``)."""


class OfferSerializer(serializers.ModelSerializer):
    """推荐记录: what was offered, with the reason shown and the fee income expected, and the answer."""

    customer_name = serializers.CharField(read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    fee_income = money(help_text=_("预计年中间业务收入（元）"))
    offered_by_name = serializers.CharField(source="offered_by.get_full_name", read_only=True)

    class Meta:
        model = OfferRecord
        fields = [
            "id",
            "customer",
            "customer_name",
            "category",
            "category_display",
            "reason",
            "fee_income",
            "outcome",
            "outcome_display",
            "note",
            "offered_by",
            "offered_by_name",
            "offered_at",
            "decided_at",
        ]
        read_only_fields = fields


class OfferMakeSerializer(serializers.Serializer):
    customer = IdField(help_text=_("客户编号（您可以维护的客户）"))
    category = serializers.ChoiceField(choices=OfferCategory.choices)


class OfferOutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=DECISIONS, help_text=_("客户的答复：accepted 接受、declined 拒绝")
    )
    note = text(200)


class NextOffersQuerySerializer(serializers.Serializer):
    customer = IdField(help_text=_("客户编号（您可见的客户）"))


class NextOfferSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=OfferCategory.choices)
    label = serializers.CharField()
    eligible = serializers.BooleanField(help_text=_("客户是否符合推荐条件"))
    score = serializers.IntegerField(help_text=_("排序分：产品优先级加上时机因素"))
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text=_("推荐理由（可以对客户说的话）")
    )
    blocked_by = serializers.ListField(child=serializers.CharField(), help_text=_("不符合的原因"))
    consent_missing = serializers.BooleanField(
        help_text=_("客户未授权营销联系：只能答复客户询问，不能主动推荐")
    )
    fee_income = money(help_text=_("预计年中间业务收入（元）"))
    source = serializers.CharField(help_text=_("推荐条件的依据"))
    open_offer = serializers.IntegerField(allow_null=True, help_text=_("已推荐、待客户答复的推荐记录编号"))


class NextOffersSerializer(serializers.Serializer):
    customer = serializers.IntegerField()
    marketing_consent = serializers.BooleanField(help_text=_("是否有有效的营销授权"))
    offers = NextOfferSerializer(many=True, help_text=_("按推荐顺序排列"))


class OfferViewSet(viewsets.GenericViewSet):
    """推荐记录 of the customers the caller sees, latest first (``?customer=`` one customer's)."""

    serializer_class = OfferSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.offers_visible_to(user=self.request.user)

    def _read(self, pk: int) -> dict[str, Any]:
        return OfferSerializer(selectors.offer_get_visible(user=self.request.user, offer_id=pk)).data

    @extend_schema(parameters=[CustomerQuerySerializer])
    def list(self, request: Request) -> Response:
        query = CustomerQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.offers_visible_to(
            user=request.user, customer_id=query.validated_data.get("customer")
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(OfferSerializer(page, many=True).data)

    @extend_schema(request=OfferMakeSerializer, responses={201: OfferSerializer})
    @may_conflict
    def create(self, request: Request) -> Response:
        """推荐 the offer of ``category``, as the ranking has it now. Refusals: 400 ``offer_consent_missing``
        (no marketing consent in force), ``offer_not_eligible`` (``details.blocked_by``), ``offer_unknown``
        (held already, or not in the catalogue); 403 ``customer_read_only``; 409 ``offer_already_open``."""
        data = OfferMakeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offer = services.offer_make(
            actor=request.user,
            customer_id=data.validated_data["customer"],
            category=data.validated_data["category"],
        )
        return Response(self._read(offer.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=OfferOutcomeSerializer, responses=OfferSerializer)
    @action(detail=True, methods=["post"])
    @may_conflict
    def outcome(self, request: Request, pk: str) -> Response:
        """The customer's answer, once. Refusals: 403 ``customer_read_only``; 409 ``offer_decided``."""
        offer = selectors.offer_get_visible(user=request.user, offer_id=pk)
        data = OfferOutcomeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.offer_outcome(
            actor=request.user,
            offer_id=offer.pk,
            outcome=data.validated_data["outcome"],
            note=data.validated_data["note"],
        )
        return Response(self._read(offer.pk))

    @extend_schema(parameters=[NextOffersQuerySerializer], responses=NextOffersSerializer)
    @action(detail=False, methods=["get"], url_path="next", pagination_class=None)
    def next_offers(self, request: Request) -> Response:
        """下一步最佳推荐 for a customer the caller sees: the bank's other products ranked, each with the
        reasons, what keeps the customer from qualifying (``blocked_by``), whether the marketing consent is
        missing, the fee income, and the offer awaiting an answer if one was made."""
        query = NextOffersQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        customer = customer_get_visible(user=request.user, customer_id=query.validated_data["customer"])
        waiting = selectors.open_offers_of(customer=customer)
        offers = [
            {
                "category": offer.category.value,
                "label": str(OfferCategory(offer.category.value).label),
                "eligible": offer.eligible,
                "score": offer.score,
                "reasons": list(offer.reasons),
                "blocked_by": list(offer.blocked_by),
                "consent_missing": offer.consent_missing,
                "fee_income": offer.fee_income,
                "source": offer.source,
                "open_offer": waiting.get(offer.category.value),
            }
            for offer in next_offers_for(customer=customer)
        ]
        body = {"customer": customer.pk, "marketing_consent": marketing_allowed(customer), "offers": offers}
        return Response(NextOffersSerializer(body).data)
