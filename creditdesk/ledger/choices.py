"""Django choices of the ledger, derived from the pure chart (``ledger.chart``): accounts, sides and the
kinds of journal entry, with their Chinese labels translated where a page shows them."""

from __future__ import annotations

from creditdesk.core.choices import text_choices
from creditdesk.ledger import chart

Account = text_choices(chart.Account)
Side = text_choices(chart.Side)
EntryKind = text_choices(chart.EntryKind)
