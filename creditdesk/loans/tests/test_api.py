"""The loans API: disbursement (201, idempotent replay, 422 on a reused key), loans, the notice PDF."""

from __future__ import annotations

import pytest
from django.utils import timezone

from creditdesk.core.models import AuditEvent
from creditdesk.loans.models import Disbursement, Installment, Loan
from creditdesk.loans.tests.factories import make_signed_application

pytestmark = pytest.mark.django_db


def body(application, **changes):
    data = {
        "part": application.parts.get().pk,
        "value_date": timezone.localdate().isoformat(),
        "mode": "entrusted",
        "payee_name": "北京美家装饰有限公司",
        "payee_account": "6222021234567890",
        "payee_bank": "工商银行北京分行",
        "payment_reference": "装修合同 ZX-2026-001",
    }
    data.update(changes)
    return data


def post(api_client, application, data, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api_client.post(
        f"/api/v1/applications/{application.pk}/disbursements/", data, format="json", **headers
    )


def test_disbursement_answers_201_with_the_loan_and_its_schedule(api_client, org, signed):
    api_client.force_authenticate(org.cm_a)
    response = post(api_client, signed, body(signed))
    assert response.status_code == 201, response.content
    data = response.json()
    loan = Loan.objects.get()
    assert (data["id"], data["number"], data["principal"], data["annual_rate"]) == (
        loan.pk,
        loan.number,
        "150000.00",
        "4.2000",
    )
    assert data["application"] == signed.pk
    assert len(data["installments"]) == 36
    assert data["installments"][0]["payment"] == "4441.96"
    assert data["disbursement"]["payee_account_tail"] == "7890"
    assert "payee_account" not in data["disbursement"]


def test_a_replay_with_the_same_key_returns_the_same_answer(api_client, org, signed):
    api_client.force_authenticate(org.cm_a)
    first = post(api_client, signed, body(signed), key="disb-1")
    rows = (Disbursement.objects.count(), Loan.objects.count(), Installment.objects.count())
    audits = AuditEvent.objects.count()
    again = post(api_client, signed, body(signed), key="disb-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replay"] == "true"
    assert (
        (Disbursement.objects.count(), Loan.objects.count(), Installment.objects.count())
        == rows
        == (1, 1, 36)
    )
    assert AuditEvent.objects.count() == audits

    reused = post(api_client, signed, body(signed, payee_bank="建设银行"), key="disb-1")
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    other_key = post(api_client, signed, body(signed), key="disb-2")
    assert other_key.status_code == 409
    assert other_key.json()["code"] == "already_disbursed"
    assert Loan.objects.count() == 1


def test_a_refusal_answers_its_code_and_books_nothing(api_client, org, li, large_consumer):
    application = make_signed_application(
        customer=li, product_version=large_consumer, checked_by=org.risk1, amount="300001.00"
    )
    api_client.force_authenticate(org.cm_a)
    response = post(api_client, application, body(application, mode="self"), key="k")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["details"]["field"]) == (
        "entrusted_payment_required",
        "mode",
    )
    assert (Disbursement.objects.count(), Loan.objects.count()) == (0, 0)
    application.refresh_from_db()
    assert application.status == "contract_signed"


def test_loans_list_detail_and_notice(api_client, org, signed):
    api_client.force_authenticate(org.cm_a)
    loan_id = post(api_client, signed, body(signed)).json()["id"]
    listing = api_client.get("/api/v1/loans/").json()
    assert [row["id"] for row in listing["results"]] == [loan_id]
    assert "installments" not in listing["results"][0]
    detail = api_client.get(f"/api/v1/loans/{loan_id}/").json()
    assert [row["period"] for row in detail["installments"]] == list(range(1, 37))
    pdf = api_client.get(f"/api/v1/loans/{loan_id}/repayment-notice/")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    api_client.force_authenticate(org.cm_c)
    assert api_client.get(f"/api/v1/loans/{loan_id}/").status_code == 404
    assert api_client.get("/api/v1/loans/").json()["results"] == []
