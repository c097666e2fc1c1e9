"""The pure consent rules: validity window arithmetic and evidence sniffing (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from creditdesk.consents.rules import add_months, is_in_force, sniff


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 3, 15), 12, date(2026, 3, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_in_force_counts_both_ends_and_not_revoked():
    signed, until = date(2025, 1, 1), date(2025, 12, 31)
    assert is_in_force(signed_on=signed, valid_until=until, revoked=False, today=signed)
    assert is_in_force(signed_on=signed, valid_until=until, revoked=False, today=until)
    assert not is_in_force(signed_on=signed, valid_until=until, revoked=False, today=date(2024, 12, 31))
    assert not is_in_force(signed_on=signed, valid_until=until, revoked=False, today=date(2026, 1, 1))
    assert not is_in_force(signed_on=signed, valid_until=until, revoked=True, today=date(2025, 6, 1))


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
        (b"\xff\xd8\xff\xdb", "jpg"),
        (b"MZ\x90\x00", None),
        (b"GIF89a", None),
        (b"<html>%PDF-", None),
        (b"", None),
    ],
)
def test_sniff_reads_the_content_not_the_name(head, kind):
    assert sniff(head) == kind
