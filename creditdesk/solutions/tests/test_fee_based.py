"""Issue 13: a fee-based product (分期手续费, 家装分期 at "0 利率") is quoted by its annualized rate with the
fees included, never 0.00 %, with its fee per month and in total; and no sentence prints a signed "saving"
without saying who pays more."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from creditdesk.finance.apr import AnnualizedRate, flat_rate_apr
from creditdesk.products.catalogue import SEED_CATALOGUE
from creditdesk.solutions.competitors import (
    ComparisonRow,
    CompetitorOffer,
    QuoteKind,
    compare,
    cost_differences,
    our_row,
)
from creditdesk.solutions.explain import prepayment_example
from creditdesk.solutions.offers import apr_text, cost_difference_text, fee_text, figures, quote
from creditdesk.solutions.tests.small_catalogue import BY_CODE, ON, context, need

D = Decimal
JZFQ = next(spec for spec in SEED_CATALOGUE if spec.code == "JZFQ")


def pct(rate: Decimal) -> Decimal:
    return (rate * 100).quantize(D("0.01"))


def test_rules_md_worked_figure_0_3_percent_a_month_over_12_months():
    """RULES.md: 0.3 % a month on the original amount over 12 months is 6.58 % simple, 6.78 % compound."""
    rate = flat_rate_apr(D("100000.00"), D("0.003"), 12)
    assert (pct(rate.simple), pct(rate.compound)) == (D("6.58"), D("6.78"))


def test_jiazhuang_option_carries_its_fee_and_is_quoted_by_its_apr():
    """家装分期 from the shipped catalogue: 0 % contract rate, 0.3 % of the original amount a month."""
    ctx = context(need("125000.00", term=12, value=None))
    q = quote(ctx, JZFQ)
    assert (q.amount, q.term_months, q.annual_rate) == (D("125000.00"), 12, D("0"))
    f = figures(q, ON)
    assert f.fee_based
    assert f.periodic_fee == D("375.00")  # 125,000 × 0.3 %
    assert f.total_fees == D("4500.00")  # 12 × 375.00 = 3.6 % of the amount
    assert (pct(f.apr.simple), pct(f.apr.compound)) == (D("6.58"), D("6.78"))
    assert f.first_payment == D("10416.67") + D("375.00")
    assert apr_text(f) == "年化利率（IRR 复利）6.78%（含手续费），单利 6.58%，合同利率 0.00%"
    assert fee_text(f) == "分期手续费每月 375.00 元，共 4,500.00 元"
    data = f.to_dict()
    assert (data["periodic_fee"], data["total_fees"], data["fee_based"]) == ("375.00", "4500.00", True)


def test_a_fee_free_product_keeps_its_plain_headline():
    ctx = context(need("150000.00"))
    f = figures(quote(ctx, next(s for s in SEED_CATALOGUE if not s.fees)), ON)
    assert not f.fee_based and f.periodic_fee == D("0") and fee_text(f) == ""
    assert apr_text(f).startswith("年化利率 ") and "含手续费" not in apr_text(f)


@pytest.mark.parametrize(
    ("ours", "theirs", "said"),
    [
        (D("13000.00"), D("10000.00"), "我行方案比对方多付 3,000.00 元"),
        (D("10000.00"), D("13000.00"), "我行方案比对方少付 3,000.00 元"),
        (D("10000.00"), D("10000.00"), "两者总成本相同"),
    ],
)
def test_cost_difference_says_who_pays_more(ours, theirs, said):
    assert cost_difference_text(ours, theirs) == said


def _row(side: str, label: str, cost: str) -> ComparisonRow:
    rate = AnnualizedRate(D("0.005"), D("0.06"), D("0.06"))
    return ComparisonRow(
        side, label, "", D("100000.00"), 12, rate, D("0"), D("100000.00") + D(cost), D("100000.00"), ""
    )


def test_comparison_differences_never_print_a_negative_saving():
    ours = _row("ours", "本行「信用贷」", "6000.00")
    dearer, cheaper, same = (
        _row("competitor", "甲", "3000.00"),
        _row("competitor", "乙", "9000.00"),
        _row("competitor", "丙", "6000.00"),
    )
    other_term = replace(_row("competitor", "丁", "1.00"), term_months=24)  # not comparable: left out
    assert cost_differences([ours, dearer, cheaper, same, other_term]) == (
        "按总成本（利息加费用），本行「信用贷」与甲相比：我行方案比对方多付 3,000.00 元。",
        "按总成本（利息加费用），本行「信用贷」与乙相比：我行方案比对方少付 3,000.00 元。",
        "按总成本（利息加费用），本行「信用贷」与丙相比：两者总成本相同。",
    )


def test_prepaying_a_zero_rate_plan_says_it_costs_more_not_a_negative_saving():
    """家装分期 charges 3 % of the prepaid principal and saves no interest (0 %): the sentence says the
    prepayment costs more, never "净节省 -3,000"."""
    ctx = context(need("100000.00", term=12, value=None))
    schedule = figures(quote(ctx, JZFQ), ON, exact=True).schedule
    assert schedule is not None
    example = prepayment_example(schedule, JZFQ, 1, D("50000.00"))
    assert example.penalty == D("1500.00") and example.interest_saved == D("0.00")
    assert "算上违约金，提前还款比按原计划多付 1,500.00 元" in example.sentence
    assert "净节省" not in example.sentence and "-" not in example.sentence.split("：", 1)[1]


def test_competitor_comparison_quotes_our_fee_based_product_by_its_apr():
    """装修分期 of the small catalogue (0 %, 0.30 % a month) beside a competitor's flat 0.5 % a month."""
    ctx = context(need("125000.00", term=12, value=None))
    ours = quote(ctx, BY_CODE["FQ"])
    row = our_row(ours, ON)
    assert row.quoted == "合同利率 0.00%（等额本息），分期手续费每月 375.00 元，共 4,500.00 元"
    assert row.sentence == (
        "本行「装修分期」年化利率（IRR 复利）6.78%（含手续费），单利 6.58%，合同利率 0.00%；"
        "分期手续费每月 375.00 元，共 4,500.00 元。"
    )
    assert row.total_cost == D("4500.00")
    flat = CompetitorOffer(
        institution="某消费金融公司",
        product_name="轻松贷",
        kind=QuoteKind.FLAT_MONTHLY,
        amount=D("125000.00"),
        term_months=12,
        monthly_flat_rate=D("0.005"),
    )
    result = compare([ours], [flat], ON)
    assert result.differences == (  # 125,000 × 0.5 % × 12 = 7,500.00 against our 4,500.00
        "按总成本（利息加费用），本行「装修分期」与某消费金融公司「轻松贷」相比："
        "我行方案比对方少付 3,000.00 元。",
    )
    assert result.to_dict()["differences"] == list(result.differences)
