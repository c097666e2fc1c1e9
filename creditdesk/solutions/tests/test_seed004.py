"""Seed 004's worked case, matched (issue 13: "the seed-004 restaurant owner, entered as the seed
describes him, gets at least one eligible SME offer with the reasons").

The seed: 隔壁老王 runs a small restaurant doing well and wants to expand the shop; stable cash flow; the
manager designs "a relatively low-rate 抵押经营贷" on his flows and the shop as collateral. Entered as a
个体工商户 「老王家常菜馆」 (GB/T 4754 H6210 正餐服务, founded five years ago, 8 employees, revenue about
1,800,000 a year, 纳税信用 B) with its operator and legal representative 王建国 (45, a clean credit
report), and a need of 500,000 business working capital over 36 months secured by the shop (a commercial
property worth 1,500,000, no earlier lien). The same business in 房地产开发经营 (K7010) is refused by the
房抵经营贷 for its industry."""

from __future__ import annotations

import copy
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from creditdesk.consents import services as consent_services
from creditdesk.consents.tests.conftest import make_consent
from creditdesk.customers import services as customer_services
from creditdesk.customers.services import CustomerInput
from creditdesk.products import services as product_services
from creditdesk.products.catalogue_data import SEED_CATALOGUE_DATA
from creditdesk.solutions.matching import Rejected
from creditdesk.solutions.selectors import customer_match
from creditdesk.solutions.tests.conftest import grade

pytestmark = pytest.mark.django_db

# 王建国: a valid resident ID (GB 11643 check digit), born 1981-03-15.
WANG_ID = "11010519810315001X"
SME_PRODUCTS = ("FDJYD", "XWKD", "DBBZD", "CDZY", "GXED")
NEED = {
    "purpose": "business_working_capital",
    "amount": "500000.00",
    "term_months": 36,
    "repayment_preference": "interest_only",
    "monthly_income": "5000.00",
    "monthly_debt_payments": "0",
    "monthly_revenue": "150000.00",
    "monthly_costs": "120000.00",
    "collateral_type": "commercial_property",
    "collateral_value": "1500000.00",
    "collateral_prior_liens": "0",
}


@pytest.fixture
def sme_catalogue(org):
    for data in SEED_CATALOGUE_DATA:
        if data["code"] in SME_PRODUCTS:
            product_services.product_create(actor=org.risk1, spec=copy.deepcopy(data), note="首版")


@pytest.fixture
def wang(org):
    person = customer_services.customer_create(
        actor=org.cm_a,
        data=CustomerInput(
            kind="individual",
            name="王建国",
            id_number=WANG_ID,
            phone="13800138004",
            credit_current_overdue="0",
            credit_worst_overdue_days="0",
            credit_inquiries_6m="1",
        ),
    )
    make_consent(person, purpose="loan_review")
    inquiry = consent_services.credit_inquiry_request(
        actor=org.cm_a, customer_id=person.pk, purpose="loan_review"
    )
    consent_services.credit_report_summary_record(
        actor=org.cm_a,
        inquiry_id=inquiry.pk,
        report_date=timezone.localdate(inquiry.requested_at),
        current_overdue=False,
        status_24m="N" * 24,
        inquiries_6m=1,
        debt_count=0,
        debt_balance="0",
    )
    return person


def restaurant(org, wang, industry_code: str = "H6210"):
    today = timezone.localdate()
    shop = customer_services.customer_create(
        actor=org.cm_a,
        data=CustomerInput(
            kind="individual_business",
            name="老王家常菜馆",
            founding_date=(today.replace(year=today.year - 5) - timedelta(days=30)).isoformat(),
            industry_code=industry_code,
            employees="8",
            annual_revenue="1800000",
            tax_credit_grade="B",
        ),
    )
    for kind in ("operator", "legal_representative"):
        customer_services.relationship_add(
            actor=org.cm_a, from_customer_id=wang.pk, to_customer_id=shop.pk, kind=kind
        )
    product_services.need_record(actor=org.cm_a, customer_id=shop.pk, data=dict(NEED))
    grade(org, shop, "B")
    return shop


def test_the_restaurant_owner_gets_an_sme_offer_with_its_reasons(org, sme_catalogue, wang):
    shop = restaurant(org, wang)
    found = customer_match(customer=shop, with_what_if=False)
    assert found.facts["age"] == 45 and found.facts["business_years"] == 5
    assert found.facts["size_class"] == "micro"
    eligible = {o.quote.spec.code: o for o in found.result.eligible}
    assert "FDJYD" in eligible, [
        (item.quote.spec.code, [o.message for o in item.quote.evaluation.outcomes if o.status != "pass"])
        for item in (*found.result.pending, *found.result.ineligible)
    ]
    messages = [o.message for o in eligible["FDJYD"].quote.evaluation.outcomes]
    assert "您的行业「H6210 正餐服务」不在本产品的限制行业内。" in messages
    assert "您的经营年限为 5 年，符合本产品“经营年限不低于 1 年”的要求。" in messages
    assert "按《中小企业划型标准规定》，您属于微型，符合本产品面向小型、微型的要求。" in messages
    assert any(
        m.startswith("贷款 500,000.00 元、商业用房评估价值 1,500,000.00 元（无已有抵押）") for m in messages
    )
    assert eligible["FDJYD"].reason
    # Not a business loan for a person, not a guaranteed loan without a guarantor.
    assert "GXED" not in eligible and "DBBZD" not in eligible


def test_the_same_business_in_real_estate_development_is_refused_naming_it(org, sme_catalogue, wang):
    shop = restaurant(org, wang, industry_code="K7010")
    found = customer_match(customer=shop, with_what_if=False)
    fdjyd = found.find("FDJYD")
    assert isinstance(fdjyd, Rejected)
    assert (
        "您的行业「K7010 房地产开发经营」属于本产品限制的行业（K701 房地产开发经营），暂不能申请。"
        in fdjyd.reasons
    )
    assert all(o.quote.spec.code not in ("FDJYD", "XWKD", "DBBZD") for o in found.result.eligible)


def test_earlier_liens_on_the_shop_reduce_what_it_secures(org, sme_catalogue, wang):
    """1,500,000 less 1,200,000 of earlier liens leaves 300,000: at 50 % for a shop, 150,000 at most."""
    shop = restaurant(org, wang)
    product_services.need_record(
        actor=org.cm_a, customer_id=shop.pk, data={**NEED, "collateral_prior_liens": "1200000.00"}
    )
    found = customer_match(customer=shop, with_what_if=False)
    fdjyd = found.find("FDJYD")
    assert isinstance(fdjyd, Rejected)
    assert fdjyd.reasons == (
        "贷款 500,000.00 元、商业用房评估价值 1,500,000.00 元，减已有抵押余额 1,200,000.00 元后"
        "为 300,000.00 元，抵质押率 166.67%，本产品（商业用房）要求不超过 50.00%。",
    )
    assert fdjyd.quote.loan_to_value == D("500000.00") / D("300000.00")


def test_the_api_match_of_an_unsaved_need_counts_the_liens(api_client, org, sme_catalogue, wang):
    shop = restaurant(org, wang)
    api_client.force_authenticate(org.cm_a)
    need = {**NEED, "collateral_prior_liens": "1200000.00"}
    response = api_client.post(
        "/api/v1/matches/", {"customer": shop.pk, "need": need, "with_what_if": False}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    refused = {item["product"]: item["reasons"] for item in body["result"]["ineligible"]}
    assert any("减已有抵押余额 1,200,000.00 元" in reason for reason in refused["FDJYD"])


def test_the_gap_to_approval_counts_the_liens(org, sme_catalogue, wang):
    """With 1,200,000 of earlier liens: lend 150,000 (50 % of the 300,000 left), or bring the shop's
    value to 2,200,000 (500,000 ÷ 50 % + the liens)."""
    shop = restaurant(org, wang)
    product_services.need_record(
        actor=org.cm_a, customer_id=shop.pk, data={**NEED, "collateral_prior_liens": "1200000.00"}
    )
    fdjyd = customer_match(customer=shop).find("FDJYD")
    assert isinstance(fdjyd, Rejected) and fdjyd.what_if is not None
    changes = {c.kind: c for c in fdjyd.what_if.changes}
    assert changes["amount"].quote.amount == D("150000.00")
    assert changes["collateral"].collateral_value == D("2200000.00")
