"""`creditdesk reconcile`: compare every loan's sub-ledger with the general ledger and check that the
ledger balances; prints JSON and exits non-zero on any difference."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from creditdesk.ledger.selectors import debit_credit_totals
from creditdesk.loans.services.reconciliation import reconcile


class Command(BaseCommand):
    help = "Reconcile every loan's sub-ledger with the general ledger."

    def handle(self, *args: Any, **options: Any) -> None:
        mismatches = reconcile()
        totals = debit_credit_totals()
        self.stdout.write(
            json.dumps(
                {
                    "mismatches": [m.as_dict() for m in mismatches],
                    "debits": str(totals.debit),
                    "credits": str(totals.credit),
                    "balanced": totals.balanced,
                },
                ensure_ascii=False,
            )
        )
        if mismatches or not totals.balanced:
            raise CommandError("对账不平：见上方明细。")
