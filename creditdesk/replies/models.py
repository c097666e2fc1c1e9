"""Reply scripts (话术库): the team's best answers, approved by compliance before use, and what each use
produced."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.scope import ScopePaths
from creditdesk.replies.choices import Category, ResponseTier, ScriptStatus, UseOutcome, UsePurpose

LIBRARY = ScopePaths(owner=None, team=None, branch=None, admin_sees_all=True)


class ReplyScript(models.Model):
    """话术 — a customer question (with the other ways customers ask it), the standard answer with its
    placeholders ({客户称呼}, {年化利率} … see ``placeholders.PLACEHOLDERS``), the disclosures it must carry,
    where it fits (lead stages, products, customer tiers; blank: all), who should give it (the response
    tier) and who keeps it (owner).

    The library is the bank's, shared by every CM. A script is used only once approved (``status``): an
    edit of an approved script makes a new draft version (``version`` + 1) that is submitted and approved
    again; until then the approved text stays in use (``ReplyScriptVersion`` keeps each approved text)."""

    key = models.SlugField(_("编号"), max_length=60, unique=True)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    question = models.CharField(_("客户问题"), max_length=200)
    variants = models.TextField(_("其他问法"), blank=True, max_length=2000, help_text=_("每行一种问法"))
    answer = models.TextField(_("标准答复"), max_length=2000)
    disclosures = models.TextField(
        _("必须附带的提示"), blank=True, max_length=1000, help_text=_("每行一句，随答复一并发送")
    )
    stages = models.CharField(_("适用阶段"), max_length=200, blank=True)
    products = models.CharField(_("适用产品"), max_length=300, blank=True)
    tiers = models.CharField(_("适用客户层级"), max_length=100, blank=True)
    response_tier = models.CharField(_("应答层级"), max_length=20, choices=ResponseTier.choices)
    source = models.CharField(_("依据"), max_length=300, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("维护人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ScriptStatus.choices, default=ScriptStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    approved_version = models.PositiveIntegerField(_("在用版本"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    scope_paths: ClassVar[ScopePaths] = LIBRARY

    class Meta:
        verbose_name = _("话术")
        verbose_name_plural = _("话术库")
        ordering = ["category", "key"]
        indexes = [models.Index(fields=["status", "category"])]

    def __str__(self) -> str:
        return f"{self.key} · {self.question}"

    def variant_list(self) -> list[str]:
        return [line.strip() for line in self.variants.splitlines() if line.strip()]

    def disclosure_list(self) -> list[str]:
        return [line.strip() for line in self.disclosures.splitlines() if line.strip()]

    @staticmethod
    def _csv(value: str) -> frozenset[str]:
        return frozenset(v.strip() for v in value.split(",") if v.strip())

    def stage_set(self) -> frozenset[str]:
        return self._csv(self.stages)

    def product_set(self) -> frozenset[str]:
        return self._csv(self.products)

    def tier_set(self) -> frozenset[str]:
        return self._csv(self.tiers)


class ReplyScriptVersion(models.Model):
    """话术版本 — the text of a script as approved (or as submitted, rejected or retired): who, when, why.
    The history a compliance review reads; never changed."""

    script = models.ForeignKey(ReplyScript, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("版本"))
    status = models.CharField(_("状态"), max_length=20, choices=ScriptStatus.choices)
    content = models.JSONField(_("内容"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    scope_paths: ClassVar[ScopePaths] = LIBRARY

    class Meta:
        verbose_name = _("话术版本")
        verbose_name_plural = _("话术版本")
        ordering = ["script", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.script_id} v{self.version} {self.status}"


class ScriptUse(models.Model):
    """话术使用 — a script put into a message or note: by whom, for which customer or lead, the version,
    the lead's stage at that moment, and what happened next (``outcome``): the lead moved on, the objection
    was resolved (the CM says so), the lead was lost, or nothing yet. Team leads read which answers work."""

    script = models.ForeignKey(
        ReplyScript, verbose_name=_("话术"), on_delete=models.PROTECT, related_name="uses"
    )
    version = models.PositiveIntegerField(_("版本"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("使用人"), on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("客户"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lead = models.ForeignKey(
        "marketing.Lead",
        verbose_name=_("线索"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    purpose = models.CharField(_("用途"), max_length=20, choices=UsePurpose.choices)
    stage_at_use = models.CharField(_("使用时阶段"), max_length=20, blank=True)
    outcome = models.CharField(
        _("效果"), max_length=20, choices=UseOutcome.choices, default=UseOutcome.PENDING
    )
    outcome_at = models.DateTimeField(_("效果登记时间"), null=True, blank=True)
    used_at = models.DateTimeField(_("使用时间"), auto_now_add=True, db_index=True)

    scope_paths: ClassVar[ScopePaths] = ScopePaths(owner="actor", team="actor__team", branch="actor__branch")

    class Meta:
        verbose_name = _("话术使用记录")
        verbose_name_plural = _("话术使用记录")
        ordering = ["-used_at", "-id"]
        indexes = [models.Index(fields=["script", "outcome"])]

    def __str__(self) -> str:
        return f"{self.script_id} · {self.used_at:%Y-%m-%d}"
