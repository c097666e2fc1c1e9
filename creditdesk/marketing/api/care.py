"""客户关怀 for programs: satisfaction surveys (``/api/v1/surveys/``: sent after a service event, answered
once, by someone other than the CM measured) and the feedback log (``/api/v1/feedback/``, a complaint
closed by the team lead or branch head). Scoped through the customer; every write is its service."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from creditdesk.core.api.ids import IdField
from creditdesk.core.api.schema import may_conflict
from creditdesk.marketing import selectors, services
from creditdesk.marketing.api.fields import text
from creditdesk.marketing.choices import FeedbackKind, SurveyKind
from creditdesk.marketing.models import Feedback, Survey


class CustomerQuerySerializer(serializers.Serializer):
    customer = IdField(required=False, help_text=_("只列出该客户的记录"))


class SurveySerializer(serializers.ModelSerializer):
    """满意度调查: counted for ``owner``, the customer's CM when it was sent."""

    customer_name = serializers.CharField(read_only=True)
    owner_name = serializers.CharField(source="owner.get_full_name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Survey
        fields = [
            "id",
            "customer",
            "customer_name",
            "owner",
            "owner_name",
            "kind",
            "kind_display",
            "trigger",
            "trigger_key",
            "sent_on",
            "status",
            "status_display",
            "score",
            "comment",
            "answered_at",
            "recorded_by",
        ]
        read_only_fields = fields


class SurveySendSerializer(serializers.Serializer):
    customer = IdField(help_text=_("客户编号（您可以维护的客户）"))
    kind = serializers.ChoiceField(choices=SurveyKind.choices)
    trigger_key = serializers.CharField(
        max_length=60, help_text=_("触发事件，如 repayment:2026-03-01；同一事件同类调查只发一次")
    )


class SurveyAnswerSerializer(serializers.Serializer):
    score = serializers.IntegerField(
        min_value=0, max_value=10, help_text=_("评分：NPS 0–10，CSAT 1–5（整数）")
    )
    comment = text(500, help_text=_("客户意见"))


class FeedbackSerializer(serializers.ModelSerializer):
    """客户反馈 and its follow-up (the task on the customer's CM's agenda, the resolution)."""

    customer_name = serializers.CharField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    recorded_by_name = serializers.CharField(source="recorded_by.get_full_name", read_only=True)

    class Meta:
        model = Feedback
        fields = [
            "id",
            "customer",
            "customer_name",
            "kind",
            "kind_display",
            "text",
            "received_on",
            "status",
            "status_display",
            "resolution",
            "task",
            "recorded_by",
            "recorded_by_name",
            "recorded_at",
            "closed_at",
        ]
        read_only_fields = fields


class FeedbackCreateSerializer(serializers.Serializer):
    customer = IdField(help_text=_("客户编号（您可见的客户）"))
    kind = serializers.ChoiceField(choices=FeedbackKind.choices)
    text = serializers.CharField(max_length=2000, help_text=_("反馈内容"))
    received_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=_("收到日期，默认今天；不能晚于今天")
    )


class FeedbackCloseSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=2000, help_text=_("处理结果"))


def _customer_of(request: Request) -> int | None:
    query = CustomerQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data.get("customer")


class SurveyViewSet(viewsets.GenericViewSet):
    """满意度调查 of the customers the caller sees, latest first (``?customer=`` one customer's)."""

    serializer_class = SurveySerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.surveys_visible_to(user=self.request.user)

    def _read(self, pk: int) -> dict[str, Any]:
        return SurveySerializer(selectors.survey_get_visible(user=self.request.user, survey_id=pk)).data

    @extend_schema(parameters=[CustomerQuerySerializer])
    def list(self, request: Request) -> Response:
        rows = selectors.surveys_visible_to(user=request.user, customer_id=_customer_of(request))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(SurveySerializer(page, many=True).data)

    @extend_schema(request=SurveySendSerializer, responses={201: SurveySerializer})
    @may_conflict
    def create(self, request: Request) -> Response:
        """发送调查 after a service event, counted for the customer's CM. Refusals: 403 (may not change the
        customer: ``customer_read_only`` …), 400 ``survey_kind_unknown``, ``survey_trigger_invalid``; 409
        ``survey_duplicate`` (this event and kind already surveyed)."""
        data = SurveySendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        survey = services.survey_send(
            actor=request.user,
            customer_id=values["customer"],
            kind=values["kind"],
            trigger_key=values["trigger_key"],
        )
        return Response(self._read(survey.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=SurveyAnswerSerializer, responses=SurveySerializer)
    @action(detail=True, methods=["post"])
    @may_conflict
    def answer(self, request: Request, pk: str) -> Response:
        """登记回复, once: the score and comment, recorded by a team lead, branch head or risk manager —
        never by the CM whose service is measured (403 ``survey_record_not_allowed``). Refusals: 400
        ``survey_score_invalid`` (NPS 0–10, CSAT 1–5), ``survey_comment_too_long``; 409
        ``survey_already_answered``."""
        survey = selectors.survey_get_visible(user=request.user, survey_id=pk)
        data = SurveyAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.survey_answer(
            actor=request.user,
            survey_id=survey.pk,
            score=data.validated_data["score"],
            comment=data.validated_data["comment"],
        )
        return Response(self._read(survey.pk))


class FeedbackViewSet(viewsets.GenericViewSet):
    """客户反馈 of the customers the caller sees, latest first (``?customer=`` one customer's)."""

    serializer_class = FeedbackSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.feedback_visible_to(user=self.request.user)

    def _read(self, pk: int) -> dict[str, Any]:
        return FeedbackSerializer(selectors.feedback_get_visible(user=self.request.user, feedback_id=pk)).data

    @extend_schema(parameters=[CustomerQuerySerializer])
    def list(self, request: Request) -> Response:
        rows = selectors.feedback_visible_to(user=request.user, customer_id=_customer_of(request))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(FeedbackSerializer(page, many=True).data)

    @extend_schema(request=FeedbackCreateSerializer, responses={201: FeedbackSerializer})
    def create(self, request: Request) -> Response:
        """登记反馈: a follow-up task goes on the customer's CM's agenda (a complaint for the next day).
        Refusals: 403 ``feedback_record_not_allowed``; 400 ``feedback_kind_unknown``,
        ``feedback_text_required``, ``feedback_in_future``."""
        data = FeedbackCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        feedback = services.feedback_record(
            actor=request.user,
            customer_id=values["customer"],
            kind=values["kind"],
            text=values["text"],
            received_on=values["received_on"],
        )
        return Response(self._read(feedback.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=FeedbackCloseSerializer, responses=FeedbackSerializer)
    @action(detail=True, methods=["post"])
    @may_conflict
    def close(self, request: Request, pk: str) -> Response:
        """办结 with the resolution: a complaint by the team lead or branch head (403
        ``complaint_close_not_allowed``), other feedback by whoever may change the customer. Refusals: 400
        ``feedback_resolution_required``; 409 ``feedback_closed``."""
        feedback = selectors.feedback_get_visible(user=request.user, feedback_id=pk)
        data = FeedbackCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.feedback_close(
            actor=request.user, feedback_id=feedback.pk, resolution=data.validated_data["resolution"]
        )
        return Response(self._read(feedback.pk))
