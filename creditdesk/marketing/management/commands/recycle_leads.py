"""`creditdesk recycle_leads [--at YYYY-MM-DDTHH:MM]`: return to their team's pool the leads left untouched
past their stage's recycle time (``services.leads_recycle``, 收回线索池); prints how many as JSON.
Run daily."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from creditdesk.marketing.services import leads_recycle


class Command(BaseCommand):
    help = "Return idle leads past their recycle time to their team's pool (run daily)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--at", help="the moment to recycle as of, local time (default: now)")

    def handle(self, *args: Any, **options: Any) -> None:
        at = timezone.now()
        if options["at"]:
            try:
                at = datetime.fromisoformat(options["at"])
            except ValueError as exc:
                raise CommandError("--at 须为 YYYY-MM-DDTHH:MM 格式的时间。") from exc
            if timezone.is_naive(at):
                at = timezone.make_aware(at)
        recycled = leads_recycle(now=at)
        at_text = timezone.localtime(at).isoformat(timespec="seconds")
        self.stdout.write(json.dumps({"at": at_text, "recycled": recycled}, ensure_ascii=False))
