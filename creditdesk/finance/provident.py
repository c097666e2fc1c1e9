"""住房公积金贷款利率: the provident-fund housing loan rates, a dated table of their own.

RULES.md: a 公积金 loan is not LPR-priced. Its rate comes from the table in force (latest effective date on
or before the day), by home (first / second) and term (up to 5 years / over 5 years, i.e. > 60 months).
Effective dates are whatever the announcement says (no publication-day rule). Rates are fractions.
``SEEDED_PROVIDENT`` is RULES.md's table; the maintained table lives in the database (``rates``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from creditdesk.finance.terms import refuse, require_date, require_int

LONG_TERM_MONTHS = 60  # "5 年以上": a term over 60 months takes the long rate


@dataclass(frozen=True)
class ProvidentQuote:
    effective_from: date
    first_home_up_to_5y: Decimal
    first_home_over_5y: Decimal
    second_home_up_to_5y: Decimal
    second_home_over_5y: Decimal

    def rate(self, term_months: int, second_home: bool) -> Decimal:
        long = term_months > LONG_TERM_MONTHS
        if second_home:
            return self.second_home_over_5y if long else self.second_home_up_to_5y
        return self.first_home_over_5y if long else self.first_home_up_to_5y


PROVIDENT_SOURCE = "中国人民银行：自 2025-05-08 起下调个人住房公积金贷款利率 0.25 个百分点"

# RULES.md gives only the table in force from 2025-05-08; the migration
# ``rates/migrations/0003_providentrate.py`` carries the same row inline (a test keeps them equal).
SEEDED_PROVIDENT: tuple[ProvidentQuote, ...] = (
    ProvidentQuote(
        date(2025, 5, 8), Decimal("0.0210"), Decimal("0.0260"), Decimal("0.02525"), Decimal("0.03075")
    ),
)


def provident_quote_in_force(table: Sequence[ProvidentQuote], on: date) -> ProvidentQuote:
    on = require_date(on, "date", "定价日")
    eligible = [quote for quote in table if quote.effective_from <= on]
    if not eligible:
        raise refuse(
            "provident_rate_missing",
            "date",
            f"{on.isoformat()} 没有生效的公积金贷款利率，请先维护公积金利率表。",
        )
    return max(eligible, key=lambda quote: quote.effective_from)


def provident_rate_in_force(
    on: date, term_months: int, second_home: bool, *, table: Sequence[ProvidentQuote]
) -> Decimal:
    """The 公积金 loan rate (a fraction) in force on ``on`` for a term of ``term_months`` months, first or
    second home, from ``table`` (any order)."""
    months = require_int(term_months, "months", "贷款期限（月）")
    if months < 1:
        raise refuse("periods_not_positive", "months", "贷款期限至少为 1 个月。")
    if not isinstance(second_home, bool):
        raise refuse("second_home_invalid", "second_home", "是否二套房须为是或否。")
    return provident_quote_in_force(table, on).rate(months, second_home)
