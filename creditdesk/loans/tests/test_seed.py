"""Demo loans: after the seeders before it (organisation … applications), the applications signed and
cleared by the 放款审核 are paid out — each a booked loan with the signed schedule, 受托支付 for the car
loan — and a second run books nothing."""

from __future__ import annotations

import pytest

from creditdesk.accounts import seed as accounts_seed
from creditdesk.applications import seed as applications_seed
from creditdesk.applications.models import Application
from creditdesk.consents import seed as consents_seed
from creditdesk.customers import seed as customers_seed
from creditdesk.loans import seed
from creditdesk.loans.models import Loan
from creditdesk.products import seed as products_seed
from creditdesk.scoring import seed as scoring_seed

pytestmark = pytest.mark.django_db


def test_the_cleared_demo_applications_are_disbursed_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for module in (
        accounts_seed,
        customers_seed,
        consents_seed,
        products_seed,
        scoring_seed,
        applications_seed,
    ):
        module.run()

    assert seed.run() == {"created_loans": 3}
    assert Application.objects.filter(status="disbursed").count() == 3
    assert Application.objects.filter(status="contract_signed").count() == 2
    for loan in Loan.objects.select_related("disbursement__application__contract"):
        application = loan.disbursement.application
        entry = next(
            p for p in application.contract.content["parts"] if p["part_id"] == loan.disbursement.part_id
        )
        assert loan.schedule_sha256 == entry["schedule_sha256"]
        assert loan.installments.count() == loan.term_months
        assert loan.disbursement.mode == ("entrusted" if application.purpose == "car_purchase" else "self")

    assert seed.run() == {"created_loans": 0}
    assert Loan.objects.count() == 3
