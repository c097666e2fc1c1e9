"""Customer requests (客户诉求) with tiered response (分级响应, issue 18 item 5): the tier matrix the bank
keeps as data, each request with its routing, target and answer, and the request's history."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.scope import ScopePaths
from creditdesk.servicedesk import tiering
from creditdesk.servicedesk.choices import (
    Complexity,
    RequestChannel,
    RequestEventKind,
    RequestKind,
    RequestStatus,
    Tier,
    Urgency,
)

CONFIGURATION = ScopePaths(owner=None, team=None, branch=None, admin_sees_all=True)
BY_CUSTOMER = ScopePaths(
    owner="customer__owner", team="customer__owner__team", branch="customer__owner__branch"
)
TEXT_MAX = 2000
HOURS_MAX = 200  # five working weeks: beyond it a "response target" is not one


class TierRule(models.Model):
    """分级规则 — one row of the tier matrix: requests of a kind (and an urgency, a complexity; blank: any)
    are answered by a tier (客户经理 / 团队主管 / 专员) within ``response_hours`` working hours. The most
    specific matching row wins (``tiering.matching_rule``); with none, the team lead within 8 working
    hours. Data the administrator edits (every change audited); ``source`` says where the row comes from."""

    kind = models.CharField(
        _("诉求类型"), max_length=20, choices=RequestKind.choices, blank=True, help_text=_("留空：任意类型")
    )
    urgency = models.CharField(
        _("紧急程度"), max_length=10, choices=Urgency.choices, blank=True, help_text=_("留空：任意")
    )
    complexity = models.CharField(
        _("复杂程度"), max_length=10, choices=Complexity.choices, blank=True, help_text=_("留空：任意")
    )
    tier = models.CharField(_("响应层级"), max_length=20, choices=Tier.choices)
    response_hours = models.PositiveSmallIntegerField(
        _("响应时限（工作小时）"), validators=[MinValueValidator(1), MaxValueValidator(HOURS_MAX)]
    )
    source = models.CharField(_("依据"), max_length=300, blank=True)

    scope_paths: ClassVar[ScopePaths] = CONFIGURATION

    class Meta:
        verbose_name = _("分级规则")
        verbose_name_plural = _("分级响应规则")
        ordering = ["kind", "urgency", "complexity"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "urgency", "complexity"], name="servicedesk_tier_rule_cell"
            ),
            models.CheckConstraint(
                condition=models.Q(response_hours__gte=1) & models.Q(response_hours__lte=HOURS_MAX),
                name="servicedesk_tier_rule_hours",
            ),
        ]

    def __str__(self) -> str:
        cells = [
            self.get_kind_display() or _("任意类型"),
            self.get_urgency_display() or _("任意紧急程度"),
            self.get_complexity_display() or _("任意复杂程度"),
        ]
        return f"{' · '.join(str(c) for c in cells)} → {self.get_tier_display()} {self.response_hours}h"

    def spec(self) -> tiering.TierRuleSpec:
        return tiering.TierRuleSpec(
            self.kind, self.urgency, self.complexity, tiering.Tier(self.tier), int(self.response_hours)
        )


class ServiceRequest(models.Model):
    """客户诉求 — a question, complaint, hardship plea, personal-information request or anything else a
    customer asks, as received: classified by kind × urgency × complexity into a tier, routed to the person
    who answers (``assignee``: the customer's manager, the team lead, or a specialist), with a response
    target (``due_at``, in working hours) and an agenda task; escalated one level when late (the manager →
    the team lead → the branch head, ``escalation_level``); answered (``first_response_at``, ``response``),
    then closed with its resolution. Scoped through the customer."""

    number = models.CharField(_("诉求编号"), max_length=32, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("客户"),
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    kind = models.CharField(_("诉求类型"), max_length=20, choices=RequestKind.choices)
    channel = models.CharField(_("渠道"), max_length=10, choices=RequestChannel.choices)
    text = models.TextField(_("诉求内容"), max_length=TEXT_MAX)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices)
    complexity = models.CharField(_("复杂程度"), max_length=10, choices=Complexity.choices)
    tier = models.CharField(_("响应层级"), max_length=20, choices=Tier.choices)
    response_hours = models.PositiveSmallIntegerField(_("响应时限（工作小时）"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    escalation_level = models.PositiveSmallIntegerField(
        _("升级级别"), default=0, validators=[MaxValueValidator(2)]
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    received_at = models.DateTimeField(_("收到时间"))
    due_at = models.DateTimeField(_("响应时限"))
    first_response_at = models.DateTimeField(_("首次响应时间"), null=True, blank=True)
    response = models.TextField(_("响应内容"), blank=True, max_length=TEXT_MAX)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("响应人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.TextField(_("处理结果"), blank=True, max_length=TEXT_MAX)
    routing_note = models.TextField(
        _("分级说明"), blank=True, help_text=_("建议分级的理由、兜底规则、工作日历的假设等")
    )
    calendar_assumed = models.BooleanField(
        _("按周一至周五计算"), default=False, help_text=_("时限跨越尚未录入节假日安排的年份")
    )
    task = models.ForeignKey(
        "agenda.Task",
        verbose_name=_("待办"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_paths: ClassVar[ScopePaths] = BY_CUSTOMER

    class Meta:
        verbose_name = _("客户诉求")
        verbose_name_plural = _("客户诉求")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="servicedesk_request_due"),
            models.Index(fields=["customer", "-received_at"], name="servicedesk_request_customer"),
            models.Index(fields=["assignee", "status"], name="servicedesk_request_assignee"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(escalation_level__lte=2), name="servicedesk_request_level"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN

    def is_late(self, now: datetime) -> bool:
        """Still unanswered after its response target."""
        return self.status == RequestStatus.OPEN and self.due_at < now

    @property
    def answered_late(self) -> bool:
        """Answered, but after the response target."""
        return self.first_response_at is not None and self.first_response_at > self.due_at


class ServiceRequestEvent(models.Model):
    """诉求处理记录 — one step of a request's history: registered, routed, escalated (from whom to whom, at
    which level), answered, closed; by whom (none: the system, e.g. the escalation run)."""

    request = models.ForeignKey(
        ServiceRequest, verbose_name=_("客户诉求"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("事件"), max_length=20, choices=RequestEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    from_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("原处理人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("新处理人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField(_("升级级别"), default=0)
    note = models.TextField(_("说明"), blank=True, max_length=TEXT_MAX)
    at = models.DateTimeField(_("时间"))

    scope_paths: ClassVar[ScopePaths] = ScopePaths(
        owner="request__customer__owner",
        team="request__customer__owner__team",
        branch="request__customer__owner__branch",
    )

    class Meta:
        verbose_name = _("诉求处理记录")
        verbose_name_plural = _("诉求处理记录")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "level"],
                condition=models.Q(kind="escalated"),
                name="servicedesk_event_escalated_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.get_kind_display()}"
