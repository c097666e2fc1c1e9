"""A fixed small catalogue and customer for the matching and what-if tests (priced on 2026-01-05:
1Y LPR 3.00 %, 5Y LPR 3.50 %)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from creditdesk.finance.pricing import SEEDED_LPR
from creditdesk.products.capacity import Capacity, Need
from creditdesk.products.catalogue import ProductSpec
from creditdesk.solutions.offers import Context, make_context

D = Decimal
ON = date(2026, 1, 5)
LPR = SEEDED_LPR

XYD = {  # credit: 3.80 % for grade B
    "code": "XYD",
    "name": "信用贷",
    "category": "credit",
    "customer_types": ["individual"],
    "purposes": ["renovation", "consumption"],
    "amount": {"min": "10000.00", "max": "200000.00"},
    "term_months": {"min": 6, "max": 36},
    "pricing": {"kind": "lpr", "tenor": "1y", "spread_bp": {"A": 50, "B": 80, "C": 120}},
    "methods": ["equal_installment"],
    "approval_days": 1,
    "rules": [
        {"type": "age_range", "min": 22, "max": 60},
        {"type": "min_income", "amount": "5000.00"},
        {"type": "max_dti", "max": "0.55"},
        {"type": "no_current_overdue"},
        {"type": "min_grade", "grade": "C"},
    ],
}
DYD = {  # mortgage: 3.40 % for grade B up to 60 months (1Y LPR), 3.90 % beyond (5Y LPR)
    "code": "DYD",
    "name": "抵押贷",
    "category": "mortgage",
    "customer_types": ["individual"],
    "purposes": ["renovation", "consumption"],
    "amount": {"min": "100000.00", "max": "3000000.00"},
    "term_months": {"min": 12, "max": 120},
    # Test-only: declared a loan type allowed 120 months (products.limits) so the what-if tests can cross
    # the 60-month LPR switch; a consumer loan would be refused above 60 months.
    "loan_type": "personal_business_fixed_asset",
    "pricing": {"kind": "lpr", "tenor": "auto", "spread_bp": {"A": 20, "B": 40, "C": 70}},
    "methods": ["equal_installment", "equal_principal"],
    "collateral": [{"type": "residential_property", "max_ltv": "0.70"}],
    "approval_days": 7,
    "rules": [
        {"type": "age_range", "min": 18, "max": 65},
        {"type": "max_age_at_maturity", "max": 70},
        {"type": "max_dti", "max": "0.55"},
        {"type": "no_current_overdue"},
        {"type": "min_grade", "grade": "C"},
    ],
}
FQ = {  # instalment plan: no interest, 0.30 % of the principal a month
    "code": "FQ",
    "name": "装修分期",
    "category": "consumer",
    "customer_types": ["individual"],
    "purposes": ["renovation"],
    "amount": {"min": "20000.00", "max": "300000.00"},
    "term_months": {"min": 12, "max": 60},
    "pricing": {"kind": "fixed", "tiers": [{"up_to_months": 60, "annual_rate": "0"}]},
    "methods": ["equal_installment"],
    "fees": [{"name": "分期手续费", "timing": "per_period", "rate": "0.003"}],
    "approval_days": 3,
    "rules": [{"type": "max_dti", "max": "0.55"}],
}
JYD = {  # business loans only: every individual fails it
    "code": "JYD",
    "name": "经营贷",
    "category": "business",
    "customer_types": ["individual_business", "enterprise"],
    "purposes": ["business_working_capital"],
    "amount": {"min": "10000.00", "max": "1000000.00"},
    "term_months": {"min": 3, "max": 12},
    "pricing": {"kind": "lpr", "tenor": "1y", "spread_bp": {"A": 50, "B": 90, "C": 140, "D": 200, "E": 300}},
    "methods": ["interest_only"],
    "approval_days": 1,
    "rules": [{"type": "no_current_overdue"}],
}
ZYD = {  # pledge of a deposit receipt
    "code": "ZYD",
    "name": "存单质押贷",
    "category": "pledge",
    "customer_types": ["individual"],
    "purposes": ["renovation", "consumption", "car_purchase"],
    "amount": {"min": "10000.00", "max": "1000000.00"},
    "term_months": {"min": 1, "max": 36},
    "pricing": {"kind": "lpr", "tenor": "1y", "spread_bp": {"A": 0, "B": 0, "C": 0, "D": 0, "E": 0}},
    "methods": ["equal_installment"],
    "collateral": [{"type": "deposit_receipt", "max_ltv": "0.90"}],
    "approval_days": 0,
    "rules": [],
}
CATALOGUE = tuple(ProductSpec.from_dict(data) for data in (XYD, DYD, FQ, JYD, ZYD))
BY_CODE = {spec.code: spec for spec in CATALOGUE}

CUSTOMER: dict[str, Any] = {
    "customer_type": "individual",
    "age": 35,
    "current_overdue": False,
    "worst_overdue_days_24m": 0,
    "inquiries_6m": 2,
    "risk_grade": "B",
    "industry": "教育",
    "has_guarantor": False,
    "has_co_borrower": False,
}
CAPACITY = Capacity(monthly_income=D("30000.00"), monthly_debt_payments=D("2000.00"))  # affordable 14,500


def need(amount: str, term: int = 36, value: str | None = "1000000.00", **more: Any) -> Need:
    collateral = {"collateral_type": "residential_property", "collateral_value": D(value)} if value else {}
    return Need(purpose="renovation", amount=D(amount), term_months=term, **{**collateral, **more})


def context(n: Need, capacity: Capacity = CAPACITY, **facts: Any) -> Context:
    return make_context(n, capacity, {**CUSTOMER, **facts}, LPR, ON)
