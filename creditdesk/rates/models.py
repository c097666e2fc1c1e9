"""Loan reference data. (Loan accounts arrive with the disbursement issue.)"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.core.fields import PercentRateField
from creditdesk.core.money import format_rate

if TYPE_CHECKING:
    from creditdesk.finance.pricing import LprQuote


class LprRate(models.Model):
    """贷款市场报价利率 (LPR) — the 1-year and over-5-year rates in force from a date.

    Published on the 20th of each month; an administrator records each change. Pricing takes the row
    with the latest ``effective_from`` on or before the pricing date. Rows are history: a past row is
    never edited after a loan was priced on it (corrections are new rows).
    """

    effective_from = models.DateField(_("生效日期"), unique=True)
    one_year = PercentRateField(_("1 年期 LPR（%）"))
    five_year = PercentRateField(_("5 年期以上 LPR（%）"))
    source = models.CharField(_("来源"), max_length=200, blank=True, default="全国银行间同业拆借中心公告")

    class Meta:
        verbose_name = _("LPR 报价")
        verbose_name_plural = _("LPR 报价表")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    one_year__gt=Decimal(0),
                    one_year__lt=Decimal(20),
                    five_year__gt=Decimal(0),
                    five_year__lt=Decimal(20),
                ),
                name="lpr_rates_between_0_and_20_percent",
            ),
        ]

    def __str__(self) -> str:
        one, five = format_rate(self.one_year / 100), format_rate(self.five_year / 100)  # stored in percent
        return f"{self.effective_from:%Y-%m-%d} 1Y {one} / 5Y {five}"

    def as_quote(self) -> LprQuote:
        """The pure-core value (rates as fractions)."""
        from creditdesk.finance.pricing import LprQuote

        one_year, five_year = (
            cast(Decimal, self.one_year),
            cast(Decimal, self.five_year),
        )  # fields hold Decimal
        return LprQuote(
            effective_from=self.effective_from, one_year=one_year / 100, five_year=five_year / 100
        )
