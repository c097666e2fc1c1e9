"""转介绍 — who referred whom, and what it produced (issue 17 item 6): per referrer (a customer, a colleague
or a partner organisation), the leads referred, how many converted, the loans and volume they brought (by
the last-touch rule of ``source_results``), their later quality, and the reward earned by the rules in
force (``ReferralReward``, data). Read for the person asking: only the leads they see count.

Reward of one credited loan: the rule of the referrer's kind in force on the loan's value date (the latest
``valid_from`` on or before it, not past its ``valid_until``) gives ``per_loan + principal × per_mille /
1000``, at most ``cap_per_loan``, rounded to the fen; no rule in force: 0. A lead with both a referring
customer and a referring colleague credits both.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q

from creditdesk.accounts.models import User
from creditdesk.core.money import ZERO, round_fen
from creditdesk.customers.models import Customer
from creditdesk.finance.classification import NPL_CLASSES
from creditdesk.loans.choices import LoanStatus
from creditdesk.marketing.choices import ReferrerKind
from creditdesk.marketing.models import Partner, ReferralReward
from creditdesk.marketing.reports.sources import credited_loans, leads_entered, rate, with_conversion

COLUMNS = {
    ReferrerKind.CUSTOMER: "referrer_customer_id",
    ReferrerKind.STAFF: "referrer_staff_id",
    ReferrerKind.PARTNER: "partner_id",
}
NPL_VALUES = {risk_class.value for risk_class in NPL_CLASSES}


@dataclass
class ReferrerRow:
    """One referrer's results; rates are fractions, None where nothing was lent."""

    kind: str
    referrer_id: int
    name: str = ""
    leads: int = 0
    converted: int = 0
    loans: int = 0
    volume: Decimal = ZERO
    overdue: int = 0
    npl: int = 0
    reward: Decimal = ZERO
    loan_ids: list[int] = field(default_factory=list)

    @property
    def overdue_rate(self) -> float | None:
        return rate(self.overdue, self.loans)

    @property
    def npl_rate(self) -> float | None:
        return rate(self.npl, self.loans)


def reward_for(kind: str, principal: Decimal, on: date, rules: list[ReferralReward]) -> Decimal:
    """The reward of one loan of ``principal`` booked on ``on`` for a referrer of ``kind`` (module
    docstring)."""
    in_force = [
        rule
        for rule in rules
        if rule.referrer_kind == kind
        and rule.valid_from <= on
        and (rule.valid_until is None or on <= rule.valid_until)
    ]
    if not in_force:
        return ZERO
    rule = max(in_force, key=lambda r: r.valid_from)
    amount = rule.per_loan + principal * rule.per_mille / Decimal(1000)
    if rule.cap_per_loan is not None:
        amount = min(amount, rule.cap_per_loan)
    return round_fen(amount)


def _names(rows: dict[tuple[str, int], ReferrerRow]) -> None:
    ids: dict[str, list[int]] = defaultdict(list)
    for kind, pk in rows:
        ids[kind].append(pk)
    names: dict[tuple[str, int], str] = {}
    for customer in Customer.objects.filter(pk__in=ids[ReferrerKind.CUSTOMER]).only("name"):
        names[(ReferrerKind.CUSTOMER, customer.pk)] = customer.name
    for person in User.objects.filter(pk__in=ids[ReferrerKind.STAFF]):
        names[(ReferrerKind.STAFF, person.pk)] = person.get_full_name() or person.username
    for partner in Partner.objects.filter(pk__in=ids[ReferrerKind.PARTNER]).only("name"):
        names[(ReferrerKind.PARTNER, partner.pk)] = partner.name
    for key, row in rows.items():
        row.name = names.get(key, "—")


def top_referrers(
    *, user: User, start: date | None = None, end: date | None = None, limit: int = 20
) -> list[ReferrerRow]:
    """The referrers of the leads ``user`` sees (entered from ``start`` to ``end``), by volume brought, then
    by leads referred; at most ``limit``."""
    leads = leads_entered(user, start, end).filter(
        Q(referrer_customer__isnull=False) | Q(referrer_staff__isnull=False) | Q(partner__isnull=False)
    )
    rows: dict[tuple[str, int], ReferrerRow] = {}
    referrers_of: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for lead in with_conversion(leads).values("pk", "reached", *COLUMNS.values()):
        for kind, column in COLUMNS.items():
            if lead[column] is None:
                continue
            key = (kind.value, lead[column])
            row = rows.setdefault(key, ReferrerRow(kind.value, lead[column]))
            row.leads += 1
            row.converted += int(bool(lead["reached"]))
            referrers_of[lead["pk"]].append(key)
    rules = list(ReferralReward.objects.all())
    loans = credited_loans(leads, "pk").values(
        "pk", "source", "principal", "value_date", "status", "risk_class"
    )
    for loan in loans:
        for key in referrers_of.get(loan["source"], ()):
            row = rows[key]
            row.loans += 1
            row.loan_ids.append(loan["pk"])
            row.volume += loan["principal"]
            row.overdue += int(loan["status"] == LoanStatus.OVERDUE)
            row.npl += int(loan["risk_class"] in NPL_VALUES or loan["status"] == LoanStatus.WRITTEN_OFF)
            row.reward += reward_for(row.kind, loan["principal"], loan["value_date"], rules)
    ranked = sorted(rows.values(), key=lambda row: (-row.volume, -row.leads, row.kind, row.referrer_id))[
        :limit
    ]
    _names({(row.kind, row.referrer_id): row for row in ranked})
    return ranked
