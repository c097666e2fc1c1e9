"""Penalty interest (罚息) on overdue principal.

RULES.md: overdue principal bears the contract rate plus an uplift of 30%–50% (default +50%; funds used
for another purpose: +50%–100%) per day at actual/360: principal × R × (1 + uplift) / 360 × days, at full
precision, rounded half-up to the fen. The uplift is configurable data, so it is an argument here.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

from creditdesk.core.money import ZERO, round_fen
from creditdesk.finance.schedule import PRECISION
from creditdesk.finance.terms import DAYS_IN_YEAR, refuse, require_decimal, require_int

DEFAULT_UPLIFT = Decimal("0.50")


def penalty_interest(
    overdue_principal: Decimal, contract_annual_rate: Decimal, days: int, uplift: Decimal = DEFAULT_UPLIFT
) -> Decimal:
    """Penalty interest for ``days`` days overdue (0 days or no overdue principal: 0.00)."""
    principal = require_decimal(overdue_principal, "overdue_principal", "逾期本金")
    rate = require_decimal(contract_annual_rate, "annual_rate", "合同年利率")
    extra = require_decimal(uplift, "uplift", "罚息上浮比例")
    days = require_int(days, "days", "逾期天数")
    if principal < 0:
        raise refuse("overdue_principal_negative", "overdue_principal", "逾期本金不能为负数。")
    if rate < 0:
        raise refuse("rate_negative", "annual_rate", "合同年利率不能为负数。")
    if extra < 0:
        raise refuse("uplift_negative", "uplift", "罚息上浮比例不能为负数。")
    if days < 0:
        raise refuse("days_negative", "days", "逾期天数不能为负数。")
    if principal == 0 or days == 0:
        return ZERO
    with localcontext(prec=PRECISION):
        return round_fen(principal * rate * (1 + extra) * days / DAYS_IN_YEAR)
