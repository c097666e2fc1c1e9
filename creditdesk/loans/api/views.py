"""The loans API: ``POST /api/v1/applications/{id}/disbursements/`` (放款, idempotent), and
``/api/v1/loans/`` — the list, a loan with its schedule, its repayment notice as a PDF. The same
selectors, filters and service as the pages."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, renderers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from creditdesk.core.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent, request_key
from creditdesk.core.api.ids import IdField
from creditdesk.core.api.schema import may_conflict
from creditdesk.loans import selectors, services
from creditdesk.loans.filtersets import LoanFilterSet
from creditdesk.loans.models import Installment, Loan, PaymentMode
from creditdesk.loans.views import pdf_response
from creditdesk.solutions.api.views import PdfRenderer


def _money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=17, decimal_places=2, coerce_to_string=True, read_only=True, **kwargs
    )


def _rate(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=9, decimal_places=4, coerce_to_string=True, read_only=True, **kwargs
    )


class LoanInstallmentSerializer(serializers.ModelSerializer):
    principal = _money()
    interest = _money()
    fee = _money()
    payment = _money(help_text=_("本金 + 利息（费用另计）"))
    balance = _money(help_text=_("本期后剩余本金"))
    principal_paid = _money()
    interest_paid = _money()
    fee_paid = _money()
    penalty = _money(help_text=_("已计罚息"))
    penalty_paid = _money()
    compound = _money(help_text=_("已计复利"))
    compound_paid = _money()

    class Meta:
        model = Installment
        fields = [
            "period",
            "due_date",
            "payment",
            "principal",
            "interest",
            "fee",
            "balance",
            "principal_paid",
            "interest_paid",
            "fee_paid",
            "penalty",
            "penalty_paid",
            "compound",
            "compound_paid",
            "settled_on",
        ]
        read_only_fields = fields


class LoanSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    owner_username = serializers.CharField(source="owner.username", read_only=True)
    principal = _money()
    principal_outstanding = _money()
    annual_rate = _rate(help_text=_("合同年利率（%）"))
    apr = _rate(help_text=_("年化利率（%，IRR 复利，含费用）"))
    method_display = serializers.CharField(source="get_method_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    application = serializers.IntegerField(source="disbursement.application_id", read_only=True)
    interest_receivable = _money()
    penalty_receivable = _money(help_text=_("应收罚息及复利"))
    fee_receivable = _money()
    credit_balance = _money(help_text=_("溢缴款"))
    overdue_principal = _money()
    overdue_interest = _money()
    # the five-category codes as strings: one schema enum per field would name the same choices four times
    risk_class = serializers.CharField(
        read_only=True, help_text=_("五级分类：normal、special_mention、substandard、doubtful、loss")
    )
    risk_class_display = serializers.CharField(source="get_risk_class_display", read_only=True)
    risk_floor = serializers.CharField(read_only=True, help_text=_("规则下限（逾期天数等规则决定）"))
    risk_manual = serializers.CharField(read_only=True, help_text=_("人工认定分类，空为未认定"))
    borrower_floor = serializers.CharField(read_only=True, help_text=_("借款人层面分类下限"))

    class Meta:
        model = Loan
        fields = [
            "id",
            "number",
            "application",
            "customer",
            "customer_name",
            "owner",
            "owner_username",
            "product_version",
            "principal",
            "annual_rate",
            "apr",
            "term_months",
            "method",
            "method_display",
            "value_date",
            "maturity_date",
            "status",
            "status_display",
            "principal_outstanding",
            "schedule_sha256",
            "interest_receivable",
            "penalty_receivable",
            "fee_receivable",
            "credit_balance",
            "overdue_principal",
            "overdue_interest",
            "dpd",
            "max_dpd",
            "oldest_unpaid_due",
            "next_due_date",
            "accrued_through",
            "closed_on",
            "risk_class",
            "risk_class_display",
            "risk_floor",
            "risk_manual",
            "borrower_floor",
        ]
        read_only_fields = fields


class LoanDisbursementSerializer(serializers.Serializer):
    """The disbursement as the API shows it: the payee account only by its last four digits."""

    mode = serializers.CharField(read_only=True)
    amount = _money()
    value_date = serializers.DateField(read_only=True)
    payee_name = serializers.CharField(read_only=True)
    payee_account_tail = serializers.CharField(read_only=True)
    payee_bank = serializers.CharField(read_only=True)
    payment_reference = serializers.CharField(read_only=True)
    disbursed_at = serializers.DateTimeField(read_only=True)


class LoanDetailSerializer(LoanSerializer):
    installments = LoanInstallmentSerializer(many=True, read_only=True)
    disbursement = LoanDisbursementSerializer(read_only=True)

    class Meta(LoanSerializer.Meta):
        fields = [*LoanSerializer.Meta.fields, "disbursement", "installments"]
        read_only_fields = fields


class DisburseSerializer(serializers.Serializer):
    part = IdField(help_text=_("申请中的贷款品种编号"))
    value_date = serializers.DateField(help_text=_("放款日，须与借款合同约定一致"))
    mode = serializers.ChoiceField(choices=PaymentMode.choices)
    payee_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    payee_account = serializers.CharField(max_length=64, help_text=_("收款账号，8–32 位数字"))
    payee_bank = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    payment_reference = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("受托支付所付的交易合同或发票号"),
    )


class DisbursementCreateView(APIView):
    """放款: pay out one part of a signed application and book its loan (201 with the loan). Refusals:
    ``application_not_signed``, ``approval_expired``, ``conditions_not_checked``, ``already_disbursed``
    (409), ``value_date_differs_from_contract``, ``schedule_differs_from_contract``,
    ``entrusted_payment_required``, ``payee_required``, ``payment_reference_required``,
    ``payee_account_invalid``. With an ``Idempotency-Key`` a repeated request returns the first answer."""

    @extend_schema(
        operation_id="applications_disbursements_create",
        request=DisburseSerializer,
        responses={201: LoanDetailSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    @idempotent("loan.disburse")
    @may_conflict
    def post(self, request: Request, id: int) -> Response:
        data = DisburseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        loan = services.loan_disburse(
            actor=request.user,
            application_id=id,
            part_id=values["part"],
            value_date=values["value_date"],
            mode=values["mode"],
            payee_name=values["payee_name"],
            payee_account=values["payee_account"],
            payee_bank=values["payee_bank"],
            payment_reference=values["payment_reference"],
            idempotency_key=request_key(request) or f"api-{uuid.uuid4().hex}",
        )
        loan = selectors.loan_get_visible(user=request.user, loan_id=loan.pk)
        return Response(LoanDetailSerializer(loan).data, status=status.HTTP_201_CREATED)


class LoanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """贷款账户: the list (scoped, filtered), a loan with its schedule, its repayment notice (PDF)."""

    filterset_class = LoanFilterSet

    def get_queryset(self) -> Any:
        return selectors.loan_list_visible_to(user=self.request.user).order_by("-value_date", "-id")

    def get_serializer_class(self) -> Any:
        return LoanDetailSerializer if self.action == "retrieve" else LoanSerializer

    def get_object(self) -> Loan:
        return selectors.loan_get_visible(user=self.request.user, loan_id=self.kwargs["pk"])

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, "还款通知书 PDF")}
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="repayment-notice",
        renderer_classes=[renderers.JSONRenderer, PdfRenderer],
    )
    def repayment_notice(self, request: Request, pk: str) -> HttpResponse:
        """还款通知书 as a PDF: the borrower, the loan, each instalment, the account to keep funded."""
        return pdf_response(self.get_object())
