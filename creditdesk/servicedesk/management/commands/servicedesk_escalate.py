"""`creditdesk servicedesk_escalate [--at YYYY-MM-DDTHH:MM]`: hand every customer request still unanswered
past its response target one level up (``services.request_escalate_due``, 超时升级); prints the counts as
JSON. Run every 15 minutes (cron: ``*/15 * * * *``); a second run at the same moment changes nothing."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from creditdesk.servicedesk.services import request_escalate_due


class Command(BaseCommand):
    help = "Escalate customer requests past their response target (run every 15 minutes)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--at", help="the moment to escalate as of, local time (default: now)")

    def handle(self, *args: Any, **options: Any) -> None:
        at = timezone.now()
        if options["at"]:
            try:
                at = datetime.fromisoformat(options["at"])
            except ValueError as exc:
                raise CommandError("--at 须为 YYYY-MM-DDTHH:MM 格式的时间。") from exc
            if timezone.is_naive(at):
                at = timezone.make_aware(at)
        run = request_escalate_due(now=at)
        at_text = timezone.localtime(at).isoformat(timespec="seconds")
        self.stdout.write(
            json.dumps({"at": at_text, "escalated": run.escalated, "at_top": run.at_top}, ensure_ascii=False)
        )
