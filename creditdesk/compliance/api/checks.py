"""``GET /api/v1/compliance/checks/``: 拦截记录 — the texts the guard stopped, and the warnings senders saw
and sent anyway, for the people who review them in their scope (team leads: their team's senders; branch
heads and risk managers: their branch's; anyone else 403 ``compliance_log_not_allowed``). Filters shared
with the page: ``blocked``, ``channel``, ``origin``, ``rule`` (a code), ``date_from`` / ``date_to``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets

from creditdesk.compliance import selectors
from creditdesk.compliance.api.check import ComplianceFindingSerializer
from creditdesk.compliance.api.fields import choice
from creditdesk.compliance.choices import Channel, CheckOrigin
from creditdesk.compliance.filtersets import ComplianceCheckFilterSet
from creditdesk.compliance.models import ComplianceCheck


class ComplianceLogSerializer(serializers.Serializer):
    """One logged check: the text only as its masked excerpt and SHA-256 (the log keeps no personal data),
    the findings with their matched words masked the same way."""

    id = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    actor = serializers.IntegerField(
        source="actor_id", allow_null=True, read_only=True, help_text=_("发送人")
    )
    actor_name = serializers.SerializerMethodField()
    origin = choice(
        CheckOrigin.choices, read_only=True, help_text=_("send：发送前；api：接口；script：话术审核")
    )
    channel = choice(Channel.choices, read_only=True)
    blocked = serializers.BooleanField(read_only=True, help_text=_("true：已拦截；false：提醒后发送"))
    target = serializers.CharField(read_only=True)
    excerpt = serializers.CharField(read_only=True, help_text=_("文本摘录（前 200 字，数字已脱敏）"))
    text_sha256 = serializers.CharField(read_only=True)
    rules = serializers.SerializerMethodField()
    findings = ComplianceFindingSerializer(many=True, read_only=True)

    def get_actor_name(self, check: ComplianceCheck) -> str:
        """The sender's name; empty for a check made by the system."""
        return check.actor.get_full_name() if check.actor else ""

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_rules(self, check: ComplianceCheck) -> list[str]:
        """The codes of the rules that fired."""
        return [code for code in check.rules.split(",") if code]


class ComplianceLogViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """拦截记录 newest first, in the reader's scope."""

    serializer_class = ComplianceLogSerializer
    filterset_class = ComplianceCheckFilterSet

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema is built without a person
            return ComplianceCheck.objects.none()
        return selectors.checks_visible_to(user=self.request.user)
