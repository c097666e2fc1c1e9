"""Approval (审批): the editable routing and concession matrices, the exposure limits, and each
application's levels, decisions and committee votes (issue 15, items 4, 7, 8)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.choices import ROLE_CHOICES
from creditdesk.accounts.scope import ScopePaths
from creditdesk.applications.choices import ApprovalLevel, DecisionOutcome
from creditdesk.applications.models.application import ON_APPLICATION_SCOPE, Application
from creditdesk.applications.routing import Level
from creditdesk.core.fields import AmountField

CONFIGURATION = ScopePaths(owner=None, team=None, branch=None, admin_sees_all=True)


class RoutingRule(models.Model):
    """审批路由 — one row of the routing matrix: applications of ``min_amount``–``max_amount`` (yuan,
    inclusive; no maximum: no upper bound) for ``product_code`` (empty: any) at one of ``grades`` (comma
    separated; empty: any) go through ``levels`` in order (e.g. ``team_lead,approver,committee``), with
    ``quorum`` votes needed at a committee level, each level due within ``sla_hours``. The first matching
    row by ``position`` applies (``routing.route``). Risk managers and administrators edit it."""

    position = models.PositiveSmallIntegerField(_("优先顺序"))
    name = models.CharField(_("名称"), max_length=100)
    min_amount = AmountField(_("金额下限（元）"))
    max_amount = AmountField(_("金额上限（元）"), null=True, blank=True)
    product_code = models.CharField(_("产品代码"), max_length=20, blank=True)
    grades = models.CharField(_("风险等级"), max_length=20, blank=True)
    levels = models.CharField(_("审批层级"), max_length=200)
    quorum = models.PositiveSmallIntegerField(_("贷审会法定票数"), default=0)
    sla_hours = models.PositiveSmallIntegerField(_("每级审批时限（小时）"), default=24)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    scope_paths: ClassVar[ScopePaths] = CONFIGURATION

    class Meta:
        verbose_name = _("审批路由")
        verbose_name_plural = _("审批路由表")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(min_amount__gte=0), name="routing_min_nonneg"),
            models.CheckConstraint(
                condition=models.Q(max_amount__isnull=True)
                | models.Q(max_amount__gte=models.F("min_amount")),
                name="routing_band_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The levels are known levels, in order, each once; a committee has a quorum; grades are A–E."""
        known = {level.value for level in Level}
        levels = [level.strip() for level in self.levels.split(",") if level.strip()]
        errors: dict[str, Any] = {}
        if not levels or any(level not in known for level in levels) or len(set(levels)) != len(levels):
            errors["levels"] = _("审批层级须为以逗号分隔、不重复的已知层级：%(known)s。") % {
                "known": ", ".join(sorted(known))
            }
        elif "committee" in levels and self.quorum < 1:
            errors["quorum"] = _("含贷审会的路由须设置法定票数。")
        grades = [grade.strip() for grade in self.grades.split(",") if grade.strip()]
        if any(grade not in ("A", "B", "C", "D", "E") for grade in grades):
            errors["grades"] = _("风险等级须为 A–E，以逗号分隔。")
        if errors:
            raise ValidationError(errors)


class ConcessionLimit(models.Model):
    """优惠授权 — the largest rate concession (basis points below the product's price for the grade) and
    the largest limit concession (percent above the product's maximum amount) a person of ``role`` may
    grant; beyond the largest row: head office (总行)."""

    role = models.CharField(_("岗位"), max_length=20, choices=ROLE_CHOICES, unique=True)
    max_rate_bp = models.PositiveSmallIntegerField(_("最大利率优惠（基点）"))
    max_amount_pct = models.PositiveSmallIntegerField(_("最大额度优惠（超出产品上限的百分比）"), default=0)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    scope_paths: ClassVar[ScopePaths] = CONFIGURATION

    class Meta:
        verbose_name = _("优惠授权")
        verbose_name_plural = _("优惠授权表")
        ordering = ["max_rate_bp"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.max_rate_bp} bp"


class ExposureLimit(models.Model):
    """统一授信限额 — the most the bank lends to one customer (``single``) or to a group of related
    customers (``group``: household, 实际控制人, 关联企业), limits and balances together."""

    class Scope(models.TextChoices):
        SINGLE = "single", _("单一客户")
        GROUP = "group", _("集团客户 / 关联方")

    scope = models.CharField(_("口径"), max_length=10, choices=Scope.choices, unique=True)
    amount = AmountField(_("限额（元）"))
    source = models.CharField(_("依据"), max_length=200, blank=True)

    scope_paths: ClassVar[ScopePaths] = CONFIGURATION

    class Meta:
        verbose_name = _("统一授信限额")
        verbose_name_plural = _("统一授信限额")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="exposure_limit_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.amount}"


class ApprovalStep(models.Model):
    """审批层级 — one level an application goes through (from the routing rule at submission): who it
    waits for (``assigned_to``; none at a committee), when it began and is due (SLA), when it ended."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="steps"
    )
    round = models.PositiveSmallIntegerField(_("提交轮次"), default=1)
    position = models.PositiveSmallIntegerField(_("序号"))
    level = models.CharField(_("层级"), max_length=20, choices=ApprovalLevel.choices)
    quorum = models.PositiveSmallIntegerField(_("法定票数"), default=0)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    due_at = models.DateTimeField(_("应完成时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    scope_paths: ClassVar[ScopePaths] = ON_APPLICATION_SCOPE

    class Meta:
        verbose_name = _("审批层级")
        verbose_name_plural = _("审批层级")
        ordering = ["application", "round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["application", "round", "position"], name="approval_step_unique"),
        ]
        indexes = [models.Index(fields=["level", "ended_at", "due_at"])]

    def __str__(self) -> str:
        return f"{self.application_id} {self.round}.{self.position} {self.level}"


class Decision(models.Model):
    """审批意见 — a level's decision: recommend, approve (possibly with changed amount, rate or term —
    ``changes``, per part — and conditions), reject with reason codes, or return saying what is missing.
    A rate below the product's price for the grade is a concession, recorded with its size and reason.
    A committee level's decision is its result, written when the quorum is reached."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="decisions"
    )
    step = models.OneToOneField(
        ApprovalStep, verbose_name=_("审批层级"), on_delete=models.CASCADE, related_name="decision"
    )
    outcome = models.CharField(_("意见"), max_length=30, choices=DecisionOutcome.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    comment = models.TextField(_("审批意见"), blank=True, max_length=4000)
    reason_codes = models.JSONField(_("拒绝原因"), default=list, blank=True)
    missing = models.JSONField(_("需补充的内容"), default=list, blank=True)
    conditions = models.JSONField(_("放款条件"), default=list, blank=True)
    changes = models.JSONField(_("调整内容"), default=list, blank=True)
    concession_bp = models.PositiveSmallIntegerField(_("利率优惠（基点）"), default=0)
    concession_reason = models.CharField(_("优惠理由"), max_length=500, blank=True)
    idempotency_key = models.CharField(_("幂等键"), max_length=100, blank=True)
    decided_at = models.DateTimeField(_("审批时间"))

    scope_paths: ClassVar[ScopePaths] = ON_APPLICATION_SCOPE

    class Meta:
        verbose_name = _("审批意见")
        verbose_name_plural = _("审批意见")
        ordering = ["application", "decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.outcome}"


class CommitteeVote(models.Model):
    """贷审会投票 — one member's vote at a committee level; one vote per member per level."""

    class Vote(models.TextChoices):
        APPROVE = "approve", _("同意")
        REJECT = "reject", _("不同意")

    step = models.ForeignKey(
        ApprovalStep, verbose_name=_("审批层级"), on_delete=models.CASCADE, related_name="votes"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("委员"), on_delete=models.PROTECT, related_name="+"
    )
    vote = models.CharField(_("表决"), max_length=10, choices=Vote.choices)
    comment = models.CharField(_("意见"), max_length=1000, blank=True)
    voted_at = models.DateTimeField(_("投票时间"))

    class Meta:
        verbose_name = _("贷审会投票")
        verbose_name_plural = _("贷审会投票")
        ordering = ["step", "voted_at"]
        constraints = [models.UniqueConstraint(fields=["step", "member"], name="committee_vote_once")]

    def __str__(self) -> str:
        return f"{self.step_id} {self.member_id} {self.vote}"
