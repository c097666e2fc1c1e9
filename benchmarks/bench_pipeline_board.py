"""The lead pipeline at scale, in process: the board (看板) and the lead list with 100,000 leads (issue 17,
"Figures": the pipeline board's p95 with 100,000 leads).

What is measured, printed to stdout one JSON object per line::

    {"name": "pipeline_board_team_lead_p50", "value": 41.2, "unit": "ms", "scale": "100000 leads", ...}
    {"name": "pipeline_board_team_lead_p95", ...}      GET /marketing/board/ as lead1 (the team's leads)
    {"name": "pipeline_board_team_lead_queries", "value": 12, "unit": "queries", ...}   one rendering
    {"name": "pipeline_board_cm_p50", ...}             GET /marketing/board/ as manager1 (their own leads)
    {"name": "pipeline_board_cm_p95", ...}
    {"name": "pipeline_board_cm_queries", ...}
    {"name": "lead_list_team_lead_p50", ...}           GET /marketing/leads/ (first page) as lead1
    {"name": "lead_list_team_lead_p95", ...}
    {"name": "lead_list_team_lead_queries", ...}
    {"name": "lead_list_cm_p50", ...}                  GET /marketing/leads/ (first page) as manager1
    {"name": "lead_list_cm_p95", ...}
    {"name": "lead_list_cm_queries", ...}

Every line also has ``"db"`` (``sqlite`` or ``postgresql``) and ``"detail"`` (how the data was made and
measured). Goal (issue 17): the board's p95 stays low with 100,000 leads — its cost must not grow with the
leads in scope (one GROUP BY for the column counts, one bounded query per column, the cards' facts in a
constant number of queries).

How:

1. Database, as ``bench_approval``: without DATABASE_URL (or with a SQLite one) a private temporary
   CREDITDESK_VAR_DIR with a fresh SQLite database (``migrate``: the stage rules and lost reasons of the
   marketing migration come with it), removed on leaving; with a PostgreSQL DATABASE_URL, Django's test
   database next to it (``test_<name>``, created, migrated and destroyed) — the real database is never
   written. Settings: ``config.settings`` with CREDITDESK_ENV=development (fresh encryption and
   blind-index keys in the temporary directory) and the MD5 password hasher.
2. The demo organisation (``creditdesk.accounts.seed.run``: 2 branches, 4 teams of 5 CMs and their team
   leads) and BENCH_BOARD_CUSTOMERS customers (default 5,000) spread over the 20 CMs, made as
   ``bench_customer_search`` makes them (``services._apply``, stored encrypted by ``bulk_create``).
3. BENCH_BOARD_LEADS leads (default 100,000), written directly by ``bulk_create`` (5,000 per
   transaction) with the fields ``lead_create`` and the later services set: an encrypted phone (distinct,
   so the open-lead unique index holds) with its blind index and tail; channel and channel detail; basis
   (a consent note for the consented); tier (普通 60 %, 中端 30 %, 高净值 10 %); owner and team — the 20
   CMs evenly, a fifth of the 新线索 (4 % of all leads) in their team's pool (no owner). Stages as a
   branch's year looks: 新线索 20 %, 已联系 17 %, 需求确认 10 %, 方案已提供 5 %,
   申请中 3 %, 已放款 15 %, 已流失 30 % (with a lost reason and note). Open leads were entered in the
   last 90 days and touched last within their stage's recycle time (a quarter past the idle time:
   stalled, 停滞), their deadlines computed by
   ``pipeline.deadlines`` from the stage rules of their tier, as ``touch`` does; closed leads over the
   last year. From 需求确认 on a lead has its need (purpose, amount); from 方案已提供 on it is linked to a
   customer of its CM. Every lead past 新线索 (and a third of the new ones) has one follow-up
   (LeadActivity: a contact, or 未接通 for the new ones) at its last touch. No LeadEvents (the pages do
   not read them). ``created_at`` is then set to the entry time (one UPDATE: ``bulk_create`` stamps
   ``auto_now_add`` fields with the current time). SQLite: no ``ANALYZE`` (a Django site never runs it)
   unless BENCH_BOARD_ANALYZE=1; PostgreSQL: ``VACUUM ANALYZE`` unless BENCH_BOARD_ANALYZE=0.
4. Measured with Django's test client signed in (``force_login``) — middleware, session, the view,
   the selectors (``board_columns``: counts per stage with the stalled ones, the ``BOARD_CARDS``
   (20) most recently touched cards per column, their facts and gates) and the template, no HTTP —
   as ``lead1`` (the team lead of T01: the team's leads and pool, about a quarter of all) and
   ``manager1`` (a CM: their own, about a twentieth): ``GET /marketing/board/`` and ``GET
   /marketing/leads/`` (the list's first page), one unmeasured warm-up each, then BENCH_BOARD_ROUNDS
   times (default 30), ``perf_counter`` around each request. The query count of one rendering is
   captured and its three slowest queries go to stderr. The board must answer 200 with
   min(``BOARD_CARDS``, n) cards in every column (n: the leads of that stage the person sees) and
   the list 200 with rows, or the run fails with nothing printed.

Caveats: in process (no HTTP parsing, network or WSGI server); one request at a time on a small host —
whatever else runs on it shows in the figures (hence the load average on stderr); the database is fresh,
its pages mostly in the OS cache; the leads are written directly, not through the services (their tests
and the demo seed cover those); names are synthetic.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from _server import benchmark_database, configure_in_process, db_label, exit_on_sigterm, log, p95_ms

ROOT = Path(__file__).resolve().parent.parent
LEADS = int(os.environ.get("BENCH_BOARD_LEADS", "100000"))
CUSTOMERS = int(os.environ.get("BENCH_BOARD_CUSTOMERS", "5000"))
ROUNDS = int(os.environ.get("BENCH_BOARD_ROUNDS", "30"))
CHUNK = 5000
SEED = 20261217
TEAM_LEAD, CM = "lead1", "manager1"
BOARD, LIST = "/marketing/board/", "/marketing/leads/"

STAGES = (
    ("new", 20),
    ("contacted", 17),
    ("need_confirmed", 10),
    ("proposal_offered", 5),
    ("applying", 3),
    ("disbursed", 15),
    ("lost", 30),
)
POOL_SHARE_OF_NEW = 0.2  # of the 新线索 (4 % of all leads): in the team's pool
STALLED_SHARE = 0.25  # of the owned open leads: past the stage's idle time
TIERS = (("mass", 6), ("middle", 3), ("high_net_worth", 1))
KINDS = (("individual", 13), ("individual_business", 4), ("enterprise", 3))
CHANNELS = (
    ("online", "抖音本地推广", 5),
    ("online", "微信公众号预约", 3),
    ("online", "手机银行贷款预约", 3),
    ("offline", "高新区产业园地推", 4),
    ("offline", "网点厅堂咨询", 4),
    ("partner", "链家门店合作", 3),
    ("partner", "税务数据合作（银税互动）", 3),
    ("referral", "老客户转介绍", 4),
    ("referral", "商会推荐", 2),
)
PURPOSES = {
    "individual": ("consumption", "renovation", "car_purchase", "education", "home_purchase"),
    "individual_business": ("business_working_capital", "equipment"),
    "enterprise": ("business_working_capital", "equipment"),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉鹏飞宇浩然思雨欣怡子轩梓涵"
LOST_NOTES = {
    "rate_too_high": "他行报价更低",
    "amount_insufficient": "可批额度低于需求",
    "chose_competitor": "已在他行获批",
    "not_eligible": "不符合准入条件",
    "need_cancelled": "暂不用款",
    "unreachable": "多次联系未接通",
    "other": "其他原因",
}


def pick(rng: random.Random, pairs: tuple[tuple[Any, ...], ...]) -> tuple[Any, ...]:
    return rng.choices(pairs, weights=[pair[-1] for pair in pairs])[0]


def rules_by_tier() -> dict[str, dict[str, tuple[int, int | None]]]:
    """(idle days, recycle days) of each stage for each tier, as ``selectors.stage_rules`` reads them."""
    from creditdesk.marketing.selectors import stage_rules

    return {
        tier: {
            stage: (rule.max_idle_days, rule.recycle_days) for stage, rule in stage_rules(tier=tier).items()
        }
        for tier, _weight in TIERS
    }


def seed_leads(rng: random.Random, managers: list[Any], leads_of_team: dict[int, Any]) -> dict[str, Any]:
    """LEADS leads and their follow-ups by ``bulk_create`` (see the module docstring, step 3)."""
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from creditdesk.customers.models import Customer
    from creditdesk.customers.services import phone_index
    from creditdesk.marketing import pipeline
    from creditdesk.marketing.models import Lead, LeadActivity, LostReason

    now = timezone.now()
    rules = rules_by_tier()
    reasons = list(LostReason.objects.order_by("position"))
    customers_of: dict[int, list[int]] = {}
    for pk, owner_id in Customer.objects.values_list("pk", "owner_id").order_by("pk"):
        customers_of.setdefault(owner_id, []).append(pk)
    stages = [stage for stage, _weight in STAGES]
    weights = [weight for _stage, weight in STAGES]
    open_stages = {stage.value for stage in pipeline.OPEN_STAGES}
    counts: Counter[str] = Counter()
    started = time.perf_counter()
    for first in range(0, LEADS, CHUNK):
        rows: list[Any] = []
        facts: list[tuple[str, datetime, int]] = []  # stage, last touch, creator — for the follow-up
        for n in range(first, min(first + CHUNK, LEADS)):
            manager = managers[n % len(managers)]
            stage = rng.choices(stages, weights)[0]
            kind = pick(rng, KINDS)[0]
            tier = pick(rng, TIERS)[0]
            channel, detail, _w = pick(rng, CHANNELS)
            phone = f"13{n:09d}"
            owner = manager
            if stage in open_stages:
                entered_at = now - timedelta(days=rng.uniform(0.2, 90))
                if stage == "new" and rng.random() < POOL_SHARE_OF_NEW:
                    owner = None
            else:
                entered_at = now - timedelta(days=rng.uniform(1, 365))
            idle, recycle = rules[tier].get(stage, (30, None))
            if stage in open_stages:
                roll = rng.random()
                top = recycle if recycle is not None else idle * 3
                age = rng.uniform(idle, top) if roll < STALLED_SHARE else rng.uniform(0, idle)
                touched = max(entered_at, now - timedelta(days=age))
                limits = pipeline.deadlines(touched, idle, recycle)
                stalled_after = limits.stalled_after
                recycle_after = limits.recycle_after if owner is not None else None
            else:
                touched = min(now, entered_at + timedelta(days=rng.uniform(1, 60)))
                stalled_after = recycle_after = None
            position = stages.index(stage)
            need = (position >= 2 and stage != "lost") or (stage == "lost" and rng.random() < 0.4)
            customer = None
            if stage in ("proposal_offered", "applying", "disbursed") and customers_of.get(manager.pk):
                customer = rng.choice(customers_of[manager.pk])
            reason = rng.choice(reasons) if stage == "lost" else None
            consent = channel in ("online", "partner") and rng.random() < 0.8
            rows.append(
                Lead(
                    name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
                    kind=kind,
                    phone=phone,
                    phone_index=phone_index(phone),
                    phone_tail=phone[-4:],
                    channel=channel,
                    channel_detail=detail,
                    basis="consent" if consent else "request",
                    consent_note=f"{entered_at:%Y-%m-%d} 于{detail}勾选同意营销联系" if consent else "",
                    value_segment=tier,
                    need_purpose=rng.choice(PURPOSES[kind]) if need else "",
                    need_amount=Decimal(rng.randrange(3, 300) * 10000) if need else None,
                    stage=stage,
                    lost_reason=reason,
                    lost_note=LOST_NOTES.get(reason.code, "") if reason is not None else "",
                    team_id=manager.team_id,
                    owner=owner,
                    customer_id=customer,
                    stage_entered_at=touched if stage != "new" else entered_at,
                    last_touched_at=touched,
                    stalled_after=stalled_after,
                    recycle_after=recycle_after,
                    assigned_at=entered_at if owner is not None else None,
                    created_by=owner or leads_of_team[manager.team_id],
                )
            )
            facts.append((stage, touched, (owner or leads_of_team[manager.team_id]).pk))
            counts[stage] += 1
            counts["pool"] += owner is None
        with transaction.atomic():
            saved = Lead.objects.bulk_create(rows, batch_size=1000)
            activities = [
                LeadActivity(
                    lead=lead,
                    kind=rng.choice(("call", "call", "message", "meeting")),
                    happened_at=touched,
                    outcome="no_answer"
                    if stage == "new"
                    else rng.choice(("reached", "interested", "follow_up")),
                    notes="电话沟通贷款需求",
                    created_by_id=creator,
                )
                for lead, (stage, touched, creator) in zip(saved, facts, strict=True)
                if stage != "new" or rng.random() < 0.33
            ]
            LeadActivity.objects.bulk_create(activities, batch_size=1000)
            counts["activities"] += len(activities)
        if (first // CHUNK) % 4 == 3:
            log(f"  {first + len(rows):,} leads stored ({time.perf_counter() - started:.1f} s)")
    with transaction.atomic():  # bulk_create stamps auto_now_add with the current time: the entry time
        Lead.objects.filter(assigned_at__isnull=False).update(created_at=F("assigned_at"))
        Lead.objects.filter(assigned_at__isnull=True).update(created_at=F("stage_entered_at"))
    took = time.perf_counter() - started
    log(f"{LEADS:,} leads, {counts['activities']:,} follow-ups stored in {took:.1f} s")
    return counts


def expected_cards(user: Any) -> int:
    """What the board must show to ``user``: min(``BOARD_CARDS``, n) cards for each stage of n leads in
    their scope."""
    from creditdesk.marketing.selectors import BOARD_CARDS, BOARD_STAGES, lead_list_visible_to

    counts = Counter(lead_list_visible_to(user=user).values_list("stage", flat=True))
    return sum(min(BOARD_CARDS, counts.get(stage.value, 0)) for stage in BOARD_STAGES)


def measure(user: Any, url: str, marker: bytes, expected: int | None) -> tuple[list[float], int, int]:
    """``url`` as ``user``, ROUNDS times after a warm-up; returns the latencies, the queries of one
    rendering and the rows shown (``marker`` occurrences). Fails unless 200 with ``expected`` rows (or
    some rows when None)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    response = client.get(url)  # warm-up
    shown = response.content.count(marker)
    if response.status_code != 200 or (shown != expected if expected is not None else shown == 0):
        raise RuntimeError(f"GET {url} as {user.username} answered {response.status_code} with {shown} rows")
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured.captured_queries)
    for query in sorted(captured.captured_queries, key=lambda q: float(q["time"]), reverse=True)[:3]:
        log(f"{url} as {user.username}: {float(query['time']) * 1000:.1f} ms: {query['sql'][:160]}")
    latencies = []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        client.get(url)
        latencies.append(time.perf_counter() - began)
    return latencies, queries, shown


def run(postgres: bool) -> int:
    from bench_customer_search import generate
    from django.core.management import call_command
    from django.db import connection

    from creditdesk.accounts import seed as accounts_seed
    from creditdesk.accounts.choices import Role
    from creditdesk.accounts.models import User
    from creditdesk.marketing.selectors import lead_list_visible_to

    started = time.perf_counter()
    if not postgres:
        call_command("migrate", verbosity=0, interactive=False)
    accounts_seed.run()
    managers = sorted(User.objects.filter(role=Role.MANAGER, is_active=True), key=lambda u: u.pk)
    team_leads = {u.team_id: u for u in User.objects.filter(role=Role.TEAM_LEAD, is_active=True)}
    people = {u.username: u for u in User.objects.filter(username__in=[TEAM_LEAD, CM])}
    log(f"organisation ready ({time.perf_counter() - started:.1f} s); generating {CUSTOMERS:,} customers …")
    generated = generate(managers, CUSTOMERS)
    log(f"{generated.rows:,} customers stored in {generated.seconds:.1f} s ({generated.skipped} refused)")
    rng = random.Random(SEED)  # reproducible synthetic data
    counts = seed_leads(rng, managers, team_leads)
    analyze = os.environ.get("BENCH_BOARD_ANALYZE", "1" if postgres else "0") == "1"
    if analyze:
        statement = "VACUUM ANALYZE" if postgres else "ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(statement)
        log(f"{statement} done")
    log("load average before the timing: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))

    figures = []
    for label, username in (("team_lead", TEAM_LEAD), ("cm", CM)):
        user = people[username]
        in_scope = lead_list_visible_to(user=user).count()
        board, board_queries, cards = measure(user, BOARD, b'data-testid="lead-card"', expected_cards(user))
        listed, list_queries, rows = measure(user, LIST, b'data-testid="lead-row"', None)
        log(
            f"{username}: {in_scope:,} leads in scope; board {cards} cards, p50 "
            f"{statistics.median(board) * 1000:.1f} ms, p95 {p95_ms(board):.1f} ms, {board_queries} queries; "
            f"list {rows} rows, p50 {statistics.median(listed) * 1000:.1f} ms, p95 {p95_ms(listed):.1f} ms, "
            f"{list_queries} queries"
        )
        figures.append((label, username, in_scope, "pipeline_board", BOARD, board, board_queries, cards))
        figures.append((label, username, in_scope, "lead_list", LIST, listed, list_queries, rows))

    db = db_label()
    shares = ", ".join(f"{stage} {counts[stage]:,}" for stage, _w in STAGES)
    how = (
        f"{LEADS:,} leads (bulk_create) over the 20 CMs of 4 teams ({shares}; "
        f"{counts['pool']:,} in the pools), {counts['activities']:,} follow-ups, {generated.rows:,} "
        f"customers; {ROUNDS} rounds after a warm-up, test client"
        + ((", VACUUM ANALYZE" if postgres else ", ANALYZE") if analyze else "")
    )
    scale = f"{LEADS} leads"
    for label, username, in_scope, page, url, latencies, queries, shown in figures:
        shown_as = "cards" if page == "pipeline_board" else "rows"
        what = f"GET {url} as {username} ({in_scope:,} leads in scope, {shown} {shown_as})"
        for suffix, value, unit in (
            ("p50", round(statistics.median(latencies) * 1000, 2), "ms"),
            ("p95", round(p95_ms(latencies), 2), "ms"),
            ("queries", queries, "queries"),
        ):
            line = {
                "name": f"{page}_{label}_{suffix}",
                "value": value,
                "unit": unit,
                "scale": scale,
                "detail": f"{what}; {how}",
                "db": db,
            }
            print(json.dumps(line, ensure_ascii=False), flush=True)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    log(f"total {time.perf_counter() - started:.1f} s; load average {load}")
    return 0


def main() -> int:
    exit_on_sigterm()
    var_dir, postgres = configure_in_process("creditdesk-bench-board-")
    sys.path.insert(0, str(ROOT))
    try:
        import django

        django.setup()
        from django.conf import settings

        # The organisation's ~35 demo people would each be hashed with Argon2 (slow by design); nothing
        # measured checks a password (the test client signs in with force_login).
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test client
        settings.MEDIA_ROOT = var_dir / "media"
        log(f"database: {db_label()}; temporary CREDITDESK_VAR_DIR: {var_dir}")
        with benchmark_database(postgres):
            return run(postgres)
    except Exception as exc:  # reported on stderr; exit non-zero, print no figures
        log(f"error: {type(exc).__name__}: {exc}")
        return 1
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
