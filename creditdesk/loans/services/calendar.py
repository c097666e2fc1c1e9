"""The bank's business date (营业日), separate from the clock: the day after the last completed
end-of-day run (the batch advances it); before the first run, today."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from creditdesk.loans.choices import EodStatus
from creditdesk.loans.models import EodRun


def last_closed_date() -> date | None:
    """The business date of the last completed end-of-day run."""
    return (
        EodRun.objects.filter(status=EodStatus.DONE)
        .order_by("-business_date")
        .values_list("business_date", flat=True)
        .first()
    )


def business_date() -> date:
    """The business date repayments are booked on."""
    last = last_closed_date()
    return last + timedelta(days=1) if last is not None else timezone.localdate()
