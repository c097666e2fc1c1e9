"""Pricing (定价): LPR (贷款市场报价利率) ± basis points.

RULES.md: LPR is published on the 20th of each month for the 1-year and the over-5-year tenor; a loan is
priced at signing on the LPR in force that day (latest effective date on or before it) plus its spread —
1Y LPR for terms up to 5 years, 5Y LPR over 5 years (> 60 months). Rates are fractions (3.00% = 0.030).
``SEEDED_LPR`` is the table of RULES.md; the maintained table lives in the database. The 20th moves to the
next working day when it is not one (``lpr_publication_date``, on the calendar of ``finance.workdays``);
``rate_basis_text`` is the one sentence that says how a rate was made.

住房公积金贷款 is not LPR-priced (RULES.md): its rate is the 公积金 table's row in force
(``finance.provident``) for the home (首套 / 二套) and the term (up to 60 months / over);
``provident_basis_text`` says so in the same place, "公积金首套 5 年以上 2.60%（2025-05-08 起执行）".
Both LPR and 公积金 loans reprice (RULES.md: usually every 1 January); ``payment_after_rate_move``
illustrates what a ±50 bp move at the first reset does to the payment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.core.money import ZERO, format_rate, format_yuan
from creditdesk.finance.provident import LONG_TERM_MONTHS, ProvidentQuote, provident_quote_in_force
from creditdesk.finance.schedule import build_schedule
from creditdesk.finance.terms import LoanTerms, refuse, require_date, require_int
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


# --- 公积金 -------------------------------------------------------------------------------------------------

PROVIDENT_RESET_TEXT = "每年 1 月 1 日"
"""RULES.md: a 公积金 loan reprices on 1 January to the 公积金 rate in force then."""


def provident_term_label(term_months: int) -> str:
    """ "5 年以上" over 60 months, else "5 年以下（含）" — the table's two columns."""
    return "5 年以上" if term_months > LONG_TERM_MONTHS else "5 年以下（含）"


def _exact_percent(rate: Decimal) -> str:
    """A table rate as announced: two places at least, more when it has them (3.075% stays 3.075%)."""
    percent = rate * 100
    shown = percent.quantize(Decimal("0.01"))
    return f"{shown if shown == percent else percent.normalize()}%"


def provident_basis_text(quote: ProvidentQuote, term_months: int, second_home: bool) -> str:
    """How a 公积金 rate is made, for every place that shows a rate basis:
    ``"公积金首套 5 年以上 2.60%（2025-05-08 起执行）"`` (二套 for a second home)."""
    home = "二套" if second_home else "首套"
    rate = quote.rate(term_months, second_home)
    return (
        f"公积金{home} {provident_term_label(term_months)} {_exact_percent(rate)}"
        f"（{quote.effective_from.isoformat()} 起执行）"
    )


@dataclass(frozen=True)
class ProvidentPrice:
    """A 公积金 rate (fraction) and the table row it came from."""

    annual_rate: Decimal
    quote: ProvidentQuote
    term_months: int
    second_home: bool

    @property
    def basis(self) -> str:
        return provident_basis_text(self.quote, self.term_months, self.second_home)


def provident_price(
    table: Sequence[ProvidentQuote], term_months: int, second_home: bool, on: date
) -> ProvidentPrice:
    """The 公积金 rate in force on ``on`` for ``term_months`` (≤ 60 / > 60) and the home order; refuses a day
    before the table's first row (``provident_rate_missing``) and a term under one month."""
    months = require_int(term_months, "months", "贷款期限（月）")
    if months < 1:
        raise refuse("periods_not_positive", "months", "贷款期限至少为 1 个月。")
    quote = provident_quote_in_force(table, on)
    return ProvidentPrice(quote.rate(months, bool(second_home)), quote, months, bool(second_home))


# --- a rate move at the first reset ---------------------------------------------------------------------

RATE_MOVE_BP = 50
"""The illustration RULES.md asks of a floating quote: the payment after a ±50 bp move of the LPR."""


@dataclass(frozen=True)
class RateMove:
    """The payment of a loan if its rate moved ``bp`` basis points (an illustration, not a forecast)."""

    bp: int
    annual_rate: Decimal  # fraction, floored at 0
    payment: Decimal


def payment_after_rate_move(terms: LoanTerms, bp: int) -> Decimal:
    """The first regular payment of ``terms`` if its rate moved ``bp`` basis points at the first reset.

    Simple and honest, as an illustration: the same principal and term at the new rate (a rate below zero
    counts as zero), a regular first period and no fees — what 等额本息 M (or the first 等额本金 /
    先息后本 payment) becomes. It does not forecast the LPR."""
    move = require_int(bp, "bp", "利率变动（基点）")
    rate = max(terms.annual_rate + move * BASIS_POINT, ZERO)
    moved = replace(terms, annual_rate=rate, first_due_date=None, fees=())
    return build_schedule(moved).installments[0].payment


def rate_moves(terms: LoanTerms, bp: int = RATE_MOVE_BP) -> tuple[RateMove, RateMove]:
    """The payment after +``bp`` and −``bp`` (in that order), see ``payment_after_rate_move``."""
    up, down = abs(bp), -abs(bp)
    return (
        RateMove(up, terms.annual_rate + up * BASIS_POINT, payment_after_rate_move(terms, up)),
        RateMove(
            down, max(terms.annual_rate + down * BASIS_POINT, ZERO), payment_after_rate_move(terms, down)
        ),
    )


def rate_move_text(moves: Sequence[RateMove], reset: str | None = None) -> str:
    """The customer's sentence for ``rate_moves``: "示例：若 LPR 在第一个重定价日上升 50 个基点（年利率
    4.00%），按相同剩余本金和期限测算，每期还款约 4,774.15 元；下降 50 个基点（3.00%）约 4,216.04 元。…"."""
    up = next(m for m in moves if m.bp > 0)
    down = next(m for m in moves if m.bp < 0)
    when = f"在第一个重定价日（{reset}）" if reset else "在第一个重定价日"
    return (
        f"示例：若 LPR {when}上升 {up.bp} 个基点（年利率 {format_rate(up.annual_rate)}），"
        f"按相同本金和期限测算，每期还款约 {format_yuan(up.payment)} 元；"
        f"下降 {-down.bp} 个基点（年利率 {format_rate(down.annual_rate)}）约 {format_yuan(down.payment)} 元。"
        "此示例仅说明利率变动对还款额的影响，不是对 LPR 走势的预测，实际以重定价后的还款计划为准。"
    )
