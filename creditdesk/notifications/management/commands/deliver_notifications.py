"""`creditdesk deliver_notifications`: one pass over the outbox — every pending message that is due is
delivered or, failing, put off (``services.deliver_due``). Run it every minute (cron, a systemd timer);
it prints what it did as JSON: ``{"sent": 3, "retrying": 1, "failed": 0, "skipped": 0}``.

    creditdesk deliver_notifications [--limit 100]
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from creditdesk.notifications.services import DELIVER_LIMIT, deliver_due


class Command(BaseCommand):
    help = "Deliver the notifications that are due (one pass over the outbox); prints the counts as JSON."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--limit",
            type=int,
            default=DELIVER_LIMIT,
            help=f"at most this many messages (default {DELIVER_LIMIT})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        limit = options["limit"]
        if limit < 1:
            raise CommandError("--limit must be at least 1")
        counts = deliver_due(limit=limit)
        self.stdout.write(json.dumps(counts.as_dict(), sort_keys=True))
