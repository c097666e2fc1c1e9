"""`creditdesk seed`: build the demo data, idempotently, app by app (settings.CREDITDESK_SEEDERS)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Build realistic demo data (organisation, people, …). Safe to run again. Refused in production."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("拒绝执行：生产环境 (CREDITDESK_ENV=production) 不创建演示数据和演示账号。")
        for dotted in settings.CREDITDESK_SEEDERS:
            import_module(dotted).run(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
