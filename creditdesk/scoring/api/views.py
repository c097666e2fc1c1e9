"""Scorecards and pre-assessments for programs: `/api/v1/score-models/` (list, report, approve, activate,
score one applicant, score a batch) and `/api/v1/assessments/` (scoped through the customer; create,
override) — the same services and engine as the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from creditdesk.accounts import scope
from creditdesk.core.api.ids import IdField
from creditdesk.core.api.schema import may_conflict
from creditdesk.core.exceptions import DomainError
from creditdesk.scoring import disclosure, engine, selectors, services
from creditdesk.scoring.choices import Grade
from creditdesk.scoring.filtersets import AssessmentFilterSet
from creditdesk.scoring.models import Assessment, ScoreModel

BATCH_MAX_ROWS = 10_000


class ScoreModelSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoreModel
        fields = [
            "id",
            "name",
            "version",
            "title",
            "status",
            "checksum",
            "data_fingerprint",
            "created_at",
            "approved_by",
            "approved_at",
            "activated_by",
            "activated_at",
        ]


class ScoreModelDetailSerializer(ScoreModelSerializer):
    parameters = serializers.JSONField(read_only=True)
    report = serializers.JSONField(read_only=True)
    variables = serializers.SerializerMethodField()

    class Meta(ScoreModelSerializer.Meta):
        fields = [*ScoreModelSerializer.Meta.fields, "parameters", "report", "variables"]

    def get_variables(self, obj: ScoreModel) -> list[dict[str, Any]]:
        return engine.variable_list(engine.load(obj))


class ScoreRequestSerializer(serializers.Serializer):
    model = IdField(required=False, help_text="版本 id；省略时用使用中的版本")
    applicant = serializers.DictField()


class BatchRequestSerializer(serializers.Serializer):
    model = IdField(required=False, help_text="版本 id；省略时用使用中的版本")
    rows = serializers.ListField(
        child=serializers.DictField(), allow_empty=False, min_length=1, max_length=BATCH_MAX_ROWS
    )


class ScoreResultSerializer(serializers.Serializer):
    model = serializers.CharField()
    points = serializers.DecimalField(max_digits=9, decimal_places=2, help_text="评分")
    probability_of_default = serializers.DecimalField(
        max_digits=8,
        decimal_places=6,
        allow_null=True,
        help_text="仅对给出概率的评分卡（经校准的训练卡）；专家评分卡为 null：只有评分和等级",
    )
    grade = serializers.ChoiceField(choices=Grade.choices, help_text="等级")
    reasons = serializers.ListField(child=serializers.DictField())
    customer_reasons = serializers.ListField(
        child=serializers.DictField(),
        help_text="可告知客户的原因（feature, label, points_lost, sentence, advice：怎样改变它）",
    )
    contributions = serializers.ListField(child=serializers.DictField())
    warnings = serializers.ListField(child=serializers.DictField())


class ScoreModelViewSet(viewsets.ReadOnlyModelViewSet):
    """评分模型 (reference data, readable by every signed-in person): list, detail with the evaluation
    report and the variable list; approve / activate (risk managers); score one applicant or a batch
    (nothing is stored: a pre-assessment of a customer is ``POST /api/v1/assessments/``)."""

    queryset = ScoreModel.objects.all().order_by("-created_at", "-id")

    def get_serializer_class(self) -> Any:
        return ScoreModelDetailSerializer if self.action == "retrieve" else ScoreModelSerializer

    def _model(self, model_id: int | None) -> ScoreModel:
        if model_id is None:
            return services.active_model()
        try:
            return selectors.model_get(model_id=model_id)
        except Http404:
            raise DomainError("model_unknown", _("评分模型不存在。"), {"field": "model"}) from None

    @extend_schema(request=None, responses=ScoreModelSerializer)
    @action(detail=True, methods=["post"])
    @may_conflict
    def approve(self, request: Request, pk: str) -> Response:
        """审核 (risk managers; the service refuses anyone else): draft → approved."""
        return Response(
            ScoreModelSerializer(services.score_model_approve(actor=request.user, model_id=pk)).data
        )

    @extend_schema(request=None, responses=ScoreModelSerializer)
    @action(detail=True, methods=["post"])
    @may_conflict
    def activate(self, request: Request, pk: str) -> Response:
        """启用 (risk managers; the service refuses anyone else): approved or retired → active; the
        version in use is retired."""
        return Response(
            ScoreModelSerializer(services.score_model_activate(actor=request.user, model_id=pk)).data
        )

    @extend_schema(request=ScoreRequestSerializer, responses=ScoreResultSerializer)
    @action(detail=False, methods=["post"])
    @may_conflict
    def score(self, request: Request) -> Response:
        """Score one applicant (variable → value); refused with the variable named when one is
        missing or invalid."""
        data = ScoreRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        model = self._model(data.validated_data.get("model"))
        outcome = engine.score_applicant(engine.load(model), data.validated_data["applicant"])
        return Response({"model": str(model), **outcome.as_dict()})

    @extend_schema(request=BatchRequestSerializer, responses={200: dict})
    @action(detail=False, methods=["post"], url_path="score-batch")
    @may_conflict
    def score_batch(self, request: Request) -> Response:
        """Score up to 10,000 applicants at once: ``{"scores": [{"points", "probability_of_default",
        "grade"}, …]}`` in the order given; one bad row refuses the batch naming the row and variable."""
        data = BatchRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        model = self._model(data.validated_data.get("model"))
        scores = engine.score_rows(engine.load(model), data.validated_data["rows"])
        return Response({"model": str(model), "scores": scores})


_MASK_HELP = (
    "敏感要素（月收入）的取值只对可查看该客户明文的人（Action.SENSITIVE_UNMASK：客户经理、团队主管、"
    "风险经理、审批人）给出；其他人看到“已登记”，引用该取值的句子改为不含数额的说法"
)


class AssessmentSerializer(serializers.ModelSerializer):
    """A pre-assessment as the person asking may read it (``scoring.disclosure``): the context's
    ``sensitive_clear`` (the viewset's answer for rows in scope) or the policy asked for the customer."""

    final_grade = serializers.ChoiceField(choices=Grade.choices, read_only=True)
    model_version = serializers.CharField(source="model.__str__", read_only=True)
    inputs = serializers.SerializerMethodField(help_text=f"评分输入（变量 → value, source）。{_MASK_HELP}")
    reasons = serializers.SerializerMethodField(help_text=f"主要扣分因素。{_MASK_HELP}")
    customer_reasons = serializers.SerializerMethodField(
        help_text=f"可告知客户的原因（feature, label, points_lost, sentence, advice）。{_MASK_HELP}"
    )
    contributions = serializers.SerializerMethodField(help_text=f"各项得分。{_MASK_HELP}")
    warnings = serializers.SerializerMethodField(help_text=f"提示。{_MASK_HELP}")
    sensitive_masked = serializers.SerializerMethodField(
        help_text="true：本次应答中的敏感取值已显示为“已登记”（提问人不能查看明文）；false：均为明文"
    )

    def _shown(self, obj: Assessment) -> disclosure.Shown:
        cache: dict[int, disclosure.Shown] = self.context.setdefault("_shown", {})
        if obj.pk not in cache:
            clear = self.context.get("sensitive_clear")
            if clear is None:
                request = self.context.get("request")
                clear = disclosure.may_see_sensitive(getattr(request, "user", None), obj.customer)
            cache[obj.pk] = disclosure.shown(obj, clear=bool(clear))
        return cache[obj.pk]

    def get_inputs(self, obj: Assessment) -> dict[str, Any]:
        return self._shown(obj).inputs

    def get_reasons(self, obj: Assessment) -> list[dict[str, Any]]:
        return self._shown(obj).reasons

    def get_customer_reasons(self, obj: Assessment) -> list[dict[str, Any]]:
        return self._shown(obj).customer_reasons

    def get_contributions(self, obj: Assessment) -> list[dict[str, Any]]:
        return self._shown(obj).contributions

    def get_warnings(self, obj: Assessment) -> list[dict[str, Any]]:
        return self._shown(obj).warnings

    def get_sensitive_masked(self, obj: Assessment) -> bool:
        return self._shown(obj).masked

    class Meta:
        model = Assessment
        fields = [
            "id",
            "customer",
            "model",
            "model_version",
            "inputs",
            "points",
            "probability_of_default",
            "grade",
            "final_grade",
            "reasons",
            "customer_reasons",
            "contributions",
            "warnings",
            "sensitive_masked",
            "override_grade",
            "override_reason",
            "overridden_by",
            "overridden_at",
            "created_by",
            "created_at",
        ]


class AssessmentCreateSerializer(serializers.Serializer):
    customer = IdField()
    answers = serializers.DictField(required=False, default=dict)


class OverrideSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=Grade.choices)
    reason = serializers.CharField(max_length=200)


class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """预评估: list (``?customer=``), detail, create (the active model; variables from the customer's
    profile where mapped, ``answers`` otherwise), override the grade with a reason (a second person)."""

    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilterSet

    def get_queryset(self) -> Any:
        return selectors.assessment_list_visible_to(user=self.request.user).order_by("-created_at", "-id")

    def get_object(self) -> Assessment:
        return scope.get_visible_or_404(self.request.user, self.get_queryset(), pk=self.kwargs["pk"])

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if self.action == "list":
            # Every row comes through the person's scope, and an assessment is in scope exactly when its
            # customer is: the policy's role check is then the whole answer, without a query per row.
            context["sensitive_clear"] = disclosure.may_see_sensitive(self.request.user)
        return context

    @extend_schema(request=AssessmentCreateSerializer, responses={201: AssessmentSerializer})
    @may_conflict
    def create(self, request: Request) -> Response:
        data = AssessmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assessment = services.assessment_create(
            actor=request.user,
            customer_id=data.validated_data["customer"],
            answers=data.validated_data["answers"],
        )
        data = AssessmentSerializer(assessment, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OverrideSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def override(self, request: Request, pk: str) -> Response:
        assessment = self.get_object()
        data = OverrideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assessment = services.assessment_override(
            actor=request.user, assessment_id=assessment.pk, **data.validated_data
        )
        return Response(AssessmentSerializer(assessment, context=self.get_serializer_context()).data)
