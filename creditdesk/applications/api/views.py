"""Applications for programs: `/api/v1/applications/` — one endpoint per action, the same selectors and
services as the pages; submit and decide honour an ``Idempotency-Key``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from creditdesk.accounts import policy
from creditdesk.applications.choices import (
    ApplicationKind,
    DecisionOutcome,
    PartyRole,
    Recommendation,
    RejectReason,
)
from creditdesk.applications.filtersets import ApplicationFilterSet
from creditdesk.applications.models import (
    Application,
    ApplicationPart,
    ApplicationParty,
    ApprovalStep,
    CommitteeVote,
    ConditionCheck,
    Contract,
    Decision,
    IdentityCheck,
    Interview,
    StageEvent,
)
from creditdesk.applications.models.identity import IdentityResult, InterviewKind
from creditdesk.applications.selectors import application as selectors
from creditdesk.applications.services import application as application_services
from creditdesk.applications.services import approval, signing
from creditdesk.core.actions import Action
from creditdesk.core.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent, request_key
from creditdesk.core.api.ids import IdField
from creditdesk.core.api.schema import may_conflict
from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import parse_amount, parse_rate
from creditdesk.rates.choices import RepaymentMethod

# --- output ------------------------------------------------------------------------------------------------


class PartSerializer(serializers.ModelSerializer):
    product = serializers.CharField(source="product_version.product.code", read_only=True)
    product_version = serializers.IntegerField(source="product_version.number", read_only=True)
    amount = serializers.CharField(read_only=True, help_text=_("元，字符串，两位小数"))
    annual_rate = serializers.CharField(read_only=True, help_text=_("执行年利率（%），字符串"))
    priced_rate = serializers.CharField(read_only=True, help_text=_("产品定价利率（%），字符串"))

    class Meta:
        model = ApplicationPart
        fields = [
            "id",
            "position",
            "product",
            "product_version",
            "amount",
            "term_months",
            "method",
            "annual_rate",
            "priced_rate",
            "price",
            "priced_on",
        ]


class PartySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = ApplicationParty
        fields = ["customer", "name", "role", "relation"]


class DecisionSerializer(serializers.ModelSerializer):
    level = serializers.CharField(source="step.level", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, allow_null=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "level",
            "outcome",
            "decided_by",
            "comment",
            "reason_codes",
            "missing",
            "conditions",
            "changes",
            "concession_bp",
            "concession_reason",
            "decided_at",
        ]


class StepSerializer(serializers.ModelSerializer):
    assigned_to = serializers.CharField(source="assigned_to.username", read_only=True, allow_null=True)

    class Meta:
        model = ApprovalStep
        fields = [
            "id",
            "round",
            "position",
            "level",
            "quorum",
            "assigned_to",
            "started_at",
            "due_at",
            "ended_at",
        ]


class StageEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True)

    class Meta:
        model = StageEvent
        fields = ["from_status", "to_status", "entered_at", "seconds_in_previous", "actor", "note"]


class ApplicationListSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    owner = serializers.CharField(source="owner.username", read_only=True)
    assigned_to = serializers.CharField(source="assigned_to.username", read_only=True, allow_null=True)
    total_amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, allow_null=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "number",
            "kind",
            "customer",
            "customer_name",
            "status",
            "owner",
            "assigned_to",
            "total_amount",
            "stage_entered_at",
            "created_at",
        ]


class ApplicationSerializer(ApplicationListSerializer):
    parts = PartSerializer(many=True, read_only=True)
    parties = PartySerializer(many=True, read_only=True)
    steps = StepSerializer(many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)
    timeline = StageEventSerializer(source="stage_events", many=True, read_only=True)

    class Meta(ApplicationListSerializer.Meta):
        fields = [
            *ApplicationListSerializer.Meta.fields,
            "purpose",
            "purpose_detail",
            "grade",
            "proposal",
            "renews",
            "credit_inquiry",
            "site_visit_notes",
            "business_observations",
            "cash_flow_analysis",
            "risk_points",
            "recommendation",
            "investigation_text",
            "conditions",
            "approval_expires_on",
            "submitted_at",
            "decided_at",
            "current_level",
            "parts",
            "parties",
            "steps",
            "decisions",
            "timeline",
        ]


class IdentityCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = IdentityCheck
        fields = [
            "id",
            "customer",
            "verifier",
            "result",
            "reference",
            "id_expires_on",
            "id_long_term",
            "checked_at",
        ]


class InterviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = Interview
        fields = [
            "id",
            "customer",
            "kind",
            "held_at",
            "place",
            "second_witness",
            "recording_reference",
            "conducted_by",
        ]


class VoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommitteeVote
        fields = ["id", "member", "vote", "comment", "voted_at"]


class ConditionCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConditionCheck
        fields = ["id", "items", "passed", "checked_by", "checked_at"]


class ContractSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contract
        fields = ["id", "number", "value_date", "content", "pdf_sha256", "signed_by", "signed_at", "place"]


# --- input -------------------------------------------------------------------------------------------------


AMOUNT_HELP = _('元，字符串，最多两位小数；可写 "300,000"、"30万"、"1.5万元"')
RATE_HELP = _('执行年利率（%），字符串，最多四位小数，如 "3.85"；不填则按产品当日定价，低于定价即为利率优惠')


class PartInputSerializer(serializers.Serializer):
    product = serializers.CharField(max_length=20, trim_whitespace=False, help_text=_("产品代码"))
    amount = serializers.CharField(max_length=30, trim_whitespace=False, help_text=AMOUNT_HELP)
    term_months = serializers.IntegerField(min_value=1, max_value=360)
    method = serializers.ChoiceField(choices=RepaymentMethod.choices)
    annual_rate = serializers.CharField(
        max_length=30, required=False, allow_null=True, trim_whitespace=False, help_text=RATE_HELP
    )
    second_home = serializers.BooleanField(required=False, default=False)


def _amount(text: str, field: str) -> Decimal:
    """An amount as typed, refused with ``amount_invalid`` (not a positive amount to the fen)."""
    try:
        value = parse_amount(text)
    except ValueError:
        value = Decimal(0)
    if value <= 0:
        raise DomainError(
            "amount_invalid", _("金额须为大于 0 的金额（元，最多两位小数）。"), {"field": field}
        )
    return value


def _rate(text: str | None, field: str) -> Decimal | None:
    """A rate in percent as typed (``"3.85"``, ``"3.85%"``), refused with ``rate_invalid``."""
    if text is None or not str(text).strip():
        return None
    try:
        value = (parse_rate(text).value * 100).quantize(Decimal("0.0001"))
    except (ValueError, ArithmeticError):
        value = Decimal(0)
    if not Decimal(0) < value < Decimal(100):
        raise DomainError("rate_invalid", _("年利率须大于 0 且小于 100%。"), {"field": field})
    return value


class PartyInputSerializer(serializers.Serializer):
    customer = IdField()
    role = serializers.ChoiceField(choices=[c for c in PartyRole.choices if c[0] != "borrower"])
    relation = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class ApplicationCreateSerializer(serializers.Serializer):
    customer = IdField()
    kind = serializers.ChoiceField(choices=ApplicationKind.choices, default="new")
    purpose = serializers.CharField(max_length=40)
    purpose_detail = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    parts = PartInputSerializer(many=True)
    parties = PartyInputSerializer(many=True, required=False, default=list)
    proposal = IdField(required=False, allow_null=True, default=None)
    renews = IdField(required=False, allow_null=True, default=None)
    credit_inquiry = IdField(required=False, allow_null=True, default=None)


class InvestigationSerializer(serializers.Serializer):
    purpose_detail = serializers.CharField(max_length=300, required=False, allow_blank=True)
    site_visit_notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    business_observations = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    cash_flow_analysis = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    risk_points = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    recommendation = serializers.ChoiceField(choices=Recommendation.choices, required=False, allow_blank=True)
    investigation_text = serializers.CharField(max_length=20000, required=False, allow_blank=True)


class IdentityCheckInputSerializer(serializers.Serializer):
    customer = IdField()
    result = serializers.ChoiceField(choices=IdentityResult.choices)
    reference = serializers.CharField(max_length=100)
    id_expires_on = serializers.DateField(required=False, allow_null=True, default=None)
    id_long_term = serializers.BooleanField(required=False, default=False)


class InterviewInputSerializer(serializers.Serializer):
    customer = IdField()
    kind = serializers.ChoiceField(choices=InterviewKind.choices)
    held_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200)
    second_witness = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    recording_reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class SubmitSerializer(serializers.Serializer):
    concession_reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ChangeSerializer(serializers.Serializer):
    part = IdField()
    amount = serializers.CharField(
        max_length=30, required=False, trim_whitespace=False, help_text=AMOUNT_HELP
    )
    annual_rate = serializers.CharField(
        max_length=30, required=False, trim_whitespace=False, help_text=_("调整后执行年利率（%），字符串")
    )
    term_months = serializers.IntegerField(min_value=1, max_value=360, required=False)


class DecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=DecisionOutcome.choices)
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    reason_codes = serializers.ListField(
        child=serializers.ChoiceField(choices=RejectReason.choices), required=False, default=list
    )
    missing = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, default=list, max_length=50
    )
    conditions = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, default=list, max_length=50
    )
    changes = ChangeSerializer(many=True, required=False, default=list)
    concession_reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class VoteInputSerializer(serializers.Serializer):
    vote = serializers.ChoiceField(choices=CommitteeVote.Vote.choices)
    comment = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ConditionItemSerializer(serializers.Serializer):
    condition = serializers.CharField(max_length=500)
    met = serializers.BooleanField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ConditionCheckInputSerializer(serializers.Serializer):
    items = ConditionItemSerializer(many=True)


class SignSerializer(serializers.Serializer):
    value_date = serializers.DateField()
    place = serializers.CharField(max_length=200)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


def _changes(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    changes = []
    for row in rows:
        change: dict[str, Any] = {"part": row["part"]}
        if "amount" in row:
            change["amount"] = str(_amount(row["amount"], "changes"))
        if "annual_rate" in row and _rate(row["annual_rate"], "changes") is not None:
            change["annual_rate"] = str(_rate(row["annual_rate"], "changes"))
        if "term_months" in row:
            change["term_months"] = row["term_months"]
        changes.append(change)
    return changes


# --- views -------------------------------------------------------------------------------------------------


class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filterset_class = ApplicationFilterSet

    def get_queryset(self) -> Any:
        return selectors.application_list_visible_to(user=self.request.user).order_by("-created_at", "-id")

    def get_serializer_class(self) -> Any:
        return ApplicationListSerializer if self.action == "list" else ApplicationSerializer

    def get_object(self) -> Application:
        return selectors.application_get_visible(user=self.request.user, application_id=self.kwargs["pk"])

    def _acting(self, *needs: Action) -> Application:
        """The application, after the policy's answer for each of ``needs`` (403 before the body is
        read; out of scope 404)."""
        application = self.get_object()
        for needed in needs or (Action.APPLICATION_WORK,):
            policy.require(self.request.user, needed, application)
        return application

    def _detail(self, application_id: int, code: int = status.HTTP_200_OK) -> Response:
        application = selectors.application_get_visible(user=self.request.user, application_id=application_id)
        return Response(ApplicationSerializer(application).data, status=code)

    @extend_schema(request=ApplicationCreateSerializer, responses={201: ApplicationSerializer})
    def create(self, request: Request) -> Response:
        data = ApplicationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        application = application_services.application_create(
            actor=request.user,
            customer_id=v["customer"],
            kind=v["kind"],
            purpose=v["purpose"],
            purpose_detail=v["purpose_detail"],
            parts=[
                application_services.PartInput(
                    product_code=p["product"].strip().upper(),
                    amount=_amount(p["amount"], "parts"),
                    term_months=p["term_months"],
                    method=p["method"],
                    annual_rate=_rate(p.get("annual_rate"), "parts"),
                    second_home=p.get("second_home", False),
                )
                for p in v["parts"]
            ],
            parties=[
                application_services.PartyInput(
                    customer_id=p["customer"], role=p["role"], relation=p["relation"]
                )
                for p in v["parties"]
            ],
            proposal_id=v["proposal"],
            renews_id=v["renews"],
            credit_inquiry_id=v["credit_inquiry"],
        )
        return self._detail(application.pk, status.HTTP_201_CREATED)

    @extend_schema(request=InvestigationSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    @may_conflict
    def investigation(self, request: Request, pk: str) -> Response:
        """贷前调查: save the investigation report (while the application is editable)."""
        application = self._acting()
        data = InvestigationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application_services.application_update(
            actor=request.user, application_id=application.pk, data=dict(data.validated_data)
        )
        return self._detail(application.pk)

    @extend_schema(request=IdentityCheckInputSerializer, responses={201: IdentityCheckSerializer})
    @action(detail=True, methods=["post"], url_path="identity-checks")
    def identity_checks(self, request: Request, pk: str) -> Response:
        """联网核查: record a party's verification result."""
        application = self._acting()
        data = IdentityCheckInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        check = signing.identity_check_record(
            actor=request.user,
            application_id=application.pk,
            customer_id=v["customer"],
            result=v["result"],
            reference=v["reference"],
            id_expires_on=v["id_expires_on"],
            id_long_term=v["id_long_term"],
        )
        return Response(IdentityCheckSerializer(check).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=InterviewInputSerializer, responses={201: InterviewSerializer})
    @action(detail=True, methods=["post"])
    def interviews(self, request: Request, pk: str) -> Response:
        """面签 / 双录: record an interview of a party."""
        application = self._acting()
        data = InterviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        interview = signing.interview_record(
            actor=request.user, application_id=application.pk, customer_id=v.pop("customer"), **v
        )
        return Response(InterviewSerializer(interview).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=SubmitSerializer, responses=ApplicationSerializer, parameters=[IDEMPOTENCY_PARAMETER]
    )
    @action(detail=True, methods=["post"])
    @may_conflict
    @idempotent("application.submit")
    def submit(self, request: Request, pk: str) -> Response:
        """提交审批 (Idempotency-Key honoured)."""
        application = self._acting()
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        approval.application_submit(
            actor=request.user,
            application_id=application.pk,
            concession_reason=data.validated_data["concession_reason"],
        )
        return self._detail(application.pk)

    @extend_schema(
        request=DecideSerializer, responses={201: DecisionSerializer}, parameters=[IDEMPOTENCY_PARAMETER]
    )
    @action(detail=True, methods=["post"])
    @may_conflict
    @idempotent("application.decide")
    def decisions(self, request: Request, pk: str) -> Response:
        """出具审批意见 at the level the application waits at (Idempotency-Key honoured)."""
        application = self._acting(Action.APPLICATION_DECIDE, Action.APPLICATION_NOT_OWN_CASE)
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        decision = approval.application_decide(
            actor=request.user,
            application_id=application.pk,
            outcome=v["outcome"],
            comment=v["comment"],
            reason_codes=v["reason_codes"],
            missing=v["missing"],
            conditions=v["conditions"],
            changes=_changes(v["changes"]),
            concession_reason=v["concession_reason"],
            idempotency_key=request_key(request) or "",
        )
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=VoteInputSerializer, responses={201: VoteSerializer})
    @action(detail=True, methods=["post"])
    @may_conflict
    def votes(self, request: Request, pk: str) -> Response:
        """贷审会表决 (committee members of the branch)."""
        application = self._acting(Action.COMMITTEE_VOTE)
        data = VoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        vote = approval.committee_vote(
            actor=request.user, application_id=application.pk, **data.validated_data
        )
        return Response(VoteSerializer(vote).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ConditionCheckInputSerializer, responses={201: ConditionCheckSerializer})
    @action(detail=True, methods=["post"], url_path="condition-checks")
    @may_conflict
    def condition_checks(self, request: Request, pk: str) -> Response:
        """放款审核: a risk manager confirms each approval condition."""
        application = self._acting(Action.CONDITIONS_CHECK)
        data = ConditionCheckInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        check = signing.conditions_check(
            actor=request.user, application_id=application.pk, items=data.validated_data["items"]
        )
        return Response(ConditionCheckSerializer(check).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SignSerializer, responses={201: ContractSerializer})
    @action(detail=True, methods=["post"])
    @may_conflict
    def contract(self, request: Request, pk: str) -> Response:
        """签约: record the signing of the loan contract (the contract and its PDF are made)."""
        application = self._acting()
        data = SignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contract = signing.contract_sign(
            actor=request.user, application_id=application.pk, **data.validated_data
        )
        return Response(ContractSerializer(contract).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"], url_path="contract/pdf")
    def contract_pdf(self, request: Request, pk: str) -> HttpResponse:
        """The signed contract's PDF (an attachment)."""
        application = self.get_object()
        contract = Contract.objects.filter(application=application).first()
        if contract is None:
            raise Http404("no contract")
        response = HttpResponse(bytes(contract.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{contract.number}.pdf"'
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(request=WithdrawSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    @may_conflict
    def withdraw(self, request: Request, pk: str) -> Response:
        """撤回 an application not yet signed."""
        application = self._acting()
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application_services.application_withdraw(
            actor=request.user, application_id=application.pk, reason=data.validated_data["reason"]
        )
        return self._detail(application.pk)


class ApprovalQueueView(APIView):
    """审批队列: the applications waiting for the person's decision, the longest waiting first."""

    @extend_schema(responses=ApplicationListSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = selectors.approval_queue(user=request.user)[:500]
        return Response(ApplicationListSerializer(rows, many=True).data)
