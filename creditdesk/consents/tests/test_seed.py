"""Demo consents: about 60% of the customers, some expired and marketing, a few inquiries; idempotent."""

from __future__ import annotations

import pytest
from django.utils import timezone

from creditdesk.consents import seed
from creditdesk.consents.models import Consent, CreditInquiry
from creditdesk.customers.models import Customer

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_consistent(org, media):
    Customer.objects.bulk_create(
        Customer(
            kind="individual", name=f"客户{i}", owner=org.cm_a if i % 2 else org.cm_d, created_by=org.cm_a
        )
        for i in range(200)
    )
    first = seed.run()
    assert 0.45 * 200 <= Consent.objects.filter(kind="credit_inquiry").count() <= 0.75 * 200
    assert first["created_consents"] == Consent.objects.count()
    assert first["created_inquiries"] == CreditInquiry.objects.count() > 0
    today = timezone.localdate()
    assert Consent.objects.filter(valid_until__lt=today).exists()  # some expired
    assert Consent.objects.filter(kind="marketing").exists()
    for inquiry in CreditInquiry.objects.select_related("consent"):
        # No post-loan inquiries (no loan book yet) and only written authorizations are relied on.
        assert inquiry.consent is not None and inquiry.consent.is_written
        assert inquiry.consent.purpose == inquiry.purpose
        assert inquiry.consent.customer_id == inquiry.customer_id
    assert (media / seed.DEMO_EVIDENCE).read_bytes().startswith(b"%PDF-")
    assert seed.run() == {"created_consents": 0, "created_inquiries": 0}
    assert Consent.objects.count() == first["created_consents"]
