"""Pages and API: the scope matrix (cm_a owner, cm_b same team, lead1, head1, cm_d other branch),
refusals in Chinese, the error shape, evidence upload and the scoped evidence view."""

from __future__ import annotations

from datetime import timedelta

import pytest

from creditdesk.consents.models import Consent, CreditInquiry
from creditdesk.consents.tests.conftest import EXE, PDF, make_consent, upload
from creditdesk.core.models import AuditEvent

pytestmark = pytest.mark.django_db

SEE = {"cm_a": 200, "cm_b": 404, "lead1": 200, "head1": 200, "cm_d": 404}
CHANGE = {"cm_a": 302, "cm_b": 404, "lead1": 302, "head1": 403, "cm_d": 404}
API_CHANGE = {"cm_a": 201, "cm_b": 404, "lead1": 201, "head1": 403, "cm_d": 404}
VIEWERS = list(SEE)


@pytest.mark.parametrize("who", VIEWERS)
def test_page_scope(client, org, zhang, who):
    make_consent(zhang)
    client.force_login(getattr(org, who))
    page = client.get(f"/consents/customer/{zhang.pk}/")
    assert page.status_code == SEE[who]
    if page.status_code == 200:
        html = page.content.decode()
        assert "张三" in html and "贷款审批" in html
        assert ('data-testid="inquiry-form"' in html) is (who in ("cm_a", "lead1"))
    panel = client.get(f"/consents/customer/{zhang.pk}/panel/")
    assert panel.status_code == SEE[who]


def test_anonymous_is_sent_to_login(client, zhang):
    assert client.get(f"/consents/customer/{zhang.pk}/").status_code == 302
    assert client.post(f"/consents/customer/{zhang.pk}/inquire/", {"purpose": "post_loan"}).status_code == 302
    assert not CreditInquiry.objects.exists()


@pytest.mark.parametrize("who", VIEWERS)
def test_page_record_and_inquire_scope(client, org, zhang, today, who):
    client.force_login(getattr(org, who))
    recorded = client.post(
        f"/consents/customer/{zhang.pk}/record/",
        {
            "kind": "credit_inquiry",
            "purpose": "loan_review",
            "signed_on": today.isoformat(),
            "valid_until": (today + timedelta(days=300)).isoformat(),
            "channel": "paper",
            "evidence": upload(),
        },
    )
    assert recorded.status_code == CHANGE[who]
    assert Consent.objects.count() == (1 if CHANGE[who] == 302 else 0)
    make_consent(zhang)
    inquired = client.post(f"/consents/customer/{zhang.pk}/inquire/", {"purpose": "loan_review"})
    assert inquired.status_code == CHANGE[who]
    assert CreditInquiry.objects.count() == (1 if CHANGE[who] == 302 else 0)


@pytest.mark.parametrize("who", VIEWERS)
def test_page_revoke_scope(client, org, zhang, who):
    consent = make_consent(zhang)
    client.force_login(getattr(org, who))
    assert client.post(f"/consents/{consent.pk}/revoke/").status_code == CHANGE[who]
    consent.refresh_from_db()
    assert (consent.revoked_at is not None) is (CHANGE[who] == 302)


def test_page_refusal_is_shown_in_chinese_and_changes_nothing(client, org, zhang):
    make_consent(zhang, signed=-400, until=-1)  # expired
    client.force_login(org.cm_a)
    before = AuditEvent.objects.count()
    page = client.post(f"/consents/customer/{zhang.pk}/inquire/", {"purpose": "loan_review"})
    assert page.status_code == 400
    assert "没有在有效期内、未撤回的“贷款审批”征信查询授权" in page.content.decode()
    assert not CreditInquiry.objects.exists() and AuditEvent.objects.count() == before


def test_page_refuses_a_renamed_file(client, org, zhang, today, media):
    client.force_login(org.cm_a)
    page = client.post(
        f"/consents/customer/{zhang.pk}/record/",
        {
            "kind": "credit_inquiry",
            "purpose": "loan_review",
            "signed_on": today.isoformat(),
            "valid_until": (today + timedelta(days=30)).isoformat(),
            "channel": "paper",
            "evidence": upload(EXE, "授权书.pdf"),
        },
    )
    assert page.status_code == 400
    assert "授权凭证须为 PDF、JPG 或 PNG 文件" in page.content.decode()
    assert not Consent.objects.exists() and not media.exists()


def test_page_end_to_end(client, org, zhang, today):
    client.force_login(org.cm_a)
    response = client.post(
        f"/consents/customer/{zhang.pk}/record/",
        {
            "kind": "credit_inquiry",
            "purpose": "card_review",
            "signed_on": today.isoformat(),
            "valid_until": (today + timedelta(days=300)).isoformat(),
            "channel": "electronic",
            "evidence": upload(),
        },
        follow=True,
    )
    assert "已登记授权。" in response.content.decode()
    response = client.post(f"/consents/customer/{zhang.pk}/inquire/", {"purpose": "card_review"}, follow=True)
    html = response.content.decode()
    assert "已登记征信查询（信用卡审批）。" in html
    assert html.count('data-testid="inquiry-row"') == 1


@pytest.mark.parametrize("who", VIEWERS)
def test_evidence_view_is_scoped_and_audited(client, org, zhang, today, who):
    from creditdesk.consents import services

    consent = services.consent_record(
        actor=org.cm_a,
        customer_id=zhang.pk,
        kind="credit_inquiry",
        purpose="loan_review",
        signed_on=today,
        valid_until=today + timedelta(days=30),
        channel="paper",
        evidence=upload(),
    )
    client.force_login(getattr(org, who))
    response = client.get(f"/consents/{consent.pk}/evidence/")
    assert response.status_code == SEE[who]
    if SEE[who] == 200:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF
        assert AuditEvent.objects.filter(action="consent.evidence_view", actor=getattr(org, who)).count() == 1
    else:
        assert not AuditEvent.objects.filter(action="consent.evidence_view").exists()


# --- API --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", VIEWERS)
def test_api_lists_are_scoped(api_client, org, zhang, who):
    consent = make_consent(zhang)
    CreditInquiry.objects.create(
        customer=zhang, purpose="loan_review", consent=consent, requested_by=org.cm_a
    )
    api_client.force_authenticate(getattr(org, who))
    expected = 1 if SEE[who] == 200 else 0
    consents = api_client.get("/api/v1/consents/", {"customer": zhang.pk}).json()
    inquiries = api_client.get("/api/v1/credit-inquiries/", {"customer": zhang.pk}).json()
    assert len(consents["results"]) == expected and len(inquiries["results"]) == expected
    assert api_client.get(f"/api/v1/consents/{consent.pk}/").status_code == SEE[who]
    if expected:
        assert consents["results"][0]["state"] == "valid"
        assert consents["results"][0]["purpose"] == "loan_review"


@pytest.mark.parametrize("who", VIEWERS)
def test_api_create_scope(api_client, org, zhang, today, who):
    api_client.force_authenticate(getattr(org, who))
    created = api_client.post(
        "/api/v1/consents/",
        {
            "customer": zhang.pk,
            "kind": "credit_inquiry",
            "purpose": "loan_review",
            "signed_on": today.isoformat(),
            "valid_until": (today + timedelta(days=300)).isoformat(),
            "channel": "paper",
            "evidence": upload(),
        },
        format="multipart",
    )
    assert created.status_code == API_CHANGE[who]
    if created.status_code == 201:
        assert created.json()["evidence_url"] == f"/consents/{created.json()['id']}/evidence/"
    else:
        assert created.json()["code"] in ("not_found", "consent_read_only")
    make_consent(zhang)
    inquired = api_client.post(
        "/api/v1/credit-inquiries/", {"customer": zhang.pk, "purpose": "loan_review"}, format="json"
    )
    assert inquired.status_code == API_CHANGE[who]
    assert CreditInquiry.objects.count() == (1 if API_CHANGE[who] == 201 else 0)


@pytest.mark.parametrize(
    ("who", "status"), [("cm_a", 200), ("cm_b", 404), ("lead1", 200), ("head1", 403), ("cm_d", 404)]
)
def test_api_revoke_scope(api_client, org, zhang, who, status):
    consent = make_consent(zhang)
    api_client.force_authenticate(getattr(org, who))
    response = api_client.post(
        f"/api/v1/consents/{consent.pk}/revoke/", {"reason": "客户撤回"}, format="json"
    )
    assert response.status_code == status
    if status == 200:
        assert response.json()["state"] == "revoked"
        again = api_client.post(f"/api/v1/consents/{consent.pk}/revoke/", {}, format="json")
        assert again.status_code == 409 and again.json()["code"] == "consent_already_revoked"


def test_api_refusal_has_the_error_shape_and_changes_nothing(api_client, org, zhang):
    make_consent(zhang, purpose="loan_review")
    api_client.force_authenticate(org.cm_a)
    before = AuditEvent.objects.count()
    refused = api_client.post(
        "/api/v1/credit-inquiries/", {"customer": zhang.pk, "purpose": "entity_review"}, format="json"
    )
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "no_valid_consent"
    assert "“特约商户实名审查”" in body["message"]
    assert body["details"] == {"field": "purpose", "purpose": "entity_review"}
    assert not CreditInquiry.objects.exists() and AuditEvent.objects.count() == before


def test_api_evidence_sniffing_and_post_loan_refused(api_client, org, zhang, today):
    api_client.force_authenticate(org.cm_a)
    fake = api_client.post(
        "/api/v1/consents/",
        {
            "customer": zhang.pk,
            "kind": "credit_inquiry",
            "purpose": "loan_review",
            "signed_on": today.isoformat(),
            "valid_until": (today + timedelta(days=30)).isoformat(),
            "channel": "paper",
            "evidence": upload(EXE, "scan.png"),
        },
        format="multipart",
    )
    assert fake.status_code == 400 and fake.json()["code"] == "evidence_type_invalid"
    exempt = api_client.post(
        "/api/v1/credit-inquiries/",
        {"customer": zhang.pk, "purpose": "post_loan", "exempt_reason": "贷后例行检查"},
        format="json",
    )
    assert exempt.status_code == 400 and exempt.json()["code"] == "post_loan_needs_loan"
    assert not CreditInquiry.objects.exists()


def _history(org, zhang, n):
    for index in range(n):
        consent = make_consent(zhang, purpose=["loan_review", "card_review"][index % 2])
        CreditInquiry.objects.create(
            customer=zhang, purpose=consent.purpose, consent=consent, requested_by=org.cm_a
        )


def test_query_counts_do_not_grow_with_history(client, api_client, org, zhang):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(org.cm_a)
    api_client.force_authenticate(org.cm_a)

    def count(n):
        _history(org, zhang, n)
        with CaptureQueriesContext(connection) as page:
            assert client.get(f"/consents/customer/{zhang.pk}/").status_code == 200
        with CaptureQueriesContext(connection) as api:
            assert api_client.get("/api/v1/consents/", {"customer": zhang.pk}).status_code == 200
            assert api_client.get("/api/v1/credit-inquiries/", {"customer": zhang.pk}).status_code == 200
        return len(page), len(api)

    count(0)  # warm-up: the first request fills per-process caches (sessions, content types)
    small = count(1)
    large = count(12)
    assert small == large
    assert small[0] <= 15
