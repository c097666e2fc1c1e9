"""Amounts as a customer manager types them ("30万", "1.2万元", "300,000") in needs (page and API) and in a
product's amount range, all read by ``core.money.parse_amount``."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from creditdesk.products.catalogue import SEED_CATALOGUE_DATA, ProductDefinitionError, ProductSpec
from creditdesk.products.models import Need
from creditdesk.products.tests.conftest import NEED

FORM = {
    "purpose": "renovation",
    "amount": "10万",
    "term_months": "36",
    "rate_sensitivity": "medium",
    "collateral_type": "none",
    "monthly_income": "1.2万",
    "monthly_debt_payments": "1,500元",
}


def _gxed(**changes) -> dict:
    data = copy.deepcopy(next(d for d in SEED_CATALOGUE_DATA if d["code"] == "GXED"))
    data.update(changes)
    return data


def test_amount_range_in_wan():
    spec = ProductSpec.from_dict(_gxed(amount={"min": "10万", "max": "３００万元"}))
    assert (spec.min_amount, spec.max_amount) == (Decimal("100000.00"), Decimal("3000000.00"))
    assert spec.to_dict()["amount"] == {"min": "100000.00", "max": "3000000.00"}


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ({"min": "3O万", "max": "300万"}, "spec_field_type"),
        ({"min": "10万5", "max": "300万"}, "spec_field_type"),
        ({"min": "-5万", "max": "300万"}, "spec_field_type"),
        ({"min": "0.0000001万", "max": "300万"}, "amount_range_invalid"),
    ],
)
def test_amount_range_refusals(amount, code):
    with pytest.raises(ProductDefinitionError) as caught:
        ProductSpec.from_dict(_gxed(amount=amount))
    assert caught.value.code == code and caught.value.extra == {"field": "amount.min"}


@pytest.mark.django_db
def test_need_page_reads_wan(client, org, zhang):
    client.force_login(org.cm_a)
    page = client.get(f"/products/customers/{zhang.pk}/need/").content.decode()
    assert 'type="number" name="amount"' not in page and 'inputmode="decimal"' in page
    response = client.post(f"/products/customers/{zhang.pk}/need/", FORM)
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.amount, need.monthly_income, need.monthly_debt_payments) == (
        Decimal("100000.00"),
        Decimal("12000.00"),
        Decimal("1500.00"),
    )


@pytest.mark.django_db
def test_need_page_refuses_what_it_cannot_read(client, org, zhang):
    client.force_login(org.cm_a)
    for typed, message in (("3O万", "请输入金额，如 300,000 或 30万"), ("-5万", "金额不能为负数。")):
        response = client.post(f"/products/customers/{zhang.pk}/need/", {**FORM, "amount": typed})
        assert response.status_code == 400 and message in response.content.decode(), typed
    assert not Need.objects.exists()


@pytest.mark.django_db
def test_need_api_reads_wan_and_refuses_ambiguity(api_client, org, zhang):
    api_client.force_authenticate(org.cm_a)
    response = api_client.post(
        "/api/v1/needs/", {"customer": zhang.pk, **NEED, "amount": "30 万元"}, format="json"
    )
    assert response.status_code == 201 and response.json()["amount"] == "300000.00"
    refused = api_client.post(
        "/api/v1/needs/", {"customer": zhang.pk, **NEED, "amount": "30万5"}, format="json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "need_amount_invalid"
    assert Need.objects.count() == 1
