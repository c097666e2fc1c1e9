"""What a team knows and shares, for programs: the case library (``/api/v1/cases/``, won and lost cases
written for the team, searchable), customer education (``/api/v1/education/``, sent to a customer by SMS)
and the follow-up plans a CM applies to a lead (``/api/v1/activity-plans/``; ``POST
/api/v1/leads/{id}/plan/``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from creditdesk.core.api.ids import IdField
from creditdesk.customers.choices import CustomerKind
from creditdesk.marketing import selectors, services
from creditdesk.marketing.api.fields import optional_id, text
from creditdesk.marketing.choices import CaseOutcome, PlanStepKind
from creditdesk.marketing.models import ActivityPlan, CaseStudy, EducationArticle
from creditdesk.marketing.services import CaseInput


class CaseSerializer(serializers.ModelSerializer):
    """案例: names no customer (the service refuses a phone or ID number in its text)."""

    author_name = serializers.CharField(source="author.get_full_name", read_only=True)
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)

    class Meta:
        model = CaseStudy
        fields = [
            "id",
            "team",
            "author",
            "author_name",
            "lead",
            "title",
            "outcome",
            "outcome_display",
            "customer_kind",
            "industry",
            "need",
            "solution",
            "lessons",
            "tags",
            "created_at",
        ]
        read_only_fields = fields


class CaseWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=80)
    outcome = serializers.ChoiceField(choices=CaseOutcome.choices)
    customer_kind = serializers.ChoiceField(choices=CustomerKind.choices)
    need = serializers.CharField(max_length=1000, help_text=_("客户需求"))
    solution = serializers.CharField(max_length=2000, help_text=_("解决方案"))
    lessons = serializers.CharField(max_length=2000, help_text=_("经验与教训（或流失原因）"))
    industry = text(60)
    tags = text(100, help_text=_("标签，用逗号或空格分隔"))
    lead = optional_id(_("来源线索编号（您可见的）"))


class CaseQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("检索词（空格分隔，每个词都须出现在标题、行业、标签或正文中）"),
    )


class CaseViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """案例库: a CM's and team lead's team's cases, a branch head's and risk manager's branch's, newest
    first (``?q=`` searches them)."""

    serializer_class = CaseSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.cases_visible_to(user=self.request.user)

    def get_object(self) -> CaseStudy:
        return selectors.case_get_visible(user=self.request.user, case_id=self.kwargs["pk"])

    @extend_schema(parameters=[CaseQuerySerializer])
    def list(self, request: Request) -> Response:
        query = CaseQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.cases_visible_to(user=request.user, query=query.validated_data["q"])
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(CaseSerializer(page, many=True).data)

    @extend_schema(request=CaseWriteSerializer, responses={201: CaseSerializer})
    def create(self, request: Request) -> Response:
        """撰写案例 for the team (CMs and team leads: 403 ``lead_create_not_allowed`` otherwise). Refusals:
        400 ``case_personal_data`` (a phone or ID number in the text: a case names nobody),
        ``case_<field>_required``, ``case_lead_not_found``."""
        data = CaseWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_write(actor=request.user, data=CaseInput(**data.validated_data))
        found = selectors.case_get_visible(user=request.user, case_id=case.pk)
        return Response(CaseSerializer(found).data, status=status.HTTP_201_CREATED)


class ArticleSerializer(serializers.ModelSerializer):
    topic_display = serializers.CharField(source="get_topic_display", read_only=True)

    class Meta:
        model = EducationArticle
        fields = ["id", "topic", "topic_display", "title", "summary", "body", "source"]
        read_only_fields = fields


class EducationSendSerializer(serializers.Serializer):
    customer = IdField(help_text=_("客户编号（您可以维护、且登记了手机号码的客户）"))


class EducationSentSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    customer = serializers.IntegerField()
    title = serializers.CharField()


class EducationViewSet(viewsets.GenericViewSet):
    """金融知识 a CM may send to a customer (the active articles, by topic), each with its source."""

    serializer_class = ArticleSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.education_articles()

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.education_articles())
        return self.get_paginated_response(ArticleSerializer(page, many=True).data)

    @extend_schema(request=EducationSendSerializer, responses=EducationSentSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str) -> Response:
        """发送: the article's SMS summary to the customer, at most once per customer and article (sending
        again changes nothing); delivered by the notification batch. Education sells nothing, so no
        marketing consent is asked. Refusals: 403 ``customer_read_only``; 400 ``education_no_phone``."""
        article = self.get_object()
        data = EducationSendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        customer_id = data.validated_data["customer"]
        services.education_send(actor=request.user, customer_id=customer_id, article_id=article.pk)
        body = {"article": article.pk, "customer": customer_id, "title": article.title}
        return Response(EducationSentSerializer(body).data)


class PlanStepSerializer(serializers.Serializer):
    offset_days = serializers.IntegerField(help_text=_("应用计划后第几天"))
    kind = serializers.ChoiceField(choices=PlanStepKind.choices)
    kind_display = serializers.CharField(source="get_kind_display")
    title = serializers.CharField()


class ActivityPlanSerializer(serializers.ModelSerializer):
    steps = PlanStepSerializer(many=True, read_only=True)

    class Meta:
        model = ActivityPlan
        fields = ["id", "name", "description", "steps"]
        read_only_fields = fields


class ActivityPlanViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """跟进计划模板 a CM may apply to a lead (``POST /api/v1/leads/{id}/plan/``): the active ones, each step
    a task due its offset after the day the plan is applied."""

    serializer_class = ActivityPlanSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.activity_plans()
