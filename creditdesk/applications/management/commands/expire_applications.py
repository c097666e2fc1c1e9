"""`creditdesk expire_applications [--date YYYY-MM-DD]`: lapse approvals past their expiry and idle
drafts (``services.application.applications_expire``); prints the numbers expired as JSON."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from creditdesk.applications.services.application import applications_expire


class Command(BaseCommand):
    help = "Expire approvals past their validity and drafts left idle (run daily)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="the business date (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--date 须为 YYYY-MM-DD 格式的日期。") from exc
        expired = applications_expire(today=today)
        self.stdout.write(json.dumps({"date": today.isoformat(), "expired": expired}, ensure_ascii=False))
