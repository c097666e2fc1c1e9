"""Demo loan history: a small book (40 loans over 3 months) booked and serviced day by day by the real
end-of-day batch — several products and methods, an end-of-day run for every day up to yesterday, most
loans current and some overdue, the ledger equal to the sub-ledger and balanced — and a second run that
changes nothing."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.utils import timezone

from creditdesk.accounts import seed as accounts_seed
from creditdesk.customers import seed as customers_seed
from creditdesk.ledger.models import JournalEntry
from creditdesk.ledger.selectors import debit_credit_totals
from creditdesk.loans import seed_history
from creditdesk.loans.choices import EodStatus
from creditdesk.loans.models import EodRun, Loan, Repayment
from creditdesk.loans.services.calendar import business_date
from creditdesk.loans.services.reconciliation import reconcile
from creditdesk.products import seed as products_seed

pytestmark = pytest.mark.django_db

LOANS = 40


@pytest.fixture
def seeded(settings, tmp_path, monkeypatch):
    monkeypatch.setattr(customers_seed, "TARGET", 120)  # enough borrowers of each kind, quickly
    monkeypatch.setattr(customers_seed, "RELATIONSHIPS", 10)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CREDITDESK_DEMO_LOANS = LOANS
    settings.CREDITDESK_DEMO_HISTORY_MONTHS = 3
    for module in (accounts_seed, customers_seed, products_seed):
        module.run()


def test_the_history_is_serviced_by_the_real_batch_and_written_once(seeded):
    out = StringIO()
    result = seed_history.run(stdout=out)

    assert result["history_loans"] == LOANS
    assert Loan.objects.count() == LOANS
    assert result["history_repayments"] == Repayment.objects.count() > LOANS
    methods = set(Loan.objects.values_list("method", flat=True))
    assert len(methods) >= 3 and "revolving" not in methods
    assert len(set(Loan.objects.values_list("product_version__product__code", flat=True))) >= 5
    for loan in Loan.objects.select_related("customer", "disbursement__application"):
        assert loan.owner_id == loan.customer.owner_id
        assert loan.disbursement.application.status == "disbursed"
        assert loan.installments.count() == loan.term_months

    # one completed run for every day from the first value date to yesterday, no gap
    yesterday = timezone.localdate() - timedelta(days=1)
    first = min(Loan.objects.values_list("value_date", flat=True))
    days = list(EodRun.objects.order_by("business_date").values_list("business_date", "status"))
    assert [d for d, _status in days] == [
        first + timedelta(days=n) for n in range((yesterday - first).days + 1)
    ]
    assert {status for _d, status in days} == {EodStatus.DONE}
    assert result["history_days"] == len(days)
    assert business_date() == timezone.localdate()

    # most current, some overdue; the repayments came by 代扣 on time and by counter / transfer late
    statuses = dict.fromkeys(("active", "overdue", "closed"), 0) | dict(
        Counter(Loan.objects.values_list("status", flat=True))
    )
    assert statuses["active"] + statuses["closed"] >= LOANS * 0.8
    assert statuses["overdue"] >= 1
    channels = set(Repayment.objects.values_list("channel", flat=True))
    assert "auto_debit" in channels and channels & {"counter", "transfer"}

    assert reconcile() == []
    assert debit_credit_totals().balanced
    assert "贷款历史" in out.getvalue()

    counts = (Loan.objects.count(), Repayment.objects.count(), JournalEntry.objects.count(), len(days))
    assert seed_history.run() == {"history_loans": 0, "history_repayments": 0, "history_days": 0}
    assert (Loan.objects.count(), Repayment.objects.count(), JournalEntry.objects.count()) == counts[:3]
    assert EodRun.objects.count() == counts[3]
