"""Reads of consents and credit inquiries, always within the caller's scope (through the customer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.consents.choices import ConsentKind
from creditdesk.consents.models import Consent, CreditInquiry
from creditdesk.customers.models import Customer


def consent_list_visible_to(*, user: User) -> QuerySet[Consent]:
    return scope.visible(user, Consent.objects.select_related("customer", "recorded_by"))


def consent_get_visible(*, user: User, consent_id: int | str) -> Consent:
    return scope.get_visible_or_404(user, consent_list_visible_to(user=user), pk=consent_id)


def inquiry_list_visible_to(*, user: User) -> QuerySet[CreditInquiry]:
    return scope.visible(user, CreditInquiry.objects.select_related("customer", "requested_by", "consent"))


def consents_of(*, customer: Customer) -> QuerySet[Consent]:
    """The consents of a customer the caller already may see, the newest first."""
    return (
        Consent.objects.filter(customer=customer).select_related("recorded_by").order_by("-signed_on", "-id")
    )


def inquiries_of(*, customer: Customer) -> QuerySet[CreditInquiry]:
    """The credit inquiries of a customer the caller already may see, the newest first."""
    return (
        CreditInquiry.objects.filter(customer=customer)
        .select_related("requested_by", "consent")
        .order_by("-requested_at", "-id")
    )


def marketing_allowed(customer: Customer, *, today: date | None = None) -> bool:
    """Whether the customer may be contacted for marketing today: an unrevoked marketing consent in force."""
    today = today or timezone.localdate()
    return Consent.objects.filter(
        customer=customer,
        kind=ConsentKind.MARKETING,
        revoked_at__isnull=True,
        signed_on__lte=today,
        valid_until__gte=today,
    ).exists()


@dataclass(frozen=True)
class ConsentSummary:
    """What the customer 360 page shows: purposes authorized today and marketing, in one query."""

    valid_purposes: list[str]
    valid_purpose_labels: list[str]
    marketing_allowed: bool
    total: int


def consent_summary(*, customer: Customer, today: date | None = None) -> ConsentSummary:
    today = today or timezone.localdate()
    rows = list(
        Consent.objects.filter(customer=customer).only(
            "kind", "purpose", "signed_on", "valid_until", "revoked_at"
        )
    )
    in_force = [c for c in rows if c.in_force(today)]
    purposes = sorted({c.purpose for c in in_force if c.kind == ConsentKind.CREDIT_INQUIRY})
    labels = {c.purpose: str(c.get_purpose_display()) for c in in_force if c.purpose}
    return ConsentSummary(
        valid_purposes=purposes,
        valid_purpose_labels=[labels[p] for p in purposes],
        marketing_allowed=any(c.kind == ConsentKind.MARKETING for c in in_force),
        total=len(rows),
    )
