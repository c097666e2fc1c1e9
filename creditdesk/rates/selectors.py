"""Reads of loan reference data."""

from __future__ import annotations

from creditdesk.finance.pricing import LprQuote
from creditdesk.finance.provident import ProvidentQuote
from creditdesk.rates.models import LprRate, ProvidentRate


def lpr_table() -> list[LprQuote]:
    """The whole LPR history as pure-core quotes (a few rows a year: read it whole)."""
    return [row.as_quote() for row in LprRate.objects.order_by("effective_from")]


def provident_table() -> list[ProvidentQuote]:
    """The whole 公积金 rate history as pure-core quotes."""
    return [row.as_quote() for row in ProvidentRate.objects.order_by("effective_from")]
