"""The collateral register (押品登记; issue 15, item 3): collaterals, their appraisals, the liens already on
them, and what each secures of our applications."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.scope import ScopePaths
from creditdesk.applications.models.application import ON_APPLICATION_SCOPE, Application
from creditdesk.core.fields import AmountField
from creditdesk.customers.models import Customer
from creditdesk.products.models import CUSTOMER_SCOPE


class CollateralKind(models.TextChoices):
    """押品类型 — the same values as the product catalogue's collateral types where they overlap."""

    PROPERTY = "property", _("房产")
    VEHICLE = "vehicle", _("车辆")
    DEPOSIT = "deposit", _("存单")
    EQUITY = "equity", _("股权")
    RECEIVABLES = "receivables", _("应收账款")


class Collateral(models.Model):
    """押品 — an asset pledged or mortgaged to the bank: what it is, who owns it (``customer``, the main
    owner on our books, and ``owners``, every owner as the title deed names them), its registration
    (certificate number), and its appraisals, prior liens and pledges. Its value for lending is the latest
    appraisal's less the liens ranking ahead of ours; one collateral may secure several of our loans within
    what remains of that value, never more (``services.collateral_pledge``)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("所有权人"), on_delete=models.PROTECT, related_name="collaterals"
    )
    kind = models.CharField(_("押品类型"), max_length=20, choices=CollateralKind.choices)
    description = models.CharField(_("押品描述"), max_length=300)
    owners = models.CharField(_("全部所有权人"), max_length=300)
    certificate_number = models.CharField(_("权属证书编号"), max_length=100, blank=True)
    location = models.CharField(_("坐落 / 存放地"), max_length=300, blank=True)
    next_revaluation_on = models.DateField(_("下次重估日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_paths: ClassVar[ScopePaths] = CUSTOMER_SCOPE

    class Meta:
        verbose_name = _("押品")
        verbose_name_plural = _("押品")
        ordering = ["customer", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.description}"


class Appraisal(models.Model):
    """押品评估 — one valuation of a collateral: by whom (appraisal firm or the bank's own), on what date,
    at what value. The latest by date counts."""

    collateral = models.ForeignKey(
        Collateral, verbose_name=_("押品"), on_delete=models.CASCADE, related_name="appraisals"
    )
    appraiser = models.CharField(_("评估机构 / 评估人"), max_length=100)
    appraised_on = models.DateField(_("评估日期"))
    value = AmountField(_("评估价值（元）"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("押品评估")
        verbose_name_plural = _("押品评估")
        ordering = ["collateral", "-appraised_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gt=0), name="appraisal_value_positive")
        ]

    def __str__(self) -> str:
        return f"{self.collateral_id} {self.appraised_on} {self.value}"


class PriorLien(models.Model):
    """已有抵押 — a lien on the collateral held by someone else (or an earlier one of ours outside
    CreditDesk), its rank (顺位) and the balance it secures; released when the holder releases it."""

    collateral = models.ForeignKey(
        Collateral, verbose_name=_("押品"), on_delete=models.CASCADE, related_name="prior_liens"
    )
    holder = models.CharField(_("抵押权人"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("顺位"))
    amount = AmountField(_("担保余额（元）"))
    released_on = models.DateField(_("解押日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("已有抵押")
        verbose_name_plural = _("已有抵押")
        ordering = ["collateral", "rank"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="prior_lien_amount_nonneg")
        ]

    def __str__(self) -> str:
        return f"{self.holder} 第{self.rank}顺位"


class Pledge(models.Model):
    """押品担保 — a collateral securing (part of) one of our applications: the amount it secures and the
    LTV computed when pledged. Active until released (the application withdrawn, rejected or expired, or
    the loan repaid)."""

    collateral = models.ForeignKey(
        Collateral, verbose_name=_("押品"), on_delete=models.PROTECT, related_name="pledges"
    )
    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="pledges"
    )
    amount = AmountField(_("担保金额（元）"))
    ltv = models.DecimalField(_("抵质押率"), max_digits=7, decimal_places=4)
    pledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    pledged_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    released_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    scope_paths: ClassVar[ScopePaths] = ON_APPLICATION_SCOPE

    class Meta:
        verbose_name = _("押品担保")
        verbose_name_plural = _("押品担保")
        ordering = ["collateral", "pledged_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="pledge_amount_positive"),
            models.UniqueConstraint(
                fields=["collateral", "application"],
                condition=models.Q(released_at__isnull=True),
                name="pledge_active_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collateral_id} → {self.application_id}"
