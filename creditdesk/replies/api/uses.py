"""Sending and what it produced, for programs: ``POST /api/v1/messages/`` (a message to a customer or a
lead, from a script or typed, through the compliance guard), ``/api/v1/script-uses/`` (the uses the caller
sees, with their outcome; ``outcome/`` records 异议已化解 / 未化解) and ``/api/v1/script-results/`` (which
answers work, over a period)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from creditdesk.core.api.ids import IdField
from creditdesk.core.exceptions import DomainError
from creditdesk.replies import selectors, services
from creditdesk.replies.api.fields import choice, optional_id
from creditdesk.replies.choices import UseOutcome, UsePurpose
from creditdesk.replies.models import ScriptUse
from creditdesk.replies.services import MessageInput
from creditdesk.replies.services.outcomes import MARKED

# --- messages ----------------------------------------------------------------------------------------------


class MessageSerializer(serializers.Serializer):
    text = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        help_text=_("消息内容（不超过 500 字；占位符须已填好）"),
    )
    purpose = choice(
        UsePurpose.choices,
        enum_name="ReplyUsePurposeEnum",
        default=UsePurpose.ANSWER,
        help_text=_("用途；营销推介须有营销授权"),
    )
    customer = optional_id(_("客户编号（与 lead 二选一）"))
    lead = optional_id(_("线索编号（与 customer 二选一；给出时优先）"))
    script = optional_id(_("所用话术的编号（在用的话术）；记录使用与效果"))


class FindingSerializer(serializers.Serializer):
    """A reminder of the compliance guard (提醒: the message was sent all the same)."""

    rule = serializers.CharField()
    severity = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    matched = serializers.CharField()
    message = serializers.CharField()
    suggestion = serializers.CharField()
    source = serializers.CharField()


class SentSerializer(serializers.Serializer):
    use = serializers.IntegerField(allow_null=True, help_text=_("话术使用记录的编号；未用话术时为 null"))
    warnings = FindingSerializer(many=True)


class MessageViewSet(viewsets.GenericViewSet):
    """发消息 to a customer or a lead by SMS (delivered by the notification outbox)."""

    serializer_class = MessageSerializer
    filter_backends: list[Any] = []
    pagination_class = None

    def get_queryset(self) -> Any:
        return ScriptUse.objects.none()

    @extend_schema(request=MessageSerializer, responses={201: SentSerializer})
    def create(self, request: Request) -> Response:
        """Sent once every rule holds: the recipient the caller may write to (404 outside scope, 403
        ``message_send_not_allowed`` / ``lead_read_only``), ``message_text_required``,
        ``message_too_long``, ``message_placeholder_unfilled``, ``message_no_phone``,
        ``message_marketing_consent_missing``, ``script_not_in_use``; the compliance guard: 400
        ``compliance_blocked`` with every finding in ``details.findings`` (nothing is sent, the block is
        logged). Its reminders come back in ``warnings``."""
        data = MessageSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        sent = services.message_send(
            actor=request.user,
            data=MessageInput(
                text=values["text"],
                purpose=values["purpose"],
                customer=values["customer"],
                lead=values["lead"],
                script=values["script"],
            ),
        )
        body = {"use": sent.use.pk if sent.use is not None else None, "warnings": sent.warnings}
        return Response(SentSerializer(body).data, status=status.HTTP_201_CREATED)


# --- uses --------------------------------------------------------------------------------------------------


class UseSerializer(serializers.ModelSerializer):
    """A script put into a message: by whom, to whom, and what came of it (``effective``: what the CM
    recorded, else read from the lead — moved on, lost — else pending)."""

    purpose = choice(UsePurpose.choices, enum_name="ReplyUsePurposeEnum", read_only=True)
    outcome = choice(
        UseOutcome.choices, enum_name="ReplyUseOutcomeEnum", read_only=True, help_text=_("客户经理登记的效果")
    )
    effective = serializers.SerializerMethodField()
    question = serializers.CharField(source="script.question", read_only=True)
    actor_name = serializers.CharField(source="actor.get_full_name", read_only=True)

    class Meta:
        model = ScriptUse
        fields = [
            "id",
            "script",
            "question",
            "version",
            "actor",
            "actor_name",
            "customer",
            "lead",
            "purpose",
            "stage_at_use",
            "outcome",
            "effective",
            "outcome_at",
            "used_at",
        ]
        read_only_fields = fields

    @extend_schema_field(choice(UseOutcome.choices, enum_name="ReplyUseOutcomeEnum"))
    def get_effective(self, obj: ScriptUse) -> str:
        return selectors.use_effective(obj)


class UseQuerySerializer(serializers.Serializer):
    script = IdField(required=False, help_text=_("只列出该话术的使用"))
    customer = IdField(required=False, help_text=_("只列出对该客户（及其线索）的使用"))


class OutcomeSerializer(serializers.Serializer):
    outcome = choice([(o.value, o.label) for o in UseOutcome if o in MARKED], enum_name="ReplyUseMarkEnum")


class ScriptUseViewSet(viewsets.GenericViewSet):
    """话术使用记录: a CM their own, a team lead the team's, the branch head and risk managers the
    branch's; newest first."""

    serializer_class = UseSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.uses_visible_to(self.request.user)

    @extend_schema(parameters=[UseQuerySerializer])
    def list(self, request: Request) -> Response:
        query = UseQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        uses = selectors.uses_visible_to(
            request.user,
            customer_id=query.validated_data.get("customer"),
            script_id=query.validated_data.get("script"),
        )
        page = self.paginate_queryset(uses)
        return self.get_paginated_response(UseSerializer(page, many=True).data)

    @extend_schema(request=OutcomeSerializer, responses=UseSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request: Request, pk: str) -> Response:
        """登记效果 (who used it, or their team lead: 403 ``script_use_outcome_not_allowed``; 404 outside
        scope): 异议已化解 (``resolved``) or 未化解 (``unresolved``); may be corrected later."""
        data = OutcomeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        use = services.use_outcome_set(actor=request.user, use_id=pk, outcome=data.validated_data["outcome"])
        return Response(UseSerializer(selectors.uses_visible_to(request.user).get(pk=use.pk)).data)


# --- results -----------------------------------------------------------------------------------------------


class PeriodQuerySerializer(serializers.Serializer):
    since = serializers.DateField(required=False, help_text=_("开始日期（含）；不填：不限"))
    until = serializers.DateField(required=False, help_text=_("结束日期（含）；不填：不限"))


class ResultSerializer(serializers.Serializer):
    """One script's uses in the caller's scope over the period, by outcome."""

    script = serializers.IntegerField()
    key = serializers.CharField()
    question = serializers.CharField()
    category = serializers.CharField()
    uses = serializers.IntegerField()
    pending = serializers.IntegerField(help_text=_("待观察"))
    advanced = serializers.IntegerField(help_text=_("线索推进"))
    resolved = serializers.IntegerField(help_text=_("异议已化解"))
    unresolved = serializers.IntegerField(help_text=_("未化解"))
    lost = serializers.IntegerField(help_text=_("线索流失"))
    success_rate = serializers.FloatField(
        allow_null=True,
        help_text=_("已有结果的使用中，线索推进或异议化解的比例（0–1）；尚无结果时为 null"),
    )


class ScriptResultViewSet(viewsets.GenericViewSet):
    """哪些话术有效 for the caller's scope (a CM their own uses, a team lead the team's, the branch head and
    risk managers the branch's): most used first."""

    serializer_class = ResultSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return ScriptUse.objects.none()

    @extend_schema(parameters=[PeriodQuerySerializer], responses=ResultSerializer(many=True))
    def list(self, request: Request) -> Response:
        """Refusal: 400 ``script_results_period_invalid`` (``until`` before ``since``)."""
        query = PeriodQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        since, until = query.validated_data.get("since"), query.validated_data.get("until")
        if since and until and until < since:
            raise DomainError(
                "script_results_period_invalid", gettext_now("结束日期不能早于开始日期。"), {"field": "until"}
            )
        rows = [row.as_dict() for row in selectors.script_results(request.user, since=since, until=until)]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ResultSerializer(page, many=True).data)
