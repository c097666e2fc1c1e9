"""The next best offers of one customer (``next_offer.rank`` over the active cross-sell catalogue), from
what CreditDesk knows: the customer's kind, tier, age and employees; their open loans (months on the book,
worst days past due, principal repaid, days to maturity); what they hold (offers accepted); whether a
marketing consent is in force. And the fee income of accepted offers per CM."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.consents.selectors import marketing_allowed
from creditdesk.core.money import ZERO
from creditdesk.customers.identity import age_on
from creditdesk.customers.models import Customer
from creditdesk.loans.choices import LoanStatus
from creditdesk.loans.models import Loan
from creditdesk.marketing import next_offer
from creditdesk.marketing.choices import OfferOutcome
from creditdesk.marketing.models import CrossSellProduct, OfferRecord

ACCEPTED = Q(outcome=OfferOutcome.ACCEPTED)
OPEN_LOANS = (LoanStatus.ACTIVE, LoanStatus.OVERDUE, LoanStatus.RESTRUCTURED)


def _months(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (1 if end.day < start.day else 0)


def catalogue() -> list[next_offer.OfferTerms]:
    """The active catalogue rows as the pure core's terms."""
    return [
        next_offer.OfferTerms(
            category=row.category,
            weight=row.weight,
            fee_income=row.fee_income,
            min_months_on_book=row.min_months_on_book,
            max_dpd=row.max_dpd,
            min_repaid_share=row.min_repaid_share,
            maturity_within_days=row.maturity_within_days,
            min_employees=row.min_employees,
            min_age=row.min_age,
            max_age=row.max_age,
            min_tier=row.min_tier,
            source=row.source,
        )
        for row in CrossSellProduct.objects.filter(active=True)
    ]


def customer_facts(customer: Customer, *, today: date | None = None) -> next_offer.CustomerFacts:
    today = today or timezone.localdate()
    loans = list(Loan.objects.filter(customer=customer, status__in=OPEN_LOANS))
    held = OfferRecord.objects.filter(customer=customer, outcome=OfferOutcome.ACCEPTED).values_list(
        "category", flat=True
    )
    return next_offer.CustomerFacts(
        kind=customer.kind,
        tier=customer.value_segment,
        age=age_on(customer.birth_date, today) if customer.birth_date else None,
        employees=customer.employees,
        overdue_now=any(loan.status == LoanStatus.OVERDUE for loan in loans),
        marketing_consent=marketing_allowed(customer, today=today),
        held=frozenset(held),
        loans=tuple(
            next_offer.LoanFacts(
                months_on_book=_months(loan.value_date, today),
                max_dpd=loan.max_dpd,
                principal=loan.principal,
                outstanding=loan.principal_outstanding,
                days_to_maturity=(loan.maturity_date - today).days,
            )
            for loan in loans
        ),
    )


def next_offers_for(*, customer: Customer, today: date | None = None) -> list[next_offer.Offer]:
    """The ranked offers of ``customer`` (the caller has checked the customer is in scope)."""
    return next_offer.rank(customer_facts(customer, today=today), catalogue())


@dataclass(frozen=True)
class FeeIncomeRow:
    owner_id: int
    name: str
    offered: int
    accepted: int
    fee_income: Decimal


def fee_income_by_cm(*, user: User) -> list[FeeIncomeRow]:
    """Per CM of the customers ``user`` sees: offers made, accepted, and the yearly fee income expected from
    the accepted ones (the analytics' 中间业务收入)."""
    rows = list(
        scope.visible(user, OfferRecord.objects.all())
        .values("customer__owner_id")
        .annotate(
            offered=Count("pk"),
            accepted=Count("pk", filter=ACCEPTED),
            income=Sum("fee_income", filter=ACCEPTED),
        )
        .order_by()
    )
    people = {
        person.pk: person
        for person in User.objects.filter(pk__in=[row["customer__owner_id"] for row in rows])
    }
    return sorted(
        (
            FeeIncomeRow(
                owner_id=row["customer__owner_id"],
                name=people[row["customer__owner_id"]].get_full_name()
                or people[row["customer__owner_id"]].username,
                offered=row["offered"],
                accepted=row["accepted"],
                fee_income=row["income"] or ZERO,
            )
            for row in rows
        ),
        key=lambda row: (-row.fee_income, row.name),
    )
