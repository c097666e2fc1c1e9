"""The applications API end to end: create, investigate, verify, submit (idempotent), decide (idempotent),
check the conditions, sign — and the refusals with their stable codes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from creditdesk.applications.models import Application, Decision
from creditdesk.applications.tests import flow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(media, li_graded):
    """Media in a temporary folder; 李四 graded B (the team lead → approver route)."""


def _as(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def test_create_and_read(api_client, org, small_catalogue, li):
    client = _as(api_client, org.cm_a)
    response = client.post(
        "/api/v1/applications/",
        {
            "customer": li.pk,
            "purpose": "renovation",
            "parts": [
                {"product": "XYD", "amount": "150000.00", "term_months": 36, "method": "equal_installment"}
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["parts"][0]["amount"] == "150000.00"
    assert body["total_amount"] == "150000.00"
    assert body["timeline"][0]["to_status"] == "draft"
    listed = client.get("/api/v1/applications/").json()
    assert [row["number"] for row in listed["results"]] == [body["number"]]


def test_create_refusal_has_a_stable_code(api_client, org, small_catalogue, li):
    client = _as(api_client, org.cm_a)
    response = client.post(
        "/api/v1/applications/",
        {
            "customer": li.pk,
            "purpose": "renovation",
            "parts": [
                {"product": "XYD", "amount": "900000.00", "term_months": 36, "method": "equal_installment"}
            ],
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "amount_out_of_range"
    assert not Application.objects.exists()


def test_submit_and_decide_are_idempotent(api_client, org, small_catalogue, li):
    application = flow.ready(org.cm_a, li)
    client = _as(api_client, org.cm_a)
    url = f"/api/v1/applications/{application.pk}/submit/"
    first = client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="sub-1")
    assert first.status_code == 200, first.json()
    again = client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="sub-1")
    assert again.status_code == 200
    assert again["Idempotent-Replay"] == "true"
    assert again.json() == first.json()
    other_body = client.post(url, {"concession_reason": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="sub-1")
    assert other_body.status_code == 422
    assert other_body.json()["code"] == "idempotency_key_reused"
    assert application.steps.count() == 2

    lead = _as(api_client, org.lead1)
    url = f"/api/v1/applications/{application.pk}/decisions/"
    decided = lead.post(url, {"outcome": "recommend"}, format="json", HTTP_IDEMPOTENCY_KEY="d-1")
    assert decided.status_code == 201, decided.json()
    replay = lead.post(url, {"outcome": "recommend"}, format="json", HTTP_IDEMPOTENCY_KEY="d-1")
    assert replay.json() == decided.json()
    assert Decision.objects.filter(application=application).count() == 1
    twice = lead.post(url, {"outcome": "recommend"}, format="json", HTTP_IDEMPOTENCY_KEY="d-2")
    assert twice.status_code in (403, 404)
    assert Decision.objects.filter(application=application).count() == 1


def test_the_whole_way_to_a_signed_contract(api_client, org, small_catalogue, li):
    application = flow.ready(org.cm_a, li)
    base = f"/api/v1/applications/{application.pk}"
    assert _as(api_client, org.cm_a).post(f"{base}/submit/", {}, format="json").status_code == 200
    assert (
        _as(api_client, org.lead1)
        .post(f"{base}/decisions/", {"outcome": "recommend"}, format="json")
        .status_code
        == 201
    )
    approver = _as(api_client, org.approver1)
    queue = approver.get("/api/v1/approval-queue/").json()
    assert [row["id"] for row in queue] == [application.pk]
    approved = approver.post(
        f"{base}/decisions/", {"outcome": "approve", "conditions": ["落实收入证明"]}, format="json"
    )
    assert approved.status_code == 201
    risk = _as(api_client, org.risk1)
    wrong = risk.post(f"{base}/condition-checks/", {"items": []}, format="json")
    assert wrong.json()["code"] == "conditions_mismatch"
    checked = risk.post(
        f"{base}/condition-checks/", {"items": [{"condition": "落实收入证明", "met": True}]}, format="json"
    )
    assert checked.status_code == 201 and checked.json()["passed"] is True
    cm = _as(api_client, org.cm_a)
    unsigned = cm.post(
        f"{base}/contract/",
        {"value_date": timezone.localdate().isoformat(), "place": "营业部"},
        format="json",
    )
    assert unsigned.status_code == 400
    assert unsigned.json()["code"] == "interview_missing"
    cm.post(
        f"{base}/interviews/",
        {
            "customer": li.pk,
            "kind": "video",
            "held_at": (timezone.now() - timedelta(minutes=3)).isoformat(),
            "place": "营业部",
            "recording_reference": "SL-9",
        },
        format="json",
    )
    signed = cm.post(
        f"{base}/contract/",
        {"value_date": timezone.localdate().isoformat(), "place": "营业部"},
        format="json",
    )
    assert signed.status_code == 201, signed.json()
    part = signed.json()["content"]["parts"][0]
    assert len(part["schedule"]) == 36
    assert sum(Decimal(r["principal"]) for r in part["schedule"]) == Decimal("150000.00")
    pdf = cm.get(f"{base}/contract/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_out_of_scope_is_404_and_a_read_only_role_cannot_act(api_client, org, small_catalogue, li):
    application = flow.create(org.cm_a, li)
    assert _as(api_client, org.cm_c).get(f"/api/v1/applications/{application.pk}/").status_code == 404
    head = _as(api_client, org.head1)
    assert head.get(f"/api/v1/applications/{application.pk}/").status_code == 200
    refused = head.post(f"/api/v1/applications/{application.pk}/withdraw/", {"reason": "x"}, format="json")
    assert refused.status_code == 403
    application.refresh_from_db()
    assert application.status == "draft"
