"""Customers for programs: `/api/v1/customers/` — scoped, masked, the same services as the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from creditdesk.core.api.ids import IdField
from creditdesk.core.api.schema import ErrorSerializer, may_conflict
from creditdesk.customers import industries, selectors, sensitive, services
from creditdesk.customers.choices import (
    Channel,
    CustomerKind,
    Gender,
    QualitySegment,
    RateSensitivity,
    RelationshipKind,
    Source,
    TaxCreditGrade,
    TermPreference,
    ValueSegment,
)
from creditdesk.customers.duplicates import likely_duplicates, reason_label
from creditdesk.customers.identity import mask_id, mask_phone
from creditdesk.customers.models import Customer
from creditdesk.customers.services import PROFILE_FIELDS, CustomerInput

SENSITIVE_PROFILE = (
    "monthly_income",
    "monthly_debt_payments",
    "property_value",
    "vehicle_value",
    "credit_report",
    "annual_revenue",
    "total_assets",
    "provident_fund_base",
)


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice stored blank when unknown, answered ``null`` (a blank string is not one of the enum)."""

    def to_representation(self, value: Any) -> Any:
        return super().to_representation(value) or None


class SizeClassSerializer(serializers.Serializer):
    """规模 (大/中/小/微) computed by 工信部联企业〔2011〕300 号 from the industry and the figures."""

    value = serializers.CharField(help_text="large / medium / small / micro")
    label = serializers.CharField(help_text="大型 / 中型 / 小型 / 微型")
    reason = serializers.CharField(help_text="依据：所属行业及该规模的划型条件（不含营业收入等敏感数据）")


class CustomerSerializer(serializers.ModelSerializer):
    """A customer as programs see it: ID and phone masked; income, debt payments, asset values, the
    credit report, the revenue and assets and the 公积金 base never shown — only whether each is recorded
    (``sensitive_recorded``). A business's size class and 经营年限 are computed from the record."""

    gender = BlankAsNullChoiceField(
        choices=Gender.choices, read_only=True, allow_null=True, help_text="由身份证号得出；未知时为 null"
    )
    tax_credit_grade = BlankAsNullChoiceField(
        choices=TaxCreditGrade.choices,
        read_only=True,
        allow_null=True,
        help_text="纳税信用等级；未登记时为 null",
    )
    industry_label = serializers.SerializerMethodField()
    business_years = serializers.SerializerMethodField()
    size_class = serializers.SerializerMethodField()
    id_number_masked = serializers.SerializerMethodField()
    phone_masked = serializers.SerializerMethodField()
    sensitive_recorded = serializers.SerializerMethodField()
    tag_list = serializers.ListField(child=serializers.CharField(), read_only=True)
    owner_username = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            "kind",
            "name",
            "id_number_masked",
            "phone_masked",
            "birth_date",
            "gender",
            "owner",
            "owner_username",
            *PROFILE_FIELDS,
            "tag_list",
            "founding_date",
            "business_years",
            "industry_code",
            "industry_label",
            "employees",
            "size_class",
            "tax_credit_grade",
            "provident_fund_months",
            "payroll_with_bank",
            "sensitive_recorded",
            "merged_into",
            "created_at",
            "updated_at",
        ]

    def get_id_number_masked(self, obj: Customer) -> str:
        return mask_id(obj.id_number) if obj.id_number else ""

    def get_phone_masked(self, obj: Customer) -> str:
        return mask_phone(obj.phone) if obj.phone else ""

    def get_sensitive_recorded(self, obj: Customer) -> dict[str, bool]:
        return {field: bool(getattr(obj, field)) for field in SENSITIVE_PROFILE}

    def get_industry_label(self, obj: Customer) -> str:
        """The code and its name, "H6210 正餐服务"; empty when no code is recorded."""
        return industries.label(obj.industry_code) if obj.industry_code else ""

    def get_business_years(self, obj: Customer) -> int | None:
        """经营年限: whole years since the founding date (null without one)."""
        return obj.business_years_on(timezone.localdate())

    @extend_schema_field(SizeClassSerializer(allow_null=True))
    def get_size_class(self, obj: Customer) -> dict[str, str] | None:
        result = obj.size_class_result
        if result is None:
            return None
        return {
            "value": result.size_class.value,
            "label": result.size_class.label,
            "reason": selectors.size_class_basis(result),  # the rule, never the (sensitive) figures
        }


@extend_schema_field(
    {"oneOf": [{"type": "string", "maxLength": 20}, {"type": "integer", "minimum": 0, "maximum": 10**20 - 1}]}
)
class AmountTextField(serializers.CharField):
    """An amount as text (``"12000.50"``) or a whole JSON number (``12000``), as DRF's CharField takes
    it (a fractional JSON number is refused); the service checks the value."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=20, required=False, allow_blank=True, default="", **kwargs)


@extend_schema_field(
    {"oneOf": [{"type": "string", "maxLength": 10}, {"type": "integer", "minimum": 0, "maximum": 10**10 - 1}]}
)
class CountTextField(serializers.CharField):
    """A count as text (``"2"``) or a JSON integer; the service checks the value and its range."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=10, required=False, allow_blank=True, default="", **kwargs)


def _amount_field() -> serializers.CharField:
    """An amount in yuan as text (a whole JSON number is accepted too); the service checks it."""
    return AmountTextField()


class CustomerWriteSerializer(serializers.Serializer):
    """The whole record (PUT replaces it: a field left out is cleared — except the ID number, which is
    kept when left out and cannot be cleared once recorded); validated by the service."""

    kind = serializers.ChoiceField(choices=CustomerKind.choices)
    name = serializers.CharField(max_length=100)
    id_number = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        help_text=(
            "身份证号 / 统一社会信用代码。修改（PUT）时不传则保留已登记的号码；已登记的号码不能清除"
            "（传空字符串答 400 id_number_cannot_be_cleared），登记错误时传正确的号码。"
        ),
    )
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    monthly_income = _amount_field()
    quality_segment = serializers.ChoiceField(
        choices=QualitySegment.choices, required=False, default=QualitySegment.STANDARD
    )
    value_segment = serializers.ChoiceField(
        choices=ValueSegment.choices, required=False, default=ValueSegment.MASS
    )
    source = serializers.ChoiceField(choices=Source.choices, required=False, default=Source.NEW)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, default=Channel.OFFLINE)
    channel_detail = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    occupation = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    industry = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    employer = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    address_residential = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    address_business = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    has_property = serializers.BooleanField(required=False, allow_null=True, default=None)
    has_vehicle = serializers.BooleanField(required=False, allow_null=True, default=None)
    term_preference = serializers.ChoiceField(
        choices=TermPreference.choices, required=False, allow_blank=True, default=""
    )
    rate_sensitivity = serializers.ChoiceField(
        choices=RateSensitivity.choices, required=False, allow_blank=True, default=""
    )
    tags = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)
    monthly_debt_payments = _amount_field()
    property_value = _amount_field()
    vehicle_value = _amount_field()
    credit_current_overdue = _amount_field()
    credit_worst_overdue_days = CountTextField()
    credit_inquiries_6m = CountTextField()
    founding_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="成立日期（企业 / 个体工商户），不晚于今天"
    )
    industry_code = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text="GB/T 4754-2017 行业代码，如 H6210（写作 6210 亦可）；查找见 /api/v1/industries/",
    )
    employees = CountTextField(help_text="从业人员数（人）")
    annual_revenue = AmountTextField(help_text="年营业收入（元）")
    total_assets = AmountTextField(help_text="资产总额（元）")
    tax_credit_grade = serializers.ChoiceField(
        choices=TaxCreditGrade.choices, required=False, allow_blank=True, default=""
    )
    provident_fund_months = CountTextField(help_text="公积金连续缴存月数（个人）")
    provident_fund_base = AmountTextField(help_text="公积金缴存基数（元/月，个人）")
    payroll_with_bank = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="本行代发工资（个人）"
    )

    def to_input(self) -> CustomerInput:
        data: dict[str, Any] = self.validated_data
        profile = {f: data[f] for f in PROFILE_FIELDS}
        for flag in ("has_property", "has_vehicle"):
            profile[flag] = {True: "yes", False: "no", None: ""}[data[flag]]
        return CustomerInput(
            kind=data["kind"],
            name=data["name"],
            id_number=data.get("id_number"),  # left out: kept (the service's rule)
            phone=data["phone"],
            monthly_income=data["monthly_income"],
            profile=profile,
            monthly_debt_payments=data["monthly_debt_payments"],
            property_value=data["property_value"],
            vehicle_value=data["vehicle_value"],
            credit_current_overdue=data["credit_current_overdue"],
            credit_worst_overdue_days=data["credit_worst_overdue_days"],
            credit_inquiries_6m=data["credit_inquiries_6m"],
            founding_date=data["founding_date"].isoformat() if data["founding_date"] else "",
            industry_code=data["industry_code"],
            employees=data["employees"],
            annual_revenue=data["annual_revenue"],
            total_assets=data["total_assets"],
            tax_credit_grade=data["tax_credit_grade"],
            provident_fund_months=data["provident_fund_months"],
            provident_fund_base=data["provident_fund_base"],
            payroll_with_bank={True: "yes", False: "no", None: ""}[data["payroll_with_bank"]],
        )


def _unmask_targets() -> list[str]:
    return list(sensitive.targets())


def _unmask_fields() -> list[str]:
    return sorted({field for fields in sensitive.targets().values() for field in fields})


class UnmaskSerializer(serializers.Serializer):
    """查看明文 of one value of the customer in the URL: its own (``target`` "customer", the default) or
    of one of its records (``target`` "need" or "need_debt", and ``target_id``); the reason is checked by the
    service."""

    target = serializers.ChoiceField(choices=["customer"], required=False, default="customer")
    target_id = IdField(required=False, allow_null=True, default=None)
    field = serializers.ChoiceField(
        choices=["id_number"], help_text="字段名；可查看的字段因 target 而异（customer / need / need_debt）"
    )
    reason = serializers.CharField(
        max_length=200, allow_blank=True, help_text="查看理由：至少 4 个字，不能只是数字或标点"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The registry is filled as the apps start (customers, products): read it when asked.
        self.fields["target"].choices = _unmask_targets()
        self.fields["field"].choices = _unmask_fields()


class RelatedPartySerializer(serializers.Serializer):
    """A relationship seen from the customer in the URL; the other party is null outside the scope."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=RelationshipKind.choices)
    kind_label = serializers.CharField()
    role_detail = serializers.CharField()
    note = serializers.CharField()
    direction = serializers.ChoiceField(choices=["outgoing", "incoming"])
    other_customer = serializers.SerializerMethodField()
    text = serializers.CharField()
    can_remove = serializers.BooleanField()
    created_at = serializers.DateTimeField()

    def get_other_customer(self, obj: Any) -> dict[str, Any] | None:
        return {"id": obj.other_id, "name": obj.other_name} if obj.other_id else None


class RelationshipWriteSerializer(serializers.Serializer):
    """``outgoing``: the customer in the URL is the other's <kind>; ``incoming``: the other is its."""

    other_customer = IdField()
    kind = serializers.ChoiceField(choices=RelationshipKind.choices)
    direction = serializers.ChoiceField(choices=["outgoing", "incoming"], default="outgoing")
    role_detail = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class HandoverSerializer(serializers.Serializer):
    customer_ids = serializers.ListField(child=IdField(), allow_empty=False, min_length=1, max_length=1000)
    new_owner = IdField()
    reason = serializers.CharField(max_length=200)


class MergeSerializer(serializers.Serializer):
    duplicate = IdField()
    reason = serializers.CharField(max_length=200)


class MergeUndoSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class LikelyDuplicateSerializer(serializers.Serializer):
    """A likely duplicate of the customer in the URL, with why (codes and labels)."""

    id = serializers.IntegerField(source="customer.pk")
    name = serializers.CharField(source="customer.name")
    kind = serializers.ChoiceField(choices=CustomerKind.choices, source="customer.kind")
    owner_username = serializers.CharField(source="customer.owner.username")
    reasons = serializers.ListField(child=serializers.CharField())
    reason_labels = serializers.ListField(child=serializers.CharField())


class CustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CustomerSerializer

    def get_queryset(self) -> Any:
        query = self.request.query_params.get("q", "").strip()
        return selectors.customer_list(user=self.request.user, query=query)

    def get_object(self) -> Customer:
        # A merged record (left out of the list) still opens by id, like its page: history, undo.
        return selectors.customer_get_visible(user=self.request.user, customer_id=self.kwargs["pk"])

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="姓名、拼音首字母、手机/证件尾号、完整号码")]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=CustomerWriteSerializer, responses={201: CustomerSerializer})
    def create(self, request: Request) -> Response:
        data = CustomerWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        customer = services.customer_create(actor=request.user, data=data.to_input())
        return Response(CustomerSerializer(customer).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CustomerWriteSerializer, responses=CustomerSerializer)
    def update(self, request: Request, pk: str) -> Response:
        """Replace the customer's record (all fields; the ID and phone are validated again)."""
        customer = self.get_object()
        data = CustomerWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        customer = services.customer_update(actor=request.user, customer_id=customer.pk, data=data.to_input())
        return Response(CustomerSerializer(customer).data)

    @extend_schema(
        request=UnmaskSerializer,
        responses={
            200: inline_serializer(
                "UnmaskResponse",
                {
                    "target": serializers.CharField(),
                    "target_id": serializers.IntegerField(),
                    "field": serializers.CharField(),
                    "value": serializers.CharField(),
                },
            ),
            429: OpenApiResponse(
                ErrorSerializer, description="一小时内查看明文次数已达上限（unmask_rate_limited）。"
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def unmask(self, request: Request, pk: str) -> Response:
        """查看明文: one sensitive value of this customer (or of its needs record) in clear, with a reason;
        for those the policy allows (the owner CM, the team lead, the branch's risk manager), audited,
        at most ``CREDITDESK_UNMASK_LIMIT`` a person per hour (429 beyond)."""
        customer = self.get_object()
        data = UnmaskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        target_id = values["target_id"] or customer.pk
        value = services.sensitive_unmask(
            actor=request.user,
            target=values["target"],
            target_id=target_id,
            field=values["field"],
            reason=values["reason"],
            customer_id=customer.pk,
        )
        return Response(
            {"target": values["target"], "target_id": target_id, "field": values["field"], "value": value}
        )

    @extend_schema(methods=["GET"], responses=RelatedPartySerializer(many=True))
    @extend_schema(
        methods=["POST"], request=RelationshipWriteSerializer, responses={201: RelatedPartySerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def relationships(self, request: Request, pk: int) -> Response:
        """关联方, both ways, a page at a time (GET); POST adds one and answers with it (201)."""
        customer = self.get_object()
        if request.method == "POST":
            data = RelationshipWriteSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
            outgoing = values["direction"] == "outgoing"
            added = services.relationship_add(
                actor=request.user,
                from_customer_id=customer.pk if outgoing else values["other_customer"],
                to_customer_id=values["other_customer"] if outgoing else customer.pk,
                kind=values["kind"],
                role_detail=values["role_detail"],
                note=values["note"],
            )
            [party] = [
                p for p in selectors.related_parties(user=request.user, customer=customer) if p.id == added.pk
            ]
            return Response(RelatedPartySerializer(party).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(selectors.related_parties(user=request.user, customer=customer))
        return self.get_paginated_response(RelatedPartySerializer(page, many=True).data)

    @extend_schema(responses={204: None})
    @action(detail=True, methods=["delete"], url_path="relationships/<id:relationship_id>")
    def relationship_remove(self, request: Request, pk: int, relationship_id: int) -> Response:
        customer = self.get_object()
        if not selectors.relationship_involves(relationship_id=relationship_id, customer=customer):
            raise Http404
        services.relationship_remove(actor=request.user, relationship_id=relationship_id)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=HandoverSerializer,
        responses={
            200: inline_serializer(
                "HandoverResponse",
                {
                    "handed_over": serializers.ListField(child=serializers.IntegerField()),
                    "new_owner": serializers.IntegerField(),
                },
            )
        },
    )
    @action(detail=False, methods=["post"])
    def handover(self, request: Request) -> Response:
        """客户移交 (team lead: within the team; branch head: within the branch); all or nothing."""
        data = HandoverSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changed = services.customer_handover(actor=request.user, **data.validated_data)
        return Response(
            {"handed_over": [c.pk for c in changed], "new_owner": data.validated_data["new_owner"]}
        )

    @extend_schema(request=MergeSerializer, responses=CustomerSerializer)
    @action(detail=True, methods=["post"])
    @may_conflict
    def merge(self, request: Request, pk: str) -> Response:
        """合并: ``duplicate`` is merged into this customer (reversible, audited); answers the duplicate."""
        customer = self.get_object()
        data = MergeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        duplicate = services.customer_merge(
            actor=request.user,
            survivor_id=customer.pk,
            duplicate_id=data.validated_data["duplicate"],
            reason=data.validated_data["reason"],
        )
        return Response(CustomerSerializer(duplicate).data)

    @extend_schema(request=MergeUndoSerializer, responses=CustomerSerializer)
    @action(detail=True, methods=["post"])
    @may_conflict
    def unmerge(self, request: Request, pk: str) -> Response:
        """撤销合并 of this (merged) customer; audited."""
        customer = self.get_object()
        data = MergeUndoSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        restored = services.customer_merge_undo(
            actor=request.user, duplicate_id=customer.pk, reason=data.validated_data["reason"]
        )
        return Response(CustomerSerializer(restored).data)

    @extend_schema(responses=LikelyDuplicateSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def duplicates(self, request: Request, pk: str) -> Response:
        """可能重复: likely duplicates of this customer within the caller's scope."""
        customer = self.get_object()
        found = likely_duplicates(user=request.user, customer=customer)
        rows = [
            {
                "customer": other,
                "reasons": reasons,
                "reason_labels": [reason_label(r) for r in reasons],
            }
            for other, reasons in found
        ]
        return Response(LikelyDuplicateSerializer(rows, many=True).data)
