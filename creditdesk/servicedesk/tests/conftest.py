"""Fixtures of the customer-request tests: a customer of cm_a (team T1, branch B1), requests recorded
through the real service at a fixed moment (a Monday morning), and that moment."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from creditdesk.customers import services as customer_services
from creditdesk.customers.services import CustomerInput
from creditdesk.servicedesk import services

SH = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 12, 7, 9, 30, tzinfo=SH)
"""Monday 7 December 2026, 09:30: a working day in a year with a published holiday calendar."""


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def customer_of(owner, name="张三", phone="13800138000"):
    return customer_services.customer_create(
        actor=owner, data=CustomerInput(kind="individual", name=name, phone=phone)
    )


def record(actor, customer, text="请问还款日是哪天？", *, channel="phone", now=MONDAY, **fields):
    """A request recorded by ``actor`` at ``now`` (received then)."""
    return services.request_record(
        actor=actor, customer_id=customer.pk, text=text, channel=channel, now=now, **fields
    )


@pytest.fixture
def zhang(org):
    """张三, cm_a's customer (team T1 of lead1, branch B1 of head1 and risk1)."""
    return customer_of(org.cm_a)
