"""The consents app in the generated access matrix (``creditdesk/core/testing/access.py``)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from creditdesk.accounts.tests.grids import CHANGES, SEES
from creditdesk.consents import services
from creditdesk.consents.tests.conftest import upload
from creditdesk.core.testing.access import api, page


def build(w) -> None:
    """A credit-inquiry consent of 张三 with its evidence file, and one inquiry made under it."""
    today = timezone.localdate()
    w.consent = services.consent_record(
        actor=w.cm_a,
        customer_id=w.customer.pk,
        kind="credit_inquiry",
        purpose="loan_review",
        signed_on=today,
        valid_until=today + timedelta(days=300),
        channel="paper",
        evidence=upload(),
    )
    w.inquiry = services.credit_inquiry_request(
        actor=w.cm_a, customer_id=w.customer.pk, purpose="loan_review"
    )


def _consent(w, me) -> dict:
    today = timezone.localdate()
    return {
        "customer": w.customer.pk,
        "kind": "credit_inquiry",
        "purpose": "card_review",
        "signed_on": today.isoformat(),
        "valid_until": (today + timedelta(days=300)).isoformat(),
        "channel": "paper",
    }


def _summary(w, me) -> dict:
    return {
        "report_date": timezone.localdate().isoformat(),
        "current_overdue": False,
        "status_24m": "N" * 24,
        "inquiries_6m": 2,
        "debt_count": 1,
        "debt_balance": "50000.00",
    }


DECLARATIONS = [
    page("consents:customer", SEES, subject="customer"),
    page("consents:panel", SEES, subject="customer"),
    page("consents:record", CHANGES, method="POST", subject="customer"),
    page("consents:inquire", CHANGES, method="POST", subject="customer", data={"purpose": "loan_review"}),
    page("consents:summary", CHANGES, subject="inquiry"),
    page("consents:summary", CHANGES, method="POST", subject="inquiry"),
    page("consents:warnings", SEES, subject="customer"),
    page("consents:revoke", CHANGES, method="POST", subject="consent"),
    page("consents:evidence", SEES, subject="consent"),
    api("GET /api/v1/consents/", SEES.as_list(), subject="consent", listed=True),
    api("POST /api/v1/consents/", CHANGES, subject="customer", body=_consent),
    api("GET /api/v1/consents/{id}/", SEES, subject="consent"),
    api("POST /api/v1/consents/{id}/revoke/", CHANGES, subject="consent"),
    api("GET /api/v1/credit-inquiries/", SEES.as_list(), subject="inquiry", listed=True),
    api(
        "POST /api/v1/credit-inquiries/",
        CHANGES,
        subject="customer",
        body=lambda w, me: {"customer": w.customer.pk, "purpose": "loan_review"},
    ),
    api("GET /api/v1/credit-inquiries/{id}/", SEES, subject="inquiry"),
    api("POST /api/v1/credit-inquiries/{id}/summary/", CHANGES, subject="inquiry", body=_summary),
]
