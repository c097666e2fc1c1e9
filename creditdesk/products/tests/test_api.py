"""API: products (read for everyone signed in, write for risk managers and admins, evaluate) and needs
(scoped through the customer), errors in the one shape ``{code, message, details}``."""

from __future__ import annotations

import pytest

from creditdesk.core.models import AuditEvent
from creditdesk.products.models import Need, ProductVersion
from creditdesk.products.tests.conftest import NEED, spec_data

pytestmark = pytest.mark.django_db

EVERYONE = ["cm_a", "lead1", "head1", "risk1", "approver1", "admin", "cm_d"]
SEE = {"cm_a": 200, "cm_b": 404, "lead1": 200, "head1": 200, "risk1": 200, "cm_d": 404}
CREATE = {"cm_a": 201, "cm_b": 404, "lead1": 201, "head1": 403, "risk1": 403, "cm_d": 404}


@pytest.mark.parametrize("who", EVERYONE)
def test_everyone_reads_products(api_client, org, catalogue, who):
    api_client.force_authenticate(getattr(org, who))
    listing = api_client.get("/api/v1/products/", {"category": "credit"}).json()
    assert [p["code"] for p in listing["results"]] == ["GXED"]
    row = listing["results"][0]
    assert row["version"] == 1
    assert row["summary"]["rate"] == "A 级 3.10% … D 级 4.50%（LPR 3.00%，2025-05-20 起）"
    assert row["summary"]["amount"] == {"min": "10000.00", "max": "300000.00"}
    detail = api_client.get("/api/v1/products/GXED/").json()
    assert detail["spec"]["pricing"]["spread_bp"] == {"A": 10, "B": 40, "C": 80, "D": 150}
    assert detail["versions"][0]["number"] == 1 and detail["versions"][0]["created_by_username"] == "risk1"
    assert detail["rules"][4] == {
        "label": "年龄范围",
        "requirement": "年龄 22–55 岁（含）",
        "source": "",
        "element": False,
    }
    assert api_client.get("/api/v1/products/NOPE/").status_code == 404


@pytest.mark.parametrize("who", ["cm_a", "lead1", "head1", "approver1", "risk1", "admin"])
def test_versions_and_activation_for_editors_only(api_client, org, gxed, who):
    api_client.force_authenticate(getattr(org, who))
    data = spec_data("GXED")
    data["pricing"]["spread_bp"]["C"] = 90
    created = api_client.post(
        "/api/v1/products/GXED/versions/", {"spec": data, "note": "C 级加点上调"}, format="json"
    )
    allowed = who in ("risk1", "admin")
    assert created.status_code == (201 if allowed else 403)
    assert ProductVersion.objects.count() == (2 if allowed else 1)
    if allowed:
        body = created.json()
        assert body["version"] == 2 and [v["number"] for v in body["versions"]] == [2, 1]
    else:
        assert created.json()["code"] == "product_edit_forbidden"
    toggled = api_client.post("/api/v1/products/GXED/active/", {"is_active": False}, format="json")
    assert toggled.status_code == (200 if allowed else 403)


def test_create_product_and_refusal_shape(api_client, org):
    api_client.force_authenticate(org.risk1)
    data = spec_data("XWKD")
    created = api_client.post("/api/v1/products/", {"spec": data, "note": ""}, format="json")
    assert created.status_code == 201 and created.json()["code"] == "XWKD"
    bad = spec_data("CDZY")
    bad["collateral"][0]["max_ltv"] = "1.5"
    before = AuditEvent.objects.count()
    refused = api_client.post("/api/v1/products/", {"spec": bad}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {
        "code": "ltv_above_100",
        "message": "抵质押率应大于 0 且不超过 100%。",
        "details": {"field": "collateral"},
    }
    assert AuditEvent.objects.count() == before
    taken = api_client.post("/api/v1/products/", {"spec": data}, format="json")
    assert taken.status_code == 409 and taken.json()["code"] == "product_code_taken"


def test_a_json_number_with_a_fraction_is_kept_exact(api_client, org):
    api_client.force_authenticate(org.risk1)
    data = spec_data("CDZY")
    data["collateral"][0]["max_ltv"] = 0.9  # sent as a JSON number: parsed as Decimal, never a float
    created = api_client.post("/api/v1/products/", {"spec": data}, format="json")
    assert created.status_code == 201
    assert created.json()["spec"]["collateral"][0]["max_ltv"] == "0.9"


@pytest.mark.parametrize("who", list(SEE))
def test_evaluate_a_customer(api_client, org, gxed, zhang, zhang_need, who):
    api_client.force_authenticate(getattr(org, who))
    response = api_client.post(
        "/api/v1/products/GXED/evaluate/",
        {"customer": zhang.pk, "extra_facts": {"risk_grade": "B"}},
        format="json",
    )
    assert response.status_code == SEE[who]
    if response.status_code == 200:
        body = response.json()
        assert body["status"] == "pass" and body["customer"] == zhang.pk and body["need"] == zhang_need.pk
        assert body["price"]["annual_rate"] == "0.0340"
        assert len(body["outcomes"]) == 13 and all(o["status"] == "pass" for o in body["outcomes"])


def test_evaluate_facts(api_client, org, gxed):
    api_client.force_authenticate(org.approver1)
    response = api_client.post(
        "/api/v1/products/GXED/evaluate/",
        {"facts": {"customer_type": "enterprise", "age": 60, "monthly_income": "8000.00"}},
        format="json",
    )
    body = response.json()
    assert response.status_code == 200 and body["status"] == "fail" and body["customer"] is None
    failed = {o["type"]: o["message"] for o in body["outcomes"] if o["status"] == "fail"}
    assert set(failed) == {"customer_types", "age_range"}
    assert failed["customer_types"] == "本产品面向个人客户，您是企业客户。"
    both = api_client.post("/api/v1/products/GXED/evaluate/", {"facts": {}, "customer": 1}, format="json")
    assert both.status_code == 400 and both.json()["code"] == "evaluate_input"
    bad = api_client.post("/api/v1/products/GXED/evaluate/", {"facts": {"shoe_size": 42}}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "fact_unknown"


@pytest.mark.parametrize("who", list(SEE))
def test_needs_are_scoped(api_client, org, zhang, zhang_need, who):
    api_client.force_authenticate(getattr(org, who))
    listing = api_client.get("/api/v1/needs/", {"customer": zhang.pk}).json()
    assert len(listing["results"]) == (1 if SEE[who] == 200 else 0)
    detail = api_client.get(f"/api/v1/needs/{zhang_need.pk}/")
    assert detail.status_code == SEE[who]
    if SEE[who] == 200:
        body = detail.json()
        assert body["amount"] == "100000.00" and body["monthly_income_masked"] == "已登记"
        assert "monthly_income" not in body and "12000" not in detail.content.decode()  # never in clear
        assert body["assessment"]["dti_before"] == "0.1250"
        assert body["assessment"]["affordable_payment"] == "5100.00"


@pytest.mark.parametrize("who", list(CREATE))
def test_need_create_scope(api_client, org, zhang, who):
    api_client.force_authenticate(getattr(org, who))
    response = api_client.post("/api/v1/needs/", {"customer": zhang.pk, **NEED}, format="json")
    assert response.status_code == CREATE[who]
    assert Need.objects.count() == (1 if CREATE[who] == 201 else 0)
    if CREATE[who] == 201:
        assert response.json()["assessment"]["flags"] == []


def test_need_refusal_shape(api_client, org, zhang):
    api_client.force_authenticate(org.cm_a)
    refused = api_client.post(
        "/api/v1/needs/", {"customer": zhang.pk, **NEED, "term_months": 400}, format="json"
    )
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "need_term_invalid" and body["details"] == {"field": "term_months"}
    assert "期限应为 1–360 个月的整数" in body["message"]
    assert not Need.objects.exists()
