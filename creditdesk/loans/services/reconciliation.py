"""Reconciliation (对账): every loan's sub-ledger equals its balances in the general ledger.

The loan's columns (principal outstanding, interest, penalty and fee receivable, credit balance) — kept
by servicing — are compared with the balances of the matching ledger accounts posted with the loan's id
— kept by the ledger's one writer from the lines it posts (``LoanAccountBalance``). Run by the
end-of-day batch on the loans posted to that day and by `creditdesk reconcile` on the whole book, which
also checks those ledger balances against the lines themselves (``ledger.selectors.balance_drift``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from creditdesk.core.money import ZERO
from creditdesk.ledger.chart import Account
from creditdesk.ledger.selectors import differing_from_running_balances, posted_loans, running_balances
from creditdesk.loans.models import Loan

# loan column → the ledger account that must hold the same balance
SUB_LEDGER: tuple[tuple[str, Account], ...] = (
    ("principal_outstanding", Account.LOANS_RECEIVABLE),
    ("interest_receivable", Account.INTEREST_RECEIVABLE),
    ("penalty_receivable", Account.PENALTY_RECEIVABLE),
    ("fee_receivable", Account.FEE_RECEIVABLE),
    ("credit_balance", Account.CUSTOMER_CREDIT),
)
CHUNK = 2000


@dataclass(frozen=True)
class Mismatch:
    loan_id: int
    number: str
    account: Account
    sub_ledger: Decimal
    ledger: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "loan_id": self.loan_id,
            "number": self.number,
            "account": str(self.account),
            "sub_ledger": str(self.sub_ledger),
            "ledger": str(self.ledger),
        }


def reconcile(loan_ids: Iterable[int] | None = None, *, posted_on: date | None = None) -> list[Mismatch]:
    """The differences between sub-ledger and ledger, loan by loan and account by account; an empty list
    when they agree. For ``loan_ids``, or the loans with an entry on business date ``posted_on`` (the
    end of day's), or every loan when neither is given.

    The comparison runs in the database (each loan's columns against its running ledger balances), so
    only the loans that differ come back to be itemised: tens of thousands of loans a day cost one
    query, not their rows."""
    loans = Loan.objects.all()
    if loan_ids is not None:
        loans = loans.filter(pk__in=sorted(set(loan_ids)))
    if posted_on is not None:
        loans = loans.filter(pk__in=posted_loans(posted_on))
    differing = differing_from_running_balances(loans, SUB_LEDGER)
    mismatches: list[Mismatch] = []
    fields = ["pk", "number", *(name for name, _ in SUB_LEDGER)]
    for start in range(0, len(differing), CHUNK):
        part = differing[start : start + CHUNK]
        ledger = running_balances(part)
        for row in Loan.objects.filter(pk__in=part).values(*fields).order_by("pk"):
            balances = ledger[row["pk"]]
            for name, account in SUB_LEDGER:
                expected, actual = row[name] or ZERO, balances[account]
                if expected != actual:
                    mismatches.append(Mismatch(row["pk"], row["number"], account, expected, actual))
    return mismatches
