"""Customer requests for programs (issue 18 item 6): ``/api/v1/service-requests/`` — list (the page's filter
set), register, read, ``respond``, ``close``, ``escalate``, and ``suggest`` (the tier a text suggests) —
and ``/api/v1/tier-rules/``, the tier matrix (read only; the administrator edits it). The same selectors
and services as the pages: bad input is refused with a stable code (``service_request_text_too_long``,
``service_request_kind_unknown`` …), never a crash; the free-text fields take any text the schema allows
and the service says what is wrong with it."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from creditdesk.accounts import policy
from creditdesk.core.actions import Action
from creditdesk.core.api.ids import IdField
from creditdesk.core.api.schema import may_conflict
from creditdesk.finance.workdays import is_working_day
from creditdesk.servicedesk import selectors, services, tiering
from creditdesk.servicedesk.choices import Complexity, RequestChannel, RequestKind, Tier, Urgency
from creditdesk.servicedesk.filtersets import ServiceRequestFilterSet
from creditdesk.servicedesk.models import TEXT_MAX, ServiceRequest, ServiceRequestEvent, TierRule
from creditdesk.servicedesk.services.common import NOTE_MAX, request_text

# --- request bodies: text and choices the service checks ----------------------------------------------------


class StrictText(serializers.CharField):
    """Text that must be sent as a JSON string: DRF would take a number (``1870``) for the text "1870"."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


def _choice_text(choices: Any, *, blank: bool, help_text: Any) -> serializers.CharField:
    """A choice sent as text: the schema lists the values (and "" when blank means "suggest it"); an unknown
    value reaches the service, which refuses it with its code (``service_request_<field>_unknown``)."""
    values = [*([""] if blank else []), *choices.values]

    @extend_schema_field({"type": "string", "enum": values})
    class ChoiceText(StrictText):
        pass

    return ChoiceText(
        required=not blank, allow_blank=blank, default="" if blank else serializers.empty, help_text=help_text
    )


def _free_text(limit: int, *, required: bool, help_text: Any) -> serializers.CharField:
    """Free text, documented as at most ``limit`` characters; longer or blank text is the service's to
    refuse (with its code and sentence), not the serializer's."""

    @extend_schema_field({"type": "string", "maxLength": limit, **({"minLength": 1} if required else {})})
    class FreeText(StrictText):
        pass

    return FreeText(
        required=required,
        allow_blank=True,
        trim_whitespace=False,
        default=serializers.empty if required else "",
        help_text=help_text,
    )


class RequestCreateSerializer(serializers.Serializer):
    customer = IdField(help_text=_("客户编号（您可见的客户）"))
    channel = _choice_text(RequestChannel, blank=False, help_text=_("渠道"))
    text = _free_text(TEXT_MAX, required=True, help_text=_("诉求内容，不超过 2000 字"))
    kind = _choice_text(RequestKind, blank=True, help_text=_("诉求类型；留空或不传：按内容建议"))
    urgency = _choice_text(Urgency, blank=True, help_text=_("紧急程度；留空或不传：按内容建议"))
    complexity = _choice_text(Complexity, blank=True, help_text=_("复杂程度；留空或不传：按内容建议"))
    received_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("收到时间，默认现在；不能晚于现在、早于 90 天前"),
    )


class RespondSerializer(serializers.Serializer):
    response = _free_text(
        TEXT_MAX, required=True, help_text=_("给客户的答复（先经合规检查），不超过 2000 字")
    )


class CloseSerializer(serializers.Serializer):
    resolution = _free_text(TEXT_MAX, required=True, help_text=_("处理结果，不超过 2000 字"))


class EscalateSerializer(serializers.Serializer):
    note = _free_text(NOTE_MAX, required=False, help_text=_("升级说明（选填）"))


class SuggestRequestSerializer(serializers.Serializer):
    text = _free_text(TEXT_MAX, required=True, help_text=_("诉求内容"))


# --- answers ------------------------------------------------------------------------------------------------


class EventSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ServiceRequestEvent
        fields = ["kind", "kind_display", "actor", "from_assignee", "to_assignee", "level", "note", "at"]
        read_only_fields = fields


class ServiceRequestSerializer(serializers.ModelSerializer):
    """客户诉求 with its tier, assignee, target and whether it is late
    now (``late``: open past ``due_at``)."""

    customer_name = serializers.CharField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    tier_display = serializers.CharField(source="get_tier_display", read_only=True)
    assignee_name = serializers.CharField(source="assignee.get_full_name", read_only=True)
    late = serializers.SerializerMethodField()

    class Meta:
        model = ServiceRequest
        fields = [
            "id",
            "number",
            "customer",
            "customer_name",
            "kind",
            "kind_display",
            "channel",
            "text",
            "urgency",
            "complexity",
            "tier",
            "tier_display",
            "response_hours",
            "assignee",
            "assignee_name",
            "escalation_level",
            "status",
            "status_display",
            "received_at",
            "due_at",
            "late",
            "first_response_at",
            "response",
            "closed_at",
            "closed_by",
            "resolution",
            "routing_note",
            "calendar_assumed",
            "task",
            "created_by",
        ]
        read_only_fields = fields

    def get_late(self, item: ServiceRequest) -> bool:
        return item.is_late(self.context.get("now") or timezone.now())


class ServiceRequestDetailSerializer(ServiceRequestSerializer):
    events = serializers.SerializerMethodField()

    class Meta(ServiceRequestSerializer.Meta):
        fields = [*ServiceRequestSerializer.Meta.fields, "events"]
        read_only_fields = fields

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, item: ServiceRequest) -> list[dict[str, Any]]:
        return list(EventSerializer(selectors.events_of(item), many=True).data)


class SuggestionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RequestKind.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    complexity = serializers.ChoiceField(choices=Complexity.choices)
    reasons = serializers.ListField(child=serializers.CharField())
    tier = serializers.ChoiceField(choices=Tier.choices)
    response_hours = serializers.IntegerField()
    due_at = serializers.DateTimeField(help_text=_("现在登记时的响应时限"))
    notes = serializers.ListField(child=serializers.CharField(), help_text=_("兜底规则、工作日历等说明"))


def _any(choices: Any, label: Any) -> serializers.ChoiceField:
    """A cell of the tier matrix: one of ``choices``, or blank for any."""
    text = _("%(label)s；空：任意") % {"label": label}
    return serializers.ChoiceField(choices=choices, allow_blank=True, read_only=True, help_text=text)


class TierRuleSerializer(serializers.ModelSerializer):
    """One row of the tier matrix; a blank kind, urgency or complexity matches any."""

    kind = _any(RequestKind.choices, _("诉求类型"))
    urgency = _any(Urgency.choices, _("紧急程度"))
    complexity = _any(Complexity.choices, _("复杂程度"))

    class Meta:
        model = TierRule
        fields = ["id", "kind", "urgency", "complexity", "tier", "response_hours", "source"]
        read_only_fields = fields


# --- views --------------------------------------------------------------------------------------------------


class ServiceRequestViewSet(viewsets.GenericViewSet):
    """客户诉求 of the customers the caller sees, the unanswered first by their target."""

    serializer_class = ServiceRequestSerializer
    filterset_class = ServiceRequestFilterSet

    def get_queryset(self) -> Any:
        return selectors.requests_visible_to(user=self.request.user)

    def _read(self, pk: int) -> dict[str, Any]:
        item = selectors.request_get_visible(user=self.request.user, request_id=pk)
        return dict(ServiceRequestDetailSerializer(item).data)

    def list(self, request: Request) -> Response:
        rows = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(rows)
        data = ServiceRequestSerializer(page, many=True, context={"now": timezone.now()}).data
        return self.get_paginated_response(data)

    @extend_schema(responses=ServiceRequestDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._read(int(pk)))

    @extend_schema(request=RequestCreateSerializer, responses={201: ServiceRequestDetailSerializer})
    def create(self, request: Request) -> Response:
        """登记诉求: classified (kind, urgency, complexity: suggested from the text when left blank), tiered,
        routed, put on the assignee's agenda. Refusals: 404 (customer not visible), 403
        ``service_request_record_not_allowed``; 400 ``service_request_text_required``,
        ``service_request_text_too_long``, ``service_request_text_invalid``,
        ``service_request_kind_unknown``, ``service_request_urgency_unknown``,
        ``service_request_complexity_unknown``, ``service_request_channel_unknown``,
        ``service_request_received_in_future``, ``service_request_received_too_old``."""
        data = RequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        created = services.request_record(
            actor=request.user,
            customer_id=values["customer"],
            text=values["text"],
            channel=values["channel"],
            kind=values["kind"],
            urgency=values["urgency"],
            complexity=values["complexity"],
            received_at=values["received_at"],
        )
        return Response(self._read(created.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=RespondSerializer, responses=ServiceRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    @may_conflict
    def respond(self, request: Request, pk: str) -> Response:
        """响应: the answer, once, after the compliance guard (400 ``compliance_blocked`` with the findings).
        By the assignee, or a team lead or branch head who sees it (403
        ``service_request_handle_not_allowed``). Refusals: 400 ``service_request_response_required``,
        ``service_request_response_too_long``; 409 ``service_request_status``."""
        item = selectors.request_get_visible(user=request.user, request_id=pk)
        data = RespondSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.request_respond(
            actor=request.user, request_id=item.pk, response=data.validated_data["response"]
        )
        return Response(self._read(item.pk))

    @extend_schema(request=CloseSerializer, responses=ServiceRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    @may_conflict
    def close(self, request: Request, pk: str) -> Response:
        """办结 with the resolution: a complaint by a team lead or branch head only (403
        ``complaint_close_not_allowed``). Refusals: 400 ``service_request_resolution_required``,
        ``service_request_resolution_too_long``; 409 ``service_request_status``."""
        item = selectors.request_get_visible(user=request.user, request_id=pk)
        data = CloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.request_close(
            actor=request.user, request_id=item.pk, resolution=data.validated_data["resolution"]
        )
        return Response(self._read(item.pk))

    @extend_schema(request=EscalateSerializer, responses=ServiceRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    @may_conflict
    def escalate(self, request: Request, pk: str) -> Response:
        """升级 by the assignee to the next level (403 ``service_request_escalate_not_assignee``; 409
        ``service_request_escalation_top`` at the branch head, ``service_request_status`` once answered)."""
        item = selectors.request_get_visible(user=request.user, request_id=pk)
        data = EscalateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.request_escalate(actor=request.user, request_id=item.pk, note=data.validated_data["note"])
        return Response(self._read(item.pk))

    @extend_schema(request=SuggestRequestSerializer, responses=SuggestionSerializer)
    @action(detail=False, methods=["post"])
    def suggest(self, request: Request) -> Response:
        """建议分级 of a text (nothing is stored): the kind, urgency and complexity with the reasons, and the
        tier, hours and due time if it were registered now. Refusals: 403 for those who do not record
        requests; 400 ``service_request_text_required``, ``service_request_text_too_long``."""
        policy.require(request.user, Action.SERVICE_REQUEST_RECORD)
        data = SuggestRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        text = request_text(data.validated_data["text"])
        suggestion = tiering.suggest(text)
        target = tiering.target_for(
            selectors.tier_specs(),
            kind=suggestion.kind,
            urgency=suggestion.urgency,
            complexity=suggestion.complexity,
            received=timezone.localtime(),
            is_working_day=is_working_day,
        )
        answer = {
            "kind": suggestion.kind.value,
            "urgency": suggestion.urgency.value,
            "complexity": suggestion.complexity.value,
            "reasons": list(suggestion.reasons),
            "tier": target.tier.value,
            "response_hours": target.hours,
            "due_at": target.due,
            "notes": target.notes,
        }
        return Response(SuggestionSerializer(answer).data)


class TierRuleViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """分级响应规则: the tier matrix (kind × urgency × complexity → tier and working hours; blank: any)."""

    serializer_class = TierRuleSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.tier_rules()
