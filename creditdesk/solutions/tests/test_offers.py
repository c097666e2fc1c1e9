"""One product quoted for one need: what it offers and says, the facts its rules see, and the cheap cost
figures checked against the full schedule and ``apr.annualized_rate``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditdesk.finance.apr import annualized_rate
from creditdesk.finance.schedule import build_schedule
from creditdesk.finance.terms import LoanTerms, Method
from creditdesk.products.facts import FactError
from creditdesk.solutions.offers import fee_free_apr, figures, make_context, product_facts, quote
from creditdesk.solutions.tests.small_catalogue import BY_CODE, CAPACITY, CUSTOMER, LPR, ON, context, need

D = Decimal


def pct(rate: Decimal) -> Decimal:
    return (rate * 100).quantize(D("0.01"))


def test_fee_free_apr_is_the_schedules_irr_rules_md_vector():
    """P = 100,000, 3.60 %, 12 months: compound (1 + 0.003)^12 − 1 = 3.66 %, simple 3.60 % (RULES.md)."""
    cheap = fee_free_apr(D("0.036"))
    exact = annualized_rate(
        build_schedule(LoanTerms(Method.EQUAL_INSTALLMENT, D("100000.00"), D("0.036"), 12, ON))
    )
    assert (
        (pct(cheap.compound), pct(cheap.simple))
        == (pct(exact.compound), pct(exact.simple))
        == (D("3.66"), D("3.60"))
    )


@pytest.mark.parametrize("method", [Method.EQUAL_INSTALLMENT, Method.EQUAL_PRINCIPAL, Method.INTEREST_ONLY])
@pytest.mark.parametrize(
    ("principal", "rate", "months"),
    [
        ("10000.00", "0.0305", 6),
        ("150000.00", "0.038", 36),
        ("1000000.00", "0.049", 360),
        ("123456.78", "0.18", 120),
    ],
)
def test_fee_free_apr_within_a_thousandth_of_a_percent_of_the_exact_irr(method, principal, rate, months):
    exact = annualized_rate(build_schedule(LoanTerms(method, D(principal), D(rate), months, ON)))
    cheap = fee_free_apr(D(rate))
    assert abs(cheap.compound - exact.compound) < D("0.00001")
    assert abs(cheap.simple - exact.simple) < D("0.00001")


def test_interest_only_totals_are_exact_and_equal_installment_ones_close():
    ctx = context(need("150000.00"))
    io = quote(ctx, BY_CODE["XYD"], method=Method.INTEREST_ONLY)
    f = figures(io, ON)
    schedule = build_schedule(LoanTerms(Method.INTEREST_ONLY, D("150000.00"), D("0.038"), 36, ON))
    assert f.exact and f.total_interest == schedule.total_interest == D("475.00") * 36
    ei = quote(ctx, BY_CODE["XYD"])
    estimate, full = figures(ei, ON), figures(ei, ON, exact=True)
    assert not estimate.exact and full.exact and full.schedule is not None
    assert full.total_interest == full.schedule.total_interest
    assert abs(estimate.total_interest - full.total_interest) <= D("0.36")  # 36 × half a fen
    assert estimate.first_payment == full.first_payment == D("4415.26")


def test_fees_take_the_full_schedule():
    """装修分期: 0 % + 0.30 % of 150,000 a month = 450.00 with every instalment."""
    q = quote(context(need("150000.00")), BY_CODE["FQ"])
    f = figures(q, ON)
    assert f.exact and f.schedule is not None
    assert f.total_interest == D("0.00")
    assert f.total_fees == D("450.00") * 36 == D("16200.00")
    assert f.first_payment == D("4616.67")
    assert f.apr == annualized_rate(f.schedule)
    assert pct(f.apr.compound) == D("7.00")


def test_quote_offers_the_amount_term_and_method_it_can_and_says_so():
    q = quote(context(need("500000.00", term=48, repayment_preference=Method.INTEREST_ONLY)), BY_CODE["XYD"])
    assert (q.amount, q.term_months, q.method) == (D("200000.00"), 36, Method.EQUAL_INSTALLMENT)
    assert q.notes == (
        "本产品最高可贷 200,000.00 元，低于需求金额 500,000.00 元。",
        "本产品期限为 6–36 个月，按 36 个月测算。",
        "本产品不支持先息后本，按等额本息测算。",
    )
    preferred = quote(context(need("150000.00", repayment_preference=Method.EQUAL_PRINCIPAL)), BY_CODE["DYD"])
    assert preferred.method == Method.EQUAL_PRINCIPAL
    assert preferred.payment == D("4166.67") + D("425.00")  # 150,000 / 36 + 150,000 × 3.40 % / 12


def test_facts_computed_for_the_product_at_hand():
    q = quote(context(need("150000.00", value="500000.00")), BY_CODE["DYD"])
    assert q.facts["requested_amount"] == D("150000.00")
    assert q.facts["new_monthly_payment"] == q.payment == D("4388.67")
    assert q.facts["debt_to_income_after"] == (D("2000.00") + D("4388.67")) / D("30000.00")
    assert q.loan_to_value == D("0.3")
    assert q.facts["monthly_income"] == CAPACITY.total_income


def test_product_facts_with_a_co_borrower_and_extra_debts():
    base = {"monthly_income": D("10000.00"), "monthly_debt_payments": D("1000.00"), "collateral_type": "none"}
    facts = product_facts(
        {**base, "has_co_borrower": True, "co_borrower_monthly_income": D("5000.00")},
        amount=D("100000.00"),
        term_months=12,
        payment=D("2000.00"),
        extra_debts=D("1500.00"),
    )
    assert facts["monthly_debt_payments"] == D("2500.00")
    assert facts["debt_to_income_after"] == D("4500.00") / D("15000.00")
    assert facts["loan_to_value"] is None


def test_context_refuses_bad_facts_and_drops_per_product_ones():
    with pytest.raises(FactError):
        make_context(need("1000.00"), CAPACITY, {**CUSTOMER, "inquiries_6m": "many"}, LPR, ON)
    ctx = make_context(need("1000.00"), CAPACITY, {**CUSTOMER, "requested_amount": D("9.00")}, LPR, ON)
    assert "requested_amount" not in ctx.facts
    assert ctx.grade == "B"
    assert ctx.on == date(2026, 1, 5)


def test_an_interest_only_product_counts_its_annuity_in_the_dti_not_the_interest():
    """RULES.md "Debt-to-income": 经营贷 (先息后本) 300,000.00 over 6 months counts the 等额本息 payment of
    300,000.00 over max(6, 12) = 12 months at its rate, never 300,000 × R/12 alone."""
    from creditdesk.finance.schedule import annuity_payment
    from creditdesk.products.catalogue import ProductSpec
    from creditdesk.solutions.tests.small_catalogue import JYD

    ctx = context(need("300000.00", term=6))
    q = quote(ctx, BY_CODE["JYD"], term_months=6)
    assert q.method == Method.INTEREST_ONLY
    interest = (D("300000.00") * q.annual_rate / 12).quantize(D("0.01"))
    counted = annuity_payment(D("300000.00"), q.annual_rate, 12)
    assert q.payment == q.facts["new_monthly_payment"] == counted
    assert q.payment > 10 * interest
    assert q.facts["debt_to_income_after"] == (D("2000.00") + counted) / D("30000.00")
    # a product's max_dti rule may set another floor (data a risk manager changes)
    floor_24 = ProductSpec.from_dict(
        {**JYD, "rules": [{"type": "max_dti", "max": "0.55", "floor_months": 24}]}
    )
    q24 = quote(ctx, floor_24, term_months=6)
    assert q24.payment == annuity_payment(D("300000.00"), q24.annual_rate, 24)


def test_a_sentence_never_calls_the_counted_payment_of_an_interest_only_loan_its_monthly_payment():
    """The DTI counts 先息后本 at its 等额本息 equivalent; sentences name it so, and keep 月供 for loans that
    amortise (a CM must not tell a customer they will pay 25,000 a month on a 1,000-a-month loan)."""
    from creditdesk.core.money import format_yuan
    from creditdesk.solutions.offers import counted_payment_text

    ctx = context(need("300000.00", term=6))
    interest_only = quote(ctx, BY_CODE["JYD"], term_months=6)
    assert (
        counted_payment_text(interest_only)
        == f"计入负债收入比的月还款 {format_yuan(interest_only.payment)} 元"
    )
    amortising = quote(context(need("150000.00", term=36)), BY_CODE["XYD"], method=Method.EQUAL_INSTALLMENT)
    assert counted_payment_text(amortising) == f"月供 {format_yuan(amortising.payment)} 元"
