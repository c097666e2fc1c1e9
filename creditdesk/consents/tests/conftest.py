"""Fixtures for the consent tests: media in a temporary folder, a customer of cm_a, evidence files."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from creditdesk.consents.models import Consent
from creditdesk.customers import services as customer_services
from creditdesk.customers.services import CustomerInput

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
EXE = b"MZ\x90\x00" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def zhang(org):
    return customer_services.customer_create(
        actor=org.cm_a, data=CustomerInput(kind="individual", name="张三", id_number="11010519491231002X")
    )


def upload(content: bytes = PDF, name: str = "授权书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def make_consent(
    customer, *, purpose="loan_review", kind="credit_inquiry", signed=-30, until=300, revoked=False
):
    """A consent row written directly (days relative to today), to reach states the service refuses to
    record (e.g. signed in the future)."""
    today = timezone.localdate()
    return Consent.objects.create(
        customer=customer,
        kind=kind,
        purpose=purpose if kind == "credit_inquiry" else "",
        signed_on=today + timedelta(days=signed),
        valid_until=today + timedelta(days=until),
        channel="paper",
        revoked_at=timezone.now() if revoked else None,
        recorded_by=customer.owner,
    )
