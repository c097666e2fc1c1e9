"""``POST /api/v1/compliance/check/``: a text (and its channel) → what is wrong in it, with the compliant
alternatives — for a core-banking, SMS or partner system about to send a text written in CreditDesk."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from creditdesk.compliance import services
from creditdesk.compliance.api.fields import ChannelName, CheckedText, choice, optional_text
from creditdesk.compliance.choices import Channel, Severity


class ComplianceCheckSerializer(serializers.Serializer):
    text = CheckedText(help_text=_("要检查的文本（1 至 20000 字，原样检查，不去首尾空格）"))
    channel = ChannelName(required=False, default=Channel.MESSAGE, help_text=_("发送渠道，默认 message"))
    log = serializers.BooleanField(
        default=True, help_text=_("被拦截时是否记入拦截记录（默认是；输入过程中的预览可传 false）")
    )
    target = optional_text(80, help_text=_("发送对象，记入拦截记录，如 customer:12"))


class ComplianceFindingSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text=_("规则代码"))
    severity = choice(Severity.choices, help_text=_("block：拦截，不能发送；warn：提醒，可以发送"))
    start = serializers.IntegerField(min_value=0, help_text=_("命中内容在文本中的起始位置（字符，从 0 起）"))
    end = serializers.IntegerField(min_value=0, help_text=_("结束位置（不含）"))
    matched = serializers.CharField(help_text=_("命中的原文"))
    message = serializers.CharField(help_text=_("问题说明"))
    suggestion = serializers.CharField(allow_blank=True, help_text=_("合规替代说法"))
    source = serializers.CharField(allow_blank=True, help_text=_("依据"))


class ComplianceCheckResultSerializer(serializers.Serializer):
    blocked = serializers.BooleanField(help_text=_("是否有拦截项（有则不能发送）"))
    findings = ComplianceFindingSerializer(many=True)
    checked_chars = serializers.IntegerField(help_text=_("检查的字符数"))


class ComplianceCheckView(APIView):
    """合规检查: the findings of a text for a channel. A check, not a send: answered 200 even when the text
    would be blocked (``blocked: true``); a blocked text is logged in 拦截记录 (origin ``api``) unless
    ``log`` is false. Refusals (400): ``compliance_text_empty``, ``compliance_text_too_long`` (over 20,000
    characters), ``compliance_text_invalid`` (broken characters), ``compliance_channel_unknown``."""

    @extend_schema(
        request=ComplianceCheckSerializer,
        responses=ComplianceCheckResultSerializer,
    )
    def post(self, request: Request) -> Response:
        data = ComplianceCheckSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        result = services.compliance_screen(
            actor=request.user,
            text=values["text"],
            channel=values["channel"],
            log=values["log"],
            target=values["target"],
        )
        body = {
            "blocked": result.blocked,
            "findings": [finding.as_dict() for finding in result.findings],
            "checked_chars": len(values["text"]),
        }
        return Response(ComplianceCheckResultSerializer(body).data)
