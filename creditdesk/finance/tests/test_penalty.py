"""Penalty interest (罚息): overdue principal × R × (1 + uplift) / 360 × days, half-up to the fen."""

from __future__ import annotations

from decimal import Decimal

import pytest

from creditdesk.finance.penalty import penalty_interest
from creditdesk.finance.terms import CalculationError

D = Decimal


def test_default_uplift_is_fifty_percent():
    # 10,000 × 3.6% × 1.5 / 360 × 30
    assert penalty_interest(D("10000.00"), D("0.036"), 30) == D("45.00")


def test_configurable_uplift():
    assert penalty_interest(D("10000.00"), D("0.036"), 30, D("0.30")) == D("39.00")
    assert penalty_interest(D("10000.00"), D("0.036"), 30, D("1.00")) == D("60.00")  # misuse of funds


def test_rounds_half_up_once():
    # 1,000 × 4.9% × 1.5 / 360 × 1 = 0.204166… → 0.20; × 7 days = 1.429166… → 1.43 (not 7 × 0.20)
    assert penalty_interest(D("1000.00"), D("0.049"), 1) == D("0.20")
    assert penalty_interest(D("1000.00"), D("0.049"), 7) == D("1.43")
    # an exact half fen rounds up: 120 × 3% × 1.5 / 360 × 1 = 0.015
    assert penalty_interest(D("120.00"), D("0.03"), 1) == D("0.02")


def test_nothing_overdue_or_no_days():
    assert penalty_interest(D("0.00"), D("0.036"), 30) == D("0.00")
    assert penalty_interest(D("10000.00"), D("0.036"), 0) == D("0.00")


@pytest.mark.parametrize(
    ("args", "code", "field"),
    [
        ((D("-1.00"), D("0.036"), 30), "overdue_principal_negative", "overdue_principal"),
        ((D("100.00"), D("-0.036"), 30), "rate_negative", "annual_rate"),
        ((D("100.00"), D("0.036"), -1), "days_negative", "days"),
        ((D("100.00"), D("0.036"), 30, D("-0.1")), "uplift_negative", "uplift"),
        ((100.0, D("0.036"), 30), "not_decimal", "overdue_principal"),
        ((D("100.00"), 0.036, 30), "not_decimal", "annual_rate"),
        ((D("100.00"), D("0.036"), 30.0), "not_decimal", "days"),
        ((D("100.00"), D("0.036"), 30, 0.5), "not_decimal", "uplift"),
    ],
)
def test_refusals(args, code, field):
    with pytest.raises(CalculationError) as refused:
        penalty_interest(*args)
    assert (refused.value.code, refused.value.extra["field"]) == (code, field)
