"""Fixtures for the product-library and needs tests: the catalogue in the database (through the
services, by risk1), a customer of cm_a with a full profile, and a need for them."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from creditdesk.customers import services as customer_services
from creditdesk.customers.services import CustomerInput
from creditdesk.products import services
from creditdesk.products.catalogue_data import SEED_CATALOGUE_DATA

# Born 1990-03-07 (a valid resident ID: the check digit is right).
ZHANG_ID = "110105199003071239"


def spec_data(code: str) -> dict:
    """A deep copy of a seeded product's JSON (safe to change in a test)."""
    return copy.deepcopy(next(d for d in SEED_CATALOGUE_DATA if d["code"] == code))


@pytest.fixture
def gxed(org):
    return services.product_create(actor=org.risk1, spec=spec_data("GXED"), note="首版")


@pytest.fixture
def catalogue(org):
    return [
        services.product_create(actor=org.risk1, spec=spec_data(code)) for code in ("GXED", "GJJDK", "FDJYD")
    ]


@pytest.fixture
def zhang(org):
    return customer_services.customer_create(
        actor=org.cm_a,
        data=CustomerInput(
            kind="individual",
            name="张三",
            id_number=ZHANG_ID,
            monthly_income="12000",
            monthly_debt_payments="1500",
            profile={"industry": "信息技术", "rate_sensitivity": "high"},
            credit_current_overdue="0",
            credit_worst_overdue_days="0",
            credit_inquiries_6m="2",
            payroll_with_bank="yes",  # paid through the bank: 工薪e贷 lends to 代发工资 customers only
        ),
    )


@pytest.fixture
def zhang_need(org, zhang):
    return services.need_record(
        actor=org.cm_a,
        customer_id=zhang.pk,
        data={
            "purpose": "renovation",
            "amount": "100000.00",
            "term_months": 36,
            "repayment_preference": "equal_installment",
            "monthly_income": "12000.00",
            "monthly_debt_payments": "1500.00",
        },
    )


NEED = {
    "purpose": "renovation",
    "amount": "100000.00",
    "term_months": 36,
    "monthly_income": "12000.00",
    "monthly_debt_payments": "1500.00",
}
D = Decimal
