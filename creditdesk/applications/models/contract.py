"""The contract (借款合同) and the check before disbursement (放款审核 / 落实放款条件; issue 15, item 9)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.scope import ScopePaths
from creditdesk.applications.models.application import ON_APPLICATION_SCOPE, Application
from creditdesk.products.models import ImmutableRow


class Contract(models.Model):
    """借款合同 — the signed contract of an approved application: the approved terms of every part with
    the full schedule each was signed on (computed by the loan-arithmetic core for ``value_date``), the
    APR and the disclosures of the customer-copy proposal (``content``), the printed PDF with its SHA-256,
    and the signing (面签): who witnessed it, when, where. Immutable once signed; the loan booked at
    disbursement carries exactly this schedule."""

    application = models.OneToOneField(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="contract"
    )
    number = models.CharField(_("合同编号"), max_length=32, unique=True)
    value_date = models.DateField(_("计划放款日"))
    content = models.JSONField(_("合同内容"))
    pdf = models.BinaryField(_("PDF 文件"))
    pdf_sha256 = models.CharField(_("PDF 摘要（SHA-256）"), max_length=64)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("面签经办人"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("签约时间"))
    place = models.CharField(_("签约地点"), max_length=200)

    scope_paths: ClassVar[ScopePaths] = ON_APPLICATION_SCOPE

    class Meta:
        verbose_name = _("借款合同")
        verbose_name_plural = _("借款合同")
        ordering = ["-signed_at", "-id"]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The storage invariant: a signed contract is history.
        if self.pk is not None or kwargs.get("update_fields"):
            raise ImmutableRow(f"contract {self.pk} is immutable")
        super().save(*args, **kwargs)


class ConditionCheck(models.Model):
    """放款审核 — a person other than the CM (and other than whoever decided) confirms, condition by
    condition, that every approval condition is met before any money moves (``items``: ``[{condition,
    met, note}]``). Disbursement requires a passed check."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="condition_checks"
    )
    items = models.JSONField(_("条件落实情况"))
    passed = models.BooleanField(_("通过"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("放款审核人"), on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("审核时间"))

    scope_paths: ClassVar[ScopePaths] = ON_APPLICATION_SCOPE

    class Meta:
        verbose_name = _("放款审核")
        verbose_name_plural = _("放款审核")
        ordering = ["application", "-checked_at"]

    def __str__(self) -> str:
        return f"{self.application_id} {'通过' if self.passed else '未通过'}"
