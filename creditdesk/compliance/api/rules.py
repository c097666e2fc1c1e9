"""``/api/v1/compliance/rules/``: the guard's rules, read and kept by risk managers and administrators
(``COMPLIANCE_RULE_MANAGE``; anyone else 403 ``compliance_rule_not_allowed``). POST adds a rule, PATCH
changes the fields given; a rule is never deleted — ``active: false`` retires it. Every write goes through
``services.rule_save`` (validated, audited) and applies at the next text checked."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from creditdesk.accounts import policy
from creditdesk.compliance import guard, selectors, services
from creditdesk.compliance.api.fields import choice, one_of, optional_text
from creditdesk.compliance.choices import Channel, RuleKind, Severity
from creditdesk.compliance.filtersets import ComplianceRuleFilterSet
from creditdesk.compliance.models import ComplianceRule
from creditdesk.core.actions import Action

CHANNELS_SCHEMA = {"type": "array", "items": one_of(Channel.choices)}


class ComplianceRuleSerializer(serializers.Serializer):
    """合规规则: what it forbids (``pattern`` of its ``kind``), where (``channels``, empty: every channel),
    what the sender is told and may say instead, and its source."""

    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True, help_text=_("规则代码（拦截记录中的名字，不能修改）"))
    name = serializers.CharField(read_only=True)
    kind = choice(RuleKind.choices, read_only=True)
    severity = choice(Severity.choices, read_only=True, help_text=_("block：拦截；warn：提醒"))
    pattern = serializers.CharField(read_only=True)
    channels = serializers.SerializerMethodField(help_text=_("适用渠道；空表示全部渠道"))
    negation_exempt = serializers.BooleanField(read_only=True)
    message = serializers.CharField(read_only=True)
    suggestion = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True)
    active = serializers.BooleanField(read_only=True)
    updated_by = serializers.IntegerField(source="updated_by_id", read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True)

    @extend_schema_field(CHANNELS_SCHEMA)
    def get_channels(self, rule: ComplianceRule) -> list[str]:
        return sorted(rule.channel_set())


class ComplianceRuleWriteSerializer(serializers.Serializer):
    code = serializers.CharField(
        max_length=50, help_text=_("规则代码：英文字母、数字、下划线或连字符；创建后不能修改")
    )
    name = serializers.CharField(max_length=60)
    kind = serializers.ChoiceField(choices=RuleKind.choices)
    severity = serializers.ChoiceField(choices=Severity.choices, help_text=_("block：拦截；warn：提醒"))
    pattern = optional_text(
        guard.MAX_PATTERN, help_text=_("禁用词每行一个；正则表达式按 Python 语法；身份证号、银行卡号无需填写")
    )
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices),
        required=False,
        default=list,
        help_text=_("适用渠道；空表示全部渠道"),
    )
    negation_exempt = serializers.BooleanField(
        default=True, help_text=_("否定语境（如“不能保证放款”）不拦截")
    )
    message = serializers.CharField(max_length=300, help_text=_("问题说明（发送人看到的提示）"))
    suggestion = optional_text(300, help_text=_("合规替代说法"))
    source = optional_text(300, help_text=_("依据"))
    active = serializers.BooleanField(default=True)


def _current(rule: ComplianceRule) -> dict[str, Any]:
    return services.rule_values(rule)


def _input(values: dict[str, Any]) -> services.RuleInput:
    return services.RuleInput(**{**values, "channels": ",".join(values.get("channels") or [])})


_REFUSALS = (
    " Refusals: 403 ``compliance_rule_not_allowed``; 400 ``compliance_rule_pattern_invalid`` (the reason "
    "in the message: an invalid regex, an empty phrase list, a regex matching empty text, nested repeats), "
    "``compliance_rule_code_invalid``, ``compliance_rule_code_taken``, ``compliance_rule_code_fixed``, "
    "``compliance_channel_unknown``, ``compliance_rule_<field>_invalid``."
)


@extend_schema_view(
    create=extend_schema(request=ComplianceRuleWriteSerializer, responses={201: ComplianceRuleSerializer}),
    partial_update=extend_schema(request=ComplianceRuleWriteSerializer, responses=ComplianceRuleSerializer),
)
class ComplianceRuleViewSet(viewsets.GenericViewSet):
    __doc__ = (
        "合规规则 by code, active and retired (``?kind=``, ``?severity=``, ``?active=``); POST adds one, "
        "PATCH changes the fields given (``active: false`` retires it: a rule is never deleted)." + _REFUSALS
    )
    serializer_class = ComplianceRuleSerializer
    filterset_class = ComplianceRuleFilterSet

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema is built without a person
            return ComplianceRule.objects.none()
        return selectors.rules_for(user=self.request.user)

    def get_object(self) -> ComplianceRule:
        return selectors.rule_get(user=self.request.user, rule_id=self.kwargs["pk"])

    def list(self, request: Request) -> Response:
        rows = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ComplianceRuleSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ComplianceRuleSerializer(self.get_object()).data)

    def create(self, request: Request) -> Response:
        policy.require(request.user, Action.COMPLIANCE_RULE_MANAGE)  # before the body: 403, not 400
        data = ComplianceRuleWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rule = services.rule_save(actor=request.user, data=_input(dict(data.validated_data)))
        return Response(ComplianceRuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        rule = self.get_object()
        data = ComplianceRuleWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = {**_current(rule), **data.validated_data}
        saved = services.rule_save(actor=request.user, data=_input(values), rule_id=rule.pk)
        return Response(ComplianceRuleSerializer(saved).data)
