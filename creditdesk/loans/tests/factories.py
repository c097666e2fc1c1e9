"""Test rows of the loans app made directly (not through the application services): an application
signed and checked, ready to be disbursed."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from creditdesk.applications.models import Application, ConditionCheck, Contract
from creditdesk.applications.terms import apr_percent, part_schedule, schedule_digest, schedule_rows
from creditdesk.applications.tests.factories import make_application
from creditdesk.products.models import ProductVersion

_counter = iter(range(1, 10**9))


def contract_entry(part, value_date: date) -> dict[str, Any]:
    """A part as the contract writes it at signing (``applications.terms``)."""
    schedule = part_schedule(part, value_date)
    rows = schedule_rows(schedule)
    return {
        "part_id": part.pk,
        "position": part.position,
        "value_date": value_date.isoformat(),
        "schedule": rows,
        "schedule_sha256": schedule_digest(rows),
        "apr": str(apr_percent(schedule)),
    }


def make_signed_application(
    *,
    customer,
    product_version: ProductVersion,
    checked_by,
    owner=None,
    amount: str = "150000.00",
    term_months: int = 36,
    method: str = "equal_installment",
    annual_rate: str = "4.2000",
    purpose: str = "renovation",
    value_date: date | None = None,
    approval_expires_on: date | None = None,
    passed: bool = True,
    content_extra: dict[str, Any] | None = None,
) -> Application:
    """An application of ``customer`` in status contract_signed: its Contract (content built through
    ``applications.terms`` for ``value_date``, default today) and a ConditionCheck by ``checked_by``."""
    application = make_application(
        customer=customer,
        product_version=product_version,
        owner=owner,
        amount=amount,
        term_months=term_months,
        method=method,
        annual_rate=annual_rate,
        status="contract_signed",
        purpose=purpose,
    )
    today = timezone.localdate()
    application.approval_expires_on = approval_expires_on or today + timedelta(days=90)
    application.save(update_fields=["approval_expires_on"])
    value_date = value_date or today
    part = application.parts.get()
    pdf = b"%PDF-1.7 test contract"
    Contract.objects.create(
        application=application,
        number=f"HT{next(_counter):08d}",
        value_date=value_date,
        content={"parts": [contract_entry(part, value_date)], **(content_extra or {})},
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        signed_by=application.owner,
        signed_at=timezone.now(),
        place="B1 营业厅",
    )
    ConditionCheck.objects.create(
        application=application,
        items=[{"condition": "落实抵押登记", "met": passed, "note": ""}],
        passed=passed,
        checked_by=checked_by,
        checked_at=timezone.now(),
    )
    return application
