"""Solutions for programs — the same selectors and services as the pages:

- ``POST /api/v1/matches/`` — a customer's match (their latest need, or a need given in the body, not
  saved): ranked products with reasons and figures, pending, ineligible with failed rules and the what-if,
  combinations;
- ``/api/v1/competitor-offers/`` — the team's competitor quotes (list, record, detail) and
  ``POST …/compare/`` — ours and theirs on the same annualized basis;
- ``/api/v1/proposals/`` — proposals (list scoped, issue, detail) and ``GET …/{id}/pdf/``, the stored PDF.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, renderers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from creditdesk.accounts import scope
from creditdesk.core.api.ids import IdField
from creditdesk.core.api.schema import may_conflict
from creditdesk.core.exceptions import DomainError
from creditdesk.customers.selectors import customer_get_visible
from creditdesk.products import capacity
from creditdesk.products.evaluation import facts_from_json
from creditdesk.rates.choices import RepaymentMethod
from creditdesk.scoring.choices import Grade
from creditdesk.solutions import selectors, services
from creditdesk.solutions.competitors import CompetitorOffer as CoreOffer
from creditdesk.solutions.filtersets import CompetitorOfferFilterSet, ProposalFilterSet
from creditdesk.solutions.models import (
    Answer,
    ChargeKind,
    CollateralNeed,
    CompetitorOffer,
    Proposal,
    QuoteKind,
)

NEED_FACTS = (
    "has_guarantor",
    "has_co_borrower",
    "co_borrower_monthly_income",
    "collateral_prior_liens",
    "home_purchase_order",
)

# --- matching ---------------------------------------------------------------------------------------------


class MatchRequestSerializer(serializers.Serializer):
    customer = IdField(help_text="客户编号（调用者可见的客户）")
    need = serializers.DictField(
        required=False,
        help_text=(
            "可选：按此需求测算（不保存），字段同 /api/v1/needs/；金额写成字符串。"
            "不给则用客户最近一次需求分析"
        ),
    )
    with_what_if = serializers.BooleanField(required=False, default=True)


MatchResponse = inline_serializer(
    "MatchResult",
    {
        "customer": serializers.IntegerField(),
        "need": serializers.IntegerField(allow_null=True, help_text="所用需求分析的编号（给出 need 时为空）"),
        "grade": serializers.ChoiceField(
            choices=Grade.choices, allow_null=True, help_text="最近一次预评估的等级"
        ),
        "assessment": serializers.IntegerField(allow_null=True),
        "on": serializers.DateField(),
        "result": serializers.JSONField(
            help_text="MatchResult.to_dict()：eligible, pending, ineligible, combinations, unpriced"
        ),
    },
)


def _need_input(data: object) -> tuple[capacity.Need, capacity.Capacity, dict[str, Any]]:
    if not isinstance(data, dict):
        raise DomainError("need_not_object", _("need 应为对象。"), {"field": "need"})
    values = {k: v for k, v in data.items() if v is not None and v != ""}
    need = capacity.Need.from_dict(values)
    cap = capacity.Capacity.from_dict(values)
    facts = facts_from_json({k: values[k] for k in NEED_FACTS if k in values})
    return need, cap, facts


class MatchViewSet(viewsets.ViewSet):
    """产品匹配 (with the gap to approval for every ineligible product)."""

    @extend_schema(request=MatchRequestSerializer, responses={200: MatchResponse})  # computed, not saved
    def create(self, request: Request) -> Response:
        data = MatchRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        customer = customer_get_visible(user=request.user, customer_id=values["customer"])
        need_input = _need_input(values["need"]) if "need" in values else None
        found = selectors.customer_match(
            customer=customer, need_input=need_input, with_what_if=values["with_what_if"]
        )
        if found.result is None:
            raise DomainError(
                "match_need_missing",
                _("客户还没有需求分析：请先记录需求，或在请求中给出 need。"),
                {"field": "need"},
            )
        return Response(
            {
                "customer": customer.pk,
                "need": found.need.pk if found.need else None,
                "grade": found.grade,
                "assessment": found.assessment.pk if found.assessment else None,
                "on": found.on.isoformat(),
                "result": found.result.to_dict(),
            }
        )


# --- competitor offers ------------------------------------------------------------------------------------


def _money_field(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(
        max_length=30,
        help_text='元，字符串，最多两位小数；可写 "300,000"、"30万"、"1.5万元"（core.money.parse_amount）',
        **kwargs,
    )


def _percent_field(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(
        max_length=30,
        help_text=(
            '百分数，字符串，最多四位小数（如 "0.5" 即 0.5%）；也可写 "3.85%"、"385bp"、'
            '日息 "万3" / "0.03%/日"、月息 "月息5厘" / "0.5分"（core.money.parse_rate），'
            "按单利折成该字段的期间（年利率字段：日 ×360、月 ×12；月息字段：日 ×30、年 ÷12）。"
            "单写“5厘”分不清月息、年息，返回 competitor_rate_ambiguous"
        ),
        **kwargs,
    )


class CompetitorChargeSerializer(serializers.Serializer):
    """一项放款时的费用或扣款: 名称, 收取方式, 金额（元）或本金的百分比（只填一项）."""

    name = serializers.CharField(max_length=50, allow_blank=True)
    kind = serializers.ChoiceField(
        choices=ChargeKind.choices,
        help_text=(
            "upfront 放款时另付；deducted 从放款金额扣除（砍头息）；"
            "deposit 保证金（到期退还、不计息）；monthly 每月服务费（金额或百分比均为每月）"
        ),
    )
    amount = _money_field(required=False, allow_null=True, allow_blank=True, default=None)
    percent = serializers.CharField(
        max_length=20,
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text='本金的百分比，字符串（"3" 或 "3%" 即 3%）',
    )


class CompetitorOfferSerializer(serializers.ModelSerializer):
    amount = serializers.CharField(read_only=True)
    annual_rate = serializers.CharField(read_only=True, allow_null=True, help_text="%")
    daily_rate = serializers.CharField(read_only=True, allow_null=True, help_text="%/日，按剩余本金")
    monthly_rate = serializers.CharField(read_only=True, allow_null=True, help_text="%/月，按剩余本金")
    monthly_flat_rate = serializers.CharField(read_only=True, allow_null=True, help_text="%/月，按原始本金")
    charges = CompetitorChargeSerializer(many=True, read_only=True)
    prepayment_penalty = serializers.CharField(read_only=True, allow_null=True, help_text="%，按提前归还本金")
    monthly_payment = serializers.CharField(read_only=True, allow_null=True)
    total_repayment = serializers.CharField(read_only=True, allow_null=True)
    upfront_fee = serializers.CharField(read_only=True)
    recorded_by_username = serializers.CharField(source="recorded_by.username", read_only=True)
    converted = serializers.SerializerMethodField()

    class Meta:
        model = CompetitorOffer
        fields = [
            "id",
            "team",
            *services.OFFER_FIELDS,  # what the person records, as the service takes it
            "recorded_by",
            "recorded_by_username",
            "created_at",
            "converted",
        ]

    def get_converted(self, obj: CompetitorOffer) -> dict[str, Any] | None:
        """The quote on the annualized basis (IRR, compound and 单利) with the sentence that says so."""
        from creditdesk.solutions.competitors import competitor_row

        try:
            return competitor_row(obj.as_offer(), obj.quoted_on).to_dict()
        except DomainError:
            return None


class CompetitorOfferWriteSerializer(serializers.Serializer):
    institution = serializers.CharField(max_length=100)
    product_name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=QuoteKind.choices)
    amount = _money_field()
    term_months = serializers.IntegerField()
    method = serializers.ChoiceField(
        choices=RepaymentMethod.choices, required=False, default=RepaymentMethod.EQUAL_INSTALLMENT
    )
    annual_rate = _percent_field(required=False, allow_null=True, allow_blank=True, default=None)
    daily_rate = _percent_field(
        required=False, allow_null=True, allow_blank=True, default=None, label="日息（%/日，按剩余本金）"
    )
    monthly_rate = _percent_field(
        required=False, allow_null=True, allow_blank=True, default=None, label="月息（%/月，按剩余本金）"
    )
    monthly_flat_rate = _percent_field(
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        label="分期手续费（%/月，按原始本金）",
    )
    monthly_payment = _money_field(required=False, allow_null=True, allow_blank=True, default=None)
    total_repayment = _money_field(required=False, allow_null=True, allow_blank=True, default=None)
    upfront_fee = _money_field(required=False, allow_null=True, allow_blank=True, default=None)
    charges = CompetitorChargeSerializer(many=True, required=False, default=list)
    approval_days = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="审批时间（天，0–365）"
    )
    documents = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    prepayment_terms = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    prepayment_penalty = serializers.CharField(
        max_length=20,
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text='提前还款违约金，提前归还本金的百分比（"1" 即 1%）',
    )
    collateral = serializers.ChoiceField(
        choices=CollateralNeed.choices, required=False, default=CollateralNeed.UNKNOWN
    )
    entrusted_payment = serializers.ChoiceField(
        choices=Answer.choices, required=False, default=Answer.UNKNOWN
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    quoted_on = serializers.DateField(required=False, allow_null=True, default=None)


class CompareRequestSerializer(serializers.Serializer):
    customer = IdField(required=False, help_text="可选：本行按该客户最近需求的前 3 个方案参与对比")
    offers = serializers.ListField(
        child=IdField(), required=False, default=list, help_text="团队已登记的竞品报价编号"
    )
    quotes = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text=(
            "可选：临时报价列表（不保存），字段同 CompetitorOffer，利率为小数（0.005 即 0.5%）；"
            "charges 中 percent 也为小数（0.03 即本金的 3%），facts 为非价格因素"
        ),
    )


ComparisonResponse = inline_serializer(
    "Comparison",
    {
        "rows": serializers.JSONField(
            help_text=(
                "按年化利率从低到高：side, label, quoted, apr_compound, apr_simple, disbursed, net_received, "
                "total_cost, facts（审批时间、材料、提前还款、抵押担保、受托支付）, warnings …"
            )
        ),
        "summary": serializers.CharField(),
    },
)


class CompetitorOfferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """竞品报价: the team's quotes (``?kind=``, ``?q=``), record one (customer managers and team leads), and
    compare them with ours for a customer's need."""

    serializer_class = CompetitorOfferSerializer
    filterset_class = CompetitorOfferFilterSet

    def get_queryset(self) -> Any:
        return selectors.competitor_offer_list_visible_to(user=self.request.user)

    def get_object(self) -> CompetitorOffer:
        return selectors.competitor_offer_get_visible(user=self.request.user, offer_id=self.kwargs["pk"])

    @extend_schema(request=CompetitorOfferWriteSerializer, responses={201: CompetitorOfferSerializer})
    def create(self, request: Request) -> Response:
        data = CompetitorOfferWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offer = services.competitor_offer_record(actor=request.user, data=data.validated_data)
        return Response(CompetitorOfferSerializer(offer).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CompareRequestSerializer, responses=ComparisonResponse)
    @action(detail=False, methods=["post"])
    def compare(self, request: Request) -> Response:
        """Ours (the customer's top options) and theirs on the same annualized basis (IRR)."""
        data = CompareRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        found = None
        if values.get("customer") is not None:
            customer = customer_get_visible(user=request.user, customer_id=values["customer"])
            found = selectors.customer_match(customer=customer, with_what_if=False)
        wanted = values["offers"]
        offers = list(self.get_queryset().filter(pk__in=wanted))
        if len(offers) != len(set(wanted)):
            raise DomainError(
                "competitor_offer_unknown", _("有竞品报价不存在或不在您的权限范围内。"), {"field": "offers"}
            )
        theirs = [o.as_offer() for o in offers]
        quotes = values.get("quotes") or []
        if not isinstance(quotes, list):
            raise DomainError("competitor_quotes_not_list", _("quotes 应为列表。"), {"field": "quotes"})
        theirs += [CoreOffer.from_dict(q if isinstance(q, dict) else {}) for q in quotes]
        comparison = selectors.competitor_comparison(found=found, theirs=theirs)
        if not comparison.rows:
            raise DomainError("compare_nothing", _("没有可比较的报价。"), {"field": "offers"})
        return Response(comparison.to_dict())


# --- proposals --------------------------------------------------------------------------------------------


class ProposalOptionSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    product = serializers.CharField(source="product_version.product.code")
    version = serializers.IntegerField(source="product_version.number")
    amount = serializers.CharField()
    term_months = serializers.IntegerField()
    method = serializers.ChoiceField(choices=RepaymentMethod.choices)
    annual_rate = serializers.CharField(help_text="%")
    apr = serializers.CharField(help_text="年化利率，%，IRR 复利")


class ProposalSerializer(serializers.ModelSerializer):
    created_by_username = serializers.CharField(source="created_by.username", read_only=True)
    title = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "number",
            "customer",
            "need",
            "title",
            "pdf_sha256",
            "pdf_url",
            "created_by",
            "created_by_username",
            "created_at",
        ]

    def get_title(self, obj: Proposal) -> str:
        return str(obj.content.get("title", ""))

    def get_pdf_url(self, obj: Proposal) -> str:
        return f"/api/v1/proposals/{obj.pk}/pdf/"


class ProposalDetailSerializer(ProposalSerializer):
    content = serializers.JSONField(read_only=True, help_text="出具时展示的全部内容（快照）")
    options = ProposalOptionSerializer(many=True, read_only=True)

    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "options", "content"]


class ProposalWriteSerializer(serializers.Serializer):
    customer = IdField()
    products = serializers.ListField(
        child=serializers.CharField(max_length=32, trim_whitespace=False),  # "\u00a0": an unknown product
        min_length=1,
        max_length=2,
        help_text="一个产品代码，或组合方案中的两个产品代码",
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,  # the service trims and refuses with its own codes
        help_text="致客户的说明（不超过 300 字，印在方案书上，经合规检查）",
    )


class PdfRenderer(renderers.BaseRenderer):
    """Passes the stored PDF through; an error (a dict) is still written as the one JSON error shape."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:  # an error: JSON, and said so (not application/pdf)
            response["Content-Type"] = renderers.JSONRenderer.media_type
        return renderers.JSONRenderer().render(data)


class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """方案书: list (``?customer=``), issue one (the customer's manager or team lead; refused for a product
    the customer fails: ``proposal_product_ineligible``), detail with the snapshot, the stored PDF."""

    filterset_class = ProposalFilterSet

    def get_queryset(self) -> Any:
        return selectors.proposal_list_visible_to(user=self.request.user).order_by("-created_at", "-id")

    def get_serializer_class(self) -> Any:
        return ProposalDetailSerializer if self.action == "retrieve" else ProposalSerializer

    def get_object(self) -> Proposal:
        queryset = self.get_queryset().prefetch_related("options__product_version__product")
        return scope.get_visible_or_404(self.request.user, queryset, pk=self.kwargs["pk"])

    @extend_schema(request=ProposalWriteSerializer, responses={201: ProposalDetailSerializer})
    def create(self, request: Request) -> Response:
        data = ProposalWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        proposal = services.proposal_create(
            actor=request.user,
            customer_id=values["customer"],
            products=values["products"],
            note=values.get("note", ""),
        )
        proposal = (
            self.get_queryset().prefetch_related("options__product_version__product").get(pk=proposal.pk)
        )
        return Response(ProposalDetailSerializer(proposal).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, "方案书 PDF")})
    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer, PdfRenderer])
    @may_conflict
    def pdf(self, request: Request, pk: str) -> HttpResponse:
        """The PDF as issued, byte for byte (audited as a print)."""
        proposal, document = services.proposal_print(actor=request.user, proposal_id=pk)
        response = HttpResponse(document, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{proposal.number}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response
