"""Competitor quotes on the same annualized basis as ours: RULES.md's flat-rate and fee figures, every
way a quote is said, the side-by-side comparison, refusals, JSON round trip."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

import pytest

from creditdesk.finance.apr import flat_rate_apr
from creditdesk.finance.terms import Method
from creditdesk.solutions.competitors import (
    CompetitorError,
    CompetitorOffer,
    QuoteKind,
    compare,
    competitor_flows,
    competitor_row,
    validate_offer,
)
from creditdesk.solutions.offers import quote
from creditdesk.solutions.tests.small_catalogue import BY_CODE, ON, context, need

D = Decimal


def pct(rate: Decimal) -> Decimal:
    return (rate * 100).quantize(D("0.01"))


FLAT = CompetitorOffer(
    institution="某消费金融公司",
    product_name="轻松贷",
    kind=QuoteKind.FLAT_MONTHLY,
    amount=D("100000.00"),
    term_months=12,
    monthly_flat_rate=D("0.005"),
)


def test_flat_half_percent_a_month_is_about_10_9_percent():
    """RULES.md: 0.5 % a month on the original principal over 12 months is ≈ 10.90 % (11.46 % compound)."""
    row = competitor_row(FLAT, ON)
    assert (pct(row.apr.simple), pct(row.apr.compound)) == (D("10.90"), D("11.46"))
    assert row.apr == flat_rate_apr(D("100000.00"), D("0.005"), 12)
    assert row.first_payment == D("8833.33")
    assert row.total_repaid == D("106000.00") and row.total_cost == D("6000.00")
    assert row.sentence == (
        "某消费金融公司「轻松贷」报“每月手续费 0.50%”，每月都按原始本金 100,000.00 元收取，而本金在逐月归还，"
        "看似年利率 6.00%，首期还款 8,833.33 元，"
        "按实际占用本金计算，年化利率（IRR）为 11.46%（单利 10.90%），总成本 6,000.00 元。"
        "按原始本金收费的“月费率”不是年利率：实际年化并不是 6.00%。"
    )
    assert row.quoted == "分期手续费每月 0.50%（按原始本金）"


def test_instalment_quote_with_an_upfront_fee_rules_md_vector():
    """100,000 with 1,000 taken at drawdown, 12 × 8,833.33: monthly IRR 1.0670 %, 12.80 % simple, 13.58 %."""
    offer = CompetitorOffer(
        institution="某银行",
        product_name="闪电贷",
        kind=QuoteKind.INSTALLMENT,
        amount=D("100000.00"),
        term_months=12,
        monthly_payment=D("8833.33"),
        upfront_fee=D("1000.00"),
    )
    row = competitor_row(offer, ON)
    assert (row.apr.periodic * 100).quantize(D("0.0001")) == D("1.0670")
    assert (pct(row.apr.simple), pct(row.apr.compound)) == (D("12.80"), D("13.58"))
    assert row.net_received == D("99000.00")
    assert row.total_cost == D("6999.96")  # 105,999.96 repaid on 99,000 received


def test_total_repayment_quote_equals_the_flat_one():
    offer = replace(
        FLAT, kind=QuoteKind.TOTAL_REPAYMENT, monthly_flat_rate=None, total_repayment=D("106000.00")
    )
    assert competitor_flows(offer) == competitor_flows(FLAT)
    assert competitor_row(offer, ON).apr == competitor_row(FLAT, ON).apr


def test_annual_rate_quote_with_and_without_a_fee():
    plain = CompetitorOffer(
        institution="某银行",
        product_name="安居贷",
        kind=QuoteKind.ANNUAL_RATE,
        amount=D("100000.00"),
        term_months=12,
        annual_rate=D("0.036"),
    )
    row = competitor_row(plain, ON)
    assert pct(row.apr.compound) == D("3.66")
    assert row.first_payment == D("8496.73")  # RULES.md
    with_fee = competitor_row(replace(plain, upfront_fee=D("1000.00")), ON)
    assert with_fee.apr.compound > row.apr.compound
    assert with_fee.sentence.startswith(
        "某银行「安居贷」年利率 3.60%（等额本息），另有手续费 1,000.00 元（放款时另行支付），"
        "首期还款 8,496.73 元，放款时实际到手 99,000.00 元，按实际占用本金计算，年化利率（IRR）为"
    )
    assert with_fee.net_received == D("99000.00") and with_fee.disbursed == D("100000.00")


def test_comparison_side_by_side_lowest_annualized_rate_first():
    ours = quote(context(need("100000.00", term=12, value=None)), BY_CODE["XYD"])
    result = compare([ours], [FLAT], ON)
    assert [r.side for r in result.rows] == ["ours", "competitor"]
    assert result.rows[0].label == "本行「信用贷」"
    assert pct(result.rows[0].apr.compound) == D("3.87")
    assert result.rows[0].sentence == (
        "本行「信用贷」年利率 3.80% = 1 年期 LPR 3.00%（2025-05-20 起） + 风险溢价 80 个基点（风险等级 B），"
        "年化利率（IRR 复利）3.87%。"
    )
    assert result.summary == (
        "按年化利率（IRR 复利）比较，最低的是本行「信用贷」：3.87%。"
        "与本行「信用贷」相比：某消费金融公司「轻松贷」高 7.59 个百分点。"
    )
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["rows"][1]["apr_simple"] == "0.108964"  # 12 × the monthly IRR 0.908 %


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"institution": " "}, "competitor_name_missing"),
        ({"amount": D("0.00")}, "competitor_amount_invalid"),
        ({"term_months": 0}, "competitor_term_invalid"),
        ({"monthly_flat_rate": None}, "competitor_figure_missing"),
        ({"monthly_flat_rate": D("-0.001")}, "competitor_figure_invalid"),
        ({"kind": QuoteKind.TOTAL_REPAYMENT, "total_repayment": D("90000.00")}, "competitor_figure_invalid"),
        ({"kind": QuoteKind.INSTALLMENT, "monthly_payment": D("100.00")}, "competitor_figure_invalid"),
        (
            {"kind": QuoteKind.ANNUAL_RATE, "annual_rate": D("0.05"), "method": Method.REVOLVING},
            "competitor_method_unknown",
        ),
        ({"upfront_fee": D("100000.00")}, "competitor_fee_invalid"),
    ],
)
def test_quotes_that_cannot_be_converted_are_refused(changes, code):
    with pytest.raises(CompetitorError) as caught:
        validate_offer(replace(FLAT, **changes))
    assert caught.value.code == code


def test_competitor_offer_json_round_trip():
    data = json.loads(json.dumps(FLAT.to_dict(), ensure_ascii=False))
    assert data["monthly_flat_rate"] == "0.005"
    assert CompetitorOffer.from_dict(data) == FLAT
    with pytest.raises(CompetitorError) as caught:
        CompetitorOffer.from_dict({**data, "amount": 100000.0})
    assert caught.value.code == "competitor_field_invalid"
