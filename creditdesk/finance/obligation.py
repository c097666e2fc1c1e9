"""The monthly obligation of a loan (月还款负担): what a debt-to-income ratio counts for one loan.

RULES.md, Personal information, "Debt-to-income": the monthly obligation of a loan is its amortising
payment. For interest-only (先息后本), bullet (一次性还本付息) and revolving (随借随还) loans count the
等额本息 payment of the balance (or the limit in use) over its remaining term, with a configurable floor
(default 12 months) — never interest alone, which overstates affordability: 1,000,000.00 interest-only
over 36 months at 3.60 % pays 3,000.00 of interest a month but counts 29,346.03.

By method, for ``balance`` (the principal outstanding, or the limit in use of a revolving line) and
``remaining_months``:

- 等额本息 (equal_installment): its 等额本息 payment over the remaining term (``annuity_payment``; for a
  loan not yet drawn, the contract payment itself).
- 等额本金 (equal_principal): the *current* payment — principal balance ÷ remaining months (the fixed
  principal part P/N: the balance of such a loan is P·(N−k)/N with N−k months left) plus the current
  month's interest balance × R/12, each rounded half-up to the fen as the schedule rounds them. For a
  loan not yet drawn that is its first payment, the largest it will ever pay (RULES.md: first payment
  8,633.33 for 100,000.00 at 3.60 % over 12). The current payment rather than an average because it is
  what the borrower must find this month, and the later ones only fall: the ratio is never understated.
- 先息后本, 一次性还本付息, 随借随还: the 等额本息 payment of the balance over max(remaining months, floor);
  the floor (``DEFAULT_FLOOR_MONTHS`` = 12, RULES.md) keeps a loan about to mature — whose principal is
  due in full, and is usually refinanced — from counting as if it could be repaid in a month or three.

A zero rate is legal (RULES.md): the 等额本息 payment is then balance ÷ months, never a division by zero.
Whatever the method, the obligation is at least the month's interest alone (tested as a property).
"""

from __future__ import annotations

from decimal import Decimal, localcontext

from creditdesk.core.money import ZERO, round_fen
from creditdesk.finance.schedule import PRECISION, annuity_factor, annuity_payment
from creditdesk.finance.terms import Method, refuse, require_decimal, require_int

# RULES.md, Personal information, "Debt-to-income": "configurable floor, default 12 months". A module
# constant until a product or risk configuration carries it; every function takes it as a parameter.
DEFAULT_FLOOR_MONTHS = 12
FLOOR_SOURCE = (
    "RULES.md 个人信息·负债收入比：先息后本、一次性还本付息、随借随还贷款按余额（或已用额度）"
    "以剩余期限（不少于 12 个月）计算的等额本息月供计入月还款，不得只计利息。"
)

NOT_AMORTISING = frozenset({Method.INTEREST_ONLY, Method.BULLET, Method.REVOLVING})


def _checked(
    balance: object, annual_rate: object, remaining_months: object, method: object, floor_months: object
) -> tuple[Decimal, Decimal, int, Method, int]:
    amount = require_decimal(balance, "balance", "贷款余额")
    if amount < 0:
        raise refuse("balance_negative", "balance", "贷款余额不能为负数。")
    rate = require_decimal(annual_rate, "annual_rate", "年利率")
    if rate < 0:
        raise refuse("rate_negative", "annual_rate", "年利率不能为负数。")
    months = require_int(remaining_months, "remaining_months", "剩余期限（月）")
    if months < 1:
        raise refuse("remaining_months_invalid", "remaining_months", "剩余期限应至少为 1 个月。")
    floor = require_int(floor_months, "floor_months", "计算期限下限（月）")
    if floor < 1:
        raise refuse("floor_months_invalid", "floor_months", "计算期限下限应至少为 1 个月。")
    if method not in set(Method):
        raise refuse("method_unknown", "method", f"未知的还款方式 {method!r}。")
    return amount, rate, months, Method(method), floor  # type: ignore[arg-type]  # a member, checked above


def counted_months(method: Method, remaining_months: int, floor_months: int = DEFAULT_FLOOR_MONTHS) -> int:
    """The months the obligation is spread over: the remaining term, not below ``floor_months`` for the
    methods that do not amortise (先息后本, 一次性还本付息, 随借随还)."""
    if method in NOT_AMORTISING:
        return max(remaining_months, floor_months)
    return remaining_months


def monthly_obligation(
    balance: Decimal,
    annual_rate: Decimal,
    remaining_months: int,
    method: Method,
    *,
    floor_months: int = DEFAULT_FLOOR_MONTHS,
) -> Decimal:
    """The monthly payment a debt-to-income ratio counts for one loan, to the fen (module docstring).

    ``balance``: principal outstanding (a revolving line: the limit in use), ≥ 0; ``annual_rate``: a
    fraction (0.036), ≥ 0; ``remaining_months`` ≥ 1; ``floor_months`` ≥ 1 (RULES.md default 12).
    Refuses (``CalculationError``) a float, a negative balance or rate, or months below 1."""
    amount, rate, months, kind, floor = _checked(balance, annual_rate, remaining_months, method, floor_months)
    if amount == 0:
        return ZERO
    if kind == Method.EQUAL_PRINCIPAL:
        with localcontext(prec=PRECISION):
            return round_fen(amount / months) + round_fen(amount * rate / 12)
    return annuity_payment(amount, rate, counted_months(kind, months, floor))


def obligation_per_yuan(
    annual_rate: Decimal,
    remaining_months: int,
    method: Method,
    *,
    floor_months: int = DEFAULT_FLOOR_MONTHS,
) -> Decimal:
    """The obligation per yuan of balance before fen rounding (to invert it: the largest balance a monthly
    budget allows): 1/n + R/12 for 等额本金, else the 等额本息 factor over the months counted."""
    _amount, rate, months, kind, floor = _checked(ZERO, annual_rate, remaining_months, method, floor_months)
    with localcontext(prec=PRECISION):
        monthly = rate / 12
        if kind == Method.EQUAL_PRINCIPAL:
            return Decimal(1) / months + monthly
        return annuity_factor(monthly, counted_months(kind, months, floor))
