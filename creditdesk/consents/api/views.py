"""Consents and credit inquiries for programs: `/api/v1/consents/`, `/api/v1/credit-inquiries/` — scoped
through the customer, the same filters and services as the pages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from creditdesk.accounts import scope
from creditdesk.consents import selectors, services
from creditdesk.consents.choices import (
    CONSENT_PURPOSE_CHOICES,
    ConsentChannel,
    ConsentKind,
    ConsentState,
    Purpose,
)
from creditdesk.consents.filtersets import ConsentFilterSet, CreditInquiryFilterSet
from creditdesk.consents.models import Consent, CreditInquiry, CreditReportSummary
from creditdesk.core.api.ids import IdField
from creditdesk.core.api.parsers import DecimalJSONParser
from creditdesk.core.api.schema import may_conflict


class ConsentSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField()
    evidence_url = serializers.SerializerMethodField()
    recorded_by_username = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = Consent
        fields = [
            "id",
            "customer",
            "kind",
            "purpose",
            "signed_on",
            "valid_until",
            "channel",
            "state",
            "evidence_url",
            "revoked_at",
            "recorded_by",
            "recorded_by_username",
            "created_at",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=ConsentState.choices))
    def get_state(self, obj: Consent) -> str:
        return str(obj.state(timezone.localdate()))

    def get_evidence_url(self, obj: Consent) -> str | None:
        """The scoped, audited evidence view (never a public media URL)."""
        return reverse("consents:evidence", args=[obj.pk]) if obj.evidence else None


class ConsentWriteSerializer(serializers.Serializer):
    customer = IdField()
    kind = serializers.ChoiceField(choices=ConsentKind.choices)
    purpose = serializers.ChoiceField(
        choices=[("", ""), *CONSENT_PURPOSE_CHOICES], required=False, allow_blank=True, default=""
    )
    signed_on = serializers.DateField()
    valid_until = serializers.DateField()
    channel = serializers.ChoiceField(choices=ConsentChannel.choices)
    evidence = serializers.FileField(required=False, allow_empty_file=True)


class ConsentWriteJsonSerializer(ConsentWriteSerializer):
    """A consent recorded without its evidence (a marketing consent): JSON carries no file."""

    evidence = None


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CreditInquirySerializer(serializers.ModelSerializer):
    requested_by_username = serializers.CharField(source="requested_by.username", read_only=True)

    class Meta:
        model = CreditInquiry
        fields = [
            "id",
            "customer",
            "purpose",
            "consent",
            "requested_by",
            "requested_by_username",
            "requested_at",
            "result_reference",
            "exempt_reason",
        ]


class CreditInquiryWriteSerializer(serializers.Serializer):
    customer = IdField()
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    exempt_reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    result_reference = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ReportSummaryWriteSerializer(serializers.Serializer):
    """征信报告摘要 of one inquiry; amounts in yuan as strings ("1234.50"). ``status_24m``: 24 marks, oldest
    month first, the report month last — N 正常, * 无还款义务, / 无记录, C 结清, 1–7 逾期期数."""

    report_date = serializers.DateField()
    current_overdue = serializers.BooleanField()
    current_overdue_amount = serializers.CharField(
        max_length=30, required=False, allow_blank=True, default=""
    )
    status_24m = serializers.CharField(max_length=60)
    inquiries_6m = serializers.IntegerField(min_value=0, max_value=999)
    debt_count = serializers.IntegerField(min_value=0, max_value=999)
    debt_balance = serializers.CharField(max_length=30)
    monthly_obligation = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    revolving_limit = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        default="",
        help_text="信用卡及循环额度授信总额（元）",
    )
    revolving_used = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        default="",
        help_text="信用卡及循环额度已用额度（元）",
    )


class CreditReportSummarySerializer(serializers.ModelSerializer):
    """The record of a summary, without its content (sensitive: read by the matching, never sent back)."""

    class Meta:
        model = CreditReportSummary
        fields = ["id", "inquiry", "report_date", "recorded_by", "recorded_at"]


class ConsentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """授权书: list (``?customer=``), detail, record (multipart with ``evidence``, or JSON), revoke."""

    serializer_class = ConsentSerializer
    filterset_class = ConsentFilterSet
    parser_classes = [DecimalJSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> Any:
        return selectors.consent_list_visible_to(user=self.request.user).order_by("-signed_on", "-id")

    def get_object(self) -> Consent:
        return scope.get_visible_or_404(self.request.user, self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(
        request={
            "multipart/form-data": ConsentWriteSerializer,
            "application/json": ConsentWriteJsonSerializer,  # JSON cannot carry the evidence file
        },
        responses={201: ConsentSerializer},
    )
    def create(self, request: Request) -> Response:
        data = ConsentWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        consent = services.consent_record(
            actor=request.user,
            customer_id=values["customer"],
            kind=values["kind"],
            purpose=values["purpose"],
            signed_on=values["signed_on"],
            valid_until=values["valid_until"],
            channel=values["channel"],
            evidence=values.get("evidence"),
        )
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RevokeSerializer, responses=ConsentSerializer)
    @action(detail=True, methods=["post"], parser_classes=[DecimalJSONParser])  # no file: JSON only
    @may_conflict
    def revoke(self, request: Request, pk: str) -> Response:
        """撤回授权 (the customer's owner or team lead; once)."""
        consent = self.get_object()
        data = RevokeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consent = services.consent_revoke(
            actor=request.user, consent_id=consent.pk, reason=data.validated_data["reason"]
        )
        return Response(ConsentSerializer(consent).data)


class CreditInquiryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """征信查询记录: list (``?customer=``, ``?purpose=``), detail, request (refused without a valid
    authorization for the purpose: ``no_valid_consent``)."""

    serializer_class = CreditInquirySerializer
    filterset_class = CreditInquiryFilterSet

    def get_queryset(self) -> Any:
        return selectors.inquiry_list_visible_to(user=self.request.user).order_by("-requested_at", "-id")

    def get_object(self) -> CreditInquiry:
        return scope.get_visible_or_404(self.request.user, self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(request=CreditInquiryWriteSerializer, responses={201: CreditInquirySerializer})
    def create(self, request: Request) -> Response:
        data = CreditInquiryWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        inquiry = services.credit_inquiry_request(
            actor=request.user,
            customer_id=values["customer"],
            purpose=values["purpose"],
            exempt_reason=values["exempt_reason"],
            result_reference=values["result_reference"],
        )
        return Response(CreditInquirySerializer(inquiry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReportSummaryWriteSerializer, responses={201: CreditReportSummarySerializer})
    @action(detail=True, methods=["post"], parser_classes=[DecimalJSONParser])
    @may_conflict
    def summary(self, request: Request, pk: str) -> Response:
        """登记征信报告摘要 on this inquiry (once: ``summary_already_recorded``; owner or team lead)."""
        inquiry = self.get_object()
        data = ReportSummaryWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        row = services.credit_report_summary_record(
            actor=request.user,
            inquiry_id=inquiry.pk,
            report_date=values["report_date"],
            current_overdue=values["current_overdue"],
            current_overdue_amount=values["current_overdue_amount"] or None,
            status_24m=values["status_24m"],
            inquiries_6m=values["inquiries_6m"],
            debt_count=values["debt_count"],
            debt_balance=values["debt_balance"],
            monthly_obligation=values["monthly_obligation"] or None,
            revolving_limit=values["revolving_limit"] or None,
            revolving_used=values["revolving_used"] or None,
        )
        return Response(CreditReportSummarySerializer(row).data, status=status.HTTP_201_CREATED)
