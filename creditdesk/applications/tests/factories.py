"""Test rows of the applications app made directly (not through the services): for the tests of a
module that needs an application to exist but is not about creating one."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from creditdesk.applications.models import Application, ApplicationPart, ApplicationParty
from creditdesk.products.models import ProductVersion

_counter = iter(range(1, 10**9))


def make_application(
    *,
    customer,
    product_version: ProductVersion,
    owner=None,
    amount: str = "150000.00",
    term_months: int = 36,
    method: str = "equal_installment",
    annual_rate: str = "4.2000",
    status: str = "draft",
    purpose: str = "renovation",
) -> Application:
    """A draft application of ``customer`` (owned by their CM) for one part of ``product_version``."""
    owner = owner or customer.owner
    application = Application.objects.create(
        number=f"TEST{next(_counter):08d}",
        customer=customer,
        purpose=purpose,
        status=status,
        owner=owner,
        created_by=owner,
        stage_entered_at=timezone.now(),
    )
    ApplicationPart.objects.create(
        application=application,
        position=1,
        product_version=product_version,
        amount=Decimal(amount),
        term_months=term_months,
        method=method,
        annual_rate=Decimal(annual_rate),
        priced_rate=Decimal(annual_rate),
        price={"kind": "fixed", "annual_rate": str(Decimal(annual_rate) / 100)},
        priced_on=timezone.localdate(),
    )
    ApplicationParty.objects.create(application=application, customer=customer, role="borrower")
    return application
