"""Approval at scale, in process: the approver's queue with 10,000 open applications, and the full path
from submission to disbursement through the API (issue 15, "Figures").

What is measured, printed to stdout one JSON object per line::

    {"name": "approval_queue_p50", "value": 1.23, "unit": "ms", "scale": "10000 open applications", ...}
    {"name": "approval_queue_p95", ...}                the selector: list(approval_queue(user=…)[:50])
    {"name": "approval_queue_page_p50", ...}           GET /applications/queue/ (view + selectors + template)
    {"name": "approval_queue_page_p95", ...}
    {"name": "approval_queue_page_queries", "value": 7, "unit": "queries", ...}   one page rendering
    {"name": "submit_to_disburse_per_second", "value": 4.5, "unit": "paths/s", ...}
    {"name": "submit_to_disburse_p50", "value": 220.0, "unit": "ms", ...}          one path

Every line also has ``"db"`` (``sqlite`` or ``postgresql``). Goal (issue 15): the queue's p95 under 100 ms
on PostgreSQL with 10,000 open applications.

How:

1. Database. Without DATABASE_URL (or with a SQLite one): a private temporary CREDITDESK_VAR_DIR with a
   fresh SQLite database (``migrate``, which also loads the default routing, concession and exposure
   matrices), removed on leaving; uploaded files (MEDIA_ROOT) go into that directory too. With a
   PostgreSQL DATABASE_URL: Django's test database next to it (``test_<name>``, created and migrated,
   destroyed on leaving) — the real database is never written. Settings: ``config.settings`` with
   CREDITDESK_ENV=development (fresh encryption and blind-index keys in the temporary directory) and the
   MD5 password hasher (the set-up hashes ~35 demo passwords; nothing measured checks one, except the
   API token requests made once before the timing).
2. The demo organisation (``creditdesk.accounts.seed.run``: 2 branches, 4 teams of 5 CMs with their team
   leads, 4 approvers of 500,000 / 3,000,000 / 1,000,000 / 10,000,000 authority, a risk manager per
   branch) and the small product catalogue of the solutions tests (信用贷 XYD, 抵押贷 DYD, 装修分期, 经营贷
   JYD, 存单质押贷; ``products.services.product_create`` by risk1).
3. The queue. BENCH_APPROVAL_CUSTOMERS customers (default BENCH_APPROVAL_ROWS / 4), spread evenly over the
   20 CMs, made as ``bench_customer_search`` makes them (``services._apply`` on synthetic people,
   individual businesses and enterprises, stored encrypted by ``bulk_create``). Then BENCH_APPROVAL_ROWS
   open applications (default 10,000), the same number per customer, written directly by ``bulk_create``
   (5,000 per transaction) — Application, its one ApplicationPart (XYD or DYD for a person, JYD for a
   business, an amount within the product's range and the assignee's authority), its borrower
   (ApplicationParty) and its approval steps (ApprovalStep: team lead, then approver, 24 h SLA). Who the
   application waits for, within the CM's branch: the branch's first approver (approver1 / approver3) for
   half, its second approver for a fifth, the CM's team lead for the rest — so approver1 holds about a
   quarter of all (about 2,500 at the default scale); at the team lead the status is ``submitted``
   (level 1), at an approver ``under_review`` (level 2, the team lead's step ended). ``stage_entered_at``
   is spread uniformly over the last 30 days, so most open steps are past their 24 h SLA: the page's
   "审批超时" section is full (50 rows) too — a backlog, the heavy case of the page. SQLite: no
   ``ANALYZE`` (a Django site never runs it) unless BENCH_APPROVAL_ANALYZE=1; PostgreSQL: ``VACUUM
   ANALYZE`` (what autovacuum does soon after a bulk load) unless BENCH_APPROVAL_ANALYZE=0.
4. Measured as approver1, one call after the other, ``perf_counter`` around each, after one unmeasured
   warm-up: (a) ``list(approval_queue(user=approver1)[:50])`` — the query, the join of customer, CM and
   assignee, the amount subquery and the decryption of the customer names of the rows returned — and (b)
   ``GET /applications/queue/`` through Django's test client signed in as approver1 (``force_login``):
   middleware, session, the view's three selectors (queue, committee, overdue) and the template, no HTTP.
   BENCH_APPROVAL_ROUNDS times each (default 30). The query count of one rendering is captured; the page
   must answer 200 with 50 queue rows, or the run fails with nothing printed.
5. The path. Before the timing, for each of BENCH_APPROVAL_PATHS paths (default 20) and one warm-up path:
   a customer of manager1 (``customers.services.customer_create``, a valid resident ID, 30,000 a month),
   graded B (a pre-assessment, as the solutions tests' ``grade`` helper makes it: route "30 万元以下，风险
   等级 A–C" = team lead → approver), and an application of 150,000 / 36 months / 等额本息 of 信用贷 made
   ready with the real services (``applications.tests.flow.ready``: 征信 authorization and inquiry,
   ``application_create``, the investigation concluded, 联网核查, every checklist document uploaded and
   verified). Timed, through the API in process (DRF's APIClient, each person with their own API token
   from ``POST /api/v1/auth/token/``, the token checked on every request): manager1 ``POST …/submit/`` →
   lead1 ``POST …/decisions/`` recommend → approver1 ``POST …/decisions/`` approve with one condition →
   risk1 ``POST …/condition-checks/`` → manager1 ``POST …/interviews/`` (face to face) and ``POST
   …/contract/`` (the contract and its PDF) → manager1 ``POST /api/v1/applications/{id}/disbursements/``
   (受托支付; the loan and its 36 instalments booked). Each answer's status is checked and the loan must
   exist, or the run fails. Paths per second = paths / their total time; the p50 of one path in ms.

The median time of each request of the path, and the load average before and after the timing, go to
stderr.

Caveats: in process, so no HTTP parsing, network or WSGI server (``bench_http`` measures those for other
pages); one request at a time on a small host, so paths/s is one worker's rate, not the server's, and
whatever else runs on the host shows in the figures (hence the load average); the database is fresh, so
its pages are mostly in the OS cache; the queue's rows are written directly, not
through the services (the path, which is, covers those); the customer names are synthetic.
"""

from __future__ import annotations

import copy
import json
import os
import random
import shutil
import statistics
import sys
import time
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from _server import benchmark_database, configure_in_process, db_label, exit_on_sigterm, log, p95_ms

ROOT = Path(__file__).resolve().parent.parent
ROWS = int(os.environ.get("BENCH_APPROVAL_ROWS", "10000"))
CUSTOMERS = int(os.environ.get("BENCH_APPROVAL_CUSTOMERS") or max(1, ROWS // 4))
ROUNDS = int(os.environ.get("BENCH_APPROVAL_ROUNDS", "30"))
PATHS = int(os.environ.get("BENCH_APPROVAL_PATHS", "20"))
CHUNK = 5000
SEED = 20261206
QUEUE_ROWS = 50  # what the page shows per section (views.QUEUE_ROWS)
SLA_HOURS = 24
APPROVER = "approver1"
CM, LEAD, RISK = "manager1", "lead1", "risk1"
CONDITION = "落实借款人工作单位收入证明原件核验"
PATH_AMOUNT = "150000.00"
# Who an application waits for, within the CM's branch (shares of that branch's applications).
SHARES = {"first_approver": 0.5, "second_approver": 0.2, "team_lead": 0.3}
BRANCH_APPROVERS = {"B01": ("approver1", "approver2"), "B02": ("approver3", "approver4")}
# Born in the 1980s (valid resident IDs): 36–46 years old, within 信用贷's 22–60.
PATH_REGION = "110105"


def resident_id(index: int) -> str:
    from stdnum.cn import ric

    born = f"198{index % 10}{(index % 12) + 1:02d}{(index % 28) + 1:02d}"
    body = f"{PATH_REGION}{born}{(index * 7 + 101) % 1000:03d}"
    return body + str(ric.calc_check_digit(body + "0"))


def catalogue(risk: Any) -> dict[str, Any]:
    """The solutions tests' small catalogue, created through the product service; code → current version."""
    from creditdesk.products import services as product_services
    from creditdesk.solutions.tests.small_catalogue import DYD, FQ, JYD, XYD, ZYD

    return {
        spec["code"]: product_services.product_create(
            actor=risk, spec=copy.deepcopy(spec), note="首版"
        ).current_version
        for spec in (XYD, DYD, FQ, JYD, ZYD)
    }


def seed_queue(versions: dict[str, Any], rng: random.Random) -> dict[str, int]:
    """CUSTOMERS synthetic customers (as ``bench_customer_search`` makes them), then ROWS open
    applications with their part, borrower and approval steps, by ``bulk_create``. Returns how many
    applications wait for each assignee (username → count)."""
    from bench_customer_search import generate
    from django.db import transaction
    from django.utils import timezone

    from creditdesk.accounts.choices import Role
    from creditdesk.accounts.models import User
    from creditdesk.applications.models import Application, ApplicationPart, ApplicationParty, ApprovalStep
    from creditdesk.applications.routing import Level
    from creditdesk.customers.models import Customer

    managers = list(User.objects.filter(role=Role.MANAGER, is_active=True).select_related("team__branch"))
    managers.sort(key=lambda m: m.pk)
    log(f"generating {CUSTOMERS:,} customers through services._apply …")
    generated = generate(managers, CUSTOMERS)
    log(f"{generated.rows:,} customers stored in {generated.seconds:.1f} s ({generated.skipped} refused)")
    people = {u.username: u for u in User.objects.filter(role__in=[Role.APPROVER, Role.TEAM_LEAD])}
    leads = {u.team_id: u for u in people.values() if u.role == Role.TEAM_LEAD}
    by_pk = {m.pk: m for m in managers}
    customers = list(Customer.objects.order_by("pk").values_list("pk", "owner_id", "kind"))
    if not customers:
        raise RuntimeError("no customers were generated")

    def assignee_of(owner: Any) -> tuple[Any, str]:
        first, second = BRANCH_APPROVERS[owner.team.branch.code]
        roll = rng.random()
        if roll < SHARES["first_approver"]:
            return people[first], Level.APPROVER
        if roll < SHARES["first_approver"] + SHARES["second_approver"]:
            return people[second], Level.APPROVER
        return leads[owner.team_id], Level.TEAM_LEAD  # the rest, SHARES["team_lead"]

    def part_for(kind: str, cap: Decimal | None) -> tuple[Any, Decimal, int]:
        code = "JYD" if kind != "individual" else ("XYD" if rng.random() < 0.6 else "DYD")
        version = versions[code]
        spec = version.as_spec()
        high = spec.max_amount if cap is None else min(spec.max_amount, cap)
        thousands = rng.randint(int(spec.min_amount) // 1000, int(high) // 1000)
        term = rng.choice(
            [t for t in (12, 24, 36, 60, 120) if spec.min_term_months <= t <= spec.max_term_months]
        )
        return version, Decimal(thousands * 1000), term

    now = timezone.now()
    today = timezone.localdate()
    counts: dict[str, int] = {}
    started = time.perf_counter()
    for first_row in range(0, ROWS, CHUNK):
        plans = []
        for index in range(first_row, min(first_row + CHUNK, ROWS)):
            customer_pk, owner_pk, kind = customers[index % len(customers)]
            owner = by_pk[owner_pk]
            person, level = assignee_of(owner)
            cap = person.approval_authority if level == Level.APPROVER else None
            entered = now - timedelta(seconds=rng.uniform(60, 30 * 86400))
            at_lead = level == Level.TEAM_LEAD
            application = Application(
                number=f"BQ{today:%Y%m%d}{index:07d}",
                customer_id=customer_pk,
                purpose="business_working_capital" if kind != "individual" else "renovation",
                status="submitted" if at_lead else "under_review",
                owner=owner,
                created_by=owner,
                assigned_to=person,
                current_level=1 if at_lead else 2,
                grade=rng.choice("ABC"),
                recommendation="recommend",
                submitted_at=entered if at_lead else entered - timedelta(hours=rng.uniform(1, 72)),
                stage_entered_at=entered,
            )
            plans.append((application, part_for(kind, cap), person, at_lead))
            counts[person.username] = counts.get(person.username, 0) + 1
        with transaction.atomic():
            Application.objects.bulk_create([a for a, _p, _w, _l in plans], batch_size=1000)
            if any(a.pk is None for a, _p, _w, _l in plans):
                raise RuntimeError("bulk_create did not return the applications' primary keys")
            parts, parties, steps = [], [], []
            for application, (version, amount, term), person, at_lead in plans:
                rate = Decimal("4.2000")
                parts.append(
                    ApplicationPart(
                        application=application,
                        position=1,
                        product_version=version,
                        amount=amount,
                        term_months=term,
                        method="equal_installment",
                        annual_rate=rate,
                        priced_rate=rate,
                        price={"kind": "fixed", "annual_rate": "0.042"},
                        priced_on=application.submitted_at.date(),
                    )
                )
                parties.append(
                    ApplicationParty(
                        application=application, customer_id=application.customer_id, role="borrower"
                    )
                )
                lead = leads[application.owner.team_id]
                submitted, entered = application.submitted_at, application.stage_entered_at
                steps.append(
                    ApprovalStep(
                        application=application,
                        position=1,
                        level=Level.TEAM_LEAD,
                        assigned_to=lead,
                        started_at=submitted,
                        due_at=submitted + timedelta(hours=SLA_HOURS),
                        ended_at=None if at_lead else entered,
                    )
                )
                steps.append(
                    ApprovalStep(
                        application=application,
                        position=2,
                        level=Level.APPROVER,
                        assigned_to=None if at_lead else person,
                        started_at=None if at_lead else entered,
                        due_at=None if at_lead else entered + timedelta(hours=SLA_HOURS),
                    )
                )
            ApplicationPart.objects.bulk_create(parts, batch_size=1000)
            ApplicationParty.objects.bulk_create(parties, batch_size=1000)
            ApprovalStep.objects.bulk_create(steps, batch_size=1000)
    log(f"{ROWS:,} open applications stored in {time.perf_counter() - started:.1f} s")
    return counts


def measure_queue(approver: Any) -> tuple[list[float], list[float], int, int]:
    """The selector and the page, ROUNDS times each after a warm-up; returns their latencies, the
    queries of one rendering and the rows the selector returned."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from creditdesk.applications.selectors.application import approval_queue

    rows = len(list(approval_queue(user=approver)[:QUEUE_ROWS]))  # warm-up
    selector = []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        list(approval_queue(user=approver)[:QUEUE_ROWS])
        selector.append(time.perf_counter() - began)

    client = Client()
    client.force_login(approver)
    response = client.get("/applications/queue/")  # warm-up
    shown = response.content.count(b'data-testid="queue-row"')
    if response.status_code != 200 or shown != min(rows, QUEUE_ROWS):
        raise RuntimeError(f"GET /applications/queue/ answered {response.status_code} with {shown} rows")
    with CaptureQueriesContext(connection) as captured:
        client.get("/applications/queue/")
    queries = len(captured.captured_queries)
    slowest = sorted(captured.captured_queries, key=lambda q: float(q["time"]), reverse=True)[:3]
    for query in slowest:  # diagnostics: where a rendering's database time goes
        log(f"page query {float(query['time']) * 1000:.1f} ms: {query['sql'][:160]}")
    page = []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        client.get("/applications/queue/")
        page.append(time.perf_counter() - began)
    return selector, page, queries, rows


def grade(risk: Any, cm: Any, customer: Any, letter: str) -> None:
    """A pre-assessment graded ``letter`` (scored by hand, as the solutions tests' ``grade`` helper)."""
    from creditdesk.scoring import services as scoring_services
    from creditdesk.scoring.models import Assessment, ScoreModel

    artefact = ROOT / "creditdesk" / "scoring" / "shipped" / "german_credit.json"
    model = ScoreModel.objects.first() or scoring_services.score_model_register(
        actor=risk, artefact=artefact.read_text(encoding="utf-8")
    )
    Assessment.objects.create(
        customer=customer,
        model=model,
        points=Decimal("600.00"),
        probability_of_default=Decimal("0.050000"),
        grade=letter,
        created_by=cm,
    )


def prepare_paths(count: int, people: dict[str, Any]) -> list[Any]:
    """``count`` applications of manager1's customers, each ready to submit (not timed)."""
    from creditdesk.applications.tests import flow
    from creditdesk.customers.services import CustomerInput, customer_create

    cm, risk = people[CM], people[RISK]
    ready = []
    started = time.perf_counter()
    for index in range(count):
        customer = customer_create(
            actor=cm,
            data=CustomerInput(
                kind="individual",
                name=f"测试{'甲乙丙丁戊己庚辛壬癸'[index % 10]}{index}",
                id_number=resident_id(index),
                monthly_income="30000",
                monthly_debt_payments="2000",
                profile={"industry": "教育"},
                credit_current_overdue="0",
                credit_worst_overdue_days="0",
                credit_inquiries_6m="2",
            ),
        )
        grade(risk, cm, customer, "B")
        ready.append(flow.ready(cm, customer, product="XYD", amount=PATH_AMOUNT, term_months=36))
    log(f"{count} applications made ready in {time.perf_counter() - started:.1f} s (not timed)")
    return ready


def api_clients(people: dict[str, Any]) -> dict[str, Any]:
    """One APIClient per person, each with the API token the sign-in endpoint issued them."""
    from rest_framework.test import APIClient

    from creditdesk.accounts.seed import demo_password

    clients = {}
    for username in (CM, LEAD, APPROVER, RISK):
        client = APIClient()
        answer = client.post(
            "/api/v1/auth/token/", {"username": username, "password": demo_password()}, format="json"
        )
        if answer.status_code != 200:
            raise RuntimeError(f"POST /api/v1/auth/token/ for {username} answered {answer.status_code}")
        client.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
        clients[username] = client
    return clients


def walk(clients: dict[str, Any], application: Any, part: int, n: int, steps: dict[str, list[float]]) -> None:
    """One path, submit → disbursement, each answer checked; each request's time added to ``steps``
    (by its label: ``decisions/`` counts the recommendation and the approval)."""
    from django.utils import timezone

    base = f"/api/v1/applications/{application.pk}"
    today = timezone.localdate().isoformat()
    borrower = application.customer_id

    def post(who: str, path: str, body: dict[str, Any], expected: int, key: str = "") -> Any:
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
        began = time.perf_counter()
        answer = clients[who].post(f"{base}/{path}", body, format="json", **headers)
        steps[path].append(time.perf_counter() - began)
        if answer.status_code != expected:
            raise RuntimeError(
                f"{who} POST {base}/{path} answered {answer.status_code}: {answer.content[:300]!r}"
            )
        return answer.json()

    submitted = post(CM, "submit/", {}, 200, key=f"submit-{n}")
    if submitted["assigned_to"] != LEAD:
        raise RuntimeError(f"submitted to {submitted['assigned_to']}, not {LEAD}")
    post(LEAD, "decisions/", {"outcome": "recommend", "comment": "同意推荐"}, 201, key=f"lead-{n}")
    post(APPROVER, "decisions/", {"outcome": "approve", "conditions": [CONDITION]}, 201, key=f"approve-{n}")
    post(
        RISK,
        "condition-checks/",
        {"items": [{"condition": CONDITION, "met": True, "note": "已核验原件"}]},
        201,
    )
    held_at = (timezone.now() - timedelta(minutes=5)).isoformat()
    interview = {
        "customer": borrower,
        "kind": "face_to_face",
        "held_at": held_at,
        "place": "本行营业部二楼面签室",
        "second_witness": "王芳",
    }
    post(CM, "interviews/", interview, 201)
    post(CM, "contract/", {"value_date": today, "place": "本行营业部"}, 201)
    disbursement = {
        "part": part,
        "value_date": today,
        "mode": "entrusted",
        "payee_name": "北京美家装饰有限公司",
        "payee_account": "6222021234567890",
        "payee_bank": "工商银行北京分行",
        "payment_reference": f"装修合同 ZX-2026-{n:03d}",
    }
    loan = post(CM, "disbursements/", disbursement, 201, key=f"disburse-{n}")
    if loan.get("application") != application.pk or len(loan.get("installments", [])) != 36:
        raise RuntimeError(f"the disbursement of application {application.pk} booked no 36-month loan")


def measure_paths(people: dict[str, Any]) -> tuple[float, list[float]]:
    """PATHS timed paths after a warm-up; returns their total wall time and each path's time (the
    median of each request of the path goes to stderr)."""
    from creditdesk.applications.models import Application
    from creditdesk.loans.models import Loan

    applications = prepare_paths(PATHS + 1, people)
    parts = [a.parts.get().pk for a in applications]  # the part each disbursement names
    clients = api_clients(people)
    walk(clients, applications[0], parts[0], 0, defaultdict(list))  # warm-up
    latencies = []
    steps: dict[str, list[float]] = defaultdict(list)
    began = time.perf_counter()
    for n, application in enumerate(applications[1:], start=1):
        start = time.perf_counter()
        walk(clients, application, parts[n], n, steps)
        latencies.append(time.perf_counter() - start)
    total = time.perf_counter() - began
    log(
        "path requests, median: "
        + ", ".join(f"{path} {statistics.median(times) * 1000:.0f} ms" for path, times in steps.items())
    )
    ids = [a.pk for a in applications]
    if Application.objects.filter(pk__in=ids, status="disbursed").count() != len(ids):
        raise RuntimeError("not every path ended with the application disbursed")
    if Loan.objects.filter(disbursement__application_id__in=ids).count() != len(ids):
        raise RuntimeError("not every path booked its loan")
    return total, latencies


def run(postgres: bool) -> int:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from creditdesk.accounts import seed as accounts_seed
    from creditdesk.accounts.models import User
    from creditdesk.applications.models import Application

    started = time.perf_counter()
    if not postgres:
        call_command("migrate", verbosity=0, interactive=False)
    accounts_seed.run()
    people = {u.username: u for u in User.objects.filter(username__in=[CM, LEAD, APPROVER, RISK])}
    if people[APPROVER].approval_authority < Decimal(PATH_AMOUNT):
        raise RuntimeError(f"{APPROVER}'s authority does not cover {PATH_AMOUNT}")
    versions = catalogue(people[RISK])
    log(
        f"organisation and catalogue ready ({time.perf_counter() - started:.1f} s); "
        f"media: {settings.MEDIA_ROOT}"
    )
    rng = random.Random(SEED)
    counts = seed_queue(versions, rng)
    analyze = os.environ.get("BENCH_APPROVAL_ANALYZE", "1" if postgres else "0") == "1"
    if analyze:
        statement = "VACUUM ANALYZE" if postgres else "ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(statement)
        log(f"{statement} done")
    log("load average before the timing: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    approver = people[APPROVER]
    selector, page, queries, rows = measure_queue(approver)
    waiting = counts.get(APPROVER, 0)
    sel_p50, sel_p95 = statistics.median(selector) * 1000, p95_ms(selector)
    page_p50, page_p95 = statistics.median(page) * 1000, p95_ms(page)
    log(f"selector: p50 {sel_p50:.2f} ms, p95 {sel_p95:.2f} ms, max {max(selector) * 1000:.2f} ms")
    log(
        f"page:     p50 {page_p50:.2f} ms, p95 {page_p95:.2f} ms, max {max(page) * 1000:.2f} ms, "
        f"{queries} queries"
    )
    log(f"{APPROVER} has {waiting:,} of {ROWS:,} open applications waiting; the queue shows {rows}")

    total, latencies = measure_paths(people)
    per_second = len(latencies) / total
    path_p50 = statistics.median(latencies) * 1000
    log(
        f"paths: {len(latencies)} in {total:.2f} s = {per_second:.2f}/s; p50 {path_p50:.1f} ms, "
        f"max {max(latencies) * 1000:.1f} ms"
    )
    open_now = Application.objects.filter(status__in=["submitted", "under_review"]).count()
    if open_now != ROWS:
        raise RuntimeError(f"{open_now} open applications after the paths, expected {ROWS}")

    db = db_label()
    scale = f"{ROWS} open applications"
    how = (
        f"{ROWS:,} open applications (bulk_create) over {CUSTOMERS:,} customers of 20 CMs, stage entered "
        f"over the last 30 days; {APPROVER} waited on by {waiting:,}; first {QUEUE_ROWS}, {ROUNDS} rounds"
        + ((", VACUUM ANALYZE" if postgres else ", ANALYZE") if analyze else "")
    )
    path_how = (
        f"{len(latencies)} paths one after the other through the API in process (token auth): submit, lead "
        f"recommends, approver approves with a condition, risk checks it, CM interviews, signs the contract, "
        f"disburses (受托支付) {PATH_AMOUNT} / 36 months of 信用贷; with {ROWS:,} other open applications"
    )
    selector = f"selector approval_queue(user=…)[:{QUEUE_ROWS}]"
    lines = [
        ("approval_queue_p50", round(sel_p50, 2), "ms", f"{selector}; {how}"),
        ("approval_queue_p95", round(sel_p95, 2), "ms", f"{selector}; {how}"),
        (
            "approval_queue_page_p50",
            round(page_p50, 2),
            "ms",
            f"GET /applications/queue/ (test client); {how}",
        ),
        (
            "approval_queue_page_p95",
            round(page_p95, 2),
            "ms",
            f"GET /applications/queue/ (test client); {how}",
        ),
        (
            "approval_queue_page_queries",
            queries,
            "queries",
            f"one rendering of GET /applications/queue/; {how}",
        ),
        ("submit_to_disburse_per_second", round(per_second, 2), "paths/s", path_how),
        ("submit_to_disburse_p50", round(path_p50, 1), "ms", path_how),
    ]
    for name, value, unit, detail in lines:
        line = {"name": name, "value": value, "unit": unit, "scale": scale, "detail": detail, "db": db}
        print(json.dumps(line, ensure_ascii=False), flush=True)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    log(f"total {time.perf_counter() - started:.1f} s; load average {load}")
    return 0


def main() -> int:
    exit_on_sigterm()
    var_dir, postgres = configure_in_process("creditdesk-bench-approval-")
    sys.path.insert(0, str(ROOT))
    try:
        import django

        django.setup()
        from django.conf import settings

        # The organisation's ~35 demo people would each be hashed with Argon2 (slow by design); only the
        # four API token requests made before the timing check a password, so a fast hasher keeps the
        # set-up short.
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test clients
        settings.MEDIA_ROOT = var_dir / "media"  # uploaded checklist documents, consents
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
