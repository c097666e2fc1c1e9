"""Pricing (定价): LPR (贷款市场报价利率) ± basis points.

RULES.md: LPR is published on the 20th of each month for the 1-year and the over-5-year tenor; a loan is
priced at signing on the LPR in force that day (latest effective date on or before it) plus its spread —
1Y LPR for terms up to 5 years, 5Y LPR over 5 years (> 60 months). Rates are fractions (3.00% = 0.030).
``SEEDED_LPR`` is the table of RULES.md; the maintained table lives in the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.finance.terms import refuse, require_date, require_int

BASIS_POINT = Decimal("0.0001")


@dataclass(frozen=True)
class LprQuote:
    effective_from: date
    one_year: Decimal
    five_year: Decimal


class LprTenor(LabelledEnum):
    ONE_YEAR = "1y", gettext_noop("1 年期")
    FIVE_YEAR = "5y", gettext_noop("5 年期以上")


SEEDED_LPR: tuple[LprQuote, ...] = (
    LprQuote(date(2025, 1, 20), Decimal("0.0310"), Decimal("0.0360")),
    LprQuote(date(2025, 5, 20), Decimal("0.0300"), Decimal("0.0350")),
)


def lpr_in_force(table: Sequence[LprQuote], on: date) -> LprQuote:
    """The quote with the latest ``effective_from`` on or before ``on`` (the table may be in any order)."""
    on = require_date(on, "date", "定价日")
    eligible = [quote for quote in table if quote.effective_from <= on]
    if not eligible:
        raise refuse("lpr_missing", "date", f"{on.isoformat()} 没有生效的 LPR 报价，请先维护 LPR 表。")
    return max(eligible, key=lambda quote: quote.effective_from)


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
