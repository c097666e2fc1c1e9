"""`creditdesk reconcile`: compare every loan's sub-ledger with the general ledger, every running balance
of the ledger with its lines (``drift``), and check that the ledger balances; prints JSON and exits
non-zero on any difference."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from creditdesk.ledger.selectors import balance_drift, debit_credit_totals
from creditdesk.loans.services.reconciliation import reconcile


class Command(BaseCommand):
    help = "Reconcile every loan's sub-ledger with the general ledger."

    def handle(self, *args: Any, **options: Any) -> None:
        mismatches = reconcile()
        drift = balance_drift()
        totals = debit_credit_totals()
        self.stdout.write(
            json.dumps(
                {
                    "mismatches": [m.as_dict() for m in mismatches],
                    "drift": [
                        {
                            "loan_id": d.loan_id,
                            "account": str(d.account),
                            "kept": str(d.kept),
                            "from_lines": str(d.from_lines),
                        }
                        for d in drift
                    ],
                    "debits": str(totals.debit),
                    "credits": str(totals.credit),
                    "balanced": totals.balanced,
                },
                ensure_ascii=False,
            )
        )
        if mismatches or drift or not totals.balanced:
            raise CommandError("对账不平：见上方明细。")
