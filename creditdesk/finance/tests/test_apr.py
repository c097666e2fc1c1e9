"""The annualized rate (PBOC 〔2021〕 No. 3): RULES.md's figures, fees, bullet loans, flat rates, refusals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, localcontext

import numpy_financial as npf
import pytest

from creditdesk.finance.apr import (
    annualize,
    annualized_rate,
    cashflows,
    flat_rate_apr,
    flat_rate_cashflows,
    irr,
)
from creditdesk.finance.schedule import annuity_factor, build_schedule
from creditdesk.finance.terms import CalculationError, Fee, FeeTiming, Frequency, LoanTerms, Method

D = Decimal


def pct(rate: Decimal, places: str = "0.01") -> Decimal:
    """A fraction as a percent rounded half-up, the way a figure is quoted."""
    return (rate * 100).quantize(D(places), rounding="ROUND_HALF_UP")


def loan(method=Method.EQUAL_INSTALLMENT, principal="100000.00", rate="0.036", periods=12, **kw) -> LoanTerms:
    return LoanTerms(method, D(principal), D(rate), periods, date(2026, 1, 20), **kw)


def test_fee_case_of_rules_md():
    """P = 100,000, fee 1,000 at drawdown (net 99,000), 12 × 8,833.33."""
    rate = irr([D("99000.00")] + [D("-8833.33")] * 12)
    annual = annualize(rate, 12)
    assert pct(rate, "0.0001") == D("1.0670")
    assert pct(annual.simple) == D("12.80")
    assert pct(annual.compound) == D("13.58")


def test_equal_installment_100k_360_12_compound_366_simple_360():
    annual = annualized_rate(build_schedule(loan()))
    assert pct(annual.compound) == D("3.66")
    assert pct(annual.simple) == D("3.60")
    assert abs(annual.periodic - D("0.003")) < D("1e-7")  # only the fen rounding of the schedule moves it


def test_flat_half_percent_a_month_is_about_10_9_percent():
    annual = flat_rate_apr(D("100000.00"), D("0.005"), 12)
    assert pct(annual.simple) == D("10.90")
    assert pct(annual.compound) == D("11.46")
    assert flat_rate_cashflows(D("100000.00"), D("0.005"), 12)[1:] == [D("-8833.33")] * 11 + [D("-8833.37")]


def test_bullet_fee_free_apr_is_r_times_365_over_360():
    terms = LoanTerms(Method.BULLET, D("100000.00"), D("0.0345"), 12, date(2025, 1, 20))
    annual = annualized_rate(build_schedule(terms))
    assert annual.periodic == D("0.0349792")  # 3,497.92 / 100,000 for 365 days
    assert annual.compound == annual.simple  # one year: nothing to compound
    assert abs(annual.simple - D("0.0345") * 365 / 360) < D("1e-7")
    half_year = annualized_rate(
        build_schedule(LoanTerms(Method.BULLET, D("100000.00"), D("0.0345"), 6, date(2025, 1, 20)))
    )
    assert abs(half_year.simple - D("0.0345") * 365 / 360) < D("1e-6")
    assert half_year.compound > half_year.simple


def test_cashflows_borrower_view_with_every_kind_of_fee():
    fees = (
        Fee(D("1000.00"), FeeTiming.UPFRONT),
        Fee(D("10.00"), FeeTiming.PER_PERIOD),
        Fee(D("50.00"), FeeTiming.AT_END),
    )
    flows = cashflows(build_schedule(loan(fees=fees)))
    assert flows[0] == D("99000.00")
    assert flows[1:] == [D("-8506.73")] * 11 + [D("-8556.68")]
    with_fees = annualized_rate(build_schedule(loan(fees=fees)))
    assert with_fees.compound > annualized_rate(build_schedule(loan())).compound


def test_quarterly_annualizes_with_four_periods():
    annual = annualized_rate(build_schedule(loan(periods=4, frequency=Frequency.QUARTERLY)))
    assert abs(annual.periodic - D("0.009")) < D("1e-7")
    assert pct(annual.simple) == D("3.60")
    assert pct(annual.compound) == D("3.65")  # 1.009^4 − 1


def test_zero_rate_loan_has_zero_apr():
    annual = annualized_rate(build_schedule(loan(rate="0")))
    assert annual == annualize(D(0), 12)
    assert annual.compound == 0 and annual.simple == 0


def test_irr_of_exact_annuity_is_the_periodic_rate():
    with localcontext(prec=34):
        i = D("0.049") / 12
        payment = D("1000000") * annuity_factor(i, 360)
    assert abs(irr([D("1000000")] + [-payment] * 360) - i) < D("1e-12")


def test_irr_is_the_same_from_the_lenders_view():
    flows = [D("99000.00")] + [D("-8833.33")] * 12
    assert irr([-flow for flow in flows]) == irr(flows)


def test_irr_agrees_with_numpy_financial():
    flows = [D("99000.00")] + [D("-8833.33")] * 12
    assert abs(irr(flows) - D(repr(float(npf.irr([float(f) for f in flows]))))) < D("1e-12")


def test_irr_of_a_high_rate_and_a_negative_rate():
    assert abs(irr([D("100"), D("-300")]) - D(2)) < D("1e-12")  # 200% a period
    assert abs(irr([D("100"), D("-90")]) - D("-0.1")) < D("1e-12")


@pytest.mark.parametrize(
    "flows",
    [
        [D("100"), D("50")],
        [D("-100"), D("-50")],
        [D("0"), D("0")],
        [D("100")],
        [],
    ],
)
def test_irr_without_a_sign_change_has_no_solution(flows):
    with pytest.raises(CalculationError) as refused:
        irr(flows)
    assert (refused.value.code, refused.value.extra["field"]) == ("irr_no_solution", "cashflows")


def test_irr_refuses_floats():
    with pytest.raises(CalculationError) as refused:
        irr([99000.0, -8833.33])  # type: ignore[list-item]
    assert refused.value.code == "not_decimal"


@pytest.mark.parametrize(
    ("args", "code", "field"),
    [
        ((D("0"), D("0.005"), 12), "principal_not_positive", "principal"),
        ((D("100000.00"), D("-0.005"), 12), "rate_negative", "monthly_flat_rate"),
        ((D("100000.00"), 0.005, 12), "not_decimal", "monthly_flat_rate"),
        ((D("100000.00"), D("0.005"), 0), "periods_not_positive", "months"),
    ],
)
def test_flat_rate_refusals(args, code, field):
    with pytest.raises(CalculationError) as refused:
        flat_rate_apr(*args)
    assert (refused.value.code, refused.value.extra["field"]) == (code, field)
