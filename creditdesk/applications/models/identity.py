"""Identity and anti-impersonation before a loan is signed (身份核验, 面签/双录; issue 15, item 2)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.scope import ScopePaths
from creditdesk.applications.models.application import ON_APPLICATION_SCOPE, Application
from creditdesk.customers.models import Customer


class IdentityResult(models.TextChoices):
    MATCH = "match", _("一致")
    MISMATCH = "mismatch", _("不一致")
    NOT_FOUND = "not_found", _("查无此人")


class InterviewKind(models.TextChoices):
    FACE_TO_FACE = "face_to_face", _("现场面签")
    VIDEO = "video", _("视频面签（双录）")


class IdentityCheck(models.Model):
    """联网核查 — the check of a party's name and ID number against the public-security ID register, made
    through a pluggable verifier (``applications.identity``; no real provider here: the recorded-result
    verifier keeps what the operator saw), with the ID card's expiry date as read from the card. A
    party is verified when the latest check matched and the ID had not expired on the day of checking;
    nobody unverified may sign (``contract_sign`` refuses)."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="identity_checks"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("核查对象"), on_delete=models.PROTECT, related_name="+"
    )
    verifier = models.CharField(_("核查渠道"), max_length=50)
    result = models.CharField(_("核查结果"), max_length=20, choices=IdentityResult.choices)
    reference = models.CharField(_("核查流水号"), max_length=100, blank=True)
    id_expires_on = models.DateField(_("证件有效期至"), null=True, blank=True)
    id_long_term = models.BooleanField(_("长期有效证件"), default=False)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("核查人"), on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("核查时间"))

    scope_paths: ClassVar[ScopePaths] = ON_APPLICATION_SCOPE

    class Meta:
        verbose_name = _("身份核查")
        verbose_name_plural = _("身份核查")
        ordering = ["application", "-checked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.result}"


class Interview(models.Model):
    """面签 / 双录 — the face-to-face (or recorded video) interview with a party: who conducted it, when,
    where, and the reference of the recording (录音录像编号) kept in the bank's recording system."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="interviews"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("面签对象"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("方式"), max_length=20, choices=InterviewKind.choices)
    conducted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("面签人员"), on_delete=models.PROTECT, related_name="+"
    )
    second_witness = models.CharField(_("双人见证"), max_length=50, blank=True)
    held_at = models.DateTimeField(_("面签时间"))
    place = models.CharField(_("面签地点"), max_length=200)
    recording_reference = models.CharField(_("录音录像编号"), max_length=100, blank=True)

    scope_paths: ClassVar[ScopePaths] = ON_APPLICATION_SCOPE

    class Meta:
        verbose_name = _("面签记录")
        verbose_name_plural = _("面签记录")
        ordering = ["application", "-held_at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.kind} {self.held_at:%Y-%m-%d}"
