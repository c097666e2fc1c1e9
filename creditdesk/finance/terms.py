"""Loan terms (贷款要素) and the rules that refuse impossible ones.

A loan is described by its repayment method, principal, annual rate (a fraction: 4.90% is
``Decimal("0.049")``), number of periods, drawdown date, period length, an optional broken first period
and its fees. Money is ``Decimal`` in yuan with at most two places; a float anywhere is refused (it is
not exact). RULES.md: monthly rate i = R/12 (R/4 a quarter), daily rate d = R/360; a rate above the
ceiling (default 36%) or below zero, a term over 600 months, or fees that eat the principal are refused
with a ``CalculationError`` whose ``extra["field"]`` names the field to fix.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import format_rate, format_yuan, is_fen_amount

DAYS_IN_YEAR = 360  # RULES.md: 日利率 = 年利率 / 360
DEFAULT_MAX_ANNUAL_RATE = Decimal("0.36")
DEFAULT_MAX_PERIODS_MONTHS = 600
MAX_AMOUNT = Decimal(10) ** 15


class CalculationError(DomainError):
    """The arithmetic core refused its input; ``extra["field"]`` names the field to fix."""


class Method(LabelledEnum):
    """还款方式. ``.label`` is the Chinese name for the pure core's sentences (customer documents are
    Chinese); pages use the translatable ``rates.choices.RepaymentMethod`` derived from it."""

    EQUAL_INSTALLMENT = "equal_installment", gettext_noop("等额本息")
    EQUAL_PRINCIPAL = "equal_principal", gettext_noop("等额本金")
    INTEREST_ONLY = "interest_only", gettext_noop("先息后本")
    BULLET = "bullet", gettext_noop("一次性还本付息")
    REVOLVING = "revolving", gettext_noop("随借随还")


class Frequency(LabelledEnum):
    MONTHLY = "monthly", gettext_noop("按月")
    QUARTERLY = "quarterly", gettext_noop("按季")

    @property
    def months_per_period(self) -> int:
        return 1 if self is Frequency.MONTHLY else 3

    @property
    def periods_per_year(self) -> int:
        return 12 // self.months_per_period


class FeeTiming(LabelledEnum):
    UPFRONT = "upfront", gettext_noop("放款时一次收取")  # the borrower receives principal − fee
    PER_PERIOD = "per_period", gettext_noop("每期收取")  # with every instalment
    AT_END = "at_end", gettext_noop("到期收取")  # with the last instalment


@dataclass(frozen=True)
class Fee:
    amount: Decimal
    when: FeeTiming


@dataclass(frozen=True)
class LoanTerms:
    """What a loan is, before any arithmetic.

    ``periods`` counts repayment periods (months, or quarters when quarterly); for a bullet loan it is
    the term in months whatever the frequency. ``first_due_date`` sets a broken first period (actual/360
    interest for it); for a bullet loan it is the maturity date itself.
    """

    method: Method
    principal: Decimal
    annual_rate: Decimal
    periods: int
    start_date: date
    frequency: Frequency = Frequency.MONTHLY
    first_due_date: date | None = None
    fees: tuple[Fee, ...] = ()

    @property
    def periodic_rate(self) -> Decimal:
        """Rate of one regular period: R/12 monthly, R/4 quarterly (exact Decimal division)."""
        return self.annual_rate / Frequency(self.frequency).periods_per_year

    @property
    def daily_rate(self) -> Decimal:
        return self.annual_rate / DAYS_IN_YEAR

    @property
    def term_months(self) -> int:
        if self.method == Method.BULLET:
            return self.periods
        return self.periods * Frequency(self.frequency).months_per_period

    def fee_total(self, *timings: FeeTiming) -> Decimal:
        return sum((f.amount for f in self.fees if f.when in timings), Decimal("0.00"))


def due_date(start: date, months: int) -> date:
    """``start`` plus calendar months, anchored on the start day: a day the target month lacks falls
    back to its last day (2026-01-31 + 1 → 2026-02-28, + 2 → 2026-03-31: no drift)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = start.day
    if day > 28:  # every month has at least 28 days: only a later day can need the fallback
        day = min(day, days_in_month(year, month))
    return date(year, month, day)


def days_in_month(year: int, month: int) -> int:
    """28–31 days (as ``calendar.monthrange(year, month)[1]``, without its weekday computation)."""
    if month == 2:
        return 29 if calendar.isleap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def refuse(code: str, field: str, message: str, **extra: Any) -> CalculationError:
    """Build the error the whole core raises: stable code, Chinese sentence, the field to fix."""
    return CalculationError(code, message, {"field": field, **extra})


def require_decimal(value: object, field: str, label: str) -> Decimal:
    """Only ``Decimal`` enters the core; a float (or anything else) is refused with code ``not_decimal``."""
    if isinstance(value, Decimal) and value.is_finite():
        return value
    kind = type(value).__name__
    raise refuse("not_decimal", field, f"{label}必须是精确的十进制数（收到 {kind}），请勿使用浮点数。")


def require_money(value: object, field: str, label: str, *, code: str | None = None) -> Decimal:
    """A positive amount in yuan with at most two decimal places (fen); codes ``<code>_not_positive`` and
    ``<code>_not_fen`` (``code`` defaults to the field name)."""
    amount = require_decimal(value, field, label)
    code = code or field
    if amount <= 0:
        raise refuse(f"{code}_not_positive", field, f"{label}必须大于零。")
    if amount >= MAX_AMOUNT:  # beyond any loan, and beyond what fen arithmetic keeps exact
        limit = format_yuan(MAX_AMOUNT)
        raise refuse(f"{code}_too_large", field, f"{label}超出可计算范围（须小于 {limit} 元）。")
    if not is_fen_amount(amount):
        raise refuse(f"{code}_not_fen", field, f"{label}最多保留两位小数（精确到分）。")
    return amount


def require_date(value: object, field: str, label: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    raise refuse("date_invalid", field, f"{label}必须是日期。")


def require_int(value: object, field: str, label: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float):  # floats never enter the core, whatever the field
        raise refuse("not_decimal", field, f"{label}必须是整数（收到 float），请勿使用浮点数。")
    raise refuse("not_integer", field, f"{label}必须是整数。")


def validate_rate(rate: object, *, max_annual_rate: Decimal = DEFAULT_MAX_ANNUAL_RATE) -> Decimal:
    value = require_decimal(rate, "annual_rate", "年利率")
    if value < 0:
        raise refuse("rate_negative", "annual_rate", "年利率不能为负数。")
    if value > max_annual_rate:
        raise refuse(
            "rate_above_ceiling",
            "annual_rate",
            f"年利率不能超过上限 {format_rate(max_annual_rate)}。",
            ceiling=str(max_annual_rate),
        )
    return value


def validate_terms(
    terms: LoanTerms,
    *,
    max_annual_rate: Decimal = DEFAULT_MAX_ANNUAL_RATE,
    max_periods_months: int = DEFAULT_MAX_PERIODS_MONTHS,
) -> None:
    """Refuse terms no schedule can be built from; each refusal names its field (see module docstring)."""
    if terms.method not in set(Method):
        raise refuse("method_unknown", "method", f"未知的还款方式：{terms.method!r}。")
    if terms.frequency not in set(Frequency):
        raise refuse("frequency_unknown", "frequency", f"未知的还款周期：{terms.frequency!r}。")
    principal = require_money(terms.principal, "principal", "贷款本金")
    validate_rate(terms.annual_rate, max_annual_rate=max_annual_rate)
    periods = require_int(terms.periods, "periods", "期数")
    if periods < 1:
        raise refuse("periods_not_positive", "periods", "期数至少为 1。")
    if terms.term_months > max_periods_months:
        raise refuse(
            "term_too_long",
            "periods",
            f"贷款期限不能超过 {max_periods_months} 个月。",
            max=max_periods_months,
        )
    start = require_date(terms.start_date, "start_date", "放款日")
    if terms.first_due_date is not None:
        first = require_date(terms.first_due_date, "first_due_date", "首期还款日")
        if first <= start:
            raise refuse("first_due_date_not_after_start", "first_due_date", "首期还款日必须晚于放款日。")
        span = (
            terms.term_months
            if terms.method == Method.BULLET
            else Frequency(terms.frequency).months_per_period
        )
        if first > due_date(start, span + 1):
            what = "到期日" if terms.method == Method.BULLET else "首期还款日"
            raise refuse(
                "first_due_date_too_far", "first_due_date", f"{what}不能晚于放款日后一个周期再加一个月。"
            )
    _validate_fees(terms.fees, principal)


def _validate_fees(fees: object, principal: Decimal) -> None:
    if not isinstance(fees, tuple):
        raise refuse("fee_invalid", "fees", "费用必须是 Fee 的元组。")
    for fee in fees:
        if not isinstance(fee, Fee):
            raise refuse("fee_invalid", "fees", "每项费用必须是 Fee（金额与收取时点）。")
        if fee.when not in set(FeeTiming):
            raise refuse("fee_timing_unknown", "fees", f"未知的费用收取时点：{fee.when!r}。")
        require_money(fee.amount, "fees", "费用金额", code="fee")
    lump = sum((f.amount for f in fees if f.when != FeeTiming.PER_PERIOD), Decimal(0))
    if lump >= principal:
        raise refuse("fee_exceeds_principal", "fees", "一次性收取的费用合计不能大于或等于贷款本金。")
