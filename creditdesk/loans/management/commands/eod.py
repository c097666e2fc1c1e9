"""`creditdesk eod --date YYYY-MM-DD` (or `--until YYYY-MM-DD` to catch up day by day): the end-of-day
batch (``loans.services.eod``). Prints each run's report as JSON. `--worker k/n` runs worker k's share of
the day's loans (n workers share a day; the last one to finish completes the run)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from creditdesk.core.exceptions import DomainError
from creditdesk.loans.models import EodRun
from creditdesk.loans.services.eod import CHUNK, eod_catch_up, eod_run


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"{option} 须为 YYYY-MM-DD 格式的日期。") from exc


def _worker(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError as exc:
        raise CommandError("--worker 须为 k/n，例如 0/4。") from exc
    if n < 1 or not 0 <= k < n:
        raise CommandError("--worker 须满足 0 ≤ k < n。")
    return k, n


class Command(BaseCommand):
    help = "Run the end-of-day batch for a business date (or catch up through --until)."

    def add_arguments(self, parser: Any) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--date", help="the business date to close")
        group.add_argument("--until", help="close every business date through this one, in order")
        parser.add_argument("--worker", help="k/n: this worker's share of the day's loans")
        parser.add_argument("--chunk", type=int, default=CHUNK, help="loans per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = _worker(options["worker"])
        try:
            if options["until"]:
                if worker is not None:
                    raise CommandError("--worker 只能与 --date 一起使用。")
                runs = eod_catch_up(until=_date(options["until"], "--until"), chunk=options["chunk"])
            else:
                runs = [
                    eod_run(
                        business_date=_date(options["date"], "--date"), worker=worker, chunk=options["chunk"]
                    )
                ]
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        for run in runs:
            self.stdout.write(json.dumps(_summary(run), ensure_ascii=False))


def _summary(run: EodRun) -> dict[str, Any]:
    return {
        "business_date": run.business_date.isoformat(),
        "status": run.status,
        "steps": run.steps,
        **run.report,
    }
