"""``evaluate_product`` (pure): the new monthly payment a DTI counts for an interest-only product is its
monthly obligation (RULES.md "Debt-to-income"), never the interest alone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from creditdesk.products.catalogue import ProductSpec
from creditdesk.products.evaluation import evaluate_product

D = Decimal
ON = date(2026, 1, 5)
JYD = {
    "code": "JYD",
    "name": "经营贷",
    "category": "business",
    "customer_types": ["individual", "individual_business"],
    "purposes": ["business_working_capital"],
    "amount": {"min": "10000.00", "max": "2000000.00"},
    "term_months": {"min": 3, "max": 36},
    "pricing": {"kind": "fixed", "tiers": [{"up_to_months": 36, "annual_rate": "0.036"}]},
    "methods": ["interest_only", "equal_installment"],
    "approval_days": 1,
    "rules": [{"type": "max_dti", "max": "0.55"}],
}
FACTS = {
    "requested_amount": D("1000000.00"),
    "term_months": 36,
    "monthly_income": D("60000.00"),
    "monthly_debt_payments": D("5000.00"),
}


def test_interest_only_counts_the_annuity_over_the_term():
    """1,000,000.00 先息后本 over 36 months at 3.60 %: 29,346.38 counted (3,000.00 of interest a month);
    DTI (5,000 + 29,346.38) / 60,000 = 57.24 % > 55 %: fails, where the interest alone (13.33 %) passed."""
    result = evaluate_product(ProductSpec.from_dict(JYD), FACTS, (), ON)
    assert result.facts["new_monthly_payment"] == D("29346.38")
    assert result.facts["debt_to_income_after"] == D("34346.38") / D("60000.00")
    assert result.evaluation.status == "fail"


def test_the_floor_comes_from_the_products_max_dti_rule():
    """Over 6 months the floor counts 12 (RULES.md default) — or 24 when the product's rule says so."""
    facts = {**FACTS, "term_months": 6, "requested_amount": D("100000.00")}
    default = evaluate_product(ProductSpec.from_dict(JYD), facts, (), ON)
    assert default.facts["new_monthly_payment"] == D("8496.73")  # RULES.md: 100,000 at 3.60 % over 12
    spec_24 = ProductSpec.from_dict(
        {**JYD, "rules": [{"type": "max_dti", "max": "0.55", "floor_months": 24}]}
    )
    floor_24 = evaluate_product(spec_24, facts, (), ON)
    assert floor_24.facts["new_monthly_payment"] == D("4324.71")
