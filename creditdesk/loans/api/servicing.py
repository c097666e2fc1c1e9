"""The loan servicing API (贷款核算), mounted under ``/api/v1/``: a loan's schedule with what was paid,
its repayments (list; post, idempotent), a repayment's reversal (冲正), manual classification and its
history, and the end-of-day runs (list, report, run a date). The same selectors and services as the
pages; refusals in the one error shape (``core.api.errors``)."""

from __future__ import annotations

from typing import Any

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
from creditdesk.loans import selectors
from creditdesk.loans.api.views import LoanInstallmentSerializer, LoanSerializer, _money
from creditdesk.loans.choices import RepaymentChannel, RiskClassChoice
from creditdesk.loans.models import (
    ClassificationChange,
    EodRun,
    Installment,
    Loan,
    LoanSnapshot,
    Repayment,
)
from creditdesk.loans.services import snapshots
from creditdesk.loans.services.classification import loan_classify
from creditdesk.loans.services.eod import eod_run
from creditdesk.loans.services.repayments import repayment_post, repayment_reverse
from creditdesk.loans.views.eod import parse_day

# --- serializers ------------------------------------------------------------------------------------------


class AllocationSerializer(serializers.Serializer):
    """How a repayment was applied (``loans.services.sync.describe``)."""

    buckets = serializers.DictField(
        child=serializers.CharField(),
        help_text=gettext_lazy("按项目冲抵的金额：罚息、复利、逾期利息、逾期费用、逾期本金、当期利息…"),
    )
    shares = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=gettext_lazy("逐期明细：[期次, 项目, 金额]"),
    )
    credit = serializers.CharField(help_text=gettext_lazy("记为溢缴款的金额"))


CHANNELS = "、".join(f"{value}（{label}）" for value, label in RepaymentChannel.choices)
RISK_CLASSES = "、".join(f"{value}（{label}）" for value, label in RiskClassChoice.choices)


def _code(help_text: str, **kwargs: Any) -> serializers.CharField:
    """A code field shown as a string with its values listed (one schema enum per choice set would
    collide with the same choices under other field names)."""
    return serializers.CharField(read_only=True, help_text=help_text, **kwargs)


class RepaymentSerializer(serializers.ModelSerializer):
    amount = _money()
    channel = _code(f"还款渠道：{CHANNELS}")
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    allocation = AllocationSerializer(read_only=True)
    posted_by = serializers.CharField(source="posted_by.username", read_only=True)
    reversed_by = serializers.CharField(source="reversed_by.username", read_only=True, allow_null=True)

    class Meta:
        model = Repayment
        fields = [
            "id",
            "loan",
            "value_date",
            "business_date",
            "amount",
            "channel",
            "channel_display",
            "reference",
            "status",
            "status_display",
            "allocation",
            "posted_by",
            "posted_at",
            "reversed_by",
            "reversed_at",
            "reversal_reason",
        ]
        read_only_fields = fields


class RepaymentCreateSerializer(serializers.Serializer):
    amount = serializers.CharField(
        max_length=30, help_text=gettext_lazy('还款金额（元），精确到分，如 "8496.73"')
    )
    value_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=gettext_lazy("起息日，默认当前营业日")
    )
    channel = serializers.CharField(
        max_length=20, default=RepaymentChannel.COUNTER, help_text=f"还款渠道，默认 counter：{CHANNELS}"
    )
    reference = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class ReversalSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("冲正原因（必填）"),
    )


class ClassifySerializer(serializers.Serializer):
    risk_class = serializers.ChoiceField(
        choices=RiskClassChoice.choices,
        allow_null=True,
        help_text=gettext_lazy("认定分类；null 撤销人工认定，恢复为规则下限"),
    )
    reason = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("认定理由（必填）"),
    )


class ClassificationChangeSerializer(serializers.ModelSerializer):
    from_class = _code(f"原分类：{RISK_CLASSES}")
    to_class = _code("新分类")
    floor = _code("当日规则下限")
    changed_by = serializers.CharField(source="changed_by.username", read_only=True, allow_null=True)

    class Meta:
        model = ClassificationChange
        fields = [
            "id",
            "business_date",
            "from_class",
            "to_class",
            "floor",
            "dpd",
            "manual",
            "reason",
            "changed_by",
            "created_at",
        ]
        read_only_fields = fields


class LoanSnapshotSerializer(serializers.ModelSerializer):
    status = _code("贷款状态（日终）")
    risk_class = _code(f"五级分类（日终）：{RISK_CLASSES}")
    principal_outstanding = _money()
    overdue_principal = _money()
    overdue_interest = _money()
    interest_receivable = _money()
    penalty_receivable = _money()
    fee_receivable = _money()
    credit_balance = _money()

    class Meta:
        model = LoanSnapshot
        fields = ["business_date", *snapshots.STATE]
        read_only_fields = fields


class EodRunSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    report = serializers.DictField(
        read_only=True,
        help_text=gettext_lazy(
            "运行报告：处理笔数、按科目记账、按五级分类的余额、不良率、对账差异、提醒条数"
        ),
    )

    class Meta:
        model = EodRun
        fields = [
            "business_date",
            "status",
            "status_display",
            "attempts",
            "steps",
            "started_at",
            "finished_at",
            "report",
        ]
        read_only_fields = fields


class EodRunCreateSerializer(serializers.Serializer):
    business_date = serializers.DateField(help_text=gettext_lazy("要运行的营业日（上一次完成日的次日）"))


# --- views ------------------------------------------------------------------------------------------------


class LoanScheduleView(GenericAPIView):
    """还款计划 with what has been paid of each instalment, its penalty and 复利, and when it was settled."""

    serializer_class = LoanInstallmentSerializer
    queryset = Installment.objects.none()
    pagination_class = None

    @extend_schema(operation_id="loans_schedule_list", responses={200: LoanInstallmentSerializer(many=True)})
    def get(self, request: Request, id: int) -> Response:
        installments = selectors.installments_of_visible_loan(user=request.user, loan_id=id)
        return Response(LoanInstallmentSerializer(installments, many=True).data)


class LoanRepaymentsView(GenericAPIView):
    """A loan's repayments (newest value date first), and 还款登记: ``POST`` with an ``Idempotency-Key``
    header (required: it is also the repayment's own key, so the same payment sent twice is posted once,
    whoever resends it). Refusals: ``idempotency_key_required``, ``amount_invalid``,
    ``amount_not_positive``, ``value_date_in_future``, ``value_date_before_disbursement``,
    ``channel_invalid``, ``reference_too_long``, ``loan_closed`` (409), ``idempotency_key_reused`` (422)."""

    serializer_class = RepaymentSerializer
    queryset = Repayment.objects.none()

    @extend_schema(operation_id="loans_repayments_list", responses={200: RepaymentSerializer(many=True)})
    def get(self, request: Request, id: int) -> Response:
        repayments = selectors.repayments_of_visible_loan(user=request.user, loan_id=id)
        page = self.paginate_queryset(repayments)
        return self.get_paginated_response(RepaymentSerializer(page, many=True).data)

    @extend_schema(
        operation_id="loans_repayments_create",
        request=RepaymentCreateSerializer,
        responses={
            201: RepaymentSerializer,
            422: OpenApiResponse(description="同一幂等键已用于另一笔不同的还款（idempotency_key_reused）。"),
        },
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    @idempotent("repayment.post")
    @may_conflict
    def post(self, request: Request, id: int) -> Response:
        # out of scope 404 and a person who may not post 403 come before the header's 400 (the service
        # asks the same again, under the loan's lock)
        loan = selectors.loan_get_visible(user=request.user, loan_id=id)
        policy.require(request.user, Action.REPAYMENT_POST, loan)
        key = required_key(
            request, _("登记还款须在请求头中提供 Idempotency-Key（同一笔还款重发时使用同一个键）。")
        )
        data = RepaymentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        repayment = repayment_post(
            actor=request.user,
            loan_id=id,
            amount=values["amount"],
            idempotency_key=key,
            value_date=values["value_date"],
            channel=values["channel"],
            reference=values["reference"],
        )
        shown = selectors.repayment_get_visible(user=request.user, repayment_id=repayment.pk)
        return Response(RepaymentSerializer(shown).data, status=status.HTTP_201_CREATED)


class RepaymentReversalView(GenericAPIView):
    """冲正 a repayment (a risk manager of the loan's branch) with a reason: 200 with the repayment, now
    reversed. Refusals: ``reason_required``, ``repayment_already_reversed`` (409), ``loan_closed`` (409)."""

    serializer_class = RepaymentSerializer
    queryset = Repayment.objects.none()

    @extend_schema(
        operation_id="repayments_reversal_create",
        request=ReversalSerializer,
        responses={200: RepaymentSerializer},
    )
    @may_conflict
    def post(self, request: Request, id: int) -> Response:
        data = ReversalSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        repayment_reverse(actor=request.user, repayment_id=id, reason=data.validated_data["reason"])
        shown = selectors.repayment_get_visible(user=request.user, repayment_id=id)
        return Response(RepaymentSerializer(shown).data)


class LoanClassificationView(GenericAPIView):
    """人工认定五级分类 (a risk manager of the loan's branch): a class at or below the rules' floor, or
    ``null`` to withdraw the judgement; 200 with the loan. Refusals: ``reason_required``,
    ``risk_class_invalid``, ``classification_above_floor``, ``loan_closed`` (409)."""

    serializer_class = LoanSerializer
    queryset = Loan.objects.none()

    @extend_schema(
        operation_id="loans_classification_create",
        request=ClassifySerializer,
        responses={200: LoanSerializer},
    )
    @may_conflict
    def post(self, request: Request, id: int) -> Response:
        data = ClassifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        loan_classify(
            actor=request.user, loan_id=id, risk_class=values["risk_class"], reason=values["reason"]
        )
        loan = selectors.loan_get_visible(user=request.user, loan_id=id)
        return Response(LoanSerializer(loan).data)


class LoanClassificationHistoryView(GenericAPIView):
    """A loan's five-category changes, newest first: by the end-of-day rules or a risk manager's judgement."""

    serializer_class = ClassificationChangeSerializer
    queryset = ClassificationChange.objects.none()

    @extend_schema(
        operation_id="loans_classification_history_list",
        responses={200: ClassificationChangeSerializer(many=True)},
    )
    def get(self, request: Request, id: int) -> Response:
        changes = selectors.classification_history_of_visible_loan(user=request.user, loan_id=id)
        page = self.paginate_queryset(changes)
        return self.get_paginated_response(ClassificationChangeSerializer(page, many=True).data)


class LoanSnapshotsView(GenericAPIView):
    """A loan's end-of-day snapshots, newest first: its balances, days past due, status and class at the
    end of every business date on which it changed (its state on a date without one is the latest
    before it)."""

    serializer_class = LoanSnapshotSerializer
    queryset = LoanSnapshot.objects.none()

    @extend_schema(operation_id="loans_snapshots_list", responses={200: LoanSnapshotSerializer(many=True)})
    def get(self, request: Request, id: int) -> Response:
        rows = selectors.snapshots_of_visible_loan(user=request.user, loan_id=id)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(LoanSnapshotSerializer(page, many=True).data)


def _require_reader(request: Request) -> None:
    policy.require(request.user, Action.EOD_READ)


class EodRunListView(GenericAPIView):
    """日终批处理: the runs, newest first (risk managers, branch heads, administrators), and ``POST`` to run
    a business date (``Action.EOD_RUN``): 200 with the run — a date already run returns its run and
    changes nothing. Refusals (409): ``eod_future_date``, ``eod_out_of_order``, ``eod_date_skipped``,
    ``eod_unfinished``."""

    serializer_class = EodRunSerializer
    queryset = EodRun.objects.none()

    @extend_schema(operation_id="eod_runs_list", responses={200: EodRunSerializer(many=True)})
    def get(self, request: Request) -> Response:
        _require_reader(request)
        page = self.paginate_queryset(selectors.eod_runs())
        return self.get_paginated_response(EodRunSerializer(page, many=True).data)

    @extend_schema(
        operation_id="eod_runs_create", request=EodRunCreateSerializer, responses={200: EodRunSerializer}
    )
    @may_conflict
    def post(self, request: Request) -> Response:
        policy.require(request.user, Action.EOD_RUN)
        data = EodRunCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = eod_run(business_date=data.validated_data["business_date"], actor=request.user)
        return Response(EodRunSerializer(run).data)


class EodRunDetailView(GenericAPIView):
    """The run of one business date (YYYY-MM-DD) with its report; 404 when that date has no run."""

    serializer_class = EodRunSerializer
    queryset = EodRun.objects.none()

    @extend_schema(operation_id="eod_runs_retrieve", responses={200: EodRunSerializer})
    def get(self, request: Request, date: str) -> Response:
        _require_reader(request)
        run = selectors.eod_run_get(parse_day(date))
        return Response(EodRunSerializer(run).data)
