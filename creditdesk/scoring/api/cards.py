"""Editing an expert card for programs: ``POST /api/v1/score-models/{id}/drafts/`` registers the edited
card as a new draft version of the card ``{id}`` (the same service as the editor page,
``card_drafts.card_draft_create``: risk managers only; refused with the card's code and every problem
under ``details.problems``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from creditdesk.core.api.schema import may_conflict
from creditdesk.scoring import card_drafts
from creditdesk.scoring.models import ScoreModel


def _plain(value: Any) -> Any:
    """The card as JSON numbers: the API reads numbers as exact decimals (``core.api.parsers``); a card
    holds ints and floats (an integral decimal becomes an int, so an edge of a whole-number feature stays
    whole)."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


class CardDraftRequestSerializer(serializers.Serializer):
    version = serializers.CharField(max_length=40, help_text="新版本号（该评分卡未用过），如 1.0.1")
    note = serializers.CharField(max_length=200, help_text="修改说明（一行，4–200 个字），记入审计")
    card = serializers.DictField(
        help_text=(
            "修改后的评分卡（creditdesk-expert-card/1：base_points、grades、"
            "features 及各档 bands、missing）；"
            "name 与 version 以所依据的版本和上面的 version 为准，title、description 省略时沿用"
        )
    )


class CardDraftSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoreModel
        fields = ["id", "name", "version", "title", "status"]


class CardDraftView(APIView):
    """编辑专家评分卡为新版本（草稿）：风险经理提交修改后的评分卡；由另一位风险经理审核、另一位风险经理或
    支行行长启用。被拒时 ``code`` 为评分卡的错误代码（如 band_overlap、band_gap、points_invalid、
    cutoff_out_of_range、score_model_version_exists），``details.problems`` 列出每一处问题（code、
    message、feature、band）。"""

    @extend_schema(
        operation_id="v1_score_models_drafts_create",
        description=(
            "编辑专家评分卡为新版本（草稿，风险经理）：以版本 {id} 的评分卡为底稿，"
            "登记修改后的评分卡为新版本，修改内容（各项、各档、分值、依据、最低分的变化）"
            "与修改说明记入审计。被拒时 `code` 为评分卡的错误代码（band_overlap、band_gap、"
            "points_invalid、cutoff_out_of_range、not_an_expert_card、note_required；"
            "score_model_version_exists 为 409），`details.problems` 列出每一处问题"
            "（code、message、feature、band、grade）。由另一位风险经理审核，"
            "另一位风险经理或支行行长启用。"
        ),
        request=CardDraftRequestSerializer,
        responses={201: CardDraftSerializer},
        examples=[
            OpenApiExample(
                "band_overlap",
                response_only=True,
                status_codes=["400"],
                value={
                    "code": "band_overlap",
                    "message": "「近 6 个月征信查询次数」第 1 档与第 2 档重叠……",
                    "details": {
                        "feature": "inquiries_6m",
                        "band": 2,
                        "problems": [
                            {"code": "band_overlap", "message": "…", "feature": "inquiries_6m", "band": 2}
                        ],
                    },
                },
            )
        ],
    )
    @may_conflict
    def post(self, request: Request, id: int) -> Response:
        # The body is read leniently and checked by the service, which asks the policy first: a person who
        # may not edit cards is refused (403) whatever the body.
        body = request.data if isinstance(request.data, dict) else {}
        model = card_drafts.card_draft_create(
            actor=request.user,
            base_model_id=id,
            card_data=_plain(body.get("card")),
            version=str(body.get("version") or ""),
            note=str(body.get("note") or ""),
        )
        return Response(CardDraftSerializer(model).data, status=status.HTTP_201_CREATED)
