"""Reads of the collateral register, scoped to the person asking (``accounts.scope``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.applications import collateral as arithmetic
from creditdesk.applications import lifecycle
from creditdesk.applications.models import (
    Application,
    ApplicationParty,
    Appraisal,
    Collateral,
    Pledge,
    PriorLien,
)
from creditdesk.applications.selectors import application as application_selectors
from creditdesk.core.fields import AmountField
from creditdesk.core.money import ZERO

# A pledge of an application that ended without a loan secures nothing, released or not.
ENDED_WITHOUT_LOAN = (lifecycle.Status.REJECTED, lifecycle.Status.WITHDRAWN, lifecycle.Status.EXPIRED)


def active_pledges_q(prefix: str = "") -> Q:
    """Pledges that count against a collateral's value: not released, of an application still alive."""
    return Q(**{f"{prefix}released_at__isnull": True}) & ~Q(
        **{f"{prefix}application__status__in": [s.value for s in ENDED_WITHOUT_LOAN]}
    )


def collateral_list_visible_to(*, user: User, customer_id: int | None = None) -> QuerySet[Collateral]:
    """The collaterals ``user`` may see (of the customers in their scope), optionally of one customer."""
    found = scope.visible(user, Collateral.objects.select_related("customer"))
    if customer_id is not None:
        found = found.filter(customer_id=customer_id)
    return found


def collateral_get_visible(*, user: User, collateral_id: int | str) -> Collateral:
    """One collateral ``user`` may see, or 404."""
    return scope.get_visible_or_404(
        user, Collateral.objects.select_related("customer", "customer__owner", "created_by"), pk=collateral_id
    )


def collateral_position(*, collateral: Collateral, today: date | None = None) -> arithmetic.Position:
    """What ``collateral`` is worth to us now: the latest appraisal, the prior liens in force, our active
    pledges (``collateral.Position``), and whether its revaluation is due."""
    latest = collateral.appraisals.order_by("-appraised_on", "-id").values("value", "appraised_on").first()
    liens = collateral.prior_liens.filter(released_on__isnull=True).aggregate(total=Sum("amount"))["total"]
    pledged = collateral.pledges.filter(active_pledges_q()).aggregate(total=Sum("amount"))["total"]
    return arithmetic.Position(
        value=latest["value"] if latest else None,
        prior_liens=liens or ZERO,
        pledged=pledged or ZERO,
        revaluation_due=arithmetic.revaluation_due(
            next_revaluation_on=collateral.next_revaluation_on,
            latest_appraisal_on=latest["appraised_on"] if latest else None,
            today=today or timezone.localdate(),
        ),
    )


@dataclass(frozen=True)
class CollateralRow:
    """A collateral with its position, for lists and pickers."""

    collateral: Collateral
    position: arithmetic.Position


def with_positions(collaterals: QuerySet[Collateral]) -> QuerySet[Collateral]:
    """``collaterals`` annotated with what ``collateral_position`` reads (one query for a whole page)."""
    latest = Appraisal.objects.filter(collateral=OuterRef("pk")).order_by("-appraised_on", "-id")
    liens = (
        PriorLien.objects.filter(collateral=OuterRef("pk"), released_on__isnull=True)
        .order_by()
        .values("collateral")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    pledged = (
        Pledge.objects.filter(active_pledges_q(), collateral=OuterRef("pk"))
        .order_by()
        .values("collateral")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return collaterals.annotate(
        latest_value=Subquery(latest.values("value")[:1], output_field=AmountField()),
        latest_on=Subquery(latest.values("appraised_on")[:1]),
        liens_total=Subquery(liens, output_field=AmountField()),
        pledged_total=Subquery(pledged, output_field=AmountField()),
    )


def collateral_rows(collaterals: Iterable[Collateral], *, today: date | None = None) -> list[CollateralRow]:
    """Each collateral of ``collaterals`` (annotated by ``with_positions``) with its position, for lists and
    pickers."""
    today = today or timezone.localdate()
    return [
        CollateralRow(
            c,
            arithmetic.Position(
                value=c.latest_value,  # type: ignore[attr-defined]
                prior_liens=c.liens_total or ZERO,  # type: ignore[attr-defined]
                pledged=c.pledged_total or ZERO,  # type: ignore[attr-defined]
                revaluation_due=arithmetic.revaluation_due(
                    next_revaluation_on=c.next_revaluation_on,
                    latest_appraisal_on=c.latest_on,  # type: ignore[attr-defined]
                    today=today,
                ),
            ),
        )
        for c in collaterals
    ]


def collateral_detail(*, collateral: Collateral) -> dict[str, object]:
    """The detail page's rows: appraisals (latest first), prior liens by rank, pledges with their
    application."""
    return {
        "appraisals": list(
            collateral.appraisals.select_related("recorded_by").order_by("-appraised_on", "-id")
        ),
        "liens": list(collateral.prior_liens.order_by("released_on", "rank", "id")),
        "pledges": list(collateral.pledges.select_related("application").order_by("-pledged_at", "-id")),
    }


def pledges_of_application(*, application: Application) -> list[Pledge]:
    """The pledges securing ``application`` (active first), with their collateral and its owner — for the
    ``_pledges.html`` partial of the application's and the approver's pages (the caller has already
    checked that the person sees the application)."""
    return list(
        Pledge.objects.filter(application=application)
        .select_related("collateral", "collateral__customer", "pledged_by")
        .order_by("released_at", "pledged_at", "id")
    )


def collateral_of_parties(*, application: Application) -> QuerySet[Collateral]:
    """The collaterals of the application's parties (borrower, co-borrowers, guarantors): what may secure
    it. The caller has already checked that the person works the application."""
    parties = ApplicationParty.objects.filter(application=application).values("customer_id")
    return (
        Collateral.objects.filter(customer_id__in=parties)
        .select_related("customer")
        .order_by("customer", "id")
    )


# The one lookup of an application for a person (``selectors.application``), for this topic's pages.
application_get_visible = application_selectors.application_get_visible


def latest_appraisal(collateral: Collateral) -> Appraisal | None:
    return collateral.appraisals.order_by("-appraised_on", "-id").first()


def pledged_total(rows: list[Pledge]) -> Decimal:
    """The amount the active pledges of ``rows`` secure."""
    return sum((p.amount for p in rows if p.released_at is None), ZERO)
