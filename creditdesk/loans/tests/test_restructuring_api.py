"""The prepayment and restructuring API: settlement quote, prepayments (Idempotency-Key required),
extension preview and extensions, refinance, write-off proposal and decision, recoveries — happy paths,
refusals that change nothing, 404 out of scope. 李四's loan of ``book_loan`` (100,000 / 12 months at
3.60 %, 2026-01-10)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditdesk.core.models import AuditEvent
from creditdesk.loans.models import Loan, Repayment, Restructuring, WriteOff
from creditdesk.loans.services.eod import eod_catch_up, eod_run

pytestmark = pytest.mark.django_db


def counts():
    return (
        Repayment.objects.count(),
        Restructuring.objects.count(),
        WriteOff.objects.count(),
        AuditEvent.objects.count(),
    )


def post(api_client, url, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api_client.post(url, body, format="json", **headers)


def test_the_settlement_quote(api_client, org, paid_once):
    api_client.force_authenticate(org.head1)
    url = f"/api/v1/loans/{paid_once.pk}/settlement-quote/"
    quote = api_client.get(url).json()
    assert quote == {
        "date": "2026-03-01",
        "arrears": "0.00",
        "penalty": "0.00",
        "due_today": "0.00",
        "principal": "91803.27",
        "accrued_interest": "174.43",
        "prepayment_fee": "0.00",
        "credit": "0.00",
        "total": "91977.70",
    }
    past = api_client.get(url, {"date": "2026-02-01"})
    assert past.status_code == 400 and past.json()["code"] == "quote_date_invalid"
    assert api_client.get(url, {"date": "not-a-date"}).status_code == 400
    api_client.force_authenticate(org.cm_c)
    assert api_client.get(url).status_code == 404


def test_prepayments(api_client, org, paid_once):
    url = f"/api/v1/loans/{paid_once.pk}/prepayments/"
    api_client.force_authenticate(org.cm_a)
    before = counts()
    missing = post(api_client, url, {"amount": "20000.00", "keep": "term"})
    assert missing.status_code == 400 and missing.json()["code"] == "idempotency_key_required"
    keep = post(api_client, url, {"amount": "20000.00", "keep": "both"}, key="k0")
    assert keep.status_code == 400 and keep.json()["code"] == "keep_unknown"
    assert counts() == before
    done = post(api_client, url, {"amount": "20000.00", "keep": "term"}, key="k1")
    assert done.status_code == 201, done.content
    data = done.json()
    assert (data["amount"], data["kind"], data["value_date"]) == ("20174.43", "prepayment", "2026-03-01")
    again = post(api_client, url, {"amount": "20000.00", "keep": "term"}, key="k1")
    assert again.status_code == 201 and again.json()["id"] == data["id"]
    assert Repayment.objects.filter(kind="prepayment").count() == 1
    paid_once.refresh_from_db()
    assert paid_once.principal_outstanding == Decimal("71803.27")
    settle = post(api_client, url, {"amount": None}, key="k2")
    assert settle.status_code == 201 and settle.json()["kind"] == "settlement"
    closed = post(api_client, url, {"amount": None}, key="k3")
    assert closed.status_code == 409 and closed.json()["code"] == "loan_closed"
    api_client.force_authenticate(org.cm_c)
    assert post(api_client, url, {"amount": None}, key="k4").status_code == 404
    api_client.force_authenticate(org.head1)
    assert post(api_client, url, {"amount": None}, key="k5").status_code == 403


def test_extension_preview_and_extension(api_client, org, paid_once):
    preview_url = f"/api/v1/loans/{paid_once.pk}/extension-preview/"
    url = f"/api/v1/loans/{paid_once.pk}/extensions/"
    api_client.force_authenticate(org.cm_a)
    assert api_client.get(preview_url, {"months": 6}).status_code == 403
    api_client.force_authenticate(org.risk2)
    assert api_client.get(preview_url, {"months": 6}).status_code == 404
    assert post(api_client, url, {"months": 6, "reason": "x"}).status_code == 404
    api_client.force_authenticate(org.risk1)
    preview = api_client.get(preview_url, {"months": 6}).json()
    assert (preview["limit_months"], preview["already_extended"], preview["old_maturity"]) == (
        12,
        0,
        "2027-01-10",
    )
    assert preview["new_maturity"] == "2027-07-10" and len(preview["installments"]) == 17
    assert preview["principal"] == "91803.27"
    beyond = api_client.get(preview_url, {"months": 13})
    assert beyond.status_code == 400 and beyond.json()["code"] == "extension_beyond_limit"
    before = counts()
    refused = post(api_client, url, {"months": 13, "reason": "经营周转困难"})
    assert refused.status_code == 400 and refused.json()["code"] == "extension_beyond_limit"
    no_reason = post(api_client, url, {"months": 6, "reason": ""})
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "reason_required"
    assert counts() == before
    done = post(api_client, url, {"months": 6, "reason": "经营周转困难", "financial_difficulty": True})
    assert done.status_code == 201, done.content
    assert (done.json()["kind"], done.json()["new_maturity"], done.json()["observation_ends_on"]) == (
        "extension",
        "2027-07-10",
        "2027-03-10",
    )
    assert done.json()["principal"] == "91803.27" and done.json()["done_by"] == "risk1"


def test_refinance(api_client, org, booked):
    eod_run(business_date=date(2026, 1, 10))
    eod_catch_up(until=date(2026, 2, 28))
    url = f"/api/v1/loans/{booked.pk}/refinance/"
    body = {
        "term_months": 24,
        "method": "equal_installment",
        "reason": "经营困难",
        "financial_difficulty": True,
    }
    api_client.force_authenticate(org.cm_a)
    assert post(api_client, url, body).status_code == 403
    api_client.force_authenticate(org.risk2)
    assert post(api_client, url, body).status_code == 404
    api_client.force_authenticate(org.risk1)
    before = counts()
    method = post(api_client, url, {**body, "method": "revolving"})
    assert method.status_code == 400 and method.json()["code"] == "method_invalid"
    assert counts() == before and Loan.objects.count() == 1
    done = post(api_client, url, body)
    assert done.status_code == 201, done.content
    new = done.json()
    assert (new["principal"], new["term_months"], new["risk_class"]) == ("100498.65", 24, "special_mention")
    booked.refresh_from_db()
    assert booked.status == "restructured"
    assert Loan.objects.get(pk=new["id"]).refinances_id == booked.pk


def test_write_off_decision_and_recovery(api_client, org, npl):
    url = f"/api/v1/loans/{npl.pk}/write-off/"
    api_client.force_authenticate(org.cm_a)
    assert post(api_client, url, {"reason": "失联"}).status_code == 403
    api_client.force_authenticate(org.risk2)
    assert post(api_client, url, {"reason": "失联"}).status_code == 404
    api_client.force_authenticate(org.risk1)
    before = counts()
    empty = post(api_client, url, {"reason": ""})
    assert empty.status_code == 400 and empty.json()["code"] == "reason_required"
    assert counts() == before
    proposed = post(api_client, url, {"reason": "借款人失联，诉讼无可执行财产"})
    assert proposed.status_code == 201 and proposed.json()["status"] == "proposed"
    twice = post(api_client, url, {"reason": "再次"})
    assert twice.status_code == 409 and twice.json()["code"] == "write_off_exists"

    decision = f"/api/v1/write-offs/{proposed.json()['id']}/decision/"
    own = post(api_client, decision, {"approve": True})
    assert own.status_code == 403  # the proposer does not decide
    api_client.force_authenticate(org.head2)
    assert post(api_client, decision, {"approve": True}).status_code == 404
    api_client.force_authenticate(org.head1)
    approved = post(api_client, decision, {"approve": True})
    assert approved.status_code == 200, approved.content
    assert (approved.json()["status"], approved.json()["principal"], approved.json()["decided_by"]) == (
        "approved",
        "100000.00",
        "head1",
    )
    decided = post(api_client, decision, {"approve": False})
    assert decided.status_code == 409 and decided.json()["code"] == "write_off_decided"
    npl.refresh_from_db()
    assert npl.status == "written_off"

    recoveries = f"/api/v1/loans/{npl.pk}/recoveries/"
    api_client.force_authenticate(org.cm_a)
    before = counts()
    missing = post(api_client, recoveries, {"amount": "1000.00"})
    assert missing.status_code == 400 and missing.json()["code"] == "idempotency_key_required"
    zero = post(api_client, recoveries, {"amount": "0"}, key="r0")
    assert zero.status_code == 400 and zero.json()["code"] == "amount_not_positive"
    assert counts() == before
    done = post(api_client, recoveries, {"amount": "1000.00"}, key="r1")
    assert done.status_code == 201 and (done.json()["kind"], done.json()["amount"]) == ("recovery", "1000.00")
    again = post(api_client, recoveries, {"amount": "1000.00"}, key="r1")
    assert again.status_code == 201 and again.json()["id"] == done.json()["id"]
    assert WriteOff.objects.get(loan=npl).recovered == Decimal("1000.00")
    api_client.force_authenticate(org.cm_c)
    assert post(api_client, recoveries, {"amount": "1.00"}, key="r2").status_code == 404


def test_a_recovery_on_a_loan_not_written_off_is_refused(api_client, org, paid_once):
    api_client.force_authenticate(org.cm_a)
    before = counts()
    response = post(api_client, f"/api/v1/loans/{paid_once.pk}/recoveries/", {"amount": "1.00"}, key="x")
    assert response.status_code == 409 and response.json()["code"] == "loan_not_written_off"
    assert counts() == before
