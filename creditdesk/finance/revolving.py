"""Revolving credit (随借随还): interest on what is actually drawn, day by day.

RULES.md: interest = Σ over days of the end-of-day drawn balance × R/360; nothing accrues on the undrawn
limit. Days run from the first movement up to, not including, ``until`` (算头不算尾); the sum is kept at
full precision and rounded half-up to the fen once, at the end. Movements come in date order (several on
one day are applied in the order given; only the day's closing balance earns interest); a repayment may
not exceed what is drawn. Movements dated on or after ``until`` earn nothing and are ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

from creditdesk.core.money import ZERO, is_fen_amount, round_fen
from creditdesk.finance.schedule import PRECISION
from creditdesk.finance.terms import (
    DAYS_IN_YEAR,
    DEFAULT_MAX_ANNUAL_RATE,
    refuse,
    require_date,
    require_decimal,
    validate_rate,
)


@dataclass(frozen=True)
class Movement:
    """A draw (positive amount) or a repayment (negative amount) of principal on a day."""

    on: date
    amount: Decimal


def revolving_interest(
    movements: Sequence[Movement],
    annual_rate: Decimal,
    until: date,
    *,
    max_annual_rate: Decimal = DEFAULT_MAX_ANNUAL_RATE,
) -> Decimal:
    """Interest owed for the days before ``until`` (see the module docstring)."""
    rate = validate_rate(annual_rate, max_annual_rate=max_annual_rate)
    until = require_date(until, "until", "计息截止日")
    balance = ZERO
    balance_days = Decimal(0)  # Σ end-of-day balance × days, exact
    previous: date | None = None
    for index, movement in enumerate(movements):
        on = require_date(movement.on, "movements", "用款/还款日期")
        amount = require_decimal(movement.amount, "movements", "用款/还款金额")
        if amount == 0 or not is_fen_amount(amount):
            raise refuse(
                "movement_amount_invalid", "movements", "用款/还款金额不能为零，且最多两位小数。", index=index
            )
        if previous is not None and on < previous:
            raise refuse(
                "movements_out_of_order", "movements", "用款/还款记录必须按日期先后排列。", index=index
            )
        if on >= until:
            break
        if previous is not None:
            balance_days += balance * (on - previous).days
        previous = on
        balance += amount
        if balance < 0:
            raise refuse(
                "repayment_exceeds_balance", "movements", "还款金额不能超过已用款余额。", index=index
            )
    if previous is not None:
        balance_days += balance * (until - previous).days
    with localcontext(prec=PRECISION):
        return round_fen(balance_days * rate / DAYS_IN_YEAR)
