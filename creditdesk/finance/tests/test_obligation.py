"""The monthly obligation a DTI counts (RULES.md, "Debt-to-income"): worked figures, the floor, revolving,
a zero rate, refusals, and the property that it is never below the interest alone."""

from __future__ import annotations

from decimal import Decimal

import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creditdesk.core.money import from_fen, round_fen
from creditdesk.finance.obligation import (
    DEFAULT_FLOOR_MONTHS,
    counted_months,
    monthly_obligation,
    obligation_per_yuan,
)
from creditdesk.finance.schedule import annuity_payment
from creditdesk.finance.terms import CalculationError, Method

D = Decimal


def test_interest_only_counts_the_annuity_not_the_interest():
    """1,000,000.00 先息后本, 36 months left, 3.60 %: interest alone is 3,000.00 a month; the obligation is
    the 等额本息 payment over 36 months, 29,346.38 (numpy-financial: 29,346.378 → 29,346.38)."""
    obligation = monthly_obligation(D("1000000.00"), D("0.036"), 36, Method.INTEREST_ONLY)
    assert obligation == annuity_payment(D("1000000.00"), D("0.036"), 36) == D("29346.38")
    assert round(npf.pmt(0.003, 36, -1_000_000), 2) == 29346.38
    assert round_fen(D("1000000.00") * D("0.036") / 12) == D("3000.00")  # what was counted before


def test_default_floor_is_twelve_months():
    assert DEFAULT_FLOOR_MONTHS == 12


def test_bullet_with_three_months_left_counts_over_the_floor_of_twelve():
    """100,000.00 一次性还本付息, 3 months left, 3.60 %: over 12 months, RULES.md's 8,496.73 — not over 3."""
    assert counted_months(Method.BULLET, 3) == 12
    assert monthly_obligation(D("100000.00"), D("0.036"), 3, Method.BULLET) == D("8496.73")
    assert monthly_obligation(D("100000.00"), D("0.036"), 3, Method.BULLET, floor_months=3) == D("33533.53")
    assert monthly_obligation(D("100000.00"), D("0.036"), 3, Method.BULLET, floor_months=6) == (
        annuity_payment(D("100000.00"), D("0.036"), 6)
    )
    # above the floor the remaining term counts
    assert monthly_obligation(D("100000.00"), D("0.036"), 24, Method.BULLET) == (
        annuity_payment(D("100000.00"), D("0.036"), 24)
    )


def test_revolving_counts_the_limit_in_use():
    """随借随还: 50,000.00 in use of a larger line, 12 months left at 3.60 %: the 等额本息 payment of
    50,000.00 over 12 months (half of RULES.md's 8,496.73 for 100,000.00, to the fen)."""
    assert monthly_obligation(D("50000.00"), D("0.036"), 12, Method.REVOLVING) == D("4248.36")
    assert monthly_obligation(D("0.00"), D("0.036"), 12, Method.REVOLVING) == D("0.00")  # nothing drawn
    # a line with 2 months left still counts over 12
    assert monthly_obligation(D("50000.00"), D("0.036"), 2, Method.REVOLVING) == D("4248.36")


def test_amortising_methods_count_their_payment():
    assert monthly_obligation(D("1000000.00"), D("0.049"), 360, Method.EQUAL_INSTALLMENT) == D("5307.27")
    # 等额本金: the current (for a new loan the first) payment, RULES.md 8,633.33
    assert monthly_obligation(D("100000.00"), D("0.036"), 12, Method.EQUAL_PRINCIPAL) == D("8633.33")
    # after 2 months the balance is 83,333.34 with 10 left: 8,333.33 + 250.00
    assert monthly_obligation(D("83333.34"), D("0.036"), 10, Method.EQUAL_PRINCIPAL) == D("8583.33")
    # the floor does not lengthen a loan that amortises
    assert monthly_obligation(D("100000.00"), D("0.036"), 3, Method.EQUAL_INSTALLMENT) == D("33533.53")
    assert counted_months(Method.EQUAL_PRINCIPAL, 3) == 3


def test_zero_rate():
    for method in (Method.INTEREST_ONLY, Method.BULLET, Method.REVOLVING):
        assert monthly_obligation(D("120000.00"), D("0"), 3, method) == D("10000.00")  # 120,000 / 12
    assert monthly_obligation(D("120000.00"), D("0"), 24, Method.EQUAL_INSTALLMENT) == D("5000.00")
    assert monthly_obligation(D("120000.00"), D("0"), 24, Method.EQUAL_PRINCIPAL) == D("5000.00")
    assert round_fen(D("120000.00") * obligation_per_yuan(D("0"), 3, Method.INTEREST_ONLY)) == D("10000.00")


def test_per_yuan_matches_the_payment():
    assert round_fen(D("1000000.00") * obligation_per_yuan(D("0.036"), 36, Method.INTEREST_ONLY)) == D(
        "29346.38"
    )
    assert round_fen(D("100000.00") * obligation_per_yuan(D("0.036"), 12, Method.EQUAL_PRINCIPAL)) == D(
        "8633.33"
    )


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((D("-1.00"), D("0.036"), 12, Method.BULLET), "balance_negative"),
        ((1000.0, D("0.036"), 12, Method.BULLET), "not_decimal"),
        ((D("1000.00"), D("-0.01"), 12, Method.BULLET), "rate_negative"),
        ((D("1000.00"), D("0.036"), 0, Method.BULLET), "remaining_months_invalid"),
        ((D("1000.00"), D("0.036"), 12, "weekly"), "method_unknown"),
    ],
)
def test_refusals(args, code):
    with pytest.raises(CalculationError) as exc:
        monthly_obligation(*args)
    assert exc.value.code == code
    with pytest.raises(CalculationError) as floor:
        monthly_obligation(D("1000.00"), D("0.036"), 12, Method.BULLET, floor_months=0)
    assert floor.value.code == "floor_months_invalid"


@settings(max_examples=200, deadline=None)
@given(
    fen=st.integers(0, 1_000_000_000),
    rate_bp=st.integers(0, 2400),
    months=st.integers(1, 360),
    floor=st.integers(1, 60),
    method=st.sampled_from(list(Method)),
)
def test_obligation_is_never_below_the_interest_alone(fen, rate_bp, months, floor, method):
    balance, rate = from_fen(fen), D(rate_bp) / 10000
    obligation = monthly_obligation(balance, rate, months, method, floor_months=floor)
    interest_only = round_fen(balance * rate / 12)
    assert obligation >= interest_only
    if balance >= 1000:
        assert obligation > 0  # principal always counts, even at a zero rate
    if method in (Method.INTEREST_ONLY, Method.BULLET, Method.REVOLVING):
        assert obligation == annuity_payment(balance, rate, max(months, floor))
