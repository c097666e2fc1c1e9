"""The pre-assessment page (预评估) with the shipped expert card: p50/p95 of the form and of scoring.

How: a private temporary CREDITDESK_VAR_DIR with a fresh SQLite database (or, with a PostgreSQL
DATABASE_URL, Django's test database next to it), migrated and seeded with the demo data (the expert card
registered, approved and activated, 2,000 customers, their needs). Then, through Django's test client as
``manager1`` (view, selectors, engine, template; no HTTP), for BENCH_PREASSESS_CUSTOMERS (default 25) of
manager1's customers, BENCH_PREASSESS_ROUNDS times (default 4) after one warm-up each:

- ``preassessment_form_p95``: ``GET /scoring/customers/<id>/new/`` — every feature CreditDesk holds
  pre-filled with its source (customer facts, the latest need, the credit-report summary), DTI after the
  loan at the LPR in force, the rest asked;
- ``preassessment_submit_p95``: ``POST`` of that form with the asked features answered 不详 (scored in
  their not-provided band) — validation, scoring, the customer reasons and storing the assessment, up
  to the redirect.

Every answer must be 200 (form) or 302 (stored); any other status fails the run with nothing printed.
Goal (issue 14): p95 < 100 ms.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import benchmark_database, configure_in_process, db_label, exit_on_sigterm

ROOT = Path(__file__).resolve().parent.parent
CUSTOMERS = int(os.environ.get("BENCH_PREASSESS_CUSTOMERS", "25"))
ROUNDS = int(os.environ.get("BENCH_PREASSESS_ROUNDS", "4"))


def log(message: str) -> None:
    print(f"[bench_preassessment] {message}", file=sys.stderr, flush=True)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(0.95 * len(ordered) + 0.5) - 1))] * 1000


def run() -> int:
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from creditdesk.accounts.models import User
    from creditdesk.customers.models import Customer
    from creditdesk.products.models import Need
    from creditdesk.scoring import engine, selectors

    call_command("migrate", verbosity=0)
    call_command("seed", verbosity=0, stdout=io.StringIO())  # stdout carries only the JSON figures
    manager = User.objects.get(username="manager1")
    model = selectors.active_model_or_none()
    if model is None:
        log("no active scorecard after the demo seed")
        return 1
    card = engine.load(model)
    ids = list(
        Need.objects.filter(customer__owner=manager, customer__merged_into__isnull=True)
        .order_by("customer_id")
        .values_list("customer_id", flat=True)
        .distinct()[:CUSTOMERS]
    )
    client = Client()
    client.force_login(manager)
    forms: list[float] = []
    submits: list[float] = []
    today = timezone.localdate()
    for customer_id in ids:
        url = f"/scoring/customers/{customer_id}/new/"
        customer = Customer.objects.get(pk=customer_id)
        asked = {
            f["name"]: "不详"
            for f in engine.form_fields(card, customer=customer, today=today)
            if f["status"] == "ask"
        }
        client.get(url)  # warm-up
        for _ in range(ROUNDS):
            started = time.perf_counter()
            response = client.get(url)
            forms.append(time.perf_counter() - started)
            if response.status_code != 200:
                log(f"GET {url}: {response.status_code}")
                return 1
            started = time.perf_counter()
            response = client.post(url, asked)
            submits.append(time.perf_counter() - started)
            if response.status_code != 302:
                log(f"POST {url}: {response.status_code} {response.content[:300]!r}")
                return 1
    scale = (
        f"{len(ids)} of manager1's customers with a need x {ROUNDS} rounds, demo data (2,000 customers), "
        f"card {card.name} {card.version}, Django test client in process (no HTTP)"
    )
    for name, values in (("preassessment_form", forms), ("preassessment_submit", submits)):
        log(
            f"{name}: p50 {statistics.median(values) * 1000:.2f} ms, p95 {p95(values):.2f} ms ({len(values)})"
        )
        for stat, value in (("p50", statistics.median(values) * 1000), ("p95", p95(values))):
            print(
                json.dumps(
                    {
                        "name": f"{name}_{stat}",
                        "value": round(value, 2),
                        "unit": "ms",
                        "scale": scale,
                        "db": db_label(),
                    }
                )
            )
    return 0


def main() -> int:
    exit_on_sigterm()
    var_dir, postgres = configure_in_process("creditdesk-bench-preassess-")
    sys.path.insert(0, str(ROOT))
    try:
        import django

        django.setup()
        from django.conf import settings

        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        with benchmark_database(postgres):
            return run()
    except Exception as exc:  # reported on stderr; exit non-zero, print no figures
        log(f"error: {type(exc).__name__}: {exc}")
        return 1
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
