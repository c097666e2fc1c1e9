"""Authorizations (授权) a customer signs and the credit-report inquiries (征信查询) made under them."""

from __future__ import annotations

import json
import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.scope import ScopePaths
from creditdesk.consents.choices import (
    CONSENT_PURPOSE_CHOICES,
    WRITTEN_CHANNEL_VALUES,
    ConsentChannel,
    ConsentKind,
    ConsentState,
    Purpose,
)
from creditdesk.consents.report import ReportSummary
from creditdesk.consents.rules import is_in_force
from creditdesk.core.crypto import EncryptedTextField
from creditdesk.customers.models import Customer

CUSTOMER_SCOPE = ScopePaths(
    owner="customer__owner", team="customer__owner__team", branch="customer__owner__branch"
)


def evidence_upload_to(instance: Any, filename: str) -> str:
    """``consents/<year>/<month>/<random>.<type>``: the person's file name is not kept (it may name
    them); the extension is the sniffed type the service put on ``filename``."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    today = timezone.localdate()
    return f"consents/{today:%Y}/{today:%m}/{uuid.uuid4().hex}.{extension}"


class Consent(models.Model):
    """授权书 — a customer's authorization: either to query their credit report (征信查询授权) for one
    purpose (贷款审批 / 信用卡审批 / 担保资格审查 / 特约商户实名审查), or to be contacted for marketing
    (营销授权).

    It counts from ``signed_on`` to ``valid_until`` (inclusive) unless revoked (``revoked_at``). The
    evidence (the signed paper scanned, the e-signature record, a call transcript) is a PDF, JPG or PNG
    file under ``MEDIA_ROOT/consents/``, served only through the scoped evidence view. Scoped through the
    customer: whoever may see / change the customer may see / record its consents.
    """

    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.PROTECT, related_name="consents"
    )
    kind = models.CharField(_("授权类型"), max_length=20, choices=ConsentKind.choices)
    purpose = models.CharField(_("授权用途"), max_length=30, choices=CONSENT_PURPOSE_CHOICES, blank=True)
    signed_on = models.DateField(_("签署日期"))
    valid_until = models.DateField(_("有效期至"))
    channel = models.CharField(_("签署方式"), max_length=20, choices=ConsentChannel.choices)
    evidence = models.FileField(_("授权凭证"), upload_to=evidence_upload_to, max_length=200, blank=True)
    revoked_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_paths: ClassVar[ScopePaths] = CUSTOMER_SCOPE

    class Meta:
        verbose_name = _("授权书")
        verbose_name_plural = _("授权书")
        ordering = ["-signed_on", "-id"]
        indexes = [models.Index(fields=["customer", "kind", "purpose", "valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gt=models.F("signed_on")), name="consent_valid_after_signed"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind=ConsentKind.MARKETING, purpose="")
                    | (models.Q(kind=ConsentKind.CREDIT_INQUIRY) & ~models.Q(purpose=""))
                ),
                name="consent_purpose_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        label = self.get_purpose_display() if self.purpose else self.get_kind_display()
        return f"{label} {self.signed_on:%Y-%m-%d}–{self.valid_until:%Y-%m-%d}"

    def state(self, today: Any) -> ConsentState:
        if self.revoked_at is not None:
            return ConsentState.REVOKED
        if today < self.signed_on:
            return ConsentState.NOT_YET_VALID
        if today > self.valid_until:
            return ConsentState.EXPIRED
        return ConsentState.VALID

    @property
    def is_written(self) -> bool:
        """Signed on paper or electronically (书面): only then may a credit inquiry rely on it."""
        return self.channel in WRITTEN_CHANNEL_VALUES

    def in_force(self, today: Any) -> bool:
        return is_in_force(
            signed_on=self.signed_on,
            valid_until=self.valid_until,
            revoked=self.revoked_at is not None,
            today=today,
        )


class CreditInquiry(models.Model):
    """征信查询记录 — one credit-report inquiry: who asked, for which customer, for what purpose, when,
    under which authorization. Every inquiry has a row (RULES.md: log every inquiry); the report it
    returns (``result_reference``) serves that purpose only. Post-loan management (贷后管理) needs no
    authorization but a written reason (``exempt_reason``). Rows are never changed or deleted.
    """

    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.PROTECT, related_name="credit_inquiries"
    )
    purpose = models.CharField(_("查询用途"), max_length=30, choices=Purpose.choices)
    consent = models.ForeignKey(
        Consent,
        verbose_name=_("授权书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inquiries",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("查询人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("查询时间"), default=timezone.now)
    result_reference = models.TextField(_("报告编号"), blank=True, max_length=200)
    exempt_reason = models.TextField(_("免授权理由"), blank=True, max_length=500)

    scope_paths: ClassVar[ScopePaths] = CUSTOMER_SCOPE

    class Meta:
        verbose_name = _("征信查询记录")
        verbose_name_plural = _("征信查询记录")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["customer", "requested_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    (models.Q(purpose=Purpose.POST_LOAN) & ~models.Q(exempt_reason=""))
                    | (~models.Q(purpose=Purpose.POST_LOAN) & models.Q(consent__isnull=False))
                ),
                name="credit_inquiry_consent_or_exempt",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.requested_at:%Y-%m-%d %H:%M}"


class CreditReportSummary(models.Model):
    """征信报告摘要 — what one credit report said, recorded with the inquiry that fetched it: the report
    date, current overdue and its amount, the 24-month repayment status (连三累六 is computed from it),
    hard inquiries in the last 6 months and the debts (``consents.report.ReportSummary``).

    It belongs to its inquiry (one-to-one) and so to that inquiry's purpose: it is never attached to
    another inquiry or reused for another purpose. The content is sensitive personal information (RULES.md:
    credit-report content) and is encrypted at rest like ``Customer.credit_report`` (``EncryptedTextField``,
    JSON inside); the report date stays in clear so the latest summary can be found without opening any.
    Rows are never changed or deleted.
    """

    inquiry = models.OneToOneField(
        CreditInquiry,
        verbose_name=_("征信查询记录"),
        on_delete=models.PROTECT,
        related_name="report_summary",
    )
    report_date = models.DateField(_("报告日期"))
    content = EncryptedTextField(_("摘要内容"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_paths: ClassVar[ScopePaths] = ScopePaths(
        owner="inquiry__customer__owner",
        team="inquiry__customer__owner__team",
        branch="inquiry__customer__owner__branch",
    )

    class Meta:
        verbose_name = _("征信报告摘要")
        verbose_name_plural = _("征信报告摘要")
        ordering = ["-report_date", "-id"]

    def __str__(self) -> str:
        return f"{self.inquiry} · {self.report_date:%Y-%m-%d}"

    @property
    def summary(self) -> ReportSummary:
        """The content, opened (sensitive: for the matching and the warnings, never printed whole)."""
        return ReportSummary.from_json(json.loads(self.content))
