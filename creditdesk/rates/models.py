"""Loan reference data. (Loan accounts arrive with the disbursement issue.)"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.core.fields import PercentRateField
from creditdesk.core.money import format_rate
from creditdesk.finance.terms import CalculationError

if TYPE_CHECKING:
    from creditdesk.finance.pricing import LprQuote
    from creditdesk.finance.provident import ProvidentQuote


class LprRate(models.Model):
    """贷款市场报价利率 (LPR) — the 1-year and over-5-year rates in force from a date.

    Published on the 20th of each month, or the next working day (``clean`` refuses any other effective
    date); an administrator records each change. Pricing takes the row
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

    def clean(self) -> None:
        """An effective date must be a publication date: the 20th, or the next working day (RULES.md)."""
        from creditdesk.finance.pricing import check_lpr_effective_date

        if self.effective_from is None:
            return
        try:
            check_lpr_effective_date(self.effective_from)
        except CalculationError as exc:
            raise ValidationError({"effective_from": exc.message}, code=exc.code) from exc

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


def _rate_between_0_and_20(*fields: str) -> models.Q:
    condition = models.Q()
    for name in fields:
        condition &= models.Q(**{f"{name}__gt": Decimal(0), f"{name}__lt": Decimal(20)})
    return condition


class ProvidentRate(models.Model):
    """住房公积金贷款利率 — the provident-fund housing loan rates in force from a date, by home (首套 /
    二套) and term (5 年以下含 5 年 / 5 年以上).

    Not LPR-priced: its own dated table (RULES.md), announced by the PBOC on any date (no publication-day
    rule). Rows are history, like the LPR table: a change is a new row.
    """

    effective_from = models.DateField(_("生效日期"), unique=True)
    first_home_up_to_5y = PercentRateField(_("首套 5 年以下（含）（%）"))
    first_home_over_5y = PercentRateField(_("首套 5 年以上（%）"))
    second_home_up_to_5y = PercentRateField(_("二套 5 年以下（含）（%）"))
    second_home_over_5y = PercentRateField(_("二套 5 年以上（%）"))
    source = models.CharField(_("来源"), max_length=200)

    class Meta:
        verbose_name = _("公积金贷款利率")
        verbose_name_plural = _("公积金贷款利率表")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=_rate_between_0_and_20(
                    "first_home_up_to_5y", "first_home_over_5y", "second_home_up_to_5y", "second_home_over_5y"
                ),
                name="provident_rates_between_0_and_20_percent",
            ),
        ]

    def __str__(self) -> str:
        first = format_rate(cast(Decimal, self.first_home_up_to_5y) / 100)
        first_long = format_rate(cast(Decimal, self.first_home_over_5y) / 100)
        return f"{self.effective_from:%Y-%m-%d} 首套 {first} / {first_long}"

    def as_quote(self) -> ProvidentQuote:
        """The pure-core value (rates as fractions)."""
        from creditdesk.finance.provident import ProvidentQuote

        rates = [
            cast(Decimal, value) / 100
            for value in (
                self.first_home_up_to_5y,
                self.first_home_over_5y,
                self.second_home_up_to_5y,
                self.second_home_over_5y,
            )
        ]
        return ProvidentQuote(self.effective_from, *rates)
