"""Replacing the open part of a loan's schedule — what a prepayment, an extension and a rate reset
have in common.

The instalments due after the day are replaced by new ones (none of them may have been paid: a credit
balance is only applied on a due date), on a loan whose book is loaded and accrued to the day; the terms
they were built from are kept on the loan (``Loan.schedule_basis``) for the next rebuild, and read back
by ``contract_terms``. The caller then
saves the book (``sync.save``), which posts whatever became receivable or was paid.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from creditdesk.applications.terms import part_terms
from creditdesk.core.exceptions import Conflict
from creditdesk.core.money import to_fen
from creditdesk.finance.schedule import Installment as Scheduled
from creditdesk.finance.servicing import Row
from creditdesk.finance.terms import FeeTiming, LoanTerms
from creditdesk.loans.choices import InstallmentKind
from creditdesk.loans.models import Installment, Loan
from creditdesk.loans.services.sync import Loaded, Stored


def replace_open_schedule(
    loaded: Loaded,
    *,
    after: date,
    rows: Sequence[Scheduled],
    terms: LoanTerms | None,
    first_kind: str = InstallmentKind.SCHEDULED,
) -> list[Installment]:
    """Replace the instalments due after ``after`` by ``rows`` (numbered on from the last instalment
    kept; the first of them of kind ``first_kind``); ``terms``: what the regular ones were built from
    (None when nothing regular is left). Returns the instalments created."""
    loan, book = loaded.loan, loaded.book
    future = [row for row in book.rows if row.due_date > after]
    if any(row.principal_paid or row.interest_paid or row.fee_paid for row in future):
        raise Conflict("schedule_rebuild_paid", _("未到期的期次已有还款，无法重排还款计划。"))
    Installment.objects.filter(loan=loan, period__in=[row.period for row in future]).delete()
    for row in future:
        del loaded.installments[row.period]
    book.rows[:] = [row for row in book.rows if row.due_date <= after]
    last = max((row.period for row in book.rows), default=0)
    created = [
        Installment(
            loan=loan,
            period=last + index,
            due_date=row.due_date,
            principal=row.principal,
            interest=row.interest,
            fee=row.fee,
            payment=row.payment,
            balance=row.balance,
            kind=first_kind if index == 1 else InstallmentKind.SCHEDULED,
        )
        for index, row in enumerate(rows, start=1)
    ]
    Installment.objects.bulk_create(created)
    for item in created:
        loaded.installments[item.period] = Stored.of(item)
        book.rows.append(
            Row(item.period, item.due_date, to_fen(item.principal), to_fen(item.interest), to_fen(item.fee))
        )
    regular = [item for item in created if item.kind == InstallmentKind.SCHEDULED]
    if terms is not None and regular:
        loan.schedule_basis = {
            "principal": str(terms.principal),
            "annual_rate": str(terms.annual_rate),
            "periods": terms.periods,
            "start_date": terms.start_date.isoformat(),
            "first_due_date": (terms.first_due_date or regular[0].due_date).isoformat(),
            "first_period": regular[0].period,
        }
    if created:
        loan.maturity_date = created[-1].due_date
    loan.save(update_fields=["schedule_basis", "maturity_date"])
    return created


def contract_terms(loan: Loan) -> LoanTerms:
    """The terms the loan's open schedule is built on: the contract's, or those of the last rebuild."""
    basis = loan.schedule_basis or {}
    original = part_terms(loan.disbursement.part, loan.value_date)
    if not basis:
        return original
    return LoanTerms(
        method=original.method,
        principal=Decimal(basis["principal"]),
        annual_rate=Decimal(basis["annual_rate"]),
        periods=int(basis["periods"]),
        start_date=date.fromisoformat(basis["start_date"]),
        frequency=original.frequency,
        first_due_date=date.fromisoformat(basis["first_due_date"]),
        fees=tuple(fee for fee in original.fees if fee.when != FeeTiming.UPFRONT),
    )
