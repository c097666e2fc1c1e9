"""Revolving credit (随借随还): interest on the end-of-day drawn balance, actual/360."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditdesk.finance.revolving import Movement, revolving_interest
from creditdesk.finance.terms import CalculationError

D = Decimal
RATE = D("0.036")


def test_rules_md_50000_for_10_days_at_360():
    assert revolving_interest([Movement(date(2026, 3, 1), D("50000.00"))], RATE, date(2026, 3, 11)) == D(
        "50.00"
    )


def test_draws_and_repayments():
    movements = [
        Movement(date(2026, 3, 1), D("50000.00")),  # 50,000 × 5 days
        Movement(date(2026, 3, 6), D("30000.00")),  # 80,000 × 4 days
        Movement(date(2026, 3, 10), D("-60000.00")),  # 20,000 × 6 days
    ]
    expected = (D(50000) * 5 + D(80000) * 4 + D(20000) * 6) * RATE / 360  # 69.00
    assert (
        revolving_interest(movements, RATE, date(2026, 3, 16)) == expected.quantize(D("0.01")) == D("69.00")
    )


def test_only_the_end_of_day_balance_counts_and_the_last_day_is_not_counted():
    same_day = [Movement(date(2026, 3, 1), D("50000.00")), Movement(date(2026, 3, 1), D("-50000.00"))]
    assert revolving_interest(same_day, RATE, date(2026, 3, 31)) == D("0.00")
    one_day = [Movement(date(2026, 3, 1), D("50000.00")), Movement(date(2026, 3, 2), D("-50000.00"))]
    assert revolving_interest(one_day, RATE, date(2026, 3, 31)) == D("5.00")
    assert revolving_interest(one_day, RATE, date(2026, 3, 1)) == D("0.00")


def test_rounds_once_at_the_end():
    # 333.33 for 3 days at 3.6%: 0.0333… a day; rounded day by day 3 × 0.03 = 0.09, summed first 0.10
    movements = [Movement(date(2026, 3, 1), D("333.33"))]
    assert revolving_interest(movements, RATE, date(2026, 3, 4)) == D("0.10")


def test_movements_on_or_after_until_earn_nothing():
    movements = [Movement(date(2026, 3, 1), D("50000.00")), Movement(date(2026, 3, 11), D("99999.00"))]
    assert revolving_interest(movements, RATE, date(2026, 3, 11)) == D("50.00")


def test_no_movements_no_interest():
    assert revolving_interest([], RATE, date(2026, 3, 11)) == D("0.00")


@pytest.mark.parametrize(
    ("movements", "rate", "code", "field"),
    [
        (
            [Movement(date(2026, 3, 1), D("100.00")), Movement(date(2026, 3, 2), D("-100.01"))],
            RATE,
            "repayment_exceeds_balance",
            "movements",
        ),
        ([Movement(date(2026, 3, 1), D("-1.00"))], RATE, "repayment_exceeds_balance", "movements"),
        (
            [Movement(date(2026, 3, 2), D("100.00")), Movement(date(2026, 3, 1), D("100.00"))],
            RATE,
            "movements_out_of_order",
            "movements",
        ),
        ([Movement(date(2026, 3, 1), D("0.00"))], RATE, "movement_amount_invalid", "movements"),
        ([Movement(date(2026, 3, 1), D("1.001"))], RATE, "movement_amount_invalid", "movements"),
        ([Movement(date(2026, 3, 1), 100.0)], RATE, "not_decimal", "movements"),  # type: ignore[arg-type]
        ([Movement(date(2026, 3, 1), D("100.00"))], 0.036, "not_decimal", "annual_rate"),
        ([Movement(date(2026, 3, 1), D("100.00"))], D("-0.01"), "rate_negative", "annual_rate"),
        ([Movement(date(2026, 3, 1), D("100.00"))], D("0.37"), "rate_above_ceiling", "annual_rate"),
    ],
)
def test_refusals(movements, rate, code, field):
    with pytest.raises(CalculationError) as refused:
        revolving_interest(movements, rate, date(2026, 3, 11))
    assert (refused.value.code, refused.value.extra["field"]) == (code, field)
