"""The prepayment and restructuring API (提前还款与贷款重组), mounted under ``/api/v1/``: the early
settlement quote, prepayments (idempotent), the extension preview and extensions, refinance, and
write-off (propose, decide) with recoveries (idempotent). The same selectors and services as the pages;
refusals in the one error shape (``core.api.errors``); amounts as strings with two decimals."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from creditdesk.accounts import policy
from creditdesk.core.actions import Action
from creditdesk.core.api.idempotency import (
    IDEMPOTENCY_PARAMETER,
    idempotent,
    required_key,
)
from creditdesk.core.api.schema import may_conflict
from creditdesk.finance.prepayment import KeepOption
from creditdesk.loans import selectors
from creditdesk.loans.api.servicing import RepaymentSerializer, _code
from creditdesk.loans.api.views import LoanSerializer, _money
from creditdesk.loans.models import Loan, Repayment, Restructuring, WriteOff
from creditdesk.loans.services.calendar import business_date
from creditdesk.loans.services.prepayment import prepayment_post, settlement_quote
from creditdesk.loans.services.refinance import loan_refinance
from creditdesk.loans.services.restructuring import (
    extension_preview,
    loan_extend,
    recovery_post,
    writeoff_decide,
    writeoff_propose,
)

KEEP = "、".join(f"{value}（{label}）" for value, label in KeepOption.pairs())

# --- serializers ------------------------------------------------------------------------------------------


class QuoteQuerySerializer(serializers.Serializer):
    date = serializers.DateField(
        required=False, help_text=gettext_lazy("试算日期（YYYY-MM-DD），默认当前营业日；须早于到期日")
    )


class SettlementQuoteSerializer(serializers.Serializer):
    """提前结清试算: what the customer pays to close the loan that day (``SettlementQuote.as_dict``)."""

    date = serializers.DateField(read_only=True)
    arrears = serializers.CharField(read_only=True, help_text=gettext_lazy("逾期欠款（本金、利息、费用）"))
    penalty = serializers.CharField(read_only=True, help_text=gettext_lazy("罚息及复利"))
    due_today = serializers.CharField(read_only=True, help_text=gettext_lazy("当日到期未还"))
    principal = serializers.CharField(read_only=True, help_text=gettext_lazy("提前归还的剩余本金"))
    accrued_interest = serializers.CharField(read_only=True, help_text=gettext_lazy("本期应计利息"))
    prepayment_fee = serializers.CharField(read_only=True, help_text=gettext_lazy("提前还款违约金"))
    credit = serializers.CharField(read_only=True, help_text=gettext_lazy("溢缴款（结清后退还，不抵扣）"))
    total = serializers.CharField(read_only=True, help_text=gettext_lazy("合计应还"))


class LoanRepaymentKindSerializer(RepaymentSerializer):
    """A repayment with its kind (提前还款、提前结清、核销后收回…)."""

    kind = _code("类型：regular、prepayment、settlement、recovery、refinance")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status = _code("状态：posted（已入账）、reversed（已冲正）")
    # a recovery is applied to no bucket (empty buckets, and ``recovery``: the amount recovered)
    allocation = serializers.DictField(
        read_only=True,
        help_text=gettext_lazy("冲抵明细：buckets、shares、credit；核销后收回另有 recovery（收回金额）"),
    )

    class Meta(RepaymentSerializer.Meta):
        fields = [*RepaymentSerializer.Meta.fields, "kind", "kind_display"]
        read_only_fields = fields


class PrepaymentCreateSerializer(serializers.Serializer):
    amount = serializers.CharField(
        max_length=30,
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy('提前归还的本金（元），精确到分，如 "20000.00"；null 表示全部结清'),
    )
    keep = serializers.CharField(
        max_length=20, default=KeepOption.TERM.value, help_text=f"部分提前还款后：{KEEP}，默认 term"
    )


class ExtensionQuerySerializer(serializers.Serializer):
    months = serializers.IntegerField(min_value=1, max_value=600, help_text=gettext_lazy("展期月数"))


class ExtensionInstallmentSerializer(serializers.Serializer):
    due_date = serializers.DateField(read_only=True)
    principal = serializers.CharField(read_only=True)
    interest = serializers.CharField(read_only=True)
    payment = serializers.CharField(read_only=True)
    balance = serializers.CharField(read_only=True)


class ExtensionPreviewSerializer(serializers.Serializer):
    """展期试算 (``ExtensionPreview.as_dict``): the limits and the schedule that would replace the open
    instalments."""

    months = serializers.IntegerField(read_only=True)
    limit_months = serializers.IntegerField(read_only=True, help_text=gettext_lazy("累计展期上限（月）"))
    already_extended = serializers.IntegerField(read_only=True, help_text=gettext_lazy("已展期（月）"))
    old_maturity = serializers.DateField(read_only=True)
    new_maturity = serializers.DateField(read_only=True)
    principal = serializers.CharField(read_only=True)
    total_interest = serializers.CharField(read_only=True)
    installments = ExtensionInstallmentSerializer(many=True, read_only=True)


class ExtensionCreateSerializer(serializers.Serializer):
    months = serializers.IntegerField(min_value=1, max_value=600, help_text=gettext_lazy("展期月数"))
    reason = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("展期原因（必填）"),
    )
    financial_difficulty = serializers.BooleanField(
        default=False, help_text=gettext_lazy("是否因借款人财务困难（是则为重组，进入观察期）")
    )


class RestructuringSerializer(serializers.ModelSerializer):
    kind = _code("类型：extension（展期）、refinance（借新还旧）")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    principal = _money()
    done_by = serializers.CharField(source="done_by.username", read_only=True)

    class Meta:
        model = Restructuring
        fields = [
            "id",
            "loan",
            "kind",
            "kind_display",
            "business_date",
            "months",
            "old_maturity",
            "new_maturity",
            "principal",
            "financial_difficulty",
            "observation_ends_on",
            "reason",
            "done_by",
            "done_at",
        ]
        read_only_fields = fields


class RefinanceCreateSerializer(serializers.Serializer):
    term_months = serializers.IntegerField(
        min_value=1, max_value=600, help_text=gettext_lazy("新贷款期限（月），须在产品允许范围内")
    )
    method = serializers.CharField(max_length=30, help_text=gettext_lazy("还款方式，须为产品支持的方式"))
    reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="", help_text=gettext_lazy("原因（必填）")
    )
    financial_difficulty = serializers.BooleanField(default=False)


class WriteOffSerializer(serializers.ModelSerializer):
    status = _code("状态：proposed（待审批）、approved（已核销）、rejected（已否决）")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    proposed_by = serializers.CharField(source="proposed_by.username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, allow_null=True)
    principal = _money()
    interest = _money()
    penalty = _money()
    fee = _money()
    recovered = _money()

    class Meta:
        model = WriteOff
        fields = [
            "id",
            "loan",
            "status",
            "status_display",
            "reason",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "business_date",
            "principal",
            "interest",
            "penalty",
            "fee",
            "recovered",
        ]
        read_only_fields = fields


class WriteOffProposeSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("核销理由（必填）"),
    )


class WriteOffDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text=gettext_lazy("true 同意核销，false 否决"))


class RecoveryCreateSerializer(serializers.Serializer):
    amount = serializers.CharField(
        max_length=30, help_text=gettext_lazy('收回金额（元），精确到分，如 "1000.00"')
    )


REUSED = OpenApiResponse(description="同一幂等键已用于另一个不同的请求（idempotency_key_reused）。")


# --- views ------------------------------------------------------------------------------------------------


class LoanSettlementQuoteView(GenericAPIView):
    """提前结清试算 for ``date`` (default: the business date) — whoever sees the loan. Refusal:
    ``quote_date_invalid`` (before the business date, or on or after maturity)."""

    serializer_class = SettlementQuoteSerializer
    queryset = Loan.objects.none()
    pagination_class = None

    @extend_schema(
        operation_id="loans_settlement_quote_retrieve",
        parameters=[QuoteQuerySerializer],
        responses={200: SettlementQuoteSerializer},
    )
    def get(self, request: Request, id: int) -> Response:
        loan = selectors.loan_get_visible(user=request.user, loan_id=id)
        query = QuoteQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        on = query.validated_data.get("date") or business_date()
        quote = settlement_quote(loan=loan, on=on)
        return Response(SettlementQuoteSerializer(quote.as_dict()).data)


class LoanPrepaymentsView(GenericAPIView):
    """提前还款 on the business date: ``amount`` of principal (``null``: 全部结清), the customer keeping the
    term or the payment; ``Idempotency-Key`` header required (the repayment's own key). 201 with the
    repayment. Refusals: ``idempotency_key_required``, ``amount_invalid``, ``amount_not_positive``,
    ``keep_unknown``, ``prepayment_with_arrears`` (409), ``prepayment_current_due_unpaid`` (409),
    ``loan_closed`` (409), ``idempotency_key_reused`` (422)."""

    serializer_class = LoanRepaymentKindSerializer
    queryset = Repayment.objects.none()

    @extend_schema(
        operation_id="loans_prepayments_create",
        request=PrepaymentCreateSerializer,
        responses={201: LoanRepaymentKindSerializer, 422: REUSED},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    @idempotent("prepayment.post")
    @may_conflict
    def post(self, request: Request, id: int) -> Response:
        loan = selectors.loan_get_visible(user=request.user, loan_id=id)
        policy.require(request.user, Action.REPAYMENT_POST, loan)
        key = required_key(
            request, _("提前还款须在请求头中提供 Idempotency-Key（同一笔提前还款重发时使用同一个键）。")
        )
        data = PrepaymentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        repayment = prepayment_post(
            actor=request.user, loan_id=id, amount=values["amount"], keep=values["keep"], idempotency_key=key
        )
        shown = selectors.repayment_get_visible(user=request.user, repayment_id=repayment.pk)
        return Response(LoanRepaymentKindSerializer(shown).data, status=status.HTTP_201_CREATED)


class LoanExtensionPreviewView(GenericAPIView):
    """展期试算 (a risk manager of the loan's branch): the limits and the new schedule for ``months``.
    Refusals: ``months_invalid``, ``extension_beyond_limit``, ``extension_with_arrears`` (409),
    ``extension_after_maturity`` (409), ``loan_closed`` (409)."""

    serializer_class = ExtensionPreviewSerializer
    queryset = Loan.objects.none()
    pagination_class = None

    @extend_schema(
        operation_id="loans_extension_preview_retrieve",
        parameters=[ExtensionQuerySerializer],
        responses={200: ExtensionPreviewSerializer},
    )
    @may_conflict
    def get(self, request: Request, id: int) -> Response:
        loan = selectors.loan_get_visible(user=request.user, loan_id=id)
        policy.require(request.user, Action.LOAN_RESTRUCTURE, loan)
        query = ExtensionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        preview = extension_preview(loan=loan, months=query.validated_data["months"])
        return Response(ExtensionPreviewSerializer(preview.as_dict()).data)


class LoanExtensionsView(GenericAPIView):
    """展期 (a risk manager of the loan's branch): 201 with the restructuring. Refusals: as the preview,
    and ``reason_required``."""

    serializer_class = RestructuringSerializer
    queryset = Restructuring.objects.none()

    @extend_schema(
        operation_id="loans_extensions_create",
        request=ExtensionCreateSerializer,
        responses={201: RestructuringSerializer},
    )
    @may_conflict
    def post(self, request: Request, id: int) -> Response:
        data = ExtensionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        restructuring = loan_extend(
            actor=request.user,
            loan_id=id,
            months=values["months"],
            reason=values["reason"],
            financial_difficulty=values["financial_difficulty"],
        )
        return Response(RestructuringSerializer(restructuring).data, status=status.HTTP_201_CREATED)


class LoanRefinanceView(GenericAPIView):
    """借新还旧 (a risk manager of the loan's branch): 201 with the new loan. Refusals: ``reason_required``,
    ``term_invalid``, ``method_invalid``, ``loan_closed`` (409)."""

    serializer_class = LoanSerializer
    queryset = Loan.objects.none()

    @extend_schema(
        operation_id="loans_refinance_create",
        request=RefinanceCreateSerializer,
        responses={201: LoanSerializer},
    )
    @may_conflict
    def post(self, request: Request, id: int) -> Response:
        data = RefinanceCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        new = loan_refinance(
            actor=request.user,
            loan_id=id,
            term_months=values["term_months"],
            method=values["method"],
            reason=values["reason"],
            financial_difficulty=values["financial_difficulty"],
        )
        shown = selectors.loan_get_visible(user=request.user, loan_id=new.pk)
        return Response(LoanSerializer(shown).data, status=status.HTTP_201_CREATED)


class LoanWriteOffView(GenericAPIView):
    """核销申请 (a risk manager of the loan's branch) of an NPL loan: 201 with the proposal. Refusals:
    ``reason_required``, ``write_off_not_npl`` (409), ``write_off_exists`` (409), ``loan_closed`` (409)."""

    serializer_class = WriteOffSerializer
    queryset = WriteOff.objects.none()

    @extend_schema(
        operation_id="loans_write_off_create",
        request=WriteOffProposeSerializer,
        responses={201: WriteOffSerializer},
    )
    @may_conflict
    def post(self, request: Request, id: int) -> Response:
        data = WriteOffProposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        write_off = writeoff_propose(actor=request.user, loan_id=id, reason=data.validated_data["reason"])
        shown = selectors.write_off_get_visible(user=request.user, write_off_id=write_off.pk)
        return Response(WriteOffSerializer(shown).data, status=status.HTTP_201_CREATED)


class WriteOffDecisionView(GenericAPIView):
    """核销审批 (the branch head of the loan's branch, not the proposer): 200 with the write-off, approved
    or rejected. Refusal: ``write_off_decided`` (409)."""

    serializer_class = WriteOffSerializer
    queryset = WriteOff.objects.none()

    @extend_schema(
        operation_id="write_offs_decision_create",
        request=WriteOffDecisionSerializer,
        responses={200: WriteOffSerializer},
    )
    @may_conflict
    def post(self, request: Request, id: int) -> Response:
        data = WriteOffDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        writeoff_decide(actor=request.user, write_off_id=id, approve=data.validated_data["approve"])
        shown = selectors.write_off_get_visible(user=request.user, write_off_id=id)
        return Response(WriteOffSerializer(shown).data)


class LoanRecoveriesView(GenericAPIView):
    """核销后收回 on a written-off loan; ``Idempotency-Key`` header required (the repayment's own key).
    201 with the repayment. Refusals: ``idempotency_key_required``, ``amount_invalid``,
    ``amount_not_positive``, ``loan_not_written_off`` (409), ``idempotency_key_reused`` (422)."""

    serializer_class = LoanRepaymentKindSerializer
    queryset = Repayment.objects.none()

    @extend_schema(
        operation_id="loans_recoveries_create",
        request=RecoveryCreateSerializer,
        responses={201: LoanRepaymentKindSerializer, 422: REUSED},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    @idempotent("recovery.post")
    @may_conflict
    def post(self, request: Request, id: int) -> Response:
        loan = selectors.loan_get_visible(user=request.user, loan_id=id)
        policy.require(request.user, Action.REPAYMENT_POST, loan)
        key = required_key(
            request, _("登记核销后收回须在请求头中提供 Idempotency-Key（同一笔款项重发时使用同一个键）。")
        )
        data = RecoveryCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        repayment = recovery_post(
            actor=request.user, loan_id=id, amount=data.validated_data["amount"], idempotency_key=key
        )
        shown = selectors.repayment_get_visible(user=request.user, repayment_id=repayment.pk)
        return Response(LoanRepaymentKindSerializer(shown).data, status=status.HTTP_201_CREATED)
