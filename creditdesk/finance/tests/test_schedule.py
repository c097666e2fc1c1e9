"""Schedules: RULES.md's worked figures exactly, the calendar, the refusals, and numpy-financial's pmt."""

from __future__ import annotations

import itertools
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy_financial as npf
import pytest

from creditdesk.finance.schedule import build_schedule, due_date
from creditdesk.finance.terms import (
    CalculationError,
    Fee,
    FeeTiming,
    Frequency,
    LoanTerms,
    Method,
    validate_terms,
)

D = Decimal
START = date(2026, 1, 20)


def loan(method=Method.EQUAL_INSTALLMENT, principal="100000.00", rate="0.036", periods=12, **kw) -> LoanTerms:
    return LoanTerms(
        method=method, principal=D(principal), annual_rate=D(rate), periods=periods, start_date=START, **kw
    )


def fen(value: float) -> Decimal:
    """A float oracle's result, rounded half-up to the fen the way the core rounds."""
    return D(repr(float(value))).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def payments(terms: LoanTerms) -> list[Decimal]:
    return [row.payment for row in build_schedule(terms).installments]


# --- RULES.md worked figures ---------------------------------------------------------------------------


def test_equal_installment_1m_490_360():
    schedule = build_schedule(loan(principal="1000000.00", rate="0.049", periods=360))
    first = schedule.installments[0]
    assert (first.payment, first.interest, first.principal) == (D("5307.27"), D("4083.33"), D("1223.94"))
    assert first.balance == D("998776.06")
    assert {row.payment for row in schedule.installments[:-1]} == {D("5307.27")}
    assert len(schedule.installments) == 360
    assert schedule.total_principal == D("1000000.00")
    assert schedule.installments[-1].balance == 0


def test_equal_principal_1m_490_360_first_payment_and_monthly_fall():
    schedule = build_schedule(loan(Method.EQUAL_PRINCIPAL, principal="1000000.00", rate="0.049", periods=360))
    pay = [row.payment for row in schedule.installments]
    assert pay[0] == D("6861.11")
    assert pay[0] - pay[1] == D("11.34")
    # The exact fall is 2,777.78 × 0.049/12 = 11.3426…: interest rounded to the fen makes it 11.34 or 11.35.
    falls = {a - b for a, b in itertools.pairwise(pay[:-1])}
    assert falls == {D("11.34"), D("11.35")}
    assert {row.principal for row in schedule.installments[:-1]} == {D("2777.78")}
    assert schedule.installments[-1].principal == D("2776.98")  # 1,000,000 − 359 × 2,777.78
    assert schedule.total_principal == D("1000000.00")


def test_equal_installment_1m_350_360():
    assert set(payments(loan(principal="1000000.00", rate="0.035", periods=360))[:-1]) == {D("4490.45")}


def test_equal_installment_100k_360_12():
    pay = payments(loan())
    assert pay[:-1] == [D("8496.73")] * 11
    assert pay[-1] == D("8496.68")


def test_equal_principal_100k_360_12():
    schedule = build_schedule(loan(Method.EQUAL_PRINCIPAL))
    assert schedule.installments[0].payment == D("8633.33")
    assert schedule.total_interest == D("1950.00")
    assert schedule.total_principal == D("100000.00")


def test_interest_only_regular_month_and_31_day_broken_period():
    regular = build_schedule(loan(Method.INTEREST_ONLY))
    assert {row.interest for row in regular.installments} == {D("300.00")}
    assert [row.principal for row in regular.installments] == [D("0.00")] * 11 + [D("100000.00")]
    # drawn 2026-02-10, first due 2026-03-13: 31 days, not a calendar month → actual/360
    broken = build_schedule(
        replace(loan(Method.INTEREST_ONLY), start_date=date(2026, 2, 10), first_due_date=date(2026, 3, 13))
    )
    assert broken.installments[0].interest == D("310.00")
    assert broken.installments[1].interest == D("300.00")
    assert broken.installments[1].due_date == date(2026, 4, 13)


def test_bullet_365_days_actual_360():
    schedule = build_schedule(replace(loan(Method.BULLET, rate="0.0345"), start_date=date(2025, 1, 20)))
    (row,) = schedule.installments
    assert row.due_date == date(2026, 1, 20)  # 365 days
    assert (row.interest, row.principal, row.payment) == (D("3497.92"), D("100000.00"), D("103497.92"))


# --- the calendar ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 1, 31), 2, date(2026, 3, 31)),  # anchored on the 31st, no drift to the 28th
        (date(2026, 1, 31), 3, date(2026, 4, 30)),
        (date(2027, 1, 31), 13, date(2028, 2, 29)),  # leap year
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 1, 20), 0, date(2026, 1, 20)),
        (date(2026, 1, 20), 360, date(2056, 1, 20)),
    ],
)
def test_due_date(start, months, expected):
    assert due_date(start, months) == expected


def test_month_end_schedule_stays_on_month_end():
    schedule = build_schedule(replace(loan(periods=4), start_date=date(2026, 1, 31)))
    assert [row.due_date for row in schedule.installments] == [
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
    ]


def test_quarterly_periods_and_rate():
    schedule = build_schedule(loan(Method.INTEREST_ONLY, periods=4, frequency=Frequency.QUARTERLY))
    assert [row.due_date for row in schedule.installments] == [
        date(2026, 4, 20),
        date(2026, 7, 20),
        date(2026, 10, 20),
        date(2027, 1, 20),
    ]
    assert {row.interest for row in schedule.installments} == {D("900.00")}  # 100,000 × 3.6% / 4


def test_quarterly_annuity_uses_r_over_4():
    schedule = build_schedule(loan(periods=4, frequency=Frequency.QUARTERLY))
    assert schedule.installments[0].payment == fen(-npf.pmt(0.009, 4, 100000)) == D("25565.02")


# --- broken first period, zero rate, fees, truncation ----------------------------------------------------


def test_equal_installment_broken_first_period_keeps_m_for_regular_periods():
    regular = build_schedule(loan())
    # drawn 2026-01-20, first due 2026-03-05: 44 days
    broken = build_schedule(loan(first_due_date=date(2026, 3, 5)))
    first = broken.installments[0]
    assert first.interest == D("440.00")  # 100,000 × 3.6%/360 × 44
    assert first.principal == regular.installments[0].principal  # M − P·i: the regular principal column
    assert first.payment == first.principal + D("440.00")
    assert {row.payment for row in broken.installments[1:-1]} == {D("8496.73")}
    assert [row.due_date for row in broken.installments[:3]] == [
        date(2026, 3, 5),
        date(2026, 4, 5),
        date(2026, 5, 5),
    ]
    assert broken.total_principal == D("100000.00")


def test_first_due_date_on_the_regular_date_is_a_regular_period():
    assert build_schedule(loan(first_due_date=date(2026, 2, 20))) == replace(
        build_schedule(loan()), terms=loan(first_due_date=date(2026, 2, 20))
    )


def test_zero_rate_is_legal():
    schedule = build_schedule(loan(rate="0"))
    assert [row.payment for row in schedule.installments] == [D("8333.33")] * 11 + [D("8333.37")]
    assert schedule.total_interest == 0
    principal_only = build_schedule(loan(Method.EQUAL_PRINCIPAL, rate="0"))
    assert principal_only.installments[0].payment == D("8333.33")


def test_fees_upfront_per_period_and_at_end():
    fees = (
        Fee(D("1000.00"), FeeTiming.UPFRONT),
        Fee(D("10.00"), FeeTiming.PER_PERIOD),
        Fee(D("50.00"), FeeTiming.AT_END),
    )
    schedule = build_schedule(loan(fees=fees))
    assert [row.fee for row in schedule.installments] == [D("10.00")] * 11 + [D("60.00")]
    assert schedule.upfront_fees == D("1000.00")
    assert schedule.total_fees == D("1000.00") + 12 * D("10.00") + D("50.00")
    assert schedule.total_payment == sum(payments(loan()))  # fees are not in the payment


def test_bullet_fees_and_maturity_date():
    fees = (Fee(D("100.00"), FeeTiming.PER_PERIOD), Fee(D("50.00"), FeeTiming.AT_END))
    schedule = build_schedule(loan(Method.BULLET, periods=6, fees=fees, first_due_date=date(2026, 7, 31)))
    assert schedule.maturity_date == date(2026, 7, 31)
    assert schedule.installments[0].fee == D("150.00")
    assert schedule.installments[0].interest == D("1920.00")  # 100,000 × 3.6%/360 × 192 days


def test_schedule_ends_early_when_rounded_m_repays_the_loan_early():
    # 1,000.00 at 24% over 360 months: M = 20.02 for an exact 20.016…; the 0.004 a month compounds
    schedule = build_schedule(loan(principal="1000.00", rate="0.24", periods=360))
    rows = schedule.installments
    assert len(rows) < 360
    assert {row.payment for row in rows[:-1]} == {D("20.02")}
    assert D(0) < rows[-1].payment <= D("20.02")
    assert rows[-1].balance == 0 and schedule.total_principal == D("1000.00")


# --- numpy-financial cross-check ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("principal", "rate", "periods"),
    list(
        itertools.product(
            ["1000.00", "12345.67", "100000.00", "1000000.00", "3333333.33"],
            ["0", "0.0001", "0.0345", "0.049", "0.0875", "0.12", "0.24"],
            [1, 12, 60, 240, 360],
        )
    ),
)
def test_payment_matches_numpy_financial_pmt(principal, rate, periods):
    """An independent oracle: float pmt, rounded half-up to the fen, agrees with our exact Decimal M."""
    oracle = fen(-npf.pmt(float(rate) / 12, periods, float(principal)))
    assert payments(loan(principal=principal, rate=rate, periods=periods))[0] == oracle


# --- refusals ----------------------------------------------------------------------------------------------

REFUSALS = [
    ({"principal": D("0.00")}, "principal_not_positive", "principal"),
    ({"principal": D("-100.00")}, "principal_not_positive", "principal"),
    ({"principal": D("100.001")}, "principal_not_fen", "principal"),
    ({"principal": D("1E+20")}, "principal_too_large", "principal"),
    ({"principal": 100000.0}, "not_decimal", "principal"),
    ({"principal": "100000.00"}, "not_decimal", "principal"),
    ({"annual_rate": D("-0.01")}, "rate_negative", "annual_rate"),
    ({"annual_rate": D("0.3601")}, "rate_above_ceiling", "annual_rate"),
    ({"annual_rate": 0.036}, "not_decimal", "annual_rate"),
    ({"annual_rate": D("NaN")}, "not_decimal", "annual_rate"),
    ({"periods": 0}, "periods_not_positive", "periods"),
    ({"periods": -3}, "periods_not_positive", "periods"),
    ({"periods": 601}, "term_too_long", "periods"),
    ({"periods": 201, "frequency": Frequency.QUARTERLY}, "term_too_long", "periods"),
    ({"periods": 601, "method": Method.BULLET}, "term_too_long", "periods"),
    ({"periods": 12.0}, "not_decimal", "periods"),
    ({"periods": True}, "not_integer", "periods"),
    ({"method": "balloon"}, "method_unknown", "method"),
    ({"frequency": "weekly"}, "frequency_unknown", "frequency"),
    ({"start_date": datetime(2026, 1, 20, 9, 0)}, "date_invalid", "start_date"),
    ({"first_due_date": START}, "first_due_date_not_after_start", "first_due_date"),
    ({"first_due_date": date(2026, 1, 1)}, "first_due_date_not_after_start", "first_due_date"),
    ({"first_due_date": date(2026, 3, 21)}, "first_due_date_too_far", "first_due_date"),
    (
        {"first_due_date": date(2027, 2, 21), "method": Method.BULLET},
        "first_due_date_too_far",
        "first_due_date",
    ),
    ({"fees": (Fee(D("0.00"), FeeTiming.UPFRONT),)}, "fee_not_positive", "fees"),
    ({"fees": (Fee(D("10.005"), FeeTiming.UPFRONT),)}, "fee_not_fen", "fees"),
    ({"fees": (Fee(10.0, FeeTiming.UPFRONT),)}, "not_decimal", "fees"),  # type: ignore[arg-type]
    ({"fees": (Fee(D("10.00"), "monthly"),)}, "fee_timing_unknown", "fees"),  # type: ignore[arg-type]
    ({"fees": ("1000.00",)}, "fee_invalid", "fees"),
    ({"fees": [Fee(D("1.00"), FeeTiming.UPFRONT)]}, "fee_invalid", "fees"),
    ({"fees": (Fee(D("100000.00"), FeeTiming.UPFRONT),)}, "fee_exceeds_principal", "fees"),
    (
        {"fees": (Fee(D("60000.00"), FeeTiming.UPFRONT), Fee(D("40000.00"), FeeTiming.AT_END))},
        "fee_exceeds_principal",
        "fees",
    ),
]


@pytest.mark.parametrize(("changes", "code", "field"), REFUSALS)
def test_refusals(changes, code, field):
    terms = replace(loan(), **changes)
    with pytest.raises(CalculationError) as refused:
        build_schedule(terms)
    assert (refused.value.code, refused.value.extra["field"]) == (code, field)
    assert refused.value.message  # a sentence for a person
    with pytest.raises(CalculationError):
        validate_terms(terms)


def test_a_large_per_period_fee_is_not_a_fee_larger_than_the_principal():
    build_schedule(loan(fees=(Fee(D("9000.00"), FeeTiming.PER_PERIOD),)))


def test_edges_of_the_accepted_range():
    build_schedule(loan(periods=600, principal="0.01"))
    build_schedule(loan(periods=200, frequency=Frequency.QUARTERLY))
    build_schedule(loan(rate="0.36"))
    build_schedule(loan(first_due_date=date(2026, 3, 20)))  # one period + one month: the limit


def test_rate_ceiling_is_configurable():
    with pytest.raises(CalculationError) as refused:
        build_schedule(loan(rate="0.25"), max_annual_rate=D("0.24"))
    assert refused.value.code == "rate_above_ceiling"
    assert refused.value.message == "年利率不能超过上限 24.00%。"
    build_schedule(loan(periods=720), max_periods_months=720)


def test_revolving_has_no_schedule():
    with pytest.raises(CalculationError) as refused:
        build_schedule(loan(Method.REVOLVING))
    assert (refused.value.code, refused.value.extra["field"]) == ("method_not_scheduled", "method")


def test_string_values_of_the_enums_are_accepted():
    assert build_schedule(loan("equal_principal", frequency="quarterly", periods=4)).installments[
        0
    ].principal == D("25000.00")


def test_the_pure_core_imports_nothing_from_django():
    """Run in a fresh interpreter where importing django fails: the core must still import."""
    code = (
        "import sys; sys.modules['django'] = None\n"
        "import creditdesk.finance.terms, creditdesk.finance.schedule, creditdesk.finance.apr\n"
        "import creditdesk.finance.revolving, creditdesk.finance.prepayment, creditdesk.finance.penalty\n"
        "import creditdesk.finance.pricing\n"
        "assert not [m for m, module in sys.modules.items() if m.startswith('django') and module]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[3])
