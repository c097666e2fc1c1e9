"""Matching on a fixed small catalogue: exact order and reasons, the ineligible with their failed rules and
what-if, pending products, combinations when one product cannot cover the need, JSON output."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

from creditdesk.finance.pricing import SEEDED_LPR
from creditdesk.finance.provident import SEEDED_PROVIDENT
from creditdesk.finance.schedule import annuity_payment
from creditdesk.products.capacity import Capacity, NeedError
from creditdesk.products.catalogue import SEED_CATALOGUE, ProvidentPricing
from creditdesk.products.facts import FactError
from creditdesk.solutions.matching import WEIGHTS, match
from creditdesk.solutions.tests.small_catalogue import CAPACITY, CATALOGUE, CUSTOMER, LPR, ON, need
from creditdesk.solutions.tests.test_whatif import situations

D = Decimal


def codes(options) -> list[str]:
    return [o.quote.spec.code for o in options]


def test_ranking_order_and_reasons():
    """150,000 over 36 months, grade B, income 30,000, debts 2,000 (affordable 14,500):
    信用贷 3.80 % (1 day), 抵押贷 3.40 % (7 days), 装修分期 0 % + 0.30 %/month (3 days)."""
    result = match(need("150000.00"), CAPACITY, CUSTOMER, CATALOGUE, LPR, ON)
    assert codes(result.eligible) == ["XYD", "DYD", "FQ"]
    assert [o.reason for o in result.eligible] == [
        "第 1 名「信用贷」（审批最快）：可全额覆盖 150,000.00 元需求；年化利率 3.87%（IRR 复利）；"
        "首期月供 4,415.26 元，约为可承受月供 14,500.00 元的 30.45%；约 1 个工作日审批。",
        "第 2 名「抵押贷」（综合成本最低）：可全额覆盖 150,000.00 元需求；"
        "年化利率 3.45%（IRR 复利），为可选产品中最低；首期月供 4,388.67 元，"
        "约为可承受月供 14,500.00 元的 30.27%；约 7 个工作日审批。",
        # a fee-based product: its APR with the fees, the 0 % contract rate only beside it, the fee (RULES.md)
        "第 3 名「装修分期」（额度覆盖最充分）：可全额覆盖 150,000.00 元需求；"
        "年化利率（IRR 复利）7.00%（含手续费），单利 6.78%，合同利率 0.00%；"
        "分期手续费每月 450.00 元，共 16,200.00 元；"
        "首期月供 4,616.67 元，约为可承受月供 14,500.00 元的 31.84%；约 3 个工作日审批。",
    ]
    first = result.eligible[0]
    assert first.quote.payment == annuity_payment(D("150000.00"), D("0.038"), 36) == D("4415.26")
    assert dict(first.components)["speed"] == 1.0
    assert dict(result.eligible[1].components)["speed"] == 0.25  # (1 + 1) / (1 + 7)
    assert result.eligible[2].quote.payment == D("4616.67")  # 150,000 / 36 + 0.30 % × 150,000
    assert result.combinations == ()  # one product covers the need, and no combination is cheaper


def test_a_rate_sensitive_customer_puts_the_cheapest_first():
    result = match(need("150000.00", rate_sensitivity="high"), CAPACITY, CUSTOMER, CATALOGUE, LPR, ON)
    assert WEIGHTS["high"] == (0.25, 0.45, 0.20, 0.10)
    assert codes(result.eligible) == ["XYD", "DYD", "FQ"]  # 0.8907 vs 0.8645: speed still counts
    patient = match(
        need("150000.00", rate_sensitivity="high"),
        CAPACITY,
        CUSTOMER,
        [replace(spec, approval_days=3) for spec in CATALOGUE],
        LPR,
        ON,
    )
    assert codes(patient.eligible) == ["DYD", "XYD", "FQ"]


def test_ineligible_products_carry_their_failed_rules_and_the_gap():
    result = match(need("150000.00"), CAPACITY, CUSTOMER, CATALOGUE, LPR, ON)
    rejected = {r.quote.spec.code: r for r in result.ineligible}
    assert set(rejected) == {"JYD", "ZYD"}
    assert rejected["JYD"].reasons == (
        "本产品面向个体工商户、企业客户，您是个人客户。",
        "本产品只能用于经营周转，您的用途是装修。",
    )
    assert rejected["JYD"].what_if is not None and not rejected["JYD"].what_if.can_pass
    pledge = rejected["ZYD"].what_if
    assert pledge is not None
    assert [c.message for c in pledge.changes] == [
        "提供评估价值不低于 166,700.00 元的定期存单作抵质押（最高抵质押率 90.00%）"
    ]


def test_missing_facts_make_a_product_pending_not_eligible():
    facts = {k: v for k, v in CUSTOMER.items() if k != "risk_grade"}
    result = match(need("150000.00"), CAPACITY, facts, CATALOGUE, LPR, ON)
    assert codes(result.eligible) == ["FQ"]
    assert [(p.quote.spec.code, p.missing) for p in result.pending] == [
        ("XYD", ("risk_grade",)),
        ("DYD", ("risk_grade",)),
    ]
    assert result.pending[0].quote.notes == ("未提供风险等级，按 C 级定价测算。",)


def test_combination_when_no_product_covers_the_need():
    """400,000 on a house worth 500,000: 抵押贷 stops at 70 % LTV (350,000), 信用贷 at 200,000, 装修分期
    at 300,000 — the cheapest cover is 抵押贷 350,000 + 信用贷 50,000."""
    result = match(need("400000.00", value="500000.00"), CAPACITY, CUSTOMER, CATALOGUE, LPR, ON)
    assert codes(result.eligible) == ["XYD", "FQ"]
    assert all(o.quote.amount < D("400000.00") for o in result.eligible)
    assert [[(p.quote.spec.code, p.quote.amount) for p in c.parts] for c in result.combinations] == [
        [("DYD", D("350000.00")), ("XYD", D("50000.00"))],
        [("DYD", D("350000.00")), ("FQ", D("50000.00"))],
        [("XYD", D("200000.00")), ("FQ", D("200000.00"))],
    ]
    best = result.combinations[0]
    mortgage = annuity_payment(D("350000.00"), D("0.034"), 36)
    credit = annuity_payment(D("50000.00"), D("0.038"), 36)
    assert (mortgage, credit) == (D("10240.24"), D("1471.75"))
    assert best.monthly_payment == mortgage + credit == D("11711.99")
    parts = [p.figures.apr.compound for p in best.parts]
    assert min(parts) < best.apr.compound < max(parts)
    assert f"{best.apr.compound * 100:.2f}" == "3.51"
    assert best.total_interest == sum(p.figures.total_interest for p in best.parts)
    assert best.reason == (
        "「抵押贷」350,000.00 元 + 「信用贷」50,000.00 元，合计覆盖 400,000.00 元需求；合计月供 11,711.99 元"
        "（可承受 14,500.00 元），综合年化利率 3.51%（IRR 复利）。"
        "「抵押贷」利率较低，尽量多贷，其余由「信用贷」补足。"
    )
    for combination in result.combinations:
        assert combination.amount == D("400000.00")
        for part in combination.parts:
            assert part.quote.evaluation.passed  # with the other part's payment counted as a debt


def test_combination_respects_the_dti_of_both_parts():
    """Income 15,000, debts 2,000: 350,000 + 50,000 would cost 11,711.99 a month (91 %): the 55 % ceiling
    (8,250 − 2,000 = 6,250 of payments) leaves no combination that covers 400,000 over 36 months."""
    capacity = Capacity(monthly_income=D("15000.00"), monthly_debt_payments=D("2000.00"))
    result = match(need("400000.00", value="500000.00"), capacity, CUSTOMER, CATALOGUE, LPR, ON)
    assert result.combinations == ()


def test_a_cheaper_combination_is_proposed_even_when_one_product_covers():
    """装修分期 alone covers 250,000 at 7.00 %; 抵押贷 175,000 (70 % of 250,000) + 信用贷 75,000 costs
    less."""
    result = match(need("250000.00", value="250000.00"), CAPACITY, CUSTOMER, CATALOGUE, LPR, ON)
    assert codes(result.eligible) == ["XYD", "FQ"]  # 信用贷 covers 80 %, 装修分期 all of it
    covering = result.eligible[1].figures.apr.compound
    assert result.eligible[1].quote.amount == D("250000.00")
    assert result.combinations
    assert all(c.apr.compound < covering for c in result.combinations)
    assert [(p.quote.spec.code, p.quote.amount) for p in result.combinations[0].parts] == [
        ("DYD", D("175000.00")),
        ("XYD", D("75000.00")),
    ]


def test_match_output_is_json():
    result = match(need("400000.00", value="500000.00"), CAPACITY, CUSTOMER, CATALOGUE, LPR, ON)
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["assessment"]["affordable_payment"] == "14500.00"
    assert data["eligible"][0]["product"] == "XYD"
    assert data["eligible"][0]["figures"]["apr_compound"] == "0.038669"
    assert data["ineligible"][0]["what_if"]["changes"][0]["amount"] == "350000.00"
    assert data["combinations"][0]["monthly_payment"] == "11711.99"


def test_bad_input_is_refused():
    with pytest.raises(NeedError):
        match(need("0.00"), CAPACITY, CUSTOMER, CATALOGUE, LPR, ON)
    with pytest.raises(NeedError):
        match(need("1000.00"), Capacity(monthly_income=D("-1.00")), CUSTOMER, CATALOGUE, LPR, ON)
    with pytest.raises(FactError):
        match(need("1000.00"), CAPACITY, {**CUSTOMER, "age": 35.5}, CATALOGUE, LPR, ON)


def test_a_product_whose_rate_table_has_no_row_is_listed_unpriced_and_the_rest_still_match():
    """No 公积金 table: the 公积金 products cannot be priced; they are listed with the table's sentence,
    every other product is matched as before (it used to stop the whole match with a 400)."""
    the_need, capacity = need("300000.00"), CAPACITY
    full = match(
        the_need, capacity, CUSTOMER, SEED_CATALOGUE, SEEDED_LPR, ON, provident_table=SEEDED_PROVIDENT
    )
    without = match(the_need, capacity, CUSTOMER, SEED_CATALOGUE, SEEDED_LPR, ON, provident_table=())
    provident = {spec.code for spec in SEED_CATALOGUE if isinstance(spec.pricing, ProvidentPricing)}
    assert provident and {u.spec.code for u in without.unpriced} == provident
    assert {u.code for u in without.unpriced} == {"provident_rate_missing"}
    assert all("公积金利率表" in u.message for u in without.unpriced)
    assert codes(without.eligible) == codes(full.eligible)
    assert json.loads(json.dumps(without.to_dict()))["unpriced"][0]["code"] == "provident_rate_missing"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situations())
def test_properties_of_any_match(situation):
    """Eligible options pass every rule and are ordered by score; each ineligible product failed a rule;
    every combination covers the need exactly with both parts passing."""
    the_need, capacity, facts = situation
    result = match(
        the_need, capacity, facts, SEED_CATALOGUE, SEEDED_LPR, ON, provident_table=SEEDED_PROVIDENT
    )
    assert len(result.eligible) + len(result.pending) + len(result.ineligible) == len(SEED_CATALOGUE)
    assert result.unpriced == ()
    assert all(o.quote.evaluation.passed for o in result.eligible)
    assert [o.score for o in result.eligible] == sorted((o.score for o in result.eligible), reverse=True)
    assert [o.rank for o in result.eligible] == list(range(1, len(result.eligible) + 1))
    assert all(r.failed and r.what_if is not None for r in result.ineligible)
    assert all(p.missing and not p.quote.evaluation.failed for p in result.pending)
    for combination in result.combinations:
        assert combination.amount == the_need.amount
        assert all(part.quote.evaluation.passed for part in combination.parts)
        assert combination.monthly_payment == sum(part.quote.payment for part in combination.parts)
