"""`creditdesk trial_balance`: the trial balance (试算平衡表) of the loan ledger — every account's balance
on its normal side, total debits and credits, and whether they are equal.

    creditdesk trial_balance [--date YYYY-MM-DD] [--json]

Exits with status 1 when debits and credits differ (so a scheduler notices).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from creditdesk.core.money import format_yuan
from creditdesk.ledger.chart import NORMAL_SIDE
from creditdesk.ledger.selectors import debit_credit_totals, trial_balance


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--date {value!r} is not a date YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = "Print the ledger's trial balance (balance per account, debits vs credits)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", type=str, default=None, help="up to this business date (YYYY-MM-DD)")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        on = _date(options["date"]) if options["date"] else None
        balances = trial_balance(on)
        totals = debit_credit_totals(on)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "date": on.isoformat() if on else None,
                        "accounts": {account.value: str(amount) for account, amount in balances.items()},
                        "debit": str(totals.debit),
                        "credit": str(totals.credit),
                        "balanced": totals.balanced,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            self.stdout.write(f"试算平衡表{f'（截至 {on.isoformat()}）' if on else ''}")
            for account, amount in balances.items():
                side = NORMAL_SIDE[account].label
                self.stdout.write(f"{account.label:<16}{account.value:<22}{side} {format_yuan(amount):>20}")
            self.stdout.write(f"借方合计 {format_yuan(totals.debit)}  贷方合计 {format_yuan(totals.credit)}")
            self.stdout.write("借贷平衡" if totals.balanced else "借贷不平衡！")
        if not totals.balanced:
            raise CommandError("debits and credits differ", returncode=1)
