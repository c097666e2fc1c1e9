"""Fixtures of the marketing tests: leads entered through the real service."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

import pytest
from django.utils import timezone

from creditdesk.consents.models import Consent
from creditdesk.customers import services as customer_services
from creditdesk.customers.services import CustomerInput
from creditdesk.marketing import services
from creditdesk.marketing.services import LeadInput

_phones = count(13900139100)


def next_phone() -> str:
    """A fresh mobile number per call (no two leads of a test collide by accident)."""
    return str(next(_phones))


def enter(actor, *, name="李四", phone=None, **fields):
    """A lead entered by ``actor`` through ``lead_create`` (its intake)."""
    data = LeadInput(name=name, phone=phone or next_phone(), **fields)
    return services.lead_create(actor=actor, data=data).lead


def customer_of(owner, name="张三", phone="13800138000", **fields):
    return customer_services.customer_create(
        actor=owner, data=CustomerInput(kind="individual", name=name, phone=phone, **fields)
    )


def marketing_consent(customer, *, signed=-30, until=300, revoked=False):
    today = timezone.localdate()
    return Consent.objects.create(
        customer=customer,
        kind="marketing",
        purpose="",
        signed_on=today + timedelta(days=signed),
        valid_until=today + timedelta(days=until),
        channel="paper",
        revoked_at=timezone.now() if revoked else None,
        recorded_by=customer.owner,
    )


@pytest.fixture
def lead(org):
    """李四, a prospect who asked cm_a about a loan (new, cm_a's)."""
    return enter(org.cm_a)
