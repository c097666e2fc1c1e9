"""Leads for programs: ``/api/v1/leads/`` (with a follow-up plan applied, ``plan/``, and the lead's score,
``score/``) and ``/api/v1/lead-capacities/`` — the same selectors, filter set and services as the pages.
Phones are masked (``mask_phone``); every write is a service, every refusal its domain code (a gate refused:
409 ``lead_stage_gate`` with the ``missing`` requirement keys in ``details``). The rest of the marketing API
is in ``sources`` (campaigns, partners, territories, results), ``care`` (surveys, feedback), ``offers`` and
``knowledge`` (cases, education, plans)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from creditdesk.accounts.models import User
from creditdesk.agenda.api.views import TaskSerializer
from creditdesk.core.api.ids import IdField
from creditdesk.core.api.schema import may_conflict
from creditdesk.core.exceptions import NotFound
from creditdesk.customers.choices import Channel, CustomerKind, ValueSegment
from creditdesk.customers.identity import mask_id, mask_phone
from creditdesk.marketing import assignment, selectors, services
from creditdesk.marketing.api.fields import AmountText, BlankAsNullChoiceField
from creditdesk.marketing.api.fields import optional_id as _id
from creditdesk.marketing.api.fields import text as _text
from creditdesk.marketing.choices import (
    ActivityDirection,
    ActivityKind,
    ActivityOutcome,
    AssignMethod,
    LeadBasis,
    LeadStage,
)
from creditdesk.marketing.filtersets import LeadFilterSet
from creditdesk.marketing.lead_scoring import FEATURES
from creditdesk.marketing.models import Lead, LeadActivity, LeadCapacity
from creditdesk.marketing.services import LeadInput
from creditdesk.marketing.services.assigning import BATCH_MAX
from creditdesk.products.choices import LoanPurpose

LIST_UNREAD = ("phone", "id_number", "notes", "consent_note", "lost_note")
"""What a list row does not show (the encrypted numbers are not even decrypted)."""

# --- what the API answers ----------------------------------------------------------------------------------


class RequirementSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="阶段要求的代码，如 contact_logged")
    label = serializers.CharField(help_text="阶段要求的名称，如 已记录有效联系")


class NextStageSerializer(serializers.Serializer):
    """The stage after the lead's, and what its gate still lacks (empty: the lead may move on)."""

    stage = serializers.ChoiceField(choices=LeadStage.choices)
    label = serializers.CharField()
    missing = RequirementSerializer(many=True)


class LeadSerializer(serializers.ModelSerializer):
    """A lead as a list row: its stage, whether it is stalled (停滞), the next stage and what its gate
    lacks, the owner (null: in the team's pool), the team and the linked customer. No phone: see the
    detail. ``context["cards"]``: the leads' ``selectors.LeadCard`` by id."""

    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    owner_name = serializers.SerializerMethodField()
    team_name = serializers.CharField(source="team.name", read_only=True)
    lost_reason = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text=_("流失原因代码；未流失时为 null。")
    )
    need_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True, help_text=_("意向金额（元）")
    )
    need_purpose = BlankAsNullChoiceField(
        choices=LoanPurpose.choices,
        read_only=True,
        allow_null=True,
        help_text=_("资金用途；未记录时为 null。"),
    )
    stalled = serializers.SerializerMethodField()
    next_stage = serializers.SerializerMethodField()

    class Meta:
        model = Lead
        fields = [
            "id",
            "name",
            "kind",
            "channel",
            "channel_detail",
            "campaign",
            "partner",
            "territory",
            "value_segment",
            "need_purpose",
            "need_amount",
            "stage",
            "stage_display",
            "stalled",
            "next_stage",
            "lost_reason",
            "owner",
            "owner_name",
            "team",
            "team_name",
            "customer",
            "stage_entered_at",
            "last_touched_at",
            "assigned_at",
            "created_at",
        ]
        read_only_fields = fields

    def _card(self, obj: Lead) -> selectors.LeadCard:
        return self.context["cards"][obj.pk]

    def get_owner_name(self, obj: Lead) -> str:
        """The owner's name; empty for a lead in the pool."""
        return obj.owner.get_full_name() if obj.owner else ""

    def get_stalled(self, obj: Lead) -> bool:
        """停滞: open and untouched past its stage's idle time."""
        return self._card(obj).stalled

    @extend_schema_field(NextStageSerializer(allow_null=True))
    def get_next_stage(self, obj: Lead) -> dict[str, Any] | None:
        """null for a lead that is lost or disbursed."""
        step = self._card(obj).next
        if step is None:
            return None
        return {
            "stage": step.stage.value,
            "label": str(step.stage.label),
            "missing": [{"key": r.value, "label": str(r.label)} for r in step.missing],
        }


class LeadDetailSerializer(LeadSerializer):
    """A lead with its masked phone and ID (never in clear), the contact basis and the notes."""

    phone_masked = serializers.SerializerMethodField()
    id_number_masked = serializers.SerializerMethodField()

    class Meta(LeadSerializer.Meta):
        fields = [
            *LeadSerializer.Meta.fields,
            "phone_masked",
            "id_number_masked",
            "basis",
            "consent_note",
            "notes",
            "lost_note",
        ]
        read_only_fields = fields

    def get_phone_masked(self, obj: Lead) -> str:
        return mask_phone(obj.phone) if obj.phone else ""

    def get_id_number_masked(self, obj: Lead) -> str:
        return mask_id(obj.id_number) if obj.id_number else ""


class LeadActivitySerializer(serializers.ModelSerializer):
    created_by_name = serializers.CharField(source="created_by.get_full_name", read_only=True)

    class Meta:
        model = LeadActivity
        fields = [
            "id",
            "lead",
            "kind",
            "direction",
            "happened_at",
            "outcome",
            "notes",
            "location",
            "next_follow_up",
            "task",
            "created_by",
            "created_by_name",
            "created_at",
        ]
        read_only_fields = fields


class CapacitySerializer(serializers.Serializer):
    """A CM's capacity (接单能力): their row or the defaults, and how many leads they were given today."""

    person = serializers.IntegerField(source="person.pk")
    username = serializers.CharField(source="person.username")
    name = serializers.CharField(source="person.get_full_name")
    weight = serializers.IntegerField(help_text=_("接单权重（1–10）"))
    daily_quota = serializers.IntegerField(help_text=_("每日上限"))
    accepting = serializers.BooleanField(help_text=_("是否接收新线索"))
    assigned_today = serializers.IntegerField(source="today", help_text=_("今日已分配/领取的线索数"))


# --- what the API takes ------------------------------------------------------------------------------------


class LeadCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    phone = serializers.CharField(max_length=20, help_text=_("手机号码（11 位，可带 +86 和分隔符）"))
    kind = serializers.ChoiceField(choices=CustomerKind.choices, default=CustomerKind.INDIVIDUAL)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.OFFLINE)
    channel_detail = _text(100)
    basis = serializers.ChoiceField(
        choices=LeadBasis.choices,
        default=LeadBasis.REQUEST,
        help_text=_(
            "联系依据：request 客户主动咨询；consent 已获营销同意（存量客户须有有效的营销授权，"
            "新客户须填写 consent_note）。"
        ),
    )
    consent_note = _text(200)
    id_number = _text(30, help_text=_("身份证号 / 统一社会信用代码（可不填）"))
    value_segment = serializers.ChoiceField(choices=ValueSegment.choices, default=ValueSegment.MASS)
    need_purpose = serializers.ChoiceField(choices=LoanPurpose.choices, required=False, allow_blank=True)
    need_amount = AmountText(default="")
    notes = _text(2000)
    campaign = _id(_("营销活动编号（本支行的）；给出时渠道取活动的渠道。"))
    partner = _id(_("合作渠道编号（本支行的）。"))
    territory = _id(_("片区编号（本支行的；地推等在片区内获得的线索）。"))
    referrer_customer = _id(_("推荐客户编号（转介绍，须在您的权限范围内）。"))
    referrer_staff = _id(_("推荐员工编号（转介绍）。"))
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        pk_field=IdField(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("负责人：默认为自己；团队主管可指定本团队在岗成员。"),
    )
    to_pool = serializers.BooleanField(
        default=False, help_text=_("放入本团队线索池（仅团队主管）；为 true 时忽略 owner。")
    )


class LeadMoveSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=LeadStage.choices)
    lost_reason = _text(40, help_text=_("流失原因代码（转为 lost 时必填）。"))
    lost_note = _text(200)


class LeadNeedSerializer(serializers.Serializer):
    """The need (需求确认 gate: purpose and amount) and the notes; a field left out is kept."""

    need_purpose = serializers.ChoiceField(choices=LoanPurpose.choices, required=False, allow_blank=True)
    need_amount = AmountText()
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class LeadActivityCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    outcome = serializers.ChoiceField(choices=ActivityOutcome.choices)
    direction = serializers.ChoiceField(choices=ActivityDirection.choices, default=ActivityDirection.OUTBOUND)
    happened_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text=_("跟进时间，默认为现在；不能晚于现在。")
    )
    notes = _text(2000, help_text=_("跟进记录（实地走访必填）"))
    location = _text(200, help_text=_("地点（实地走访必填）"))
    next_follow_up = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("下次跟进日期（不早于今天）：在负责人的待办中加一条跟进待办。"),
    )


class LeadCustomerSerializer(serializers.Serializer):
    customer = IdField(help_text=_("客户编号：须在您的权限范围内，且线索负责人也能看到该客户。"))


class LeadAssignSerializer(serializers.Serializer):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        pk_field=IdField(),
        allow_null=True,
        help_text=_("本团队在岗成员的编号；null 表示退回线索池。"),
    )


class AutoAssignSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=AssignMethod.choices)
    lead_ids = serializers.ListField(
        child=IdField(),
        required=False,
        allow_null=True,
        default=None,
        max_length=BATCH_MAX,
        help_text=_("只分配线索池中的这些线索；不填则按录入先后分配整个线索池（每次至多 1000 条）。"),
    )


class AutoAssignResultSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=AssignMethod.choices)
    assigned = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("客户经理编号 → 本次分到的线索数")
    )
    left_in_pool = serializers.IntegerField(help_text=_("额度用完、仍留在线索池的线索数"))


class CapacitySetSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        pk_field=IdField(),
        help_text=_("本团队在岗成员的编号"),
    )
    weight = serializers.IntegerField(min_value=assignment.MIN_WEIGHT, max_value=assignment.MAX_WEIGHT)
    daily_quota = serializers.IntegerField(min_value=0, max_value=500)
    accepting = serializers.BooleanField(default=True)


class LeadPlanSerializer(serializers.Serializer):
    plan = IdField(help_text=_("跟进计划编号（GET /api/v1/activity-plans/ 列出启用的计划）"))


class ScoreFactorSerializer(serializers.Serializer):
    """One attribute of the lead and how much it raised (+) or lowered (−) the score."""

    feature = serializers.CharField(help_text=_("特征代码，如 channel"))
    feature_label = serializers.CharField(help_text=_("特征名称，如 获客渠道"))
    value = serializers.CharField(help_text=_("线索在该特征上的取值，如 转介绍"))
    weight = serializers.FloatField(help_text=_("权重（对数几率）：正数提高评分，负数降低评分"))
    label = serializers.CharField(help_text=_("给客户经理看的一句话，如 获客渠道：转介绍 +0.92"))


class ScoreValueSerializer(serializers.Serializer):
    points = serializers.IntegerField(min_value=0, max_value=100, help_text=_("评分（0–100）"))
    probability = serializers.FloatField(help_text=_("放款概率（0–1）"))
    factors = ScoreFactorSerializer(many=True, help_text=_("影响最大的因素，按影响大小排列"))


class LeadScoreSerializer(serializers.Serializer):
    lead = serializers.IntegerField()
    score = ScoreValueSerializer(
        allow_null=True,
        help_text=_("null：团队（及其支行）已结束的线索太少，尚无评分模型。"),
    )


LeadIntakeSerializer = inline_serializer(
    "LeadIntake",
    {
        "id": serializers.IntegerField(),
        "routed": serializers.BooleanField(
            help_text=_("是否转给了存量客户的客户经理（该客户已有归属客户经理）")
        ),
        "lead": LeadDetailSerializer(
            allow_null=True, help_text=_("录入的线索；转给了您看不到的客户经理时为 null。")
        ),
    },
)


# --- the views ---------------------------------------------------------------------------------------------


class LeadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """线索: the leads the caller sees (a CM their own, a team lead the team's, a branch head and a risk
    manager the branch's); a team's pool (``pool/``) is seen and claimed by its members."""

    serializer_class = LeadSerializer
    filterset_class = LeadFilterSet

    def get_queryset(self) -> Any:
        return selectors.lead_list_visible_to(user=self.request.user).order_by("-last_touched_at", "-id")

    def get_object(self) -> Lead:
        return selectors.lead_get_visible(user=self.request.user, lead_id=self.kwargs["pk"])

    def _page(self, leads: Any) -> Response:
        rows = self.filter_queryset(leads).select_related(None).select_related("owner", "team", "lost_reason")
        page = self.paginate_queryset(rows.defer(*LIST_UNREAD))  # a row shows its customer's id only
        cards = {card.lead.pk: card for card in selectors.lead_cards(page)}
        return self.get_paginated_response(LeadSerializer(page, many=True, context={"cards": cards}).data)

    def _detail(self, lead_id: int) -> dict[str, Any]:
        lead = selectors.lead_get_visible(user=self.request.user, lead_id=lead_id)
        [card] = selectors.lead_cards([lead])
        return LeadDetailSerializer(lead, context={"cards": {lead.pk: card}}).data

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._page(self.get_queryset())

    @extend_schema(responses=LeadDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._detail(self.get_object().pk))

    @extend_schema(request=LeadCreateSerializer, responses={201: LeadIntakeSerializer})
    @may_conflict
    def create(self, request: Request) -> Response:
        """录入线索. Refusals: ``lead_duplicate`` (409: an open lead with the same phone or ID), the fields'
        codes (``lead_name_required``, ``phone_invalid``, ``lead_amount_invalid`` …),
        ``lead_marketing_consent_missing``, ``lead_consent_note_required``, ``lead_create_not_allowed`` and
        ``lead_owner_not_allowed`` (403). A person who is already a customer goes to that customer's
        manager (``routed``); ``lead`` is null when the caller does not see the lead afterwards."""
        data = LeadCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        owner, to_pool = values.pop("owner"), values.pop("to_pool")
        values["need_purpose"] = values.get("need_purpose", "")
        intake = services.lead_create(
            actor=request.user, data=LeadInput(**values), owner=owner, to_pool=to_pool
        )
        try:
            lead = self._detail(intake.lead.pk)
        except NotFound:
            lead = None
        body = {"id": intake.lead.pk, "routed": intake.routed, "lead": lead}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=LeadMoveSerializer, responses=LeadDetailSerializer)
    @action(detail=True, methods=["post"])
    @may_conflict
    def stage(self, request: Request, pk: str) -> Response:
        """阶段推进: one stage forward through its gate, one back, to ``lost`` with a reason, ``lost`` back
        to ``new``. Refusals: 409 ``lead_stage_gate`` (``details.missing``: the requirement keys not met,
        ``details.labels`` their names), ``lead_stage_transition``, ``lead_stage_unchanged``,
        ``lead_closed``; 400 ``lead_lost_reason_required``, ``lead_lost_reason_unknown``."""
        lead = self.get_object()
        data = LeadMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.lead_move(
            actor=request.user,
            lead_id=lead.pk,
            stage=values["stage"],
            lost_reason=values["lost_reason"],
            lost_note=values["lost_note"],
        )
        return Response(self._detail(lead.pk))

    @extend_schema(request=LeadNeedSerializer, responses=LeadDetailSerializer)
    @action(detail=True, methods=["post"])
    def need(self, request: Request, pk: str) -> Response:
        """需求记录: the funding purpose, the intended amount and the notes (a field left out is kept).
        Refusals: ``lead_amount_invalid``, ``lead_purpose_unknown``, ``lead_notes_too_long``."""
        lead = self.get_object()
        data = LeadNeedSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        amount = "" if lead.need_amount is None else str(lead.need_amount)
        services.lead_update(
            actor=request.user,
            lead_id=lead.pk,
            need_purpose=values.get("need_purpose", lead.need_purpose),
            need_amount=values.get("need_amount", amount),
            notes=values.get("notes", lead.notes),
        )
        return Response(self._detail(lead.pk))

    @extend_schema(methods=["GET"], responses=LeadActivitySerializer(many=True))
    @extend_schema(
        methods=["POST"], request=LeadActivityCreateSerializer, responses={201: LeadActivitySerializer}
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])  # the list's filters are the leads'
    @may_conflict
    def activities(self, request: Request, pk: str) -> Response:
        """跟进记录, newest first (GET); POST logs one (a next follow-up date puts a task on the owner's
        agenda). Refusals: ``activity_in_future``, ``activity_visit_notes_required``,
        ``activity_follow_up_in_past``, ``lead_marketing_consent_missing``; 409 ``lead_closed``."""
        lead = self.get_object()
        if request.method == "POST":
            data = LeadActivityCreateSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
            activity = services.lead_activity_log(
                actor=request.user,
                lead_id=lead.pk,
                kind=values["kind"],
                outcome=values["outcome"],
                happened_at=values["happened_at"] or timezone.now(),
                direction=values["direction"],
                notes=values["notes"],
                location=values["location"],
                next_follow_up=values["next_follow_up"],
            )
            activity = selectors.activities_of(lead).get(pk=activity.pk)
            return Response(LeadActivitySerializer(activity).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(selectors.activities_of(lead))
        return self.get_paginated_response(LeadActivitySerializer(page, many=True).data)

    @extend_schema(request=LeadCustomerSerializer, responses=LeadDetailSerializer)
    @action(detail=True, methods=["post"])
    @may_conflict
    def customer(self, request: Request, pk: str) -> Response:
        """关联客户 (the 申请中 gate's ``customer_linked``). Refusals: ``lead_customer_not_found``,
        ``lead_customer_not_visible_to_owner``; 409 ``lead_customer_already_linked``, ``lead_closed``."""
        lead = self.get_object()
        data = LeadCustomerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.lead_link_customer(
            actor=request.user, lead_id=lead.pk, customer_id=data.validated_data["customer"]
        )
        return Response(self._detail(lead.pk))

    @extend_schema(request=LeadAssignSerializer, responses=LeadDetailSerializer)
    @action(detail=True, methods=["post"])
    @may_conflict
    def assign(self, request: Request, pk: str) -> Response:
        """手工分配 (team lead): to an active member of the team, or back to the pool (``owner`` null).
        Refusals: 403 ``lead_owner_not_allowed``; 409 ``lead_owner_unchanged``, ``lead_closed``."""
        lead = self.get_object()
        data = LeadAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.lead_assign(actor=request.user, lead_id=lead.pk, owner=data.validated_data["owner"])
        return Response(self._detail(lead.pk))

    @extend_schema(request=None, responses=LeadDetailSerializer)
    @action(detail=True, methods=["post"])
    @may_conflict
    def claim(self, request: Request, pk: str) -> Response:
        """领取线索: a lead of the caller's team pool, within the daily quota. Refusals: 403
        ``lead_claim_not_allowed``; 409 ``lead_quota_reached``, ``lead_closed``."""
        lead = self.get_object()
        services.lead_claim(actor=request.user, lead_id=lead.pk)
        return Response(self._detail(lead.pk))

    @extend_schema(responses=LeadSerializer(many=True))
    @action(detail=False, methods=["get"])
    def pool(self, request: Request) -> Response:
        """线索池: the open leads nobody owns of the caller's team (a branch head's and a risk manager's:
        their branch's), oldest first; the list's filters apply."""
        return self._page(selectors.lead_pool_of(user=request.user))

    @extend_schema(request=AutoAssignSerializer, responses=AutoAssignResultSerializer)
    @action(detail=False, methods=["post"], url_path="auto-assign")
    def auto_assign(self, request: Request) -> Response:
        """按规则分配 (team lead): the team pool's leads (or ``lead_ids`` of them) to the team's CMs who
        take leads, round robin or weighted by capacity, never past a daily quota; what nobody can take
        stays in the pool. Refusals: 403 ``lead_owner_not_allowed``."""
        data = AutoAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        result = services.leads_assign_by_rule(
            actor=request.user, method=values["method"], lead_ids=values["lead_ids"]
        )
        return Response(
            {
                "method": result.method,
                "assigned": {str(person): n for person, n in result.assigned.items()},
                "left_in_pool": result.left_in_pool,
            }
        )

    @extend_schema(request=LeadPlanSerializer, responses={201: TaskSerializer(many=True)})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    @may_conflict
    def plan(self, request: Request, pk: str) -> Response:
        """应用跟进计划: every step of an active plan becomes a task on the lead owner's agenda, due its
        offset after today; answers the tasks created. Refusals: 400 ``lead_plan_unknown``; 403
        ``lead_read_only``; 409 ``lead_unassigned`` (a pool lead: assign it first), ``lead_closed``."""
        lead = self.get_object()
        data = LeadPlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tasks = services.lead_plan_apply(
            actor=request.user, lead_id=lead.pk, plan_id=data.validated_data["plan"]
        )
        return Response(TaskSerializer(tasks, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=LeadScoreSerializer)
    @action(detail=True, methods=["get"], filter_backends=[])
    def score(self, request: Request, pk: str) -> Response:
        """线索评分 by the latest model of the lead's team (learnt nightly from its closed leads): the points
        (0–100), the probability of a disbursed loan and the factors that weighed most; ``score`` null when
        the team has no model yet."""
        lead = self.get_object()
        found = services.lead_score(lead)
        score = None
        if found is not None:
            score = {
                "points": found.points,
                "probability": found.probability,
                "factors": [
                    {
                        "feature": factor.feature,
                        "feature_label": FEATURES.get(factor.feature, factor.feature),
                        "value": factor.value,
                        "weight": factor.weight,
                        "label": factor.label,
                    }
                    for factor in found.factors
                ],
            }
        return Response(LeadScoreSerializer({"lead": lead.pk, "score": score}).data)


class LeadCapacityViewSet(viewsets.GenericViewSet):
    """接单能力: a team lead reads their team's CMs (weight, daily quota, taking leads or not, leads given
    today) and sets them; a CM reads their own row; anyone else reads an empty list."""

    serializer_class = CapacitySerializer

    def get_queryset(self) -> Any:  # for the schema only: the rows are computed by the selector
        return LeadCapacity.objects.none()

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.lead_capacities_visible_to(user=request.user))
        return self.get_paginated_response(CapacitySerializer(page, many=True).data)

    @extend_schema(request=CapacitySetSerializer, responses={200: CapacitySerializer})
    def create(self, request: Request) -> Response:
        """Set a member's capacity (team lead). Refusals: 403 ``lead_owner_not_allowed`` (not a team lead,
        or not an active member of the team)."""
        data = CapacitySetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.lead_capacity_set(
            actor=request.user,
            person=values["person"],
            weight=values["weight"],
            daily_quota=values["daily_quota"],
            accepting=values["accepting"],
        )
        return Response(CapacitySerializer(selectors.capacity_of(person=values["person"])).data)
