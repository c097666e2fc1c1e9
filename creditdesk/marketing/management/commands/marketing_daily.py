"""`creditdesk marketing_daily [--date YYYY-MM-DD]`: the marketing app's nightly work after the end of day —
an NPS survey for each loan booked on the date (``services.surveys_after_disbursement``, once per loan),
the care calendar's greetings and reminders of the date (``services.care_calendar_run``), and each team's
lead score refitted from its closed leads (``services.lead_scores_fit``). Prints what it did
as JSON. (Idle leads go back to the pool with `creditdesk recycle_leads`.)"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from creditdesk.marketing.services import care_calendar_run, lead_scores_fit, surveys_after_disbursement


class Command(BaseCommand):
    help = "Surveys after the day's disbursements and the lead scores refitted (run nightly)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="the business date (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        day = timezone.localdate()
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date 须为 YYYY-MM-DD 格式的日期。") from exc
        surveys = surveys_after_disbursement(day=day)
        care = care_calendar_run(day=day)
        scored = lead_scores_fit()
        report = {"date": day.isoformat(), "surveys": surveys, "care": care, "lead_scores": scored}
        self.stdout.write(json.dumps(report))
