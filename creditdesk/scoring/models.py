"""Scorecard versions (评分模型) and the pre-assessments (预评估) they produce."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.scope import ScopePaths
from creditdesk.core.crypto import EncryptedJSONField
from creditdesk.customers.models import Customer
from creditdesk.scoring.choices import Grade, ModelStatus


class ScoreModel(models.Model):
    """评分模型 — one version of a credit scorecard, kept whole as the JSON artefact that scores with
    (``artefact``, checksummed: a changed byte refuses to load), with what it was trained on (the data
    fingerprint), its parameters and its evaluation report (cross-validated AUC/KS, calibration, score
    distribution). A risk manager approves a draft and activates an approved version; exactly one
    version is active, and every pre-assessment keeps the version that produced it. Reference data:
    every signed-in person may read it; nobody edits a version (a new one is registered instead).
    """

    name = models.CharField(_("模型代码"), max_length=60)
    version = models.CharField(_("版本"), max_length=40)
    title = models.CharField(_("模型名称"), max_length=100)
    artefact = models.TextField(_("模型文件（JSON）"))
    checksum = models.CharField(_("校验和"), max_length=80)
    data_fingerprint = models.CharField(_("训练数据指纹"), max_length=80)
    parameters = models.JSONField(_("训练参数"), default=dict)
    report = models.JSONField(_("评估报告"), default=dict)
    status = models.CharField(
        _("状态"), max_length=20, choices=ModelStatus.choices, default=ModelStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("启用人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    activated_at = models.DateTimeField(_("启用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评分模型")
        verbose_name_plural = _("评分模型")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="score_model_version_unique"),
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status=ModelStatus.ACTIVE),
                name="score_model_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.version}"


CUSTOMER_SCOPE = ScopePaths(
    owner="customer__owner", team="customer__owner__team", branch="customer__owner__branch"
)


class Assessment(models.Model):
    """预评估 — a customer scored by one model version: the answers used (and where each came from:
    the customer's profile or asked), the points, the grade, the probability of default only for a card that
    gives one (a trained card; an expert card gives 评分 and 等级 only: RULES.md, a PD only after calibration
    to the book), the reason codes (the factors that cost the most points), the same reasons in the
    customer's terms with what would change each (``customer_reasons``, a card on the registry's
    features: ``scoring.adverse``) and the warnings (an unknown answer, a value outside the card's range,
    a category it does not know: shown, never silent). The score never decides alone: a
    second person may override the grade with a reason (``override_*``, audited); ``final_grade`` is
    what later steps read. Scoped through the customer.

    The inputs, contributions, reasons and warnings quote the values scored, income among them
    (sensitive personal information, RULES.md): they are encrypted at rest (``EncryptedJSONField``), and
    pages and the API show a sensitive feature's value only to whom the policy lets unmask it
    (``scoring.disclosure``). The points and grades stay in clear (monitoring, lists).
    """

    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.PROTECT, related_name="assessments"
    )
    model = models.ForeignKey(
        ScoreModel, verbose_name=_("评分模型"), on_delete=models.PROTECT, related_name="assessments"
    )
    inputs = EncryptedJSONField(_("评分输入"), default=dict)
    points = models.DecimalField(_("评分"), max_digits=9, decimal_places=2)
    probability_of_default = models.DecimalField(
        _("违约概率"), max_digits=8, decimal_places=6, null=True, blank=True
    )
    grade = models.CharField(_("评分等级"), max_length=1, choices=Grade.choices)
    reasons = EncryptedJSONField(_("主要扣分因素"), default=list)
    customer_reasons = EncryptedJSONField(_("可告知客户的原因"), default=list, blank=True)
    contributions = EncryptedJSONField(_("各项得分"), default=list)
    warnings = EncryptedJSONField(_("提示"), default=list)
    override_grade = models.CharField(_("人工调整等级"), max_length=1, choices=Grade.choices, blank=True)
    override_reason = models.CharField(_("调整原因"), max_length=200, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("调整人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    overridden_at = models.DateTimeField(_("调整时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评估人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("评估时间"), auto_now_add=True)

    scope_paths: ClassVar[ScopePaths] = CUSTOMER_SCOPE

    class Meta:
        verbose_name = _("预评估")
        verbose_name_plural = _("预评估")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["model", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.final_grade} · {self.points}"

    @property
    def final_grade(self) -> str:
        """The grade later steps use: the override when a person made one, else the model's."""
        return self.override_grade or self.grade
