"""A customer's facts from the profile and latest need, and one product's rules evaluated on them (the
computed payment, DTI and LTV; unknown — never a guess — without a risk grade)."""

from __future__ import annotations

from datetime import date

import pytest

from creditdesk.customers.identity import age_on
from creditdesk.products import selectors
from creditdesk.products.customer_facts import facts_for
from creditdesk.products.evaluation import evaluate_product, facts_from_json
from creditdesk.products.facts import FactError
from creditdesk.products.tests.conftest import D

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 1)


def test_facts_from_the_profile_only(zhang):
    facts = facts_for(zhang, today=TODAY)
    assert facts == {
        "customer_type": "individual",
        "age": 35,
        "industry": "信息技术",
        "monthly_income": D("12000.00"),
        "monthly_debt_payments": D("1500.00"),
        "current_overdue": False,
        "worst_overdue_days_24m": 0,
        "inquiries_6m": 2,
        "payroll_with_bank": True,
    }


def test_the_need_overrides_the_profile_and_extra_facts_override_both(org, zhang):
    from creditdesk.products import services
    from creditdesk.products.tests.conftest import NEED

    need = services.need_record(
        actor=org.cm_a,
        customer_id=zhang.pk,
        data={**NEED, "monthly_income": "2000", "monthly_revenue": "30000", "monthly_costs": "20000"},
    )
    facts = facts_for(zhang, need, extra_facts={"risk_grade": "B", "inquiries_6m": 9}, today=TODAY)
    assert facts["monthly_income"] == D("12000.00")  # 2,000 + (30,000 − 20,000)
    assert facts["monthly_cash_flow"] == D("10000.00")
    assert (facts["purpose"], facts["requested_amount"], facts["term_months"]) == (
        "renovation",
        D("100000.00"),
        36,
    )
    assert facts["collateral_type"] == "none" and "collateral_value" not in facts
    assert facts["risk_grade"] == "B" and facts["inquiries_6m"] == 9
    with pytest.raises(FactError):
        facts_for(zhang, need, extra_facts={"risk_grade": "Z"})


def test_age_counts_whole_years():
    assert age_on(date(1990, 3, 7), date(2025, 3, 6)) == 34
    assert age_on(date(1990, 3, 7), date(2025, 3, 7)) == 35


def test_without_a_grade_the_dti_rule_is_unknown_with_a_note(gxed, zhang, zhang_need):
    spec = gxed.current_version.as_spec()
    result = evaluate_product(spec, facts_for(zhang, zhang_need, today=TODAY), selectors.lpr_table(), TODAY)
    by_type = {o.rule.TYPE: o for o in result.evaluation.outcomes}
    assert by_type["max_dti"].status == "unknown" and by_type["max_dti"].missing == ("new_monthly_payment",)
    assert by_type["min_grade"].status == "unknown"
    assert by_type["amount_range"].status == "pass" and by_type["age_range"].status == "pass"
    assert result.evaluation.status == "unknown" and result.price is None
    assert "请先提供风险等级" in result.notes[0]


def test_with_a_grade_the_payment_and_dti_are_computed(gxed, zhang, zhang_need):
    spec = gxed.current_version.as_spec()
    facts = facts_for(zhang, zhang_need, extra_facts={"risk_grade": "B"}, today=TODAY)
    result = evaluate_product(spec, facts, selectors.lpr_table(), TODAY, preferred_method="equal_installment")
    assert result.price.annual_rate == D("0.0340")  # 1Y LPR 3.00 % + 40 bp
    payment = result.facts["new_monthly_payment"]
    assert payment == D("2925.78")  # 100,000 over 36 months at 3.40 %, 等额本息
    assert result.facts["debt_to_income_after"] == (D("1500.00") + payment) / D("12000.00")
    assert result.evaluation.status == "pass"
    dti = next(o for o in result.evaluation.outcomes if o.rule.TYPE == "max_dti")
    assert "36.88%" in dti.message


def test_a_failing_rule_says_why(gxed, zhang, zhang_need):
    spec = gxed.current_version.as_spec()
    facts = facts_for(
        zhang, zhang_need, extra_facts={"risk_grade": "E", "current_overdue": True}, today=TODAY
    )
    result = evaluate_product(spec, facts, selectors.lpr_table(), TODAY)
    failed = {o.rule.TYPE: o.message for o in result.evaluation.failed}
    assert set(failed) == {"no_current_overdue", "min_grade"}
    assert "请先结清逾期欠款" in failed["no_current_overdue"]


def test_ltv_is_computed_from_the_need(org, zhang, catalogue):
    from creditdesk.products import services
    from creditdesk.products.tests.conftest import NEED

    need = services.need_record(
        actor=org.cm_a,
        customer_id=zhang.pk,
        data={
            **NEED,
            "purpose": "consumption",
            "amount": "800000",
            "term_months": 60,
            "collateral_type": "residential_property",
            "collateral_value": "1000000",
        },
    )
    spec = catalogue[2].current_version.as_spec()  # FDJYD: a business loan on a home, LTV ≤ 70 %
    result = evaluate_product(spec, facts_for(zhang, need, today=TODAY), selectors.lpr_table(), TODAY)
    assert result.facts["loan_to_value"] == D("0.8")
    ltv = next(o for o in result.evaluation.outcomes if o.rule.TYPE == "max_ltv")
    assert ltv.status == "fail" and "80.00%" in ltv.message


def test_facts_from_json():
    facts = facts_from_json(
        {"monthly_income": "8000.00", "age": 30, "current_overdue": False, "risk_grade": "A"}
    )
    assert facts == {"monthly_income": D("8000.00"), "age": 30, "current_overdue": False, "risk_grade": "A"}
    for bad in ({"monthly_income": 8000.5}, {"shoe_size": 40}, {"age": "30"}, {"monthly_income": "abc"}, []):
        with pytest.raises(FactError):
            facts_from_json(bad)
