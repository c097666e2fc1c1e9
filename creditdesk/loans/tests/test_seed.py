"""Demo loans: after the seeders before it (organisation … applications), a short demo history (a few
loans serviced by the end-of-day batch up to yesterday, ``test_seed_history`` tests it in full), then the
applications signed and cleared by the 放款审核 are paid out today — each a booked loan with the signed
schedule, 受托支付 for the car loan — and a second run books nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from creditdesk.accounts import seed as accounts_seed
from creditdesk.applications import seed as applications_seed
from creditdesk.applications.models import Application
from creditdesk.consents import seed as consents_seed
from creditdesk.customers import seed as customers_seed
from creditdesk.loans import seed
from creditdesk.loans.models import EodRun, Loan
from creditdesk.loans.services.calendar import business_date
from creditdesk.products import seed as products_seed
from creditdesk.scoring import seed as scoring_seed

pytestmark = pytest.mark.django_db


def test_the_cleared_demo_applications_are_disbursed_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CREDITDESK_DEMO_LOANS = 6
    settings.CREDITDESK_DEMO_HISTORY_MONTHS = 1
    for module in (
        accounts_seed,
        customers_seed,
        consents_seed,
        products_seed,
        scoring_seed,
        applications_seed,
    ):
        module.run()

    result = seed.run()
    assert result["created_loans"] == 3
    assert result["history_loans"] == 6
    assert EodRun.objects.filter(business_date=timezone.localdate() - timedelta(days=1)).exists()
    assert business_date() == timezone.localdate()  # today's loans are paid out on today's business date
    assert Application.objects.filter(status="disbursed").count() == 3 + 6
    assert Application.objects.filter(status="contract_signed").count() == 2
    today = Loan.objects.filter(value_date=timezone.localdate()).exclude(
        disbursement__idempotency_key__startswith="seed-history-"
    )
    assert today.count() == 3
    for loan in today.select_related("disbursement__application__contract"):
        application = loan.disbursement.application
        entry = next(
            p for p in application.contract.content["parts"] if p["part_id"] == loan.disbursement.part_id
        )
        assert loan.schedule_sha256 == entry["schedule_sha256"]
        assert loan.installments.count() == loan.term_months
        assert loan.disbursement.mode == ("entrusted" if application.purpose == "car_purchase" else "self")

    assert seed.run() == {"created_loans": 0, "history_loans": 0, "history_repayments": 0, "history_days": 0}
    assert Loan.objects.count() == 3 + 6
