"""Competitor quotes as a customer manager types them: amounts through ``core.money.parse_amount`` ("30万")
and rates through ``core.money.parse_rate`` ("万3", "月息5厘", "385bp"), on the page and in the API."""

from __future__ import annotations

from decimal import Decimal

import pytest

from creditdesk.core.models import AuditEvent
from creditdesk.solutions.models import CompetitorOffer

pytestmark = pytest.mark.django_db

FLAT = {
    "institution": "某小贷公司",
    "product_name": "极速贷",
    "kind": "flat_monthly",
    "amount": "10万",
    "term_months": 12,
    "monthly_flat_rate": "月息5厘",
}
ANNUAL = {
    "institution": "某互联网平台",
    "product_name": "随心借",
    "kind": "annual_rate",
    "amount": "1.5万元",
    "term_months": 12,
    "annual_rate": "万3",
}


def _as(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def test_api_reads_wan_and_a_monthly_rate_in_li(api_client, org):
    response = _as(api_client, org.cm_a).post("/api/v1/competitor-offers/", FLAT, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["amount"], body["monthly_flat_rate"]) == ("100000.00", "0.5000")
    # the same quote as the worked example typed as "0.5": 0.5 % a month flat is ~10.9 %, not 6 %
    assert (body["converted"]["apr_simple"], body["converted"]["apr_compound"]) == ("0.108964", "0.114574")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("万3", Decimal("10.8000")),  # daily 0.03 % × 360 (RULES.md: 日利率 = R/360)
        ("日息万分之3", Decimal("10.8000")),
        ("0.03%/日", Decimal("10.8000")),
        ("月息5厘", Decimal("6.0000")),  # 0.5 % a month × 12
        ("0.5分", Decimal("6.0000")),
        ("385bp", Decimal("3.8500")),
        ("3.85%", Decimal("3.8500")),
        ("3.85", Decimal("3.8500")),  # the API's existing form: a percent
    ],
)
def test_api_annual_rate_accepts_the_typed_forms(api_client, org, typed, stored):
    response = _as(api_client, org.cm_a).post(
        "/api/v1/competitor-offers/", {**ANNUAL, "annual_rate": typed}, format="json"
    )
    assert response.status_code == 201, response.json()
    offer = CompetitorOffer.objects.get()
    assert (offer.annual_rate, offer.amount) == (stored, Decimal("15000.00"))


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"annual_rate": "5厘"}, "competitor_rate_ambiguous"),  # 月息 or 年息?
        ({"annual_rate": "-3%"}, "competitor_field_invalid"),
        ({"annual_rate": "3O%"}, "competitor_field_invalid"),
        ({"annual_rate": "万3.33333"}, "competitor_field_invalid"),  # 11.99999 %: beyond four places
        ({"amount": "3O万"}, "competitor_field_invalid"),
        ({"amount": "30万5"}, "competitor_field_invalid"),
        ({"amount": "−5万"}, "competitor_field_invalid"),
        ({"amount": "1e9"}, "competitor_field_invalid"),
    ],
)
def test_api_refuses_what_it_cannot_read(api_client, org, change, code):
    response = _as(api_client, org.cm_a).post(
        "/api/v1/competitor-offers/", {**ANNUAL, **change}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == code
    assert not CompetitorOffer.objects.exists()
    assert not AuditEvent.objects.filter(action="competitor_offer.record").exists()


def test_api_ambiguous_li_says_how_to_write_it(api_client, org):
    response = _as(api_client, org.cm_a).post(
        "/api/v1/competitor-offers/", {**ANNUAL, "annual_rate": "5厘"}, format="json"
    )
    assert "月息5厘" in str(response.json()) and "年息5厘" in str(response.json())


def test_page_reads_wan_and_shows_how_the_rate_was_read(client, org):
    client.force_login(org.cm_b)
    form = {
        **ANNUAL,
        "amount": "30万",
        "term_months": "12",
        "method": "equal_installment",
        "quoted_on": "2026-01-05",
    }
    form.pop("annual_rate")
    page = client.get("/solutions/competitors/new/").content.decode()
    assert 'name="amount"' in page and 'type="number"' not in page.split('name="amount"')[0][-200:]
    assert 'inputmode="decimal"' in page
    response = client.post("/solutions/competitors/new/", {**form, "annual_rate": "日息万三"}, follow=True)
    assert response.status_code == 200
    offer = CompetitorOffer.objects.get()
    assert (offer.amount, offer.annual_rate) == (Decimal("300000.00"), Decimal("10.8000"))
    assert "日息万分之3，折合年利率 10.80%（单利）" in response.content.decode()


def test_page_refuses_an_amount_it_cannot_read(client, org):
    client.force_login(org.cm_b)
    form = {
        **ANNUAL,
        "amount": "3O万",
        "term_months": "12",
        "method": "equal_installment",
        "quoted_on": "2026-01-05",
    }
    response = client.post("/solutions/competitors/new/", form)
    assert response.status_code == 400
    assert "请输入金额，如 300,000 或 30万" in response.content.decode()
    ambiguous = client.post("/solutions/competitors/new/", {**form, "amount": "30万", "annual_rate": "5厘"})
    assert ambiguous.status_code == 400 and "年息5厘" in ambiguous.content.decode()
    assert not CompetitorOffer.objects.exists()
