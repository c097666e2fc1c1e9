"""Reads of the loans app, always scoped to the person asking (the loan's CM, the team lead, the
branch's head and risk managers: ``LOAN_SCOPE``)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Sum

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.applications.models import Application, ApplicationPart
from creditdesk.core.money import ZERO
from creditdesk.loans.models import Installment, Loan, LoanStatus

# The statuses whose principal is still owed to the bank (统一授信 counts them).
OUTSTANDING = (LoanStatus.ACTIVE, LoanStatus.OVERDUE)


def loan_list_visible_to(*, user: User) -> QuerySet[Loan]:
    return scope.visible(
        user, Loan.objects.select_related("customer", "owner", "product_version", "disbursement")
    )


def loan_get_visible(*, user: User, loan_id: int | str) -> Loan:
    """The loan with its schedule and disbursement; 404 outside the person's scope."""
    queryset = Loan.objects.select_related(
        "customer", "owner", "product_version", "disbursement", "disbursement__application"
    ).prefetch_related(Prefetch("installments", queryset=Installment.objects.order_by("period")))
    return scope.get_visible_or_404(user, queryset, pk=loan_id)


def application_for_disbursement(*, user: User, application_id: int | str) -> Application:
    """The application a disbursement page is about, with its parts and their disbursements; 404
    outside the person's scope."""
    queryset = Application.objects.select_related("customer", "owner").prefetch_related(
        Prefetch(
            "parts",
            queryset=ApplicationPart.objects.select_related(
                "product_version", "disbursement", "disbursement__loan"
            ).order_by("position"),
        )
    )
    return scope.get_visible_or_404(user, queryset, pk=application_id)


def loan_balances(customer_ids: Iterable[int]) -> dict[int, Decimal]:
    """统一授信's loan balances: the principal outstanding of each customer's active and overdue loans
    (``applications.selectors.exposure.register_balance_source``; unscoped — exposure is the bank's)."""
    rows = (
        Loan.objects.filter(customer_id__in=list(customer_ids), status__in=OUTSTANDING)
        .values("customer_id")
        .annotate(total=Sum("principal_outstanding"))
    )
    return {row["customer_id"]: row["total"] or ZERO for row in rows}
