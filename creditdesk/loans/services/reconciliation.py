"""Reconciliation (对账): every loan's sub-ledger equals its balances in the general ledger.

The loan's columns (principal outstanding, interest, penalty and fee receivable, credit balance) are
compared with the balances of the matching ledger accounts posted with the loan's id. Run by the
end-of-day batch on the loans posted to that day and by `creditdesk reconcile` on the whole book.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from creditdesk.core.money import ZERO
from creditdesk.ledger.chart import Account
from creditdesk.ledger.selectors import loan_account_balances
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


def reconcile(loan_ids: Iterable[int] | None = None) -> list[Mismatch]:
    """The differences between sub-ledger and ledger for ``loan_ids`` (every loan when None), loan by
    loan and account by account; an empty list when they agree."""
    fields = ["pk", "number", *(name for name, _ in SUB_LEDGER)]
    if loan_ids is None:
        ids = list(Loan.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(set(loan_ids))
    mismatches: list[Mismatch] = []
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        ledger = loan_account_balances(part)
        for row in Loan.objects.filter(pk__in=part).values(*fields).order_by("pk"):
            balances = ledger.get(row["pk"], {})
            for name, account in SUB_LEDGER:
                expected, actual = row[name] or ZERO, balances.get(account, ZERO)
                if expected != actual:
                    mismatches.append(Mismatch(row["pk"], row["number"], account, expected, actual))
    return mismatches
