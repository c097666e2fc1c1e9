"""The loan servicing API: schedule, repayments (Idempotency-Key required, posted once), reversal,
classification and its history, end-of-day runs — happy paths, refusals that change nothing, 404 out of
scope. 李四's loan of ``book_loan`` left unpaid to 2026-03-12 (30 days past due)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditdesk.core.models import AuditEvent
from creditdesk.loans.models import EodRun, Loan, Repayment
from creditdesk.loans.services.eod import eod_catch_up, eod_run
from creditdesk.loans.tests.conftest import book_loan

pytestmark = pytest.mark.django_db

BODY = {"amount": "17034.25", "value_date": "2026-03-12", "channel": "transfer", "reference": "ZZ-1"}


@pytest.fixture
def overdue(org, li, xyd):
    loan = book_loan(org, li, xyd)
    eod_run(business_date=date(2026, 1, 10))
    eod_catch_up(until=date(2026, 3, 12))
    return Loan.objects.get(pk=loan.pk)


def post_repayment(api_client, loan, body, key="k-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api_client.post(f"/api/v1/loans/{loan.pk}/repayments/", body, format="json", **headers)


def test_the_loan_and_its_schedule_show_the_servicing_state(api_client, org, overdue):
    api_client.force_authenticate(org.cm_a)
    loan = api_client.get(f"/api/v1/loans/{overdue.pk}/").json()
    assert (loan["dpd"], loan["overdue_principal"], loan["penalty_receivable"], loan["risk_class"]) == (
        30,
        "16418.05",
        "40.79",
        "special_mention",
    )
    assert loan["accrued_through"] == "2026-03-12" and loan["interest_receivable"] == "575.41"
    schedule = api_client.get(f"/api/v1/loans/{overdue.pk}/schedule/").json()
    assert len(schedule) == 12
    assert (schedule[0]["principal"], schedule[0]["penalty"], schedule[0]["compound"]) == (
        "8196.73",
        "36.89",
        "1.35",
    )
    assert schedule[0]["principal_paid"] == "0.00" and schedule[0]["settled_on"] is None


def test_a_repayment_is_posted_once_per_key(api_client, org, overdue):
    api_client.force_authenticate(org.cm_a)
    response = post_repayment(api_client, overdue, BODY)
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["amount"], data["value_date"], data["business_date"], data["channel"]) == (
        "17034.25",
        "2026-03-12",
        "2026-03-13",
        "transfer",
    )
    assert data["allocation"]["buckets"] == {
        "penalty": "39.36",
        "compound": "1.43",
        "overdue_interest": "575.41",
        "overdue_principal": "16418.05",
    }
    again = post_repayment(api_client, overdue, BODY)
    assert again.status_code == 201 and again.json()["id"] == data["id"]
    assert Repayment.objects.count() == 1
    # another person resending the same payment with the same key: the service's own key, one repayment
    api_client.force_authenticate(org.risk1)
    resent = post_repayment(api_client, overdue, BODY)
    assert resent.status_code == 201 and resent.json()["id"] == data["id"]
    assert Repayment.objects.count() == 1
    reused = post_repayment(api_client, overdue, {**BODY, "amount": "1.00"})
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    listing = api_client.get(f"/api/v1/loans/{overdue.pk}/repayments/").json()
    assert [row["id"] for row in listing["results"]] == [data["id"]]
    overdue.refresh_from_db()
    assert (overdue.dpd, overdue.principal_outstanding) == (0, Decimal("83581.95"))


def test_refusals_change_nothing(api_client, org, overdue):
    api_client.force_authenticate(org.cm_a)
    audits = AuditEvent.objects.count()
    missing = post_repayment(api_client, overdue, BODY, key=None)
    assert missing.status_code == 400 and missing.json()["code"] == "idempotency_key_required"
    future = post_repayment(api_client, overdue, {**BODY, "value_date": "2026-03-20"})
    assert future.status_code == 400 and future.json()["code"] == "value_date_in_future"
    zero = post_repayment(api_client, overdue, {**BODY, "amount": "0"}, key="k-2")
    assert zero.status_code == 400 and zero.json()["code"] == "amount_not_positive"
    assert (Repayment.objects.count(), AuditEvent.objects.count()) == (0, audits)
    api_client.force_authenticate(org.cm_c)
    assert post_repayment(api_client, overdue, BODY).status_code == 404
    assert api_client.get(f"/api/v1/loans/{overdue.pk}/schedule/").status_code == 404
    assert api_client.get(f"/api/v1/loans/{overdue.pk}/repayments/").status_code == 404
    api_client.force_authenticate(org.head1)
    assert post_repayment(api_client, overdue, BODY).status_code == 403
    assert Repayment.objects.count() == 0


def test_reversal_and_classification(api_client, org, overdue):
    api_client.force_authenticate(org.cm_a)
    repayment_id = post_repayment(api_client, overdue, BODY).json()["id"]
    url = f"/api/v1/repayments/{repayment_id}/reversal/"
    assert api_client.post(url, {"reason": "误入"}, format="json").status_code == 403
    api_client.force_authenticate(org.risk2)
    assert api_client.post(url, {"reason": "误入"}, format="json").status_code == 404
    api_client.force_authenticate(org.risk1)
    empty = api_client.post(url, {"reason": ""}, format="json")
    assert empty.status_code == 400 and empty.json()["code"] == "reason_required"
    done = api_client.post(url, {"reason": "款项误入本笔贷款"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "reversed"
    assert done.json()["reversed_by"] == "risk1"
    twice = api_client.post(url, {"reason": "再次"}, format="json")
    assert twice.status_code == 409 and twice.json()["code"] == "repayment_already_reversed"

    classify = f"/api/v1/loans/{overdue.pk}/classification/"
    above = api_client.post(classify, {"risk_class": "normal", "reason": "承诺还款"}, format="json")
    assert above.status_code == 400 and above.json()["code"] == "classification_above_floor"
    below = api_client.post(classify, {"risk_class": "substandard", "reason": "经营恶化"}, format="json")
    assert below.status_code == 200 and below.json()["risk_class"] == "substandard"
    withdrawn = api_client.post(classify, {"risk_class": None, "reason": "已好转"}, format="json")
    assert (withdrawn.json()["risk_class"], withdrawn.json()["risk_manual"]) == ("special_mention", "")
    history = api_client.get(f"/api/v1/loans/{overdue.pk}/classification-history/").json()["results"]
    assert [(row["from_class"], row["to_class"], row["manual"]) for row in history[:2]] == [
        ("substandard", "special_mention", True),
        ("special_mention", "substandard", True),
    ]
    assert history[-1]["reason"] and not history[-1]["manual"]  # the batch's rule, first of all
    api_client.force_authenticate(org.cm_a)
    assert api_client.post(classify, {"risk_class": "loss", "reason": "x"}, format="json").status_code == 403


def test_end_of_day_runs(api_client, org, overdue):
    api_client.force_authenticate(org.cm_a)
    assert api_client.get("/api/v1/eod-runs/").status_code == 403
    api_client.force_authenticate(org.head1)
    runs = api_client.get("/api/v1/eod-runs/").json()
    assert runs["results"][0]["business_date"] == "2026-03-12"
    report = api_client.get("/api/v1/eod-runs/2026-03-12/").json()
    assert report["status"] == "done" and report["report"]["overdue_loans"] == 1
    assert api_client.get("/api/v1/eod-runs/2026-04-01/").status_code == 404
    assert api_client.get("/api/v1/eod-runs/not-a-date/").status_code == 404
    assert (
        api_client.post("/api/v1/eod-runs/", {"business_date": "2026-03-13"}, format="json").status_code
        == 403
    )
    api_client.force_authenticate(org.risk1)
    skipped = api_client.post("/api/v1/eod-runs/", {"business_date": "2026-03-20"}, format="json")
    assert skipped.status_code == 409 and skipped.json()["code"] == "eod_date_skipped"
    assert not EodRun.objects.filter(business_date=date(2026, 3, 20)).exists()
    ran = api_client.post("/api/v1/eod-runs/", {"business_date": "2026-03-13"}, format="json")
    assert ran.status_code == 200 and ran.json()["status"] == "done"
    overdue.refresh_from_db()
    assert overdue.dpd == 31
