"""Fixtures of the solutions Django tests: the small catalogue of ``small_catalogue`` (信用贷, 抵押贷,
装修分期, 经营贷, 存单质押贷) in the database, a customer of cm_a like ``small_catalogue.CUSTOMER`` (35 on
2026-01-05, teacher, clean credit report) with a renovation need of 150,000 over 36 months and a house
worth 1,000,000, and a pre-assessment graded B."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from creditdesk.customers import services as customer_services
from creditdesk.customers.services import CustomerInput
from creditdesk.products import services as product_services
from creditdesk.scoring import services as scoring_services
from creditdesk.scoring.models import Assessment
from creditdesk.scoring.tests.conftest import SHIPPED_MODEL
from creditdesk.solutions.tests.small_catalogue import DYD, FQ, JYD, XYD, ZYD

# Born 1990-03-07 (a valid resident ID): 35 on 2026-01-05.
LI_ID = "110105199003071239"
NEED = {
    "purpose": "renovation",
    "amount": "150000.00",
    "term_months": 36,
    "collateral_type": "residential_property",
    "collateral_value": "1000000.00",
    "monthly_income": "30000.00",
    "monthly_debt_payments": "2000.00",
}


@pytest.fixture
def small_catalogue(org):
    return {
        data["code"]: product_services.product_create(actor=org.risk1, spec=copy.deepcopy(data), note="首版")
        for data in (XYD, DYD, FQ, JYD, ZYD)
    }


@pytest.fixture
def li(org):
    return customer_services.customer_create(
        actor=org.cm_a,
        data=CustomerInput(
            kind="individual",
            name="李四",
            id_number=LI_ID,
            monthly_income="30000",
            monthly_debt_payments="2000",
            profile={"industry": "教育"},
            credit_current_overdue="0",
            credit_worst_overdue_days="0",
            credit_inquiries_6m="2",
        ),
    )


@pytest.fixture
def li_need(org, li):
    return product_services.need_record(actor=org.cm_a, customer_id=li.pk, data=dict(NEED))


def grade(org, customer, letter: str) -> Assessment:
    """A pre-assessment of ``customer`` graded ``letter`` (scored by hand: the grade is what matters)."""
    from creditdesk.scoring.models import ScoreModel

    model = ScoreModel.objects.first() or scoring_services.score_model_register(
        actor=org.risk1, artefact=SHIPPED_MODEL.read_text(encoding="utf-8")
    )
    return Assessment.objects.create(
        customer=customer,
        model=model,
        points=Decimal("600.00"),
        probability_of_default=Decimal("0.050000"),
        grade=letter,
        created_by=org.cm_a,
    )


@pytest.fixture
def li_graded(org, li, li_need):
    return grade(org, li, "B")
