"""Documents (申请资料): the files on a customer's file and the checklist of an application (item 6)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.scope import ScopePaths
from creditdesk.applications.models.application import ON_APPLICATION_SCOPE, Application
from creditdesk.customers.models import Customer
from creditdesk.products.models import CUSTOMER_SCOPE


def document_upload_to(instance: CustomerDocument, filename: str) -> str:
    # never the uploaded name: a random name without the client's extension (served as an attachment)
    return f"documents/{instance.customer_id}/{instance.sha256[:2]}/{instance.sha256}"


class CustomerDocument(models.Model):
    """客户资料 — one document on a customer's file (身份证, 收入证明, 银行流水, 房产证 …): the file as
    uploaded (stored under its SHA-256, never executed, always served as an attachment with the type
    found by reading its first bytes), when it was issued and until when it is valid, and who verified
    it against the original (核验). An application's checklist reuses a document still valid."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("资料类型"), max_length=100)
    file = models.FileField(_("文件"), upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("摘要（SHA-256）"), max_length=64)
    issued_on = models.DateField(_("出具日期"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核验人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("核验时间"), null=True, blank=True)

    scope_paths: ClassVar[ScopePaths] = CUSTOMER_SCOPE

    class Meta:
        verbose_name = _("客户资料")
        verbose_name_plural = _("客户资料")
        ordering = ["customer", "kind", "-uploaded_at"]
        indexes = [models.Index(fields=["customer", "kind", "-uploaded_at"])]
        constraints = [
            # the same file of the same kind is one document of the customer's file (reused, not stored twice)
            models.UniqueConstraint(fields=["customer", "kind", "sha256"], name="customer_document_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.original_name}"


class ChecklistItem(models.Model):
    """资料清单项 — one document an application needs, generated from the product × customer type ×
    collateral (``ProductSpec.documents_for``) plus the rules every application has (the borrower's ID,
    the credit-report authorization): whose document it is (``customer``; ``kind``, the kind on their
    file), whether it is mandatory, its validity rule (``max_age_days``: issued
    no longer ago than that; ``must_be_unexpired``), and the document that fills it (uploaded for it or
    reused from the customer's file)."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="checklist"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("资料名称"), max_length=100)
    # whose document and which kind on their file: the borrower's, or a co-borrower's / guarantor's
    # (``身份证（共同借款人 王五）`` is 王五's 身份证); null only for the credit-report authorization, which
    # the application's credit inquiry satisfies
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("资料所属客户"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("资料类型"), max_length=100, blank=True, default="")
    mandatory = models.BooleanField(_("必备"), default=True)
    max_age_days = models.PositiveSmallIntegerField(_("出具后有效天数"), null=True, blank=True)
    must_be_unexpired = models.BooleanField(_("须在有效期内"), default=False)
    rule = models.CharField(_("有效性规则"), max_length=200, blank=True)
    document = models.ForeignKey(
        CustomerDocument,
        verbose_name=_("资料"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checklist_items",
    )

    scope_paths: ClassVar[ScopePaths] = ON_APPLICATION_SCOPE

    class Meta:
        verbose_name = _("资料清单项")
        verbose_name_plural = _("资料清单")
        ordering = ["application", "position"]
        constraints = [
            models.UniqueConstraint(fields=["application", "name"], name="checklist_item_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name
