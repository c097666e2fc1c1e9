"""Reads of the loans app, always scoped to the person asking (the loan's CM, the team lead, the
branch's head and risk managers: ``LOAN_SCOPE``). The end-of-day runs are the bank's, not a customer's:
their readers are decided by the views (``eod_runs``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Sum
from django.http import Http404

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.applications.models import Application, ApplicationPart
from creditdesk.core.money import ZERO
from creditdesk.loans.models import (
    ClassificationChange,
    EodRun,
    Installment,
    Loan,
    LoanSnapshot,
    LoanStatus,
    Repayment,
    Restructuring,
    WriteOff,
)

# The statuses whose principal is still owed to the bank (统一授信 counts them).
OUTSTANDING = (LoanStatus.ACTIVE, LoanStatus.OVERDUE)
# The statuses post-loan management (贷后管理) is about: the open loans, and a written-off one the bank
# still recovers (核销后仍追偿, 账销案存)
MANAGED = (*OUTSTANDING, LoanStatus.WRITTEN_OFF)


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


def loan_servicing_get_visible(*, user: User, loan_id: int | str) -> Loan:
    """The loan for its page: schedule, repayments (with who posted and reversed them) and
    classification history prefetched — a fixed number of queries whatever their numbers; 404 outside
    the person's scope."""
    queryset = Loan.objects.select_related(
        "customer", "owner", "product_version", "disbursement", "disbursement__application"
    ).prefetch_related(
        Prefetch("installments", queryset=Installment.objects.order_by("period")),
        Prefetch(
            "repayments",
            queryset=Repayment.objects.select_related("posted_by", "reversed_by").order_by(
                "-value_date", "-id"
            ),
        ),
        Prefetch(
            "classification_changes",
            queryset=ClassificationChange.objects.select_related("changed_by").order_by(
                "-business_date", "-id"
            ),
        ),
    )
    return scope.get_visible_or_404(user, queryset, pk=loan_id)


def installments_of_visible_loan(*, user: User, loan_id: int | str) -> list[Installment]:
    """A loan's schedule with what has been paid of each instalment; 404 outside the scope."""
    loan = scope.get_visible_or_404(user, Loan.objects.all(), pk=loan_id)
    return list(Installment.objects.filter(loan=loan).order_by("period"))


def repayments_of_visible_loan(*, user: User, loan_id: int | str) -> QuerySet[Repayment]:
    """A loan's repayments, newest value date first; 404 outside the scope."""
    loan = scope.get_visible_or_404(user, Loan.objects.all(), pk=loan_id)
    return (
        Repayment.objects.filter(loan=loan)
        .select_related("loan", "posted_by", "reversed_by")
        .order_by("-value_date", "-id")
    )


def repayment_get_visible(*, user: User, repayment_id: int | str) -> Repayment:
    """A repayment with its loan; 404 outside the person's scope."""
    queryset = Repayment.objects.select_related(
        "loan", "loan__customer", "loan__owner", "posted_by", "reversed_by"
    )
    return scope.get_visible_or_404(user, queryset, pk=repayment_id)


def classification_history_of_visible_loan(
    *, user: User, loan_id: int | str
) -> QuerySet[ClassificationChange]:
    """A loan's five-category changes, newest first; 404 outside the scope."""
    loan = scope.get_visible_or_404(user, Loan.objects.all(), pk=loan_id)
    return (
        ClassificationChange.objects.filter(loan=loan)
        .select_related("changed_by")
        .order_by("-business_date", "-id")
    )


def loan_state_on(loan_id: int, on: date) -> LoanSnapshot | None:
    """A loan's state at the end of business date ``on``: its latest end-of-day snapshot on or before
    that date (one is written on every date it changed); None before its first. Unscoped: the caller
    has the loan."""
    return (
        LoanSnapshot.objects.filter(loan_id=loan_id, business_date__lte=on).order_by("-business_date").first()
    )


def snapshots_of_visible_loan(*, user: User, loan_id: int | str) -> QuerySet[LoanSnapshot]:
    """A loan's end-of-day snapshots (the dates it changed), newest first; 404 outside the scope."""
    return snapshots_of_loan(scope.get_visible_or_404(user, Loan.objects.all(), pk=loan_id))


def snapshots_of_loan(loan: Loan) -> QuerySet[LoanSnapshot]:
    """The end-of-day snapshots of a loan the caller already holds (in its scope), newest first."""
    return LoanSnapshot.objects.filter(loan=loan).order_by("-business_date")


def eod_runs() -> QuerySet[EodRun]:
    """The end-of-day runs, newest business date first (the bank's, unscoped: the caller checks who
    may read them)."""
    return EodRun.objects.order_by("-business_date")


def eod_run_get(business_date: date) -> EodRun:
    """The run of one business date; 404 when there is none."""
    run = EodRun.objects.filter(business_date=business_date).first()
    if run is None:
        raise Http404
    return run


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


def customer_has_managed_loan(customer_id: int) -> bool:
    """Whether the customer has a loan here under post-loan management (``MANAGED``): what the consents
    app asks before a credit inquiry exempt from authorization (registered in ``LoansConfig.ready``)."""
    return Loan.objects.filter(customer_id=customer_id, status__in=MANAGED).exists()


def loan_balances(customer_ids: Iterable[int]) -> dict[int, Decimal]:
    """统一授信's loan balances: the principal outstanding of each customer's active and overdue loans
    (``applications.selectors.exposure.register_balance_source``; unscoped — exposure is the bank's)."""
    rows = (
        Loan.objects.filter(customer_id__in=list(customer_ids), status__in=OUTSTANDING)
        .values("customer_id")
        .annotate(total=Sum("principal_outstanding"))
    )
    return {row["customer_id"]: row["total"] or ZERO for row in rows}


# --- restructuring and write-off (展期, 借新还旧, 核销) ----------------------------------------------


def restructurings_of_loan(loan: Loan) -> list[Restructuring]:
    """A loan (already fetched through a scoped selector) 's extensions and refinance, newest first."""
    return list(
        Restructuring.objects.filter(loan=loan).select_related("done_by").order_by("-business_date", "-id")
    )


def write_off_of_loan(loan: Loan) -> WriteOff | None:
    """A loan (already fetched through a scoped selector) 's write-off proposal or write-off, if any."""
    return (
        WriteOff.objects.filter(loan=loan).select_related("loan__owner", "proposed_by", "decided_by").first()
    )


def refinancing_loan_of(loan: Loan) -> Loan | None:
    """The loan that repaid ``loan`` (借新还旧), if any (the same customer: the same scope)."""
    return Loan.objects.filter(refinances=loan).only("pk", "number").first()


def write_off_get_visible(*, user: User, write_off_id: int | str) -> WriteOff:
    """A write-off with its loan; 404 outside the person's scope."""
    queryset = WriteOff.objects.select_related(
        "loan", "loan__customer", "loan__owner", "proposed_by", "decided_by"
    )
    return scope.get_visible_or_404(user, queryset, pk=write_off_id)
