"""The 话术库 for programs: ``/api/v1/scripts/`` — the library a person may read (``?category=``,
``?status=``, ``?q=`` a substring), a script with the text in use and the draft being edited, writing,
submitting, reviewing and retiring through the same services as the pages, a script's text filled for a
conversation (``render/``) and the ranked search by the customer's own words (``search/``).

A script is used only in its approved version: ``in_use`` is that text (null before the first approval or
once retired); ``draft`` is the text being edited when it differs (null otherwise)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from creditdesk.core.api.ids import IdField
from creditdesk.core.api.schema import may_conflict
from creditdesk.replies import selectors, services
from creditdesk.replies.api.fields import choice, text
from creditdesk.replies.choices import Category, ResponseTier, ScriptStatus
from creditdesk.replies.filtersets import ScriptFilterSet
from creditdesk.replies.models import ReplyScript
from creditdesk.replies.services import ScriptInput
from creditdesk.replies.services.library import (
    CONTENT_FIELDS,
    LIMITS,
    MAX_DISCLOSURE,
    MAX_DISCLOSURES,
    MAX_VARIANT,
    MAX_VARIANTS,
    approved_content,
)
from creditdesk.replies.services.searching import Found

MAX_CODES = 20  # stages, products or tiers one script fits

# --- what the API answers ----------------------------------------------------------------------------------


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def _codes(value: str) -> list[str]:
    return [code for code in (value or "").split(",") if code]


def content_of(values: dict[str, Any]) -> dict[str, Any]:
    """A script's content (``CONTENT_FIELDS``) as the API answers it: wordings, disclosures and codes as
    lists."""
    return {
        "category": values["category"],
        "question": values["question"],
        "variants": _lines(values["variants"]),
        "answer": values["answer"],
        "disclosures": _lines(values["disclosures"]),
        "stages": _codes(values["stages"]),
        "products": _codes(values["products"]),
        "tiers": _codes(values["tiers"]),
        "response_tier": values["response_tier"],
        "source": values["source"],
    }


class ContentSerializer(serializers.Serializer):
    """The text of one version of a script."""

    category = choice(Category.choices, enum_name="ReplyCategoryEnum")
    question = serializers.CharField(help_text=_("客户问题"))
    variants = serializers.ListField(child=serializers.CharField(), help_text=_("其他问法"))
    answer = serializers.CharField(help_text=_("标准答复（可含占位符：客户称呼、年化利率等，写在花括号中）"))
    disclosures = serializers.ListField(child=serializers.CharField(), help_text=_("必须随答复发送的提示"))
    stages = serializers.ListField(child=serializers.CharField(), help_text=_("适用的线索阶段；空：全部"))
    products = serializers.ListField(child=serializers.CharField(), help_text=_("适用的产品代码；空：全部"))
    tiers = serializers.ListField(child=serializers.CharField(), help_text=_("适用的客户层级；空：全部"))
    response_tier = choice(ResponseTier.choices, enum_name="ReplyResponseTierEnum", help_text=_("应答层级"))
    source = serializers.CharField(help_text=_("依据"))


class ScriptSerializer(serializers.ModelSerializer):
    """A script as a list row: its current question and status."""

    category = choice(Category.choices, enum_name="ReplyCategoryEnum", read_only=True)
    response_tier = choice(ResponseTier.choices, enum_name="ReplyResponseTierEnum", read_only=True)
    status = choice(ScriptStatus.choices, enum_name="ReplyScriptStatusEnum", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    owner_name = serializers.SerializerMethodField()
    question = serializers.SerializerMethodField()

    class Meta:
        model = ReplyScript
        fields = [
            "id",
            "key",
            "category",
            "category_display",
            "question",
            "response_tier",
            "status",
            "status_display",
            "version",
            "approved_version",
            "owner",
            "owner_name",
            "updated_at",
        ]
        read_only_fields = fields

    def get_question(self, obj: ReplyScript) -> str:
        """The question as the caller reads it: of the text in use, or of the draft for its keeper and the
        reviewers (``selectors.texts_shown``, given in the context)."""
        return str(self.context.get("texts", {}).get(obj.pk, {}).get("question", obj.question))

    def get_owner_name(self, obj: ReplyScript) -> str:
        """The keeper's name; empty for the bank's seeded library."""
        return obj.owner.get_full_name() if obj.owner_id and obj.owner else ""


class ScriptDetailSerializer(ScriptSerializer):
    in_use = serializers.SerializerMethodField()
    draft = serializers.SerializerMethodField()

    class Meta(ScriptSerializer.Meta):
        fields = [
            *ScriptSerializer.Meta.fields,
            "in_use",
            "draft",
            "submitted_by",
            "reviewed_by",
            "reviewed_at",
            "review_note",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ContentSerializer(allow_null=True))
    def get_in_use(self, obj: ReplyScript) -> dict[str, Any] | None:
        """The approved text in use; null before the first approval and once retired."""
        content = approved_content(obj)
        return content_of(content) if content is not None else None

    @extend_schema_field(ContentSerializer(allow_null=True))
    def get_draft(self, obj: ReplyScript) -> dict[str, Any] | None:
        """The text being edited when it differs from the one in use (not yet approved) — for its keeper
        and the reviewers; else null."""
        current = {name: getattr(obj, name) for name in CONTENT_FIELDS}
        content = approved_content(obj)
        if content is not None and (
            content == current or not selectors.sees_drafts(self.context["user"], obj)
        ):
            return None
        return content_of(current)


class HitSerializer(serializers.Serializer):
    """A script found for a question, best first: its approved text and why it matched."""

    script = serializers.IntegerField(help_text=_("话术编号"))
    key = serializers.CharField()
    question = serializers.CharField()
    category = choice(Category.choices, enum_name="ReplyCategoryEnum")
    response_tier = choice(ResponseTier.choices, enum_name="ReplyResponseTierEnum")
    answer = serializers.CharField(help_text=_("在用的标准答复（占位符未填）"))
    disclosures = serializers.ListField(child=serializers.CharField())
    score = serializers.FloatField(help_text=_("匹配得分（越高越相关，只用于排序）"))
    terms = serializers.ListField(child=serializers.CharField(), help_text=_("问题中与话术匹配的词"))


def hit_of(found: Found) -> dict[str, Any]:
    content = found.content
    return {
        "script": found.script.pk,
        "key": found.script.key,
        "question": content["question"],
        "category": content["category"],
        "response_tier": content["response_tier"],
        "answer": content["answer"],
        "disclosures": _lines(content["disclosures"]),
        "score": round(float(found.score), 4),
        "terms": list(found.terms),
    }


class RenderedSerializer(serializers.Serializer):
    text = serializers.CharField(help_text=_("答复与提示，已填入能确定的占位符"))
    missing = serializers.ListField(
        child=serializers.CharField(), help_text=_("未能填入的占位符名称（发送前须由客户经理补全）")
    )


# --- what the API takes ------------------------------------------------------------------------------------


def _list(max_items: int, max_length: int, help_text: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=max_length, allow_blank=True),
        max_length=max_items,
        required=False,
        help_text=help_text,
    )


class ScriptWriteSerializer(serializers.Serializer):
    """A script's text. Refusals (400, each naming its field in ``details.field``):
    ``script_<field>_required``, ``script_<field>_too_long``, ``script_placeholder_unknown`` (a
    placeholder not in the list), ``script_disclosure_required`` (risk, collection and compliance
    answers), ``script_<stages|products|tiers>_unknown``, ``script_key_invalid``; 409
    ``script_key_taken``."""

    category = choice(Category.choices, enum_name="ReplyCategoryEnum")
    question = text(LIMITS["question"], required=True, help_text=_("客户问题"))
    answer = text(
        LIMITS["answer"],
        required=True,
        help_text=_("标准答复（可含占位符：客户称呼、年化利率等，写在花括号中）"),
    )
    response_tier = choice(ResponseTier.choices, enum_name="ReplyResponseTierEnum", help_text=_("应答层级"))
    variants = _list(MAX_VARIANTS, MAX_VARIANT, _("其他问法（客户的口语说法）"))
    disclosures = _list(MAX_DISCLOSURES, MAX_DISCLOSURE, _("必须随答复发送的提示，每项一句"))
    stages = _list(MAX_CODES, 30, _("适用的线索阶段代码（如 need_confirmed）；空：全部"))
    products = _list(MAX_CODES, 32, _("适用的产品代码；空：全部"))
    tiers = _list(MAX_CODES, 30, _("适用的客户层级代码（high_net_worth、middle、mass）；空：全部"))
    source = text(LIMITS["source"], help_text=_("依据"))


class ScriptCreateSerializer(ScriptWriteSerializer):
    key = text(60, help_text=_("编号：小写字母、数字和连字符；留空自动生成"))


class ReviewSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text=_("true 审核通过；false 退回（须写明原因）"))
    note = text(300, help_text=_("审核意见；退回时必填"))


class RetireSerializer(serializers.Serializer):
    note = text(300, help_text=_("停用原因"))


class RenderQuerySerializer(serializers.Serializer):
    customer = IdField(required=False, help_text=_("客户编号：按该客户填入占位符"))
    lead = IdField(required=False, help_text=_("线索编号：按该线索（及其客户）填入占位符"))


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text=_("客户的问题，原话即可（口语、错别字、表情都可以；不超过 2000 字）"),
    )
    category = choice(
        Category.choices, enum_name="ReplyCategoryEnum", required=False, help_text=_("只查该类别")
    )
    customer = IdField(required=False, help_text=_("对话的客户：适合其客户层级的话术排名略靠前"))
    lead = IdField(required=False, help_text=_("对话的线索：适合其阶段的话术排名略靠前"))
    k = serializers.IntegerField(
        required=False, default=5, min_value=1, max_value=20, help_text=_("返回条数")
    )


# --- the view ----------------------------------------------------------------------------------------------


def _content_input(values: dict[str, Any], key: str = "") -> ScriptInput:
    return ScriptInput(
        category=values["category"],
        question=values["question"],
        answer=values["answer"],
        response_tier=values["response_tier"],
        variants=list(values.get("variants") or []),
        disclosures=list(values.get("disclosures") or []),
        stages=list(values.get("stages") or []),
        products=list(values.get("products") or []),
        tiers=list(values.get("tiers") or []),
        source=values.get("source") or "",
        key=key,
    )


class ScriptViewSet(viewsets.GenericViewSet):
    """话术库: every signed-in person reads the scripts in use; a writer also their own drafts; risk
    managers (the reviewers) and administrators the whole library."""

    serializer_class = ScriptSerializer
    filterset_class = ScriptFilterSet

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema is built without a person
            return ReplyScript.objects.none()
        return (
            selectors.scripts_visible_to(self.request.user)
            .select_related("owner")
            .order_by("category", "key")
        )

    def get_object(self) -> ReplyScript:
        return selectors.script_get_visible(user=self.request.user, script_id=self.kwargs["pk"])

    def _detail(self, script_id: int, *, status_code: int = status.HTTP_200_OK) -> Response:
        user = self.request.user
        script = selectors.script_get_visible(user=user, script_id=script_id)
        context = {"user": user, "texts": selectors.texts_shown(user, [script])}
        return Response(ScriptDetailSerializer(script, context=context).data, status=status_code)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        texts = selectors.texts_shown(request.user, list(page))
        return self.get_paginated_response(ScriptSerializer(page, many=True, context={"texts": texts}).data)

    @extend_schema(responses=ScriptDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(self.get_object().pk)

    @extend_schema(request=ScriptCreateSerializer, responses={201: ScriptDetailSerializer})
    @may_conflict
    def create(self, request: Request) -> Response:
        """编写话术 (customer managers, team leads, risk managers: 403 ``script_write_not_allowed``
        otherwise): saved as the writer's draft, to be submitted for compliance review."""
        data = ScriptCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        script = services.script_save(actor=request.user, data=_content_input(values, values.get("key", "")))
        return self._detail(script.pk, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=ScriptWriteSerializer, responses=ScriptDetailSerializer)
    @may_conflict
    def partial_update(self, request: Request, pk: str) -> Response:
        """修改话术 (its keeper or a risk manager: 403 ``script_edit_not_allowed``): a new draft version;
        the approved text stays in use until the new one is approved. 409 ``script_retired``."""
        script = self.get_object()
        data = ScriptWriteSerializer(data=request.data, partial=True)  # the fields sent; the rest kept
        data.is_valid(raise_exception=True)
        current = {name: getattr(script, name) for name in CONTENT_FIELDS}
        values = {
            **current,
            "variants": _lines(current["variants"]),
            "disclosures": _lines(current["disclosures"]),
            "stages": _codes(current["stages"]),
            "products": _codes(current["products"]),
            "tiers": _codes(current["tiers"]),
            **data.validated_data,
        }
        services.script_save(actor=request.user, data=_content_input(values), script_id=script.pk)
        return self._detail(script.pk)

    @extend_schema(request=None, responses=ScriptDetailSerializer)
    @action(detail=True, methods=["post"])
    @may_conflict
    def submit(self, request: Request, pk: str) -> Response:
        """提交合规审核 (the keeper or a risk manager; a draft or a returned script: 409 ``script_not_draft``
        otherwise). The guard checks the answer and disclosures first: 400 ``compliance_blocked`` with the
        findings in ``details.findings`` (nothing changes)."""
        script = self.get_object()
        services.script_submit(actor=request.user, script_id=script.pk)
        return self._detail(script.pk)

    @extend_schema(request=ReviewSerializer, responses=ScriptDetailSerializer)
    @action(detail=True, methods=["post"])
    @may_conflict
    def review(self, request: Request, pk: str) -> Response:
        """合规审核 (a risk manager who neither wrote nor submitted it: 403 ``script_review_not_allowed``):
        approve, or return with the reason (400 ``script_review_note_required``); 409
        ``script_not_pending``."""
        script = self.get_object()
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.script_review(
            actor=request.user,
            script_id=script.pk,
            approve=data.validated_data["approve"],
            note=data.validated_data["note"],
        )
        return self._detail(script.pk)

    @extend_schema(request=RetireSerializer, responses=ScriptDetailSerializer)
    @action(detail=True, methods=["post"])
    @may_conflict
    def retire(self, request: Request, pk: str) -> Response:
        """停用 (a risk manager: 403 ``script_retire_not_allowed``): out of search and use at once; 409
        ``script_retired`` when it already is."""
        script = self.get_object()
        data = RetireSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.script_retire(actor=request.user, script_id=script.pk, note=data.validated_data["note"])
        return self._detail(script.pk)

    @extend_schema(parameters=[RenderQuerySerializer], responses=RenderedSerializer)
    @action(detail=True, methods=["get"])
    def render(self, request: Request, pk: str) -> Response:
        """The text in use (answer and disclosures) with its placeholders filled for a conversation
        (``customer`` or ``lead``, one the caller may write to: 404 outside scope, 403
        ``message_send_not_allowed`` for a customer, ``lead_read_only`` for a lead); ``missing`` lists
        the placeholders left. 400 ``script_not_in_use``."""
        script = self.get_object()
        query = RenderQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rendered = services.script_render(
            actor=request.user,
            script_id=script.pk,
            customer_id=query.validated_data.get("customer"),
            lead_id=query.validated_data.get("lead"),
        )
        return Response(RenderedSerializer({"text": rendered.text, "missing": rendered.missing}).data)

    @extend_schema(parameters=[SearchQuerySerializer], responses=HitSerializer(many=True))
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def search(self, request: Request) -> Response:
        """话术检索: the ``k`` scripts in use that best answer ``q`` (the customer's own words), best first;
        fitting the lead's stage or the customer's tier ranks a script a little higher. Refusals (400):
        ``search_query_empty``, ``search_query_too_long``, ``search_category_unknown``,
        ``search_lead_not_found`` / ``search_customer_not_found`` (not in the caller's scope)."""
        query = SearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        found = services.script_search(
            actor=request.user,
            query=values["q"],
            k=values["k"],
            category=values.get("category", ""),
            lead_id=values.get("lead"),
            customer_id=values.get("customer"),
        )
        return Response(HitSerializer([hit_of(f) for f in found], many=True).data)
