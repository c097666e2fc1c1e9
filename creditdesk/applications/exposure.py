"""统一授信 — a customer's and a group's exposure against the bank's limits (issue 15, item 4): pure Python.

Exposure of one customer = the limits granted and not yet drawn (their applications approved, approved with
changes, or contract signed) + the outstanding principal of their loans. The **single** total is the
borrower's own exposure plus what this application asks; the **group** total adds the exposure of every
related party (household, 实际控制人, 法定代表人, 股东, 经营者, 受益所有人 — the customer's group of
related customers). Each total is checked against its limit (``ExposureLimit``: single / group); a total
above its limit is a breach. The sentences for people are written by the caller (``selectors.exposure``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from creditdesk.core.money import ZERO

SINGLE = "single"
GROUP = "group"


@dataclass(frozen=True)
class PartyExposure:
    """One customer's exposure: ``limits`` granted and not yet drawn, ``balances`` of loans outstanding."""

    customer_id: int
    limits: Decimal = ZERO
    balances: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.limits + self.balances


@dataclass(frozen=True)
class Breach:
    """A total above its limit: ``scope`` single / group, by ``excess`` = total − limit."""

    scope: str
    total: Decimal
    limit: Decimal

    @property
    def excess(self) -> Decimal:
        return self.total - self.limit


@dataclass(frozen=True)
class Totals:
    single: Decimal
    group: Decimal
    breaches: tuple[Breach, ...]


def totals(
    *,
    own: PartyExposure,
    related: Sequence[PartyExposure],
    requested: Decimal,
    limits: Mapping[str, Decimal],
) -> Totals:
    """Single = own + requested; group = single + every related party's; a breach for each total strictly
    above its limit (a scope with no limit is not checked). A related party listed twice counts once."""
    single = own.total + requested
    seen: dict[int, PartyExposure] = {}
    for party in related:
        if party.customer_id != own.customer_id:
            seen.setdefault(party.customer_id, party)
    group = single + sum((party.total for party in seen.values()), ZERO)
    breaches = tuple(
        Breach(scope=scope, total=total, limit=limits[scope])
        for scope, total in ((SINGLE, single), (GROUP, group))
        if scope in limits and total > limits[scope]
    )
    return Totals(single=single, group=group, breaches=breaches)
