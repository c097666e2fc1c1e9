"""The consent rules as pure functions: the validity window and evidence file sniffing.

Imports nothing from ``django.db``; tested without a database.
"""

from __future__ import annotations

import calendar
from datetime import date

from creditdesk.core.enums import LabelledEnum, gettext_noop


class SigningChannel(LabelledEnum):
    """签署方式 — how the customer gave an authorization. Only a written one (书面: signed paper, or an
    electronic signature, which the Electronic Signature Law makes equivalent) counts for a credit-report
    inquiry (征信业管理条例 art. 18: 书面同意); a recorded call or a verbal yes does not."""

    PAPER = "paper", gettext_noop("纸质")
    ELECTRONIC = "electronic", gettext_noop("电子签")
    RECORDED_CALL = "recorded_call", gettext_noop("录音")

    @property
    def is_written(self) -> bool:
        return self in WRITTEN_CHANNELS


WRITTEN_CHANNELS: frozenset[SigningChannel] = frozenset({SigningChannel.PAPER, SigningChannel.ELECTRONIC})
"""The channels that are 书面 (written) authorizations: the only ones a credit inquiry may rely on."""

# RULES.md: an authorization is valid from its signing date for at most this many months. Configurable
# through ``settings.CREDITDESK_CONSENT_MAX_VALIDITY_MONTHS`` (see ``max_validity_months``).
DEFAULT_MAX_VALIDITY_MONTHS = 12
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# What the first bytes of an evidence file must be; the extension the user typed is never trusted.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
)
SNIFF_BYTES = 16


def max_validity_months() -> int:
    from django.conf import settings

    return int(getattr(settings, "CREDITDESK_CONSENT_MAX_VALIDITY_MONTHS", DEFAULT_MAX_VALIDITY_MONTHS))


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months; the 29th–31st fall back to the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_valid_until(signed_on: date, months: int) -> date:
    return add_months(signed_on, months)


def is_in_force(*, signed_on: date, valid_until: date, revoked: bool, today: date) -> bool:
    """An authorization counts on ``today`` when signed, not expired (``valid_until`` inclusive) and not
    revoked."""
    return not revoked and signed_on <= today <= valid_until


def sniff(head: bytes) -> str | None:
    """The evidence type (``pdf`` / ``png`` / ``jpg``) the first bytes show, or None."""
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    return None
