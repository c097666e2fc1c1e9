"""`creditdesk demo`: migrate the embedded database, seed the demo data, print the logins, serve."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from creditdesk.workbench.demo import demo_banner


class Command(BaseCommand):
    help = "Migrate, seed the demo data and serve CreditDesk on http://127.0.0.1:PORT (default 8000)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--no-serve", action="store_true", help="prepare the data, do not serve")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("拒绝执行：demo 只用于开发与演示环境。")
        port = options["port"]
        if not 1 <= port <= 65535:
            raise CommandError(f"端口无效：{port}")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("数据库已迁移。")
        call_command("seed", stdout=self.stdout)
        self.stdout.write(demo_banner(port))
        if not options["no_serve"]:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True)
