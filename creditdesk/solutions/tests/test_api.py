"""The API: matches (latest need or a need in the body, what-if included), competitor offers (team scope,
flat-rate conversion, comparison), proposals (scoped list, issue, refusals with stable codes, detail, the
stored PDF) — and the permission matrix."""

from __future__ import annotations

from decimal import Decimal

import pytest

from creditdesk.solutions.models import CompetitorOffer, Proposal

pytestmark = pytest.mark.django_db

FLAT = {
    "institution": "某小贷公司",
    "product_name": "极速贷",
    "kind": "flat_monthly",
    "amount": "100000.00",
    "term_months": 12,
    "monthly_flat_rate": "0.5",
}


def _as(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def test_match_for_the_latest_need_ranks_and_explains(api_client, org, small_catalogue, li, li_graded):
    response = _as(api_client, org.cm_a).post("/api/v1/matches/", {"customer": li.pk}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["need"] == li.needs.get().pk and body["grade"] == "B"
    result = body["result"]
    assert [o["product"] for o in result["eligible"]] == ["XYD", "DYD", "FQ"]
    assert [o["rank"] for o in result["eligible"]] == [1, 2, 3]
    first = result["eligible"][0]
    assert first["figures"]["apr_compound"] == "0.038669" and first["monthly_payment"] == "4415.26"
    assert first["reason"].startswith("第 1 名「信用贷」（审批最快）")
    assert [r["product"] for r in result["ineligible"]] == ["JYD", "ZYD"]
    zyd = result["ineligible"][1]
    assert zyd["what_if"]["can_pass"] is True
    assert zyd["what_if"]["changes"][0]["kind"] == "collateral"
    assert zyd["what_if"]["changes"][0]["collateral_value"] == "166700.00"  # 150,000 ÷ 90 %, to the hundred
    jyd = result["ineligible"][0]
    assert jyd["what_if"]["can_pass"] is False and jyd["reasons"]


def test_match_for_a_need_in_the_body_is_not_saved(api_client, org, small_catalogue, li, li_graded):
    need = {
        "purpose": "renovation",
        "amount": "50000.00",
        "term_months": 24,
        "monthly_income": "30000.00",
        "monthly_debt_payments": "2000.00",
        "has_guarantor": True,
    }
    response = _as(api_client, org.cm_a).post(
        "/api/v1/matches/", {"customer": li.pk, "need": need}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["need"] is None
    assert body["result"]["need"]["amount"] == "50000.00"
    assert li.needs.count() == 1
    bad = _as(api_client, org.cm_a).post(
        "/api/v1/matches/", {"customer": li.pk, "need": {**need, "amount": "-1"}}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["code"].startswith("need_amount")


def test_match_refusals(api_client, org, small_catalogue, li):
    client = _as(api_client, org.cm_a)
    response = client.post("/api/v1/matches/", {"customer": li.pk}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "match_need_missing"
    assert client.post("/api/v1/matches/", {}, format="json").json()["code"] == "invalid"
    other = _as(api_client, org.cm_c).post("/api/v1/matches/", {"customer": li.pk}, format="json")
    assert other.status_code == 404 and other.json()["code"] == "not_found"
    api_client.force_authenticate(None)
    assert api_client.post("/api/v1/matches/", {"customer": li.pk}, format="json").status_code == 401


def test_a_flat_monthly_quote_is_converted_to_its_true_rate(api_client, org):
    client = _as(api_client, org.cm_a)
    response = client.post("/api/v1/competitor-offers/", FLAT, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["monthly_flat_rate"] == "0.5000" and body["team"] == org.t1.pk
    converted = body["converted"]
    # RULES.md: 0.5 % a month flat over 12 months is ~10.9 %, not 6 %
    assert (converted["apr_simple"], converted["apr_compound"]) == ("0.108964", "0.114574")
    assert "并不是 6.00%" in converted["sentence"]
    offer = CompetitorOffer.objects.get()
    assert offer.monthly_flat_rate == Decimal("0.5000") and offer.annual_rate is None


def test_competitor_offers_are_the_teams(api_client, org):
    _as(api_client, org.cm_a).post("/api/v1/competitor-offers/", FLAT, format="json")
    seen = {
        who: _as(api_client, getattr(org, who)).get("/api/v1/competitor-offers/").json()["count"]
        for who in ("cm_a", "cm_b", "lead1", "head1", "risk1", "cm_c", "lead2", "head2", "approver1", "admin")
    }
    assert seen == {
        "cm_a": 1,
        "cm_b": 1,
        "lead1": 1,
        "head1": 1,
        "risk1": 1,
        "cm_c": 0,
        "lead2": 0,
        "head2": 0,
        "approver1": 0,
        "admin": 0,
    }
    offer = CompetitorOffer.objects.get()
    assert _as(api_client, org.cm_c).get(f"/api/v1/competitor-offers/{offer.pk}/").status_code == 404
    refused = _as(api_client, org.head1).post("/api/v1/competitor-offers/", FLAT, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "competitor_offer_forbidden"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"monthly_flat_rate": None}, "competitor_figure_missing"),
        ({"term_months": 0}, "competitor_term_invalid"),
        ({"amount": "0"}, "competitor_amount_invalid"),
        ({"upfront_fee": "100000.00"}, "competitor_fee_invalid"),
        ({"monthly_flat_rate": "0.12345"}, "competitor_field_invalid"),
        ({"kind": "installment"}, "competitor_figure_missing"),
        ({"quoted_on": "2999-01-01"}, "competitor_quoted_on_future"),
    ],
)
def test_a_quote_that_cannot_be_converted_is_refused(api_client, org, change, code):
    response = _as(api_client, org.cm_a).post("/api/v1/competitor-offers/", {**FLAT, **change}, format="json")
    assert response.status_code == 400 and response.json()["code"] == code
    assert not CompetitorOffer.objects.exists()


def test_compare_ours_and_theirs(api_client, org, small_catalogue, li, li_graded):
    client = _as(api_client, org.cm_a)
    offer = client.post("/api/v1/competitor-offers/", FLAT, format="json").json()["id"]
    response = client.post(
        "/api/v1/competitor-offers/compare/",
        {
            "customer": li.pk,
            "offers": [offer],
            "quotes": [
                {
                    "institution": "某银行",
                    "product_name": "e贷",
                    "kind": "annual_rate",
                    "amount": "150000.00",
                    "term_months": 36,
                    "annual_rate": "0.0360",
                    "upfront_fee": "1500.00",
                }
            ],
        },
        format="json",
    )
    assert response.status_code == 200
    rows = response.json()["rows"]
    assert [r["side"] for r in rows] == ["ours", "ours", "competitor", "ours", "competitor"]
    assert [r["label"] for r in rows][:2] == ["本行「抵押贷」", "本行「信用贷」"]
    assert rows[-1]["label"] == "某小贷公司「极速贷」" and rows[-1]["apr_simple"] == "0.108964"
    assert response.json()["summary"].startswith("按年化利率（IRR 复利）比较，最低的是本行「抵押贷」")
    unknown = client.post("/api/v1/competitor-offers/compare/", {"offers": [999]}, format="json")
    assert unknown.status_code == 400 and unknown.json()["code"] == "competitor_offer_unknown"


def test_compare_page_shows_the_flat_rate_sentence(client, org, small_catalogue, li, li_graded):
    from creditdesk.solutions import services

    services.competitor_offer_record(actor=org.cm_a, data={**FLAT, "monthly_flat_rate": "0.5"})
    client.force_login(org.cm_a)
    html = client.get(f"/solutions/customers/{li.pk}/compare/").content.decode()
    assert "看似年利率 6%，按实际占用本金计算的年化利率约为 10.90%（单利），复利 11.46%" in html
    assert html.count('data-testid="comparison-row"') == 4  # 3 of ours, 1 of theirs
    assert "并不是 6.00%" in html


def test_proposals_api(api_client, org, small_catalogue, li, li_graded):
    client = _as(api_client, org.cm_a)
    refused = client.post("/api/v1/proposals/", {"customer": li.pk, "products": ["JYD"]}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "proposal_product_ineligible"
    assert refused.json()["details"]["product"] == "JYD"
    assert not Proposal.objects.exists()
    created = client.post("/api/v1/proposals/", {"customer": li.pk, "products": ["XYD"]}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["title"] == "「信用贷」方案书"
    assert body["options"] == [
        {
            "position": 1,
            "product": "XYD",
            "version": 1,
            "amount": "150000.00",
            "term_months": 36,
            "method": "equal_installment",
            "annual_rate": "3.8000",
            "apr": "3.8669",
        }
    ]
    assert body["content"]["summary"]["apr_compound"] == "0.038669"
    pid = body["id"]
    assert client.get("/api/v1/proposals/").json()["count"] == 1
    assert client.get(f"/api/v1/proposals/?customer={li.pk}").json()["count"] == 1
    pdf = client.get(f"/api/v1/proposals/{pid}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content == bytes(Proposal.objects.get().pdf)
    for who, count, status in (("lead1", 1, 200), ("head1", 1, 200), ("cm_b", 0, 404), ("cm_d", 0, 404)):
        other = _as(api_client, getattr(org, who))
        assert other.get("/api/v1/proposals/").json()["count"] == count, who
        assert other.get(f"/api/v1/proposals/{pid}/").status_code == status, who
        assert other.get(f"/api/v1/proposals/{pid}/pdf/").status_code == status, who
    read_only = _as(api_client, org.head1).post(
        "/api/v1/proposals/", {"customer": li.pk, "products": ["XYD"]}, format="json"
    )
    assert read_only.status_code == 403 and read_only.json()["code"] == "proposal_read_only"
    api_client.force_authenticate(None)
    assert api_client.get(f"/api/v1/proposals/{pid}/pdf/").status_code == 401


def test_lists_take_a_fixed_number_of_queries(
    api_client, client, org, small_catalogue, li, li_graded, django_assert_max_num_queries
):
    from creditdesk.solutions import services

    for _ in range(3):
        services.competitor_offer_record(actor=org.cm_a, data=dict(FLAT))
        services.proposal_create(actor=org.cm_a, customer_id=li.pk, products=["XYD"])
    api = _as(api_client, org.cm_a)
    with django_assert_max_num_queries(4):  # session/token user, count, rows (+ related in the join)
        assert api.get("/api/v1/proposals/").json()["count"] == 3
    with django_assert_max_num_queries(4):
        assert api.get("/api/v1/competitor-offers/").json()["count"] == 3
    client.force_login(org.cm_a)
    with django_assert_max_num_queries(9):  # + the unread notifications badge
        assert client.get("/solutions/competitors/").status_code == 200
