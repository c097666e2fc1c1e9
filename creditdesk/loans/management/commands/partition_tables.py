"""`creditdesk partition_tables`: on PostgreSQL, the instalment, ledger-line and end-of-day snapshot
tables partitioned by month (``core.partitions``) — converted the first time, the coming months added
every time after.

Run it once when the book is big enough to want it (in a maintenance window: the conversion copies each
table under an exclusive lock), then monthly from the scheduler, ahead of the months: an instalment
falls due up to ``--months-ahead`` months after the business date in a partition of its own month (the
rest wait in the default partition); ledger lines and snapshots are written on the business date, so
``--ledger-months-ahead`` can be small. Prints JSON of what was done.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from creditdesk.core.partitions import PartitionError, month_start, partition_monthly
from creditdesk.ledger.models import JournalLine
from creditdesk.loans.models import Installment, LoanSnapshot
from creditdesk.loans.services.calendar import business_date


class Command(BaseCommand):
    help = "Partition the instalment, ledger-line and snapshot tables by month (PostgreSQL), or add months."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--months-ahead", type=int, default=24, help="instalments: months after today's")
        parser.add_argument("--ledger-months-ahead", type=int, default=2, help="ledger lines: months ahead")

    def handle(self, *args: Any, **options: Any) -> None:
        ahead, ledger_ahead = options["months_ahead"], options["ledger_months_ahead"]
        if ahead < 0 or ledger_ahead < 0:
            raise CommandError("月数不能为负。")
        today = business_date()
        done = []
        try:
            for model, field, months in (
                (Installment, "due_date", ahead),
                (JournalLine, "business_date", ledger_ahead),
                (LoanSnapshot, "business_date", ledger_ahead),
            ):
                result = partition_monthly(model, field, through=month_start(today, months))
                done.append(
                    {
                        "table": result.table,
                        "converted": result.converted,
                        "created": list(result.created),
                        "moved_from_default": result.moved,
                    }
                )
        except PartitionError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            json.dumps({"business_date": today.isoformat(), "tables": done}, ensure_ascii=False)
        )
