"""Needs analysis: DTI before and after, the affordable payment and principal (worked by hand and against
RULES.md's payments), refusals of impossible needs and capacities, flags, JSON round trip."""

from __future__ import annotations

import json
from decimal import Decimal

import numpy_financial as npf
import pytest

from creditdesk.finance.terms import Method
from creditdesk.products.capacity import (
    DEFAULT_MAX_DTI,
    Capacity,
    Need,
    NeedError,
    PaymentPlan,
    affordable_principal,
    assess,
    ceil_to,
    floor_to,
    validate_capacity,
    validate_need,
)

D = Decimal
BUSINESS = Capacity(
    monthly_income=D("5000.00"),
    monthly_debt_payments=D("3000.00"),
    monthly_revenue=D("100000.00"),
    monthly_costs=D("80000.00"),
)


def test_business_capacity_worked_by_hand():
    """Income 5,000 + cash flow (100,000 − 80,000) = 25,000; DTI 3,000 / 25,000 = 12 %;
    affordable = 55 % × 25,000 − 3,000 = 10,750.00."""
    assert BUSINESS.business_cash_flow == D("20000.00")
    assert BUSINESS.total_income == D("25000.00")
    assert BUSINESS.dti() == D("0.12")
    assert BUSINESS.dti(D("2000.00")) == D("0.2")
    assert BUSINESS.affordable_payment() == D("10750.00")
    assert BUSINESS.affordable_payment(D("0.50")) == D("9500.00")


def test_default_ceiling_is_55_percent():
    assert D("0.55") == DEFAULT_MAX_DTI


def test_affordable_payment_rounds_down_and_never_goes_negative():
    capacity = Capacity(monthly_income=D("3333.33"), monthly_debt_payments=D("0.00"))
    assert capacity.affordable_payment() == D("1833.33")  # 1,833.3315 down to the fen
    over = Capacity(monthly_income=D("10000.00"), monthly_debt_payments=D("6000.00"))
    assert over.affordable_payment() == D("0.00")
    assert Capacity(monthly_income=D("0.00")).dti() is None


def test_affordable_principal_inverts_the_annuity():
    """10,750 a month over 36 months at 3.40 %: PV = 367,423.10 (numpy-financial) → 367,400.00."""
    plan = PaymentPlan(Method.EQUAL_INSTALLMENT, D("0.034"), 36)
    assert round(npf.pv(0.034 / 12, 36, -10750), 2) == 367423.10
    principal = affordable_principal(BUSINESS, plan)
    assert principal == D("367400.00")
    assert plan.payment(principal) <= D("10750.00") < plan.payment(principal + 100)


def test_payment_plan_equal_installment_rules_md_vector():
    plan = PaymentPlan(Method.EQUAL_INSTALLMENT, D("0.049"), 360)
    assert plan.payment(D("1000000.00")) == D("5307.27")
    assert plan.max_principal(D("5307.27")) == D("1000000.00")
    assert plan.max_principal(D("5307.26")) == D("999900.00")


def test_payment_plan_equal_principal_counts_the_first_and_largest_payment():
    plan = PaymentPlan(Method.EQUAL_PRINCIPAL, D("0.036"), 12)
    assert plan.payment(D("100000.00")) == D("8633.33")  # RULES.md: first payment 8,633.33
    assert plan.max_principal(D("8633.33")) == D("100000.00")


def test_payment_plan_interest_only_shapes():
    """RULES.md "Debt-to-income": never the interest alone (300.00 a month) but the 等额本息 payment of the
    principal over max(term, 12 months): 8,496.73 (RULES.md's 等额本息 vector, 100,000 at 3.60 % over 12)."""
    for method in (Method.INTEREST_ONLY, Method.BULLET, Method.REVOLVING):
        plan = PaymentPlan(method, D("0.036"), 12)
        assert plan.payment(D("100000.00")) == D("8496.73")
        assert plan.max_principal(D("8496.73")) == D("100000.00")
        assert plan.max_principal(D("300.00")) == D("3500.00")  # 300 of budget no longer buys 100,000
        short = PaymentPlan(method, D("0.036"), 3)  # 3 months counts over the 12-month floor
        assert short.payment(D("100000.00")) == D("8496.73")
        assert PaymentPlan(method, D("0.036"), 3, floor_months=3).payment(D("100000.00")) == D("33533.53")
    # a zero rate repays principal too: 300 a month over 12 months is 3,600.00
    assert PaymentPlan(Method.INTEREST_ONLY, D("0"), 12).max_principal(D("300.00")) == D("3600.00")


def test_payment_plan_with_a_flat_monthly_fee():
    """0 % interest + 0.25 % of the principal a month: 120,000 / 24 + 300 = 5,300.00."""
    plan = PaymentPlan(Method.EQUAL_INSTALLMENT, D("0"), 24, fee_rate=D("0.0025"))
    assert plan.payment(D("120000.00")) == D("5300.00")
    assert plan.max_principal(D("5300.00")) == D("120000.00")
    fixed = PaymentPlan(Method.INTEREST_ONLY, D("0.036"), 12, fee_amount=D("50.00"))
    assert fixed.payment(D("100000.00")) == D("8546.73")  # 8,496.73 counted (RULES.md DTI) + 50.00
    assert fixed.max_principal(D("40.00")) == D("0.00")


def test_rounding_to_hundreds():
    assert floor_to(D("123456.78")) == D("123400.00")
    assert ceil_to(D("123401.00")) == D("123500.00")
    assert ceil_to(D("123400.00")) == D("123400.00")


def test_assessment():
    result = assess(BUSINESS)
    assert (result.total_income, result.dti_before, result.affordable_payment) == (
        D("25000.00"),
        D("0.12"),
        D("10750.00"),
    )
    assert result.flags == ()
    assert json.loads(json.dumps(result.to_dict()))["dti_before"] == "0.1200"


# --- refusals and flags ---------------------------------------------------------------------------------

GOOD = Need(purpose="renovation", amount=D("200000.00"), term_months=36)


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"purpose": "gambling"}, "need_purpose_unknown", "purpose"),
        ({"amount": D("0.00")}, "need_amount_not_positive", "amount"),
        ({"amount": D("-5.00")}, "need_amount_not_positive", "amount"),
        ({"amount": 200000.0}, "need_amount_invalid", "amount"),
        ({"amount": D("1.001")}, "need_amount_invalid", "amount"),
        ({"term_months": 0}, "need_term_invalid", "term_months"),
        ({"term_months": 361}, "need_term_invalid", "term_months"),
        ({"term_months": 12.0}, "need_term_invalid", "term_months"),
        ({"repayment_preference": "balloon"}, "need_method_unknown", "repayment_preference"),
        ({"rate_sensitivity": "extreme"}, "need_rate_sensitivity_unknown", "rate_sensitivity"),
        (
            {"collateral_type": "yacht", "collateral_value": D("1.00")},
            "need_collateral_type_unknown",
            "collateral_type",
        ),
        ({"collateral_type": "residential_property"}, "need_collateral_value_missing", "collateral_value"),
        (
            {"collateral_type": "residential_property", "collateral_value": D("0.00")},
            "need_collateral_value_invalid",
            "collateral_value",
        ),
        ({"collateral_value": D("100.00")}, "need_collateral_value_invalid", "collateral_value"),
    ],
)
def test_impossible_needs_are_refused(changes, code, field):
    from dataclasses import replace

    with pytest.raises(NeedError) as caught:
        validate_need(replace(GOOD, **changes))
    assert caught.value.code == code
    assert caught.value.extra["field"] == field


@pytest.mark.parametrize(
    ("capacity", "code"),
    [
        (Capacity(monthly_income=D("-1.00")), "capacity_income_negative"),
        (Capacity(monthly_income=5000.0), "capacity_income_invalid"),  # type: ignore[arg-type]
        (
            Capacity(monthly_income=D("1.00"), monthly_debt_payments=D("-1.00")),
            "capacity_debt_payments_negative",
        ),
        (
            Capacity(monthly_income=D("1.00"), monthly_revenue=D("-1.00"), monthly_costs=D("0.00")),
            "capacity_revenue_negative",
        ),
        (Capacity(monthly_income=D("1.00"), monthly_revenue=D("1.00")), "capacity_business_incomplete"),
    ],
)
def test_impossible_capacity_is_refused(capacity, code):
    with pytest.raises(NeedError) as caught:
        validate_capacity(capacity)
    assert caught.value.code == code


def test_costs_above_revenue_are_flagged_not_refused():
    capacity = Capacity(
        monthly_income=D("8000.00"), monthly_revenue=D("50000.00"), monthly_costs=D("55000.00")
    )
    flags = validate_capacity(capacity)
    assert [f.code for f in flags] == ["negative_cash_flow"]
    assert flags[0].message == "月经营成本高于经营收入，经营净现金流为负，已从可计入收入中扣减。"
    assert capacity.total_income == D("3000.00")


def test_no_income_and_no_room_flags():
    assert [f.code for f in validate_capacity(Capacity(monthly_income=D("0.00")))] == ["no_income"]
    full = Capacity(monthly_income=D("10000.00"), monthly_debt_payments=D("5500.00"))
    assert [f.code for f in validate_capacity(full)] == ["no_room"]
    assert [f.code for f in validate_capacity(full, D("0.60"))] == []


def test_need_and_capacity_json_round_trip():
    need = Need(
        purpose="business_working_capital",
        amount=D("800000.00"),
        term_months=60,
        repayment_preference=Method.INTEREST_ONLY,
        rate_sensitivity="high",
        collateral_type="residential_property",
        collateral_value=D("1200000.00"),
    )
    assert Need.from_dict(json.loads(json.dumps(need.to_dict()))) == need
    assert Capacity.from_dict(json.loads(json.dumps(BUSINESS.to_dict()))) == BUSINESS
    with pytest.raises(NeedError) as caught:
        Need.from_dict({**need.to_dict(), "amount": 1.5})
    assert caught.value.code == "need_amount_invalid"


# --- existing debts as structured data (RULES.md "Debt-to-income") ------------------------------------


def test_existing_debts_count_their_obligation_not_their_interest():
    """A 房贷 (等额本息 1,000,000.00, 4.90 %, 360 months: 5,307.27), a 经营贷 先息后本 1,000,000.00 at 3.60 %
    with 36 months left (29,346.38, not 3,000.00 of interest), a credit line with 50,000.00 in use at
    3.60 % and no fixed end (over the 12-month floor: 4,248.36): 38,902.01 a month in all."""
    from creditdesk.products.capacity import Debt, total_monthly_obligation

    debts = [
        Debt(Method.EQUAL_INSTALLMENT, D("1000000.00"), D("0.049"), 360, "房贷"),
        Debt(Method.INTEREST_ONLY, D("1000000.00"), D("0.036"), 36, "经营贷"),
        Debt(Method.REVOLVING, D("50000.00"), D("0.036"), 1, "信用额度"),
    ]
    assert [d.monthly_obligation for d in debts] == [D("5307.27"), D("29346.38"), D("4248.36")]
    total = total_monthly_obligation(debts)
    assert total == D("38902.01")
    # the interest-only reading would have counted 5,307.27 + 3,000.00 + 150.00 = 8,457.27
    capacity = Capacity(monthly_income=D("80000.00"), monthly_debt_payments=total)
    assert capacity.affordable_payment() == D("5097.99")  # 44,000.00 − 38,902.01
    assert total_monthly_obligation([]) == D("0.00")
    # another floor, as a product's max_dti rule may set it
    assert debts[2].obligation(floor_months=24) == D("2162.36")  # numpy-financial pmt: 2,162.36


def test_debt_json_round_trip_and_refusals():
    from creditdesk.products.capacity import Debt

    debt = Debt(Method.BULLET, D("100000.00"), D("0.0345"), 3, "过桥")
    data = json.loads(json.dumps(debt.to_dict()))
    assert Debt.from_dict(data) == debt
    assert debt.monthly_obligation == D("8489.88")  # 100,000 over 12 months at 3.45 % (npf: 8,489.88)
    for changes, code in [
        ({"method": "weekly"}, "debt_method_unknown"),
        ({"balance": "-1.00"}, "debt_balance_invalid"),
        ({"balance": 100.5}, "debt_balance_invalid"),
        ({"annual_rate": "-0.01"}, "debt_rate_invalid"),
        ({"remaining_months": 0}, "debt_term_invalid"),
        ({"remaining_months": "12"}, "debt_term_invalid"),
    ]:
        with pytest.raises(NeedError) as refused:
            Debt.from_dict({**data, **changes})
        assert refused.value.code == code
