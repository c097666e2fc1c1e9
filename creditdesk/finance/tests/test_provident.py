"""住房公积金贷款利率: the dated table and the rate in force by date, term and first / second home."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditdesk.finance.provident import SEEDED_PROVIDENT, ProvidentQuote, provident_rate_in_force
from creditdesk.finance.terms import CalculationError

D = Decimal


@pytest.mark.parametrize(
    ("months", "second_home", "rate"),
    [
        (60, False, "0.0210"),
        (61, False, "0.0260"),
        (360, False, "0.0260"),
        (12, True, "0.02525"),
        (60, True, "0.02525"),
        (240, True, "0.03075"),
    ],
)
def test_rate_in_force_from_2025_05_08(months, second_home, rate):
    assert provident_rate_in_force(date(2025, 5, 8), months, second_home, table=SEEDED_PROVIDENT) == D(rate)
    assert provident_rate_in_force(date(2026, 1, 1), months, second_home, table=SEEDED_PROVIDENT) == D(rate)


def test_the_latest_row_on_or_before_the_day_wins():
    earlier = ProvidentQuote(date(2024, 5, 18), D("0.0235"), D("0.0285"), D("0.02775"), D("0.03325"))
    table = (*SEEDED_PROVIDENT, earlier)
    assert provident_rate_in_force(date(2025, 5, 7), 360, False, table=table) == D("0.0285")
    assert provident_rate_in_force(date(2025, 5, 8), 360, False, table=table) == D("0.0260")


@pytest.mark.parametrize(
    ("call", "code", "field"),
    [
        (lambda: provident_rate_in_force(date(2025, 5, 7), 360, False, table=SEEDED_PROVIDENT),
         "provident_rate_missing", "date"),
        (lambda: provident_rate_in_force(date(2025, 6, 1), 0, False, table=SEEDED_PROVIDENT),
         "periods_not_positive", "months"),
        (lambda: provident_rate_in_force(date(2025, 6, 1), 12, "yes", table=SEEDED_PROVIDENT),
         "second_home_invalid", "second_home"),
    ],
)  # fmt: skip
def test_refusals(call, code, field):
    with pytest.raises(CalculationError) as refused:
        call()
    assert (refused.value.code, refused.value.extra["field"]) == (code, field)
