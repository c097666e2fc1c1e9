"""The gap to approval: the smallest passing change of each kind, verified by evaluating the rules again
(hypothesis: every proposed change passes, and 100 yuan more does not); blocking rules when none can."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_FLOOR, Decimal

import numpy_financial as npf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creditdesk.finance.pricing import SEEDED_LPR
from creditdesk.finance.provident import SEEDED_PROVIDENT
from creditdesk.finance.schedule import annuity_payment
from creditdesk.products.capacity import Capacity, Need
from creditdesk.products.catalogue import SEED_CATALOGUE
from creditdesk.products.facts import COLLATERAL_TYPES, CUSTOMER_TYPES, GRADES, PURPOSES
from creditdesk.products.rules import Lever, Status, evaluate
from creditdesk.solutions.offers import make_context, quote
from creditdesk.solutions.tests.small_catalogue import BY_CODE, CUSTOMER, context, need
from creditdesk.solutions.whatif import what_if, what_if_for

D = Decimal
TIGHT = Capacity(monthly_income=D("10000.00"), monthly_debt_payments=D("3000.00"))  # 2,500 of room at 55 %


def kinds(gap) -> list[str]:
    return [c.kind.value for c in gap.changes]


def test_lower_amount_is_the_largest_hundred_that_passes():
    """信用贷 150,000 / 36 months at 3.80 % = 4,415.26 a month; room 5,500 − 3,000 = 2,500 →
    PV(2,500) = 84,932.xx → 84,900."""
    ctx = context(need("150000.00"), TIGHT)
    gap = what_if(ctx, BY_CODE["XYD"])
    assert kinds(gap) == ["amount", "co_borrower"]
    amount = gap.changes[0].quote.amount
    oracle = Decimal(repr(float(npf.pv(0.038 / 12, 36, -2500)))).quantize(D("1"), ROUND_FLOOR) // 100 * 100
    assert amount == oracle == D("84900.00")
    assert gap.changes[0].quote.payment == annuity_payment(amount, D("0.038"), 36) == D("2499.04")
    more = quote(ctx, BY_CODE["XYD"], amount=amount + 100, term_months=36)
    assert more.evaluation.status == Status.FAIL  # 2,501.98 > 2,500
    assert gap.changes[0].message == "将金额降至 84,900.00 元（月供 2,499.04 元，负债收入比 54.99%）"


def test_co_borrower_with_the_income_it_takes():
    """(3,000 + 4,415.26) / 55 % = 13,482.29 → 3,482.29 more income → 3,500.00 (DTI 7,415.26 / 13,500)."""
    gap = what_if(context(need("150000.00"), TIGHT), BY_CODE["XYD"])
    change = gap.changes[1]
    assert change.kind == Lever.CO_BORROWER
    assert change.co_borrower_income == D("3500.00")
    assert change.quote.evaluation.passed
    assert (
        change.message
        == "增加一位月收入（扣除其自身月供后）不低于 3,500.00 元的共同借款人（如配偶），负债收入比降至 54.93%"
    )


def test_longer_term_is_the_shortest_that_passes_across_the_lpr_switch():
    """抵押贷 150,000 for 36 months fails the DTI; up to 60 months it is priced on 1Y LPR (3.40 %), beyond on
    5Y LPR (3.90 %). The shortest passing term, by brute force, is the what-if's."""
    ctx = context(need("150000.00"), TIGHT)
    gap = what_if(ctx, BY_CODE["DYD"])
    assert kinds(gap) == ["term", "co_borrower"]  # 100,000 (the minimum) already costs too much: no amount
    term = gap.changes[0].quote.term_months

    def payment(n: int) -> Decimal:
        return annuity_payment(D("150000.00"), D("0.034") if n <= 60 else D("0.039"), n)

    shortest = next(n for n in range(37, 121) if payment(n) <= D("2500.00"))
    assert term == shortest == 67
    assert gap.changes[0].quote.payment == payment(67) == D("2495.02")
    assert gap.changes[0].quote.annual_rate == D("0.0390")
    assert quote(ctx, BY_CODE["DYD"], amount=D("150000.00"), term_months=66).evaluation.status == Status.FAIL


def test_shorter_term_when_age_at_maturity_fails():
    """Age 62 + 120 months = 72 > 70: the longest term that passes is 96 months (62 + 8 = 70)."""
    ctx = context(need("150000.00", term=120), age=62)
    gap = what_if(ctx, BY_CODE["DYD"])
    assert kinds(gap) == ["term"]
    assert gap.changes[0].quote.term_months == 96
    assert gap.changes[0].message.startswith("将期限缩短至 96 个月")


def test_collateral_value_needed_for_the_ltv():
    """150,000 on a house of 200,000 (75 %): lower to 140,000 (70 %), or collateral worth 214,300."""
    gap = what_if(context(need("150000.00", value="200000.00")), BY_CODE["DYD"])
    assert kinds(gap) == ["amount", "collateral"]
    assert gap.changes[0].quote.amount == D("140000.00")
    assert gap.changes[1].collateral_value == D(
        "214300.00"
    )  # 150,000 / 0.70 = 214,285.71 → up to the hundred
    assert gap.changes[1].quote.loan_to_value is not None
    assert gap.changes[1].quote.loan_to_value <= D("0.70")


def test_raising_the_amount_to_the_minimum():
    gap = what_if(context(need("10000.00")), BY_CODE["FQ"])
    assert kinds(gap) == ["amount"]
    assert gap.changes[0].quote.amount == D("20000.00")
    assert (
        gap.changes[0].message == "将金额提高到本产品起贷金额 20,000.00 元，月供 615.56 元"
    )  # 20,000 / 36 + 0.30 %


def test_guarantor():
    spec = next(s for s in SEED_CATALOGUE if s.code == "DBBZD")
    business = Need(purpose="business_working_capital", amount=D("500000.00"), term_months=24)
    capacity = Capacity(
        monthly_income=D("0.00"), monthly_revenue=D("200000.00"), monthly_costs=D("150000.00")
    )
    facts = {**CUSTOMER, "customer_type": "individual_business", "business_years": 3, "industry": "餐饮"}
    gap = what_if_for(spec, business, capacity, facts, SEEDED_LPR, date(2026, 1, 5))
    assert kinds(gap) == ["guarantor"]
    assert gap.changes[0].message == "提供符合条件的保证人或融资担保公司连带责任保证"


def test_no_change_can_pass_a_current_overdue():
    gap = what_if(context(need("150000.00"), TIGHT, current_overdue=True), BY_CODE["XYD"])
    assert not gap.can_pass
    assert [o.rule.TYPE for o in gap.blocking] == ["no_current_overdue"]
    assert gap.message == (
        "「信用贷」没有可以通过的调整——以下条件无法通过调整方案满足：您的征信显示当前有逾期，本产品要求无当前逾期，请先结清逾期欠款"
    )


def test_no_change_can_pass_an_age_limit():
    gap = what_if(context(need("150000.00"), age=61), BY_CODE["XYD"])
    assert not gap.can_pass
    assert [o.rule.TYPE for o in gap.blocking] == ["age_range"]


def test_a_passing_product_needs_no_change():
    gap = what_if(context(need("150000.00")), BY_CODE["XYD"])
    assert gap.changes == () and gap.blocking == ()
    assert gap.message == "「信用贷」的准入条件已全部满足，无需调整。"


# --- property: every proposed change passes when re-evaluated -------------------------------------------

PRODUCTS = list(SEED_CATALOGUE) + list(BY_CODE.values())


@st.composite
def situations(draw):
    kind = draw(st.sampled_from([c for c, _ in COLLATERAL_TYPES]))
    value = None if kind == "none" else D(draw(st.integers(10_000, 5_000_000)))
    the_need = Need(
        purpose=draw(st.sampled_from([p for p, _ in PURPOSES])),
        amount=D(draw(st.integers(100, 300_000))) * 10,
        term_months=draw(st.integers(1, 360)),
        repayment_preference=draw(
            st.sampled_from([None, "equal_installment", "equal_principal", "interest_only"])
        ),
        collateral_type=kind,
        collateral_value=value,
    )
    business = draw(st.booleans())
    revenue = D(draw(st.integers(0, 500_000))) if business else None
    capacity = Capacity(
        monthly_income=D(draw(st.integers(0, 80_000))),
        monthly_debt_payments=D(draw(st.integers(0, 30_000))),
        monthly_revenue=revenue,
        monthly_costs=D(draw(st.integers(0, 400_000))) if business else None,
    )
    has_co = draw(st.booleans())
    facts = {
        "customer_type": draw(st.sampled_from([c for c, _ in CUSTOMER_TYPES])),
        "age": draw(st.integers(18, 70)),
        "current_overdue": draw(st.sampled_from([False, False, False, True])),
        "worst_overdue_days_24m": draw(st.integers(0, 90)),
        "inquiries_6m": draw(st.integers(0, 10)),
        "risk_grade": draw(st.sampled_from(GRADES)),
        "industry": draw(st.sampled_from(["餐饮", "制造业", "房地产开发"])),
        "has_guarantor": draw(st.booleans()),
        "has_co_borrower": has_co,
        "co_borrower_monthly_income": D(draw(st.integers(0, 20_000))) if has_co else None,
        "provident_fund_months": draw(st.integers(0, 60)),
        "business_years": draw(st.integers(0, 20)),
    }
    return the_need, capacity, facts


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situations(), st.sampled_from(PRODUCTS))
def test_every_change_passes_when_re_evaluated(situation, spec):
    the_need, capacity, facts = situation
    ctx = make_context(
        the_need, capacity, facts, SEEDED_LPR, date(2026, 1, 5), provident_table=SEEDED_PROVIDENT
    )
    original = quote(ctx, spec)
    gap = what_if(ctx, spec, original)
    if not original.evaluation.failed:
        assert gap.changes == () and gap.blocking == ()
        return
    assert gap.can_pass or gap.blocking
    for change in gap.changes:
        q = change.quote
        assert not evaluate(spec.effective_rules, q.facts).failed  # type-checked facts, every rule again
        extra = {
            key: q.facts[key]
            for key in (
                "has_co_borrower",
                "co_borrower_monthly_income",
                "has_guarantor",
                "collateral_type",
                "collateral_value",
            )
        }
        again = quote(
            ctx, spec, amount=q.amount, term_months=q.term_months, method=q.method, extra_facts=extra
        )
        assert not again.evaluation.failed
        if change.kind == Lever.AMOUNT and q.amount < original.amount:
            assert q.amount % 100 == 0
            if q.amount + 100 <= original.amount:
                more = quote(ctx, spec, amount=q.amount + 100, term_months=q.term_months, method=q.method)
                assert more.evaluation.failed
        if change.kind == Lever.TERM and q.term_months > original.term_months + 1:
            shorter = quote(ctx, spec, amount=q.amount, term_months=q.term_months - 1, method=q.method)
            assert shorter.evaluation.failed
