"""The collateral register and 统一授信 end to end: through the pages (a CM registers a flat, appraises it,
records a prior lien, pledges it to an application, reads the exposure) and through the API."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from creditdesk.applications.models import Collateral, Pledge
from creditdesk.applications.services import collateral as services
from creditdesk.applications.tests.factories import make_application
from creditdesk.core.models import AuditEvent
from creditdesk.core.testing.queries import assert_same_queries
from creditdesk.solutions.tests import conftest as solutions_fixtures

# 李四 (cm_a's customer) and the small catalogue (DYD: 抵押贷, residential property, LTV at most 0.70)
li = solutions_fixtures.li
small_catalogue = solutions_fixtures.small_catalogue
D = Decimal


@pytest.fixture
def cm_a(org):
    client = Client()
    client.force_login(org.cm_a)
    return client


@pytest.fixture
def application(li, small_catalogue):
    return make_application(
        customer=li,
        product_version=small_catalogue["DYD"].current_version,
        amount="400000.00",
        term_months=60,
    )


def test_a_cm_registers_appraises_liens_and_pledges_through_the_pages(org, li, application, cm_a):
    response = cm_a.post(
        reverse("applications:collateral_create", kwargs={"customer_id": li.pk}),
        {
            "kind": "property",
            "description": "朝阳区某小区 3 号楼 201 室",
            "owners": "李四",
            "next_revaluation_on": "",
        },
    )
    collateral = Collateral.objects.get(customer=li)
    detail = reverse("applications:collateral_detail", kwargs={"collateral_id": collateral.pk})
    assert response.status_code == 302 and response["Location"] == detail
    today = timezone.localdate().isoformat()
    response = cm_a.post(
        reverse("applications:appraisal_create", kwargs={"collateral_id": collateral.pk}),
        {"appraiser": "某评估公司", "appraised_on": today, "value": "100万"},
    )
    assert response.status_code == 302
    response = cm_a.post(
        reverse("applications:lien_create", kwargs={"collateral_id": collateral.pk}),
        {"holder": "某银行", "rank": "1", "amount": "200,000"},
    )
    assert response.status_code == 302
    page = cm_a.get(detail).content.decode()
    assert 'data-testid="collateral-remaining">800,000.00 元' in page

    pledge_page = reverse("applications:pledge_create", kwargs={"application_id": application.pk})
    assert "剩余可担保 800,000.00 元" in cm_a.get(pledge_page).content.decode()
    response = cm_a.post(pledge_page, {"collateral": collateral.pk, "amount": "40万"})
    assert response.status_code == 302
    pledge = Pledge.objects.get(application=application)
    assert (pledge.amount, pledge.ltv) == (D("400000.00"), D("0.5000"))
    assert 'data-testid="collateral-remaining">400,000.00 元' in cm_a.get(detail).content.decode()

    partial = cm_a.get(reverse("applications:application_pledges", kwargs={"application_id": application.pk}))
    assert "担保 400,000.00 元 · 抵质押率 50.00%" in partial.content.decode()
    exposure = cm_a.get(
        reverse("applications:application_exposure", kwargs={"application_id": application.pk})
    )
    body = exposure.content.decode()
    assert 'data-testid="exposure-single">400,000.00' in body
    assert 'data-testid="exposure-within"' in body


def test_a_refused_pledge_is_shown_on_the_form_and_changes_nothing(org, li, application, cm_a):
    flat = services.collateral_register(
        actor=org.cm_a, customer_id=li.pk, kind="property", description="住宅", owners="李四"
    )
    services.appraisal_record(
        actor=org.cm_a,
        collateral_id=flat.pk,
        appraiser="A",
        appraised_on=timezone.localdate(),
        value=D("500000.00"),
    )
    audits = AuditEvent.objects.count()
    response = cm_a.post(
        reverse("applications:pledge_create", kwargs={"application_id": application.pk}),
        {"collateral": flat.pk, "amount": "400000"},
    )
    assert response.status_code == 200
    assert (
        "抵质押率 80.00% 超过产品上限 70.00%，请降低担保金额（最多 350,000.00 元）。"
        in response.content.decode()
    )
    assert not Pledge.objects.exists()
    assert AuditEvent.objects.count() == audits


def test_the_list_shows_the_revaluation_flag_in_a_fixed_number_of_queries(org, li, cm_a):
    url = reverse("applications:collateral_list", kwargs={"customer_id": li.pk})
    today = timezone.localdate()

    def add(n: int) -> None:
        for i in range(n):
            c = services.collateral_register(
                actor=org.cm_a,
                customer_id=li.pk,
                kind="vehicle",
                description=f"车辆 {i}",
                owners="李四",
                next_revaluation_on=today - timedelta(days=1),
            )
            services.appraisal_record(
                actor=org.cm_a,
                collateral_id=c.pk,
                appraiser="A",
                appraised_on=today - timedelta(days=30),
                value=D("100000.00"),
            )
            services.prior_lien_record(
                actor=org.cm_a, collateral_id=c.pk, holder="B", rank=1, amount=D("1.00")
            )

    add(1)
    cm_a.get(url)  # the session's first save is not the list's
    assert_same_queries(lambda: cm_a.get(url), lambda: add(3), at_most=12, label="collateral list")
    page = cm_a.get(url).content.decode()
    assert page.count('data-testid="collateral-row"') == 4
    assert page.count('data-testid="revaluation-due"') == 4
    assert page.count(">99,999.00<") == 4  # remaining: 100,000 − 1


def test_the_api_register_pledge_refusal_exposure_and_release(org, li, application, api_client):
    api_client.force_authenticate(org.cm_a)
    created = api_client.post(
        "/api/v1/collateral/",
        {"customer": li.pk, "kind": "property", "description": "住宅", "owners": "李四"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    collateral_id = created.json()["id"]
    appraisal = api_client.post(
        f"/api/v1/collateral/{collateral_id}/appraisals/",
        {"appraiser": "某评估公司", "appraised_on": timezone.localdate().isoformat(), "value": "1000000.00"},
        format="json",
    )
    assert appraisal.status_code == 201
    lien = api_client.post(
        f"/api/v1/collateral/{collateral_id}/liens/",
        {"holder": "某银行", "rank": 1, "amount": "200000.00"},
        format="json",
    )
    assert lien.status_code == 201
    pledge = api_client.post(
        "/api/v1/pledges/",
        {"collateral": collateral_id, "application": application.pk, "amount": "400000.00"},
        format="json",
    )
    assert pledge.status_code == 201
    assert (pledge.json()["amount"], pledge.json()["ltv"]) == ("400000.00", "0.5000")

    detail = api_client.get(f"/api/v1/collateral/{collateral_id}/").json()
    assert detail["position"] == {
        "value": "1000000.00",
        "prior_liens": "200000.00",
        "net_value": "800000.00",
        "pledged": "400000.00",
        "remaining": "400000.00",
        "ltv": "0.5000",
        "revaluation_due": False,
    }
    listed = api_client.get(f"/api/v1/collateral/?customer={li.pk}").json()
    assert [row["id"] for row in listed["results"]] == [collateral_id]

    other = make_application(
        customer=li,
        product_version=application.parts.get().product_version,
        amount="500000.00",
        term_months=60,
    )
    refused = api_client.post(
        "/api/v1/pledges/",
        {"collateral": collateral_id, "application": other.pk, "amount": "400000.01"},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "collateral_value_exceeded"
    assert Pledge.objects.filter(application=other).count() == 0

    exposure = api_client.get(f"/api/v1/applications/{application.pk}/exposure/").json()
    assert (exposure["requested"], exposure["single_total"], exposure["group_total"]) == (
        "400000.00",
        "400000.00",
        "400000.00",
    )
    assert (exposure["single_limit"], exposure["within_limits"], exposure["breaches"]) == (
        "10000000.00",
        True,
        [],
    )

    released = api_client.post(f"/api/v1/pledges/{pledge.json()['id']}/release/", format="json")
    assert released.status_code == 200 and released.json()["released_at"] is not None
    again = api_client.post(f"/api/v1/pledges/{pledge.json()['id']}/release/", format="json")
    assert (again.status_code, again.json()["code"]) == (409, "pledge_already_released")
    lien_id = lien.json()["id"]
    assert api_client.post(f"/api/v1/collateral/liens/{lien_id}/release/", format="json").status_code == 200


def test_the_api_hides_collateral_out_of_scope(org, li, api_client):
    flat = services.collateral_register(
        actor=org.cm_a, customer_id=li.pk, kind="property", description="住宅", owners="李四"
    )
    api_client.force_authenticate(org.cm_c)
    assert api_client.get(f"/api/v1/collateral/{flat.pk}/").status_code == 404
    assert api_client.get("/api/v1/collateral/").json()["results"] == []
    api_client.force_authenticate(org.risk1)
    refused = api_client.post(
        f"/api/v1/collateral/{flat.pk}/appraisals/",
        {"appraiser": "A", "appraised_on": timezone.localdate().isoformat(), "value": "1.00"},
        format="json",
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "collateral_read_only")
    assert not flat.appraisals.exists()
