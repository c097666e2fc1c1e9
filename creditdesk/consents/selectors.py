"""Reads of consents and credit inquiries, always within the caller's scope (through the customer)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.consents.choices import WRITTEN_CHANNEL_VALUES, ConsentKind, Purpose
from creditdesk.consents.models import Consent, CreditInquiry, CreditReportSummary
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
        .select_related("requested_by", "consent", "report_summary")
        .order_by("-requested_at", "-id")
    )


# A report summary serves the purpose of the inquiry that fetched it (RULES.md). The product matching is
# part of a loan review, and the 360 warning shows what the matching refuses on: both read only
# summaries fetched for 贷款审批, never one fetched to review a card, a guarantor or a merchant.
MATCHING_PURPOSES = frozenset({Purpose.LOAN_REVIEW})


def latest_report_summary(*, customer: Customer) -> CreditReportSummary | None:
    """The customer's latest credit-report summary (by report date, then inquiry time) of an inquiry made
    for a purpose in ``MATCHING_PURPOSES``; None when there is none."""
    return (
        CreditReportSummary.objects.filter(inquiry__customer=customer, inquiry__purpose__in=MATCHING_PURPOSES)
        .select_related("inquiry")
        .order_by("-report_date", "-inquiry__requested_at", "-id")
        .first()
    )


def latest_report_summaries(*, customers: Sequence[Customer]) -> dict[int, CreditReportSummary]:
    """``latest_report_summary`` for several customers in one query: customer id → its latest summary (a
    customer without one is absent). Used for a business and the persons behind it."""
    ids = [c.pk for c in customers]
    latest: dict[int, CreditReportSummary] = {}
    rows = (
        CreditReportSummary.objects.filter(inquiry__customer__in=ids, inquiry__purpose__in=MATCHING_PURPOSES)
        .select_related("inquiry")
        .order_by("-report_date", "-inquiry__requested_at", "-id")
    )
    for row in rows:
        latest.setdefault(row.inquiry.customer_id, row)
    return latest


def report_summary_of(*, inquiry: CreditInquiry) -> CreditReportSummary | None:
    return CreditReportSummary.objects.filter(inquiry=inquiry).select_related("recorded_by").first()


LoanBookSource = Callable[[int], bool]
_LOAN_BOOK: list[LoanBookSource] = []


def register_loan_book(source: LoanBookSource) -> None:
    """Let ``source(customer_id)`` answer whether the customer has a loan under post-loan management. The
    ``loans`` app (above this one in the layers) registers its own in ``ready()``; twice counts once."""
    if source not in _LOAN_BOOK:
        _LOAN_BOOK.append(source)


def customer_has_booked_loan(customer: Customer) -> bool:
    """Whether ``customer`` has a loan booked at this bank that post-loan management (贷后管理) is about —
    the only case where a credit inquiry needs no authorization (RULES.md): asked of the loan book the
    ``loans`` app registers (``register_loan_book``). With none registered nobody has one, and the
    exemption is refused."""
    return any(source(customer.pk) for source in _LOAN_BOOK)


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
            "kind", "purpose", "signed_on", "valid_until", "revoked_at", "channel"
        )
    )
    in_force = [c for c in rows if c.in_force(today)]
    # A recorded-call credit-inquiry authorization is history only: it authorizes no inquiry.
    purposes = sorted(
        {
            c.purpose
            for c in in_force
            if c.kind == ConsentKind.CREDIT_INQUIRY and c.channel in WRITTEN_CHANNEL_VALUES
        }
    )
    labels = {c.purpose: str(c.get_purpose_display()) for c in in_force if c.purpose}
    return ConsentSummary(
        valid_purposes=purposes,
        valid_purpose_labels=[labels[p] for p in purposes],
        marketing_allowed=any(c.kind == ConsentKind.MARKETING for c in in_force),
        total=len(rows),
    )
