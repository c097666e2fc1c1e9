"""Reads of loan reference data."""

from __future__ import annotations

from creditdesk.finance.pricing import LprQuote
from creditdesk.rates.models import LprRate


def lpr_table() -> list[LprQuote]:
    """The whole LPR history as pure-core quotes (a few rows a year: read it whole)."""
    return [row.as_quote() for row in LprRate.objects.order_by("effective_from")]
