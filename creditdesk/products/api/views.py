"""The product library and needs for programs: `/api/v1/products/` (everyone signed in reads; risk managers
and administrators create products and versions, 上架/下架; anyone evaluates a customer they may see or a
set of facts) and `/api/v1/needs/` (scoped through the customer) — the same filters and services as the
pages."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from creditdesk.accounts import scope
from creditdesk.core.api.ids import IdField
from creditdesk.core.api.schema import may_conflict
from creditdesk.core.exceptions import DomainError
from creditdesk.customers.choices import RateSensitivity
from creditdesk.customers.selectors import customer_get_visible
from creditdesk.products import display, selectors, services
from creditdesk.products.choices import CollateralType, LoanPurpose, RuleStatus
from creditdesk.products.evaluation import facts_from_json
from creditdesk.products.filtersets import NeedFilterSet, ProductFilterSet
from creditdesk.products.models import (
    DebtSource,
    HomePurchaseOrder,
    Need,
    NeedDebt,
    Product,
    ProductVersion,
)
from creditdesk.rates.choices import RepaymentMethod

# --- products ---------------------------------------------------------------------------------------------


class ProductVersionSerializer(serializers.ModelSerializer):
    created_by_username = serializers.CharField(source="created_by.username", read_only=True, default=None)

    class Meta:
        model = ProductVersion
        fields = ["number", "note", "created_by", "created_by_username", "created_at"]


class ProductSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="current_version.number", read_only=True, default=None)
    summary = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = ["code", "name", "category", "is_active", "version", "summary", "created_at", "updated_at"]

    def get_summary(self, obj: Product) -> dict[str, Any]:
        """Amount and term ranges, today's rate line, approval days, in the words of the pages."""
        if obj.current_version is None:
            return {}
        spec = obj.current_version.as_spec()
        table = self.context.get("lpr_table", ())
        return {
            "amount": {"min": str(spec.min_amount), "max": str(spec.max_amount)},
            "term_months": {"min": spec.min_term_months, "max": spec.max_term_months},
            "rate": display.rate_summary(
                spec,
                table,
                timezone.localdate(),
                provident_table=self.context.get("provident_table", ()),
            ),
            "approval_days": spec.approval_days,
            "customer_types": list(spec.customer_types),
        }


class ProductDetailSerializer(ProductSerializer):
    spec = serializers.JSONField(source="current_version.spec", read_only=True, default=None)
    rules = serializers.SerializerMethodField()
    versions = serializers.SerializerMethodField()

    class Meta(ProductSerializer.Meta):
        fields = [*ProductSerializer.Meta.fields, "spec", "rules", "versions"]

    def get_rules(self, obj: Product) -> list[dict[str, Any]]:
        """Every rule a customer is checked against, as the sentence the pages show."""
        if obj.current_version is None:
            return []
        return [
            {
                "label": line.label,
                "requirement": line.sentence,
                "source": line.source,
                "element": line.element,
            }
            for line in display.rule_lines(obj.current_version.as_spec())
        ]

    def get_versions(self, obj: Product) -> list[dict[str, Any]]:
        return list(ProductVersionSerializer(selectors.product_versions(product=obj), many=True).data)


class SpecWriteSerializer(serializers.Serializer):
    spec = serializers.DictField(help_text="产品定义（ProductSpec.to_dict 的 JSON 形式）")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ActiveSerializer(serializers.Serializer):
    is_active = serializers.BooleanField()


class EvaluateRequestSerializer(serializers.Serializer):
    customer = IdField(required=False, help_text="客户编号：按客户资料与最近一次需求分析测评")
    facts = serializers.DictField(required=False, help_text="或直接给出客户要素（要素键 → 取值）")
    extra_facts = serializers.DictField(
        required=False,
        help_text="与 customer 同用：补充或覆盖的要素（如 risk_grade）",
    )


_OUTCOME_FIELDS: dict[str, serializers.Field] = {
    "index": serializers.IntegerField(),
    "type": serializers.CharField(),
    "label": serializers.CharField(),
    "status": serializers.ChoiceField(choices=RuleStatus.choices),
    "actual": serializers.JSONField(allow_null=True),
    "threshold": serializers.CharField(),
    "message": serializers.CharField(),
    "missing": serializers.ListField(child=serializers.CharField()),
    "rule": serializers.JSONField(),
}
EvaluationResponse = inline_serializer(
    "ProductEvaluation",
    {
        "product": serializers.CharField(),
        "version": serializers.IntegerField(),
        "customer": serializers.IntegerField(allow_null=True),
        "need": serializers.IntegerField(allow_null=True),
        "status": serializers.ChoiceField(choices=RuleStatus.choices),
        "outcomes": inline_serializer("RuleOutcome", _OUTCOME_FIELDS, many=True),
        "missing_facts": serializers.ListField(child=serializers.CharField()),
        "price": serializers.JSONField(allow_null=True),
        "method": serializers.ChoiceField(choices=RepaymentMethod.choices, allow_null=True),
        "notes": serializers.ListField(child=serializers.CharField()),
    },
)


class ProductViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """产品库: list (``?category=``, ``?is_active=``, ``?q=``), detail (current definition, its rules as
    sentences, versions), create, new version, 上架/下架 (risk managers, administrators), evaluate."""

    filterset_class = ProductFilterSet
    lookup_field = "code"
    lookup_value_converter = "slug"  # [-a-zA-Z0-9_]+, a product code

    def get_queryset(self) -> Any:
        return selectors.product_list()

    def get_serializer_class(self) -> Any:
        return ProductDetailSerializer if self.action == "retrieve" else ProductSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {
            **super().get_serializer_context(),
            "lpr_table": selectors.lpr_table(),
            "provident_table": selectors.provident_table(),
        }

    def get_object(self) -> Product:
        return selectors.product_get(code=self.kwargs["code"])

    @extend_schema(request=SpecWriteSerializer, responses={201: ProductDetailSerializer})
    @may_conflict
    def create(self, request: Request) -> Response:
        """新建产品 (version 1); refusals carry the pure core's code and ``details.field``."""
        data = SpecWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        product = services.product_create(
            actor=request.user, spec=data.validated_data["spec"], note=data.validated_data["note"]
        )
        product = selectors.product_get(code=product.code)
        return Response(
            ProductDetailSerializer(product, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=SpecWriteSerializer, responses={201: ProductDetailSerializer})
    @action(detail=True, methods=["post"])
    def versions(self, request: Request, code: str) -> Response:
        """修订产品: a new version (``note`` required); earlier versions never change."""
        product = self.get_object()
        data = SpecWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.product_version_create(
            actor=request.user,
            code=product.code,
            spec=data.validated_data["spec"],
            note=data.validated_data["note"],
        )
        product = selectors.product_get(code=product.code)
        return Response(
            ProductDetailSerializer(product, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=ActiveSerializer, responses=ProductSerializer)
    @action(detail=True, methods=["post"])
    @may_conflict
    def active(self, request: Request, code: str) -> Response:
        """上架 (``true``) / 下架 (``false``)."""
        product = self.get_object()
        data = ActiveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        product = services.product_set_active(
            actor=request.user, code=product.code, active=data.validated_data["is_active"]
        )
        return Response(ProductSerializer(product, context=self.get_serializer_context()).data)

    @extend_schema(request=EvaluateRequestSerializer, responses=EvaluationResponse)
    @action(detail=True, methods=["post"])
    def evaluate(self, request: Request, code: str) -> Response:
        """准入测评: every rule of the current version with pass / fail / unknown and the sentence for the
        customer — for ``customer`` (one the caller may see: profile + latest need) or for ``facts``."""
        product = self.get_object()
        data = EvaluateRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if ("customer" in values) == ("facts" in values):
            raise DomainError(
                "evaluate_input",
                _("请给出客户编号（customer）或客户要素（facts）之一。"),
                {"field": "customer"},
            )
        need: Need | None = None
        customer_id: int | None = None
        if "customer" in values:
            customer = customer_get_visible(user=request.user, customer_id=values["customer"])
            extra = facts_from_json(values.get("extra_facts") or {})
            result, need = selectors.evaluate_customer(product=product, customer=customer, extra_facts=extra)
            customer_id = customer.pk
        else:
            result = selectors.evaluate_facts(product=product, facts=facts_from_json(values["facts"]))
        return Response({**result.to_dict(), "customer": customer_id, "need": need.pk if need else None})


# --- needs ------------------------------------------------------------------------------------------------


def _money_field(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=20, help_text="元，字符串，最多两位小数", **kwargs)


MASKED_HELP = (
    "敏感金额不以明文返回：已登记时为“已登记”，未登记为 null（明文经客户的查看明文接口，需理由并留痕）"
)
# The need's figures never answered in clear (``Need.audit_sensitive_fields``): ``<name>_masked`` instead.
NEED_SENSITIVE = tuple(Need.audit_sensitive_fields)
NEED_CLEAR_FIELDS = tuple(f for f in services.NEED_AUDIT_FIELDS if f not in NEED_SENSITIVE)
SOURCE_HELP = "负债数据来源：credit_report（征信）或 manual（手工，默认）"
ASSESSMENT_KEYS = ("dti_before", "max_dti", "affordable_payment", "debt_basis", "debt_count", "flags")


def _masked(value: object) -> str | None:
    return None if value is None or value == "" else _("已登记")


class NeedDebtSerializer(serializers.ModelSerializer):
    """One existing debt as answered: everything but the balance, which is masked (``balance_masked``);
    its ``id`` names it to the customer's 查看明文 endpoint (``target`` "need_debt", ``field`` "balance")."""

    annual_rate = serializers.SerializerMethodField(help_text="年利率，小数写成的字符串（0.036 即 3.6%）")
    balance_masked = serializers.SerializerMethodField(help_text=MASKED_HELP)
    source = serializers.CharField(read_only=True, help_text=SOURCE_HELP)

    class Meta:
        model = NeedDebt
        fields = [
            "id",
            "position",
            "label",
            "method",
            "balance_masked",
            "annual_rate",
            "remaining_months",
            "source",
        ]

    def get_annual_rate(self, obj: NeedDebt) -> str:
        return format(obj.as_debt().annual_rate.normalize(), "f")  # "0.036", as it is sent

    def get_balance_masked(self, obj: NeedDebt) -> str | None:
        return _masked(obj.balance)


class NeedSerializer(serializers.ModelSerializer):
    """A need as answered: its own figures, the sensitive amounts masked (``<name>_masked``: "已登记" or
    null), the debts (balances masked), and the capacity figures (DTI before, the ceiling, the largest
    affordable payment, the basis of the existing payments, the warnings)."""

    amount = serializers.CharField(read_only=True)
    collateral_value = serializers.CharField(read_only=True, allow_null=True)
    collateral_prior_liens = serializers.CharField(read_only=True, allow_null=True)
    monthly_income_masked = serializers.SerializerMethodField(help_text=MASKED_HELP)
    monthly_debt_payments_masked = serializers.SerializerMethodField(help_text=MASKED_HELP)
    monthly_revenue_masked = serializers.SerializerMethodField(help_text=MASKED_HELP)
    monthly_costs_masked = serializers.SerializerMethodField(help_text=MASKED_HELP)
    co_borrower_monthly_income_masked = serializers.SerializerMethodField(help_text=MASKED_HELP)
    debts = NeedDebtSerializer(many=True, read_only=True)
    created_by_username = serializers.CharField(source="created_by.username", read_only=True)
    assessment = serializers.SerializerMethodField()

    class Meta:
        model = Need
        fields = [
            "id",
            *NEED_CLEAR_FIELDS,  # the need's own figures, in the form's order
            *(f"{name}_masked" for name in NEED_SENSITIVE),
            "debts",
            "note",
            "assessment",
            "created_by",
            "created_by_username",
            "created_at",
        ]

    def get_monthly_income_masked(self, obj: Need) -> str | None:
        return _masked(obj.monthly_income)

    def get_monthly_debt_payments_masked(self, obj: Need) -> str | None:
        return _masked(obj.monthly_debt_payments)

    def get_monthly_revenue_masked(self, obj: Need) -> str | None:
        return _masked(obj.monthly_revenue)

    def get_monthly_costs_masked(self, obj: Need) -> str | None:
        return _masked(obj.monthly_costs)

    def get_co_borrower_monthly_income_masked(self, obj: Need) -> str | None:
        return _masked(obj.co_borrower_monthly_income)

    @extend_schema_field(
        inline_serializer(
            "NeedAssessment",
            {
                "dti_before": serializers.CharField(allow_null=True, help_text="现负债收入比，四位小数"),
                "max_dti": serializers.CharField(help_text="负债收入比上限"),
                "affordable_payment": serializers.CharField(help_text="可承受的新增月供（元）"),
                "debt_basis": serializers.CharField(help_text="现有月还款的计算依据（逐笔负债或手填合计）"),
                "debt_count": serializers.IntegerField(help_text="逐笔登记的负债笔数"),
                "flags": serializers.ListField(child=serializers.DictField(child=serializers.CharField())),
            },
        )
    )
    def get_assessment(self, obj: Need) -> dict[str, Any]:
        """DTI before (4 places), the ceiling, the largest affordable payment, the basis, warnings — not the
        income counted nor the existing payments, which are sensitive."""
        data = obj.assessment.to_dict()
        return {key: data[key] for key in ASSESSMENT_KEYS}


class NeedDebtWriteSerializer(serializers.Serializer):
    """One existing debt as given; completeness and ranges are checked by the service (a refusal names
    the row: ``details.row``)."""

    label = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    method = serializers.ChoiceField(choices=RepaymentMethod.choices, required=False, allow_null=True)
    balance = _money_field(required=False, allow_null=True)
    annual_rate = serializers.CharField(
        max_length=20, required=False, allow_null=True, help_text="年利率，小数写成的字符串（0.036 即 3.6%）"
    )
    remaining_months = serializers.IntegerField(
        required=False, allow_null=True, help_text="剩余期数（月）；没有固定到期日的额度填 1"
    )
    # Plain text, not an enum: a second "source" enum beside the customer's would collide in the schema.
    source = serializers.CharField(
        max_length=20, required=False, default=DebtSource.MANUAL, help_text=SOURCE_HELP
    )


class NeedWriteSerializer(serializers.Serializer):
    customer = IdField()
    purpose = serializers.ChoiceField(choices=LoanPurpose.choices)
    amount = _money_field()
    term_months = serializers.IntegerField()
    repayment_preference = serializers.ChoiceField(
        choices=RepaymentMethod.choices, required=False, allow_blank=True, default=""
    )
    rate_sensitivity = serializers.ChoiceField(
        choices=RateSensitivity.choices, required=False, default=RateSensitivity.MEDIUM
    )
    collateral_type = serializers.ChoiceField(
        choices=CollateralType.choices, required=False, default=CollateralType.NONE
    )
    collateral_value = _money_field(required=False, allow_null=True, allow_blank=True, default=None)
    collateral_prior_liens = _money_field(required=False, allow_null=True, allow_blank=True, default=None)
    home_purchase_order = serializers.ChoiceField(
        choices=HomePurchaseOrder.choices, required=False, allow_blank=True, default=""
    )
    has_guarantor = serializers.BooleanField(required=False, default=False)
    has_co_borrower = serializers.BooleanField(required=False, default=False)
    co_borrower_monthly_income = _money_field(required=False, allow_null=True, allow_blank=True, default=None)
    monthly_income = _money_field()
    monthly_debt_payments = _money_field(required=False, allow_null=True, allow_blank=True, default=None)
    monthly_revenue = _money_field(required=False, allow_null=True, allow_blank=True, default=None)
    monthly_costs = _money_field(required=False, allow_null=True, allow_blank=True, default=None)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    debts = NeedDebtWriteSerializer(many=True, required=False, default=list)


class NeedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """需求分析: list (``?customer=``, ``?purpose=``), detail with the capacity figures, record (the
    customer's owner or team lead)."""

    serializer_class = NeedSerializer
    filterset_class = NeedFilterSet

    def get_queryset(self) -> Any:
        return (
            selectors.need_list_visible_to(user=self.request.user)
            .prefetch_related("debts")
            .order_by("-created_at", "-id")
        )

    def get_object(self) -> Need:
        return scope.get_visible_or_404(self.request.user, self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(request=NeedWriteSerializer, responses={201: NeedSerializer})
    def create(self, request: Request) -> Response:
        data = NeedWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["debts"] = [dict(debt) for debt in values.get("debts", [])]
        customer_id = values.pop("customer")
        need = services.need_record(actor=request.user, customer_id=customer_id, data=values)
        return Response(NeedSerializer(need).data, status=status.HTTP_201_CREATED)
