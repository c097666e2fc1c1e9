"""Pricing (定价): LPR (贷款市场报价利率) ± basis points.

RULES.md: LPR is published on the 20th of each month for the 1-year and the over-5-year tenor; a loan is
priced at signing on the LPR in force that day (latest effective date on or before it) plus its spread —
1Y LPR for terms up to 5 years, 5Y LPR over 5 years (> 60 months). Rates are fractions (3.00% = 0.030).
``SEEDED_LPR`` is the table of RULES.md; the maintained table lives in the database. The 20th moves to the
next working day when it is not one (``lpr_publication_date``, on the calendar of ``finance.workdays``);
``rate_basis_text`` is the one sentence that says how a rate was made.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.core.money import format_rate
from creditdesk.finance.terms import refuse, require_date, require_int
from creditdesk.finance.workdays import is_working_day

BASIS_POINT = Decimal("0.0001")


@dataclass(frozen=True)
class LprQuote:
    effective_from: date
    one_year: Decimal
    five_year: Decimal


class LprTenor(LabelledEnum):
    ONE_YEAR = "1y", gettext_noop("1 年期")
    FIVE_YEAR = "5y", gettext_noop("5 年期以上")


LPR_REFORM_DATE = date(2019, 8, 20)
"""The first quote of the reformed LPR (PBOC announcement 〔2019〕 No. 15): no LPR exists before it."""

# RULES.md's table, every change since the reform (months not listed were unchanged). The 3.10 / 3.60
# quote took effect on 2024-10-21 (an earlier version dated it 2025-01-20: wrong). The database table is
# seeded by ``rates/migrations/0002_lpr_history.py``, which carries the same rows inline (a migration must
# not change when this constant does); a test keeps the two equal.
SEEDED_LPR: tuple[LprQuote, ...] = (
    LprQuote(date(2019, 8, 20), Decimal("0.0425"), Decimal("0.0485")),
    LprQuote(date(2019, 9, 20), Decimal("0.0420"), Decimal("0.0485")),
    LprQuote(date(2019, 11, 20), Decimal("0.0415"), Decimal("0.0480")),
    LprQuote(date(2020, 2, 20), Decimal("0.0405"), Decimal("0.0475")),
    LprQuote(date(2020, 4, 20), Decimal("0.0385"), Decimal("0.0465")),
    LprQuote(date(2021, 12, 20), Decimal("0.0380"), Decimal("0.0465")),
    LprQuote(date(2022, 1, 20), Decimal("0.0370"), Decimal("0.0460")),
    LprQuote(date(2022, 5, 20), Decimal("0.0370"), Decimal("0.0445")),
    LprQuote(date(2022, 8, 22), Decimal("0.0365"), Decimal("0.0430")),
    LprQuote(date(2023, 6, 20), Decimal("0.0355"), Decimal("0.0420")),
    LprQuote(date(2023, 8, 21), Decimal("0.0345"), Decimal("0.0420")),
    LprQuote(date(2024, 2, 20), Decimal("0.0345"), Decimal("0.0395")),
    LprQuote(date(2024, 7, 22), Decimal("0.0335"), Decimal("0.0385")),
    LprQuote(date(2024, 10, 21), Decimal("0.0310"), Decimal("0.0360")),
    LprQuote(date(2025, 5, 20), Decimal("0.0300"), Decimal("0.0350")),
)


def lpr_in_force(table: Sequence[LprQuote], on: date) -> LprQuote:
    """The quote with the latest ``effective_from`` on or before ``on`` (the table may be in any order)."""
    on = require_date(on, "date", "定价日")
    if on < LPR_REFORM_DATE:
        raise refuse(
            "lpr_before_reform",
            "date",
            f"{on.isoformat()} 早于 LPR 改革后的首次报价（{LPR_REFORM_DATE.isoformat()}），"
            "当时的贷款按贷款基准利率定价，不能按 LPR 定价。",
        )
    eligible = [quote for quote in table if quote.effective_from <= on]
    if not eligible:
        raise refuse("lpr_missing", "date", f"{on.isoformat()} 没有生效的 LPR 报价，请先维护 LPR 表。")
    return max(eligible, key=lambda quote: quote.effective_from)


def lpr_publication_date(year: int, month: int) -> date:
    """The day the LPR of ``month`` is published: the 20th, or the next working day after it."""
    day = date(year, month, 20)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def check_lpr_effective_date(effective_from: date) -> date:
    """Refuse an LPR effective date that is not a publication date (``lpr_not_publication_date``) or that
    comes before the reform (``lpr_before_reform``)."""
    effective_from = require_date(effective_from, "effective_from", "生效日期")
    if effective_from < LPR_REFORM_DATE:
        raise refuse(
            "lpr_before_reform",
            "effective_from",
            f"LPR 改革后的首次报价是 {LPR_REFORM_DATE.isoformat()}，生效日期不能早于此日。",
        )
    published = lpr_publication_date(effective_from.year, effective_from.month)
    if effective_from != published:
        raise refuse(
            "lpr_not_publication_date",
            "effective_from",
            f"{effective_from.isoformat()} 不是 LPR 发布日："
            "LPR 于每月 20 日发布（遇节假日顺延至下一工作日），"
            f"{effective_from.year} 年 {effective_from.month} 月的发布日是 {published.isoformat()}。",
            published=published.isoformat(),
        )
    return effective_from


def rate_basis_text(lpr: Decimal, effective_from: date, spread_bp: int, annual_rate: Decimal) -> str:
    """How an LPR-priced rate is made, for every place that shows one (rates are fractions):
    ``"LPR 3.00%（2025-05-20）+ 35 bp = 3.35%"``; a discount reads ``"− 45 bp"``."""
    sign = "+" if spread_bp >= 0 else "−"
    return (
        f"LPR {format_rate(lpr)}（{effective_from.isoformat()}）{sign} {abs(spread_bp)} bp"
        f" = {format_rate(annual_rate)}"
    )


def tenor_for_term(months: int) -> LprTenor:
    months = require_int(months, "months", "贷款期限（月）")
    if months < 1:
        raise refuse("periods_not_positive", "months", "贷款期限至少为 1 个月。")
    return LprTenor.FIVE_YEAR if months > 60 else LprTenor.ONE_YEAR


def price(table: Sequence[LprQuote], tenor: LprTenor, spread_bp: int, on: date) -> Decimal:
    """LPR of ``tenor`` in force on ``on`` plus ``spread_bp`` basis points (may be negative): a fraction."""
    if tenor not in set(LprTenor):
        raise refuse("tenor_unknown", "tenor", f"未知的 LPR 期限品种：{tenor!r}。")
    spread = require_int(spread_bp, "spread_bp", "加点（基点）")
    quote = lpr_in_force(table, on)
    base = quote.one_year if tenor == LprTenor.ONE_YEAR else quote.five_year
    rate = base + spread * BASIS_POINT
    if rate < 0:
        raise refuse("rate_negative", "spread_bp", "LPR 加点后的利率不能为负数，请调整加点。")
    return rate
