"""Customer search latency at scale: the one search box (``selectors.customer_search``), in process.

What is measured: ``list(customer_search(user=…, query=…)[:50])`` — the first 50 results, as the list
page shows them: the scope filter, the search, the ranking, the owner join, the fetch, and the
decryption of the encrypted fields of the rows returned. One query after the other, ``perf_counter``
around each. Printed to stdout, one JSON object per line, for each role::

    {"name": "customer_search_p50", "value": 1.23, "unit": "ms", "role": "manager", "scale": "...",
     "db": "sqlite"}
    {"name": "customer_search_p95", "value": 4.56, "unit": "ms", "role": "manager", ...}

Roles: ``manager`` (manager1: scope = own customers, about 1/20 of the rows) and ``branch_head``
(head1: scope = the branch, about half of the rows). Goal (issue 4): p95 under 50 ms on PostgreSQL
with 1,000,000 customers; this benchmark gives the SQLite figure at 100,000 by default.

How:

1. Database. Without DATABASE_URL (or with a SQLite one): a private temporary CREDITDESK_VAR_DIR with a
   fresh SQLite database (``migrate``), removed on leaving. With a PostgreSQL DATABASE_URL: Django's
   test database next to it (``test_<name>``, created and migrated, destroyed on leaving) — the real
   database is never written. Settings: ``config.settings`` with CREDITDESK_ENV=development (fresh
   encryption and blind-index keys in the temporary directory).
2. The demo organisation (``creditdesk.accounts.seed.run``: 2 branches, 4 teams, 20 CMs), then
   BENCH_SEARCH_ROWS customers (default 100,000), spread evenly over the 20 CMs. Every row goes through
   ``services._apply`` — the service's own validation, pinyin, blind indexes and tails — and is stored
   encrypted by ``bulk_create`` (5,000 per transaction). The rows are synthetic but shaped like the
   real thing: 70 % people with valid resident IDs (check digit computed, real county codes) and names
   drawn from the common surnames (weighted) and given-name characters, 15 % individual businesses and
   15 % enterprises with valid credit codes; every customer has a unique mainland mobile number.
   SQLite: no ``ANALYZE`` (a Django site never runs it) unless BENCH_SEARCH_ANALYZE=1; PostgreSQL:
   ``VACUUM ANALYZE`` (what autovacuum does soon after a bulk load: statistics and the visibility
   map) unless BENCH_SEARCH_ANALYZE=0.
3. Queries, per role, five kinds × 10: pinyin initials (``zs``, ``wl`` …), full pinyin prefixes
   (``zhang``, ``wangli`` …), four-digit tails (of phones and IDs in scope, a few random), full phone
   numbers (7 in scope, 3 unknown) and Chinese name fragments (``张``, ``王伟``, ``科技`` …). One
   unmeasured warm-up pass, then BENCH_SEARCH_ROUNDS passes (default 4) in a shuffled order. A known
   phone in scope must be found, or the run fails with nothing printed.
4. Per kind, p50/p95 go to stderr; for a kind whose p95 is over 50 ms (or every kind with
   BENCH_SEARCH_EXPLAIN=1) the slowest query of the kind is run once more: every statement it runs
   with its time, and the plan of the slowest statement, on stderr.
5. The 360 page at the same scale (``customer_360_p95``, ``customer_360_queries``): 25 of manager1's
   customers, one given 30 related parties and 30 past owners, rendered through Django's test client
   (view + selectors + template, no HTTP) ROUNDS times each; the query count of every rendering is
   captured, and the most any page took is printed (issue 4's goal: constant, at most 15).

Caveats: in process, so no HTTP, template or network time (the page adds those); one query at a time on
a 2-CPU host; the database is fresh, so its pages are mostly in the OS cache.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from _server import benchmark_database, configure_in_process, db_label, exit_on_sigterm, log, p95_ms

ROOT = Path(__file__).resolve().parent.parent
ROWS = int(os.environ.get("BENCH_SEARCH_ROWS", "100000"))
ROUNDS = int(os.environ.get("BENCH_SEARCH_ROUNDS", "4"))
CHUNK = 5000
SEED = 20261122
SLOW_MS = 50.0
RESULTS = 50
PAGES_360 = 25
HISTORY_360 = 30

SURNAMES = (  # the commonest surnames, weights roughly their share of the population (%)
    ("王", 7.1), ("李", 7.0), ("张", 6.7), ("刘", 5.4), ("陈", 4.5), ("杨", 3.1), ("黄", 2.2),
    ("赵", 2.0), ("吴", 2.0), ("周", 1.9), ("徐", 1.5), ("孙", 1.4), ("马", 1.2), ("朱", 1.2),
    ("胡", 1.1), ("郭", 1.1), ("何", 1.0), ("高", 1.0), ("林", 1.0), ("罗", 0.9), ("郑", 0.9),
    ("梁", 0.8), ("谢", 0.7), ("宋", 0.6), ("唐", 0.6), ("许", 0.6), ("韩", 0.6), ("冯", 0.5),
    ("邓", 0.5), ("曹", 0.5), ("彭", 0.5), ("曾", 0.4), ("肖", 0.4), ("田", 0.4), ("董", 0.4),
    ("袁", 0.4), ("潘", 0.3), ("于", 0.3), ("蒋", 0.3), ("蔡", 0.3), ("余", 0.3), ("杜", 0.3),
    ("叶", 0.3), ("程", 0.3), ("苏", 0.3), ("魏", 0.3), ("吕", 0.3), ("丁", 0.3), ("任", 0.3),
    ("沈", 0.3), ("单", 0.1), ("欧阳", 0.05), ("司马", 0.02),
)  # fmt: skip
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰建国志红文斌辉鹏宇浩凯秀梅亮飞新春晨雪"
    "琳婷佳慧欣怡子轩梓涵一诺俊杰思远海峰立群宏德永庆金凤荣桂芝淑珍雅婧博文天佑嘉豪"
)
CITIES = ("北京", "上海", "深圳", "杭州", "成都", "武汉", "南京", "苏州", "重庆", "西安", "长沙", "郑州")
WORDS = ("宏达", "鑫源", "华盛", "锦程", "恒通", "瑞丰", "永辉", "博远", "中科", "天成", "新锐", "安泰")
COMPANY_SUFFIX = ("贸易有限公司", "科技有限公司", "餐饮管理有限公司", "建材有限公司", "物流有限公司")
INDUSTRIES = ("餐饮", "批发零售", "制造业", "建筑", "交通运输", "信息技术", "教育", "医疗", "农业")
# County codes in use for every birth year drawn below (checked against stdnum at start-up).
REGIONS = (
    "110101", "110102", "110105", "110106", "110108", "120101", "130102", "310101", "310104",
    "310105", "310106", "310110", "320102", "320104", "330102", "330103", "340102", "350102",
    "360102", "370102", "410102", "420102", "420106", "430102", "440103", "440104", "440106",
    "450102", "500103", "510104", "510105", "510107", "520102", "530102", "610102", "620102",
)  # fmt: skip
PHONE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152")
PHONE_PREFIXES += ("153", "155", "156", "157", "158", "159", "166", "177", "180", "181", "185", "186")
PHONE_PREFIXES += ("187", "188", "189", "191", "198", "199")

INITIALS = ("zs", "wl", "lj", "zw", "cx", "lh", "wj", "zy", "hm", "ym")
PINYIN = ("zhang", "wangli", "liu", "chenjie", "zhaomin", "huang", "li", "sunw", "zhou", "xuj")
FRAGMENTS = ("张", "王伟", "建国", "科技", "刘", "明", "贸易", "丽", "李娜", "餐饮")
KINDS = ("initials", "pinyin", "tail", "phone", "name")


@dataclass
class Generated:
    rows: int = 0
    skipped: int = 0
    seconds: float = 0.0
    # per owner id: (phone, id tail) of a sample of their customers, for tail and phone queries
    probes: dict[int, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))


def check_regions(parse: Callable[..., Any]) -> list[str]:
    """The county codes valid for births in 1960 and in 2003 (stdnum knows when codes were in use)."""
    good = []
    for region in REGIONS:
        try:
            for born in ("19600101", "20031231"):
                body = region + born + "001"
                parse(body + checksum(body), today=date(2026, 1, 1))
        except Exception:  # a refused code is simply not used
            continue
        good.append(region)
    if len(good) < 10:
        raise RuntimeError(f"only {len(good)} usable county codes: {good}")
    return good


def checksum(body17: str) -> str:
    from stdnum.cn import ric

    return str(ric.calc_check_digit(body17 + "0"))


def generate(managers: list[Any], total: int) -> Generated:
    from django.db import transaction
    from django.utils import timezone
    from stdnum.cn import uscc

    from creditdesk.core.exceptions import DomainError
    from creditdesk.customers.identity import parse_resident_id
    from creditdesk.customers.models import Customer
    from creditdesk.customers.services import CustomerInput, _apply

    rng = random.Random(SEED)  # reproducible synthetic data
    today = timezone.localdate()
    regions = check_regions(parse_resident_id)
    surnames = [s for s, _ in SURNAMES]
    weights = [w for _, w in SURNAMES]
    seen_ids: set[str] = set()
    seen_phones: set[str] = set()
    first_day, days = date(1960, 1, 1), (date(2003, 12, 31) - date(1960, 1, 1)).days
    result = Generated()

    def person_name() -> str:
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
        return rng.choices(surnames, weights)[0] + given

    def unique(draw: Callable[[], str], seen: set[str]) -> str:
        while True:
            value = draw()
            if value not in seen:
                seen.add(value)
                return value

    def resident_id() -> str:
        born = first_day + timedelta(days=rng.randrange(days + 1))
        body = f"{rng.choice(regions)}{born:%Y%m%d}{rng.randrange(1000):03d}"
        return body + checksum(body)

    def credit_code() -> str:
        body = (
            "91"
            + rng.choice(("110000", "310000", "440300", "330100"))
            + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
        )
        return body + uscc.calc_check_digit(body)

    def phone() -> str:
        return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"

    started = time.perf_counter()
    batch: list[Customer] = []
    for index in range(total):
        owner = managers[index % len(managers)]
        roll = rng.random()
        if roll < 0.70:
            kind, name, number = "individual", person_name(), unique(resident_id, seen_ids)
        elif roll < 0.85:
            industry = rng.choice(INDUSTRIES)
            kind, name = "individual_business", f"{person_name()}（{industry}个体户）"
            number = unique(credit_code, seen_ids)
        else:
            name = rng.choice(CITIES) + rng.choice(WORDS) + rng.choice(COMPANY_SUFFIX)
            kind, number = "enterprise", unique(credit_code, seen_ids)
        mobile = unique(phone, seen_phones)
        data = CustomerInput(
            kind=kind,
            name=name,
            id_number=number,
            phone=mobile,
            monthly_income=str(rng.randrange(3000, 80000, 500)),
            profile={"industry": rng.choice(INDUSTRIES)},
        )
        customer = Customer(owner=owner, created_by=owner)
        try:
            _apply(customer, data, today=today)
        except DomainError:
            result.skipped += 1
            continue
        batch.append(customer)
        probes = result.probes[owner.pk]
        if len(probes) < 200:
            probes.append((mobile, number[-4:]))
        if len(batch) == CHUNK:
            with transaction.atomic():
                Customer.objects.bulk_create(batch, batch_size=1000)
            result.rows += len(batch)
            batch = []
            if result.rows % 20000 == 0:
                rate = result.rows / (time.perf_counter() - started)
                log(f"  {result.rows:,} customers stored ({rate:,.0f}/s)")
    if batch:
        with transaction.atomic():
            Customer.objects.bulk_create(batch, batch_size=1000)
        result.rows += len(batch)
    result.seconds = time.perf_counter() - started
    return result


def queries_for(
    user: Any, managers: list[Any], generated: Generated, rng: random.Random
) -> list[tuple[str, str]]:
    """Ten queries of each kind for ``user``; tails and phones come from customers in their scope."""
    from creditdesk.accounts.choices import Role

    owners = [user] if user.role == Role.MANAGER else [m for m in managers if m.branch_id == user.branch_id]
    probes = [p for owner in owners for p in generated.probes[owner.pk]]
    sample = rng.sample(probes, 14)
    tails = [phone[-4:] for phone, _ in sample[:4]] + [tail for _, tail in sample[4:7]]
    tails += [f"{rng.randrange(10000):04d}" for _ in range(3)]
    phones = [phone for phone, _ in sample[7:14]]
    phones += ["13" + f"{rng.randrange(10**9):09d}" for _ in range(3)]  # almost surely unknown
    return (
        [("initials", q) for q in INITIALS]
        + [("pinyin", q) for q in PINYIN]
        + [("tail", q) for q in tails]
        + [("phone", q) for q in phones]
        + [("name", q) for q in FRAGMENTS]
    )


def measure(
    user: Any, queries: list[tuple[str, str]], rng: random.Random
) -> tuple[dict[str, list[float]], dict[str, str]]:
    """Latencies per kind, and per kind the query text that took longest (for ``explain``)."""
    from creditdesk.customers.selectors import customer_search

    found_known_phone = 0
    for kind, text in queries:  # warm-up, and a check that the search finds what it must
        hits = list(customer_search(user=user, query=text)[:RESULTS])
        if kind == "phone" and hits:
            found_known_phone += 1
    if found_known_phone < 7:
        raise RuntimeError(f"only {found_known_phone} of 7 known phone numbers were found")
    timings: dict[str, list[float]] = defaultdict(list)
    slowest: dict[str, tuple[float, str]] = {}
    for _ in range(ROUNDS):
        order = list(queries)
        rng.shuffle(order)
        for kind, text in order:
            began = time.perf_counter()
            list(customer_search(user=user, query=text)[:RESULTS])
            spent = time.perf_counter() - began
            timings[kind].append(spent)
            if spent > slowest.get(kind, (0.0, ""))[0]:
                slowest[kind] = (spent, text)
    return timings, {kind: text for kind, (_spent, text) in slowest.items()}


def measure_360(user: Any, rng: random.Random) -> tuple[list[float], int, int]:
    """The 360 page (``GET /customers/<id>/`` through Django's test client: view, selectors, template):
    PAGES_360 customers in ``user``'s scope, one of them given a long history first (HISTORY_360 related
    parties both ways and as many closed ownership periods), each rendered ROUNDS times after one warm-up.
    Returns the latencies and the most and fewest queries any rendering took (constant means equal)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from creditdesk.customers.models import Customer, CustomerOwnership, Relationship
    from creditdesk.customers.selectors import customer_list_visible_to

    visible = customer_list_visible_to(user=user)
    ids = list(visible.order_by("pk").values_list("pk", flat=True)[: PAGES_360 + HISTORY_360])
    busy, others, partners = ids[0], ids[1:PAGES_360], ids[PAGES_360:]
    Relationship.objects.bulk_create(
        Relationship(
            from_customer_id=busy if i % 2 else other,
            to_customer_id=other if i % 2 else busy,
            kind="guarantor",
            note=f"bench {i}",
        )
        for i, other in enumerate(partners)
    )
    created = Customer.objects.get(pk=busy).created_at.replace(month=1, day=1)
    CustomerOwnership.objects.bulk_create(
        CustomerOwnership(
            customer_id=busy,
            owner=user,
            from_date=created.replace(year=1990 + i),
            to_date=created.replace(year=1990 + i, month=12),
            changed_by=user,
            reason=f"bench {i}",
        )
        for i in range(HISTORY_360)
    )
    client = Client()
    client.force_login(user)
    pages = [busy, *others]
    client.get(f"/customers/{others[-1]}/")  # a running server has its content types and permissions
    counts = []
    for pk in pages:  # warm-up, and the query count of every page
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/customers/{pk}/")
        if response.status_code != 200:
            raise RuntimeError(f"the 360 page of customer {pk} answered {response.status_code}")
        counts.append(len(captured.captured_queries))
    latencies = []
    for _ in range(ROUNDS):
        order = list(pages)
        rng.shuffle(order)
        for pk in order:
            began = time.perf_counter()
            client.get(f"/customers/{pk}/")
            latencies.append(time.perf_counter() - began)
    return latencies, max(counts), min(counts)


def explain(user: Any, text: str, kind: str) -> str:
    """Every statement one search for ``text`` runs, with its time, and the plan of the slowest."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from creditdesk.customers.selectors import customer_search

    with CaptureQueriesContext(connection) as captured:
        list(customer_search(user=user, query=text)[:RESULTS])
    statements = [(float(q["time"]), q["sql"]) for q in captured.captured_queries]
    lines = [f"    slowest {kind} query {text!r}: {len(statements)} statements"]
    lines += [f"      {seconds * 1000:7.1f} ms  {sql[:160]}" for seconds, sql in statements]
    _seconds, sql = max(statements)
    with connection.cursor() as cursor:
        explain_how = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        cursor.execute(explain_how + sql)
        lines += ["      " + " ".join(str(cell) for cell in row) for row in cursor.fetchall()]
    return "\n".join(lines)


def run(postgres: bool) -> int:
    from django.core.management import call_command
    from django.db import connection

    from creditdesk.accounts import seed as accounts_seed
    from creditdesk.accounts.choices import Role
    from creditdesk.accounts.models import User
    from creditdesk.customers.models import Customer
    from creditdesk.customers.selectors import customer_list_visible_to

    started = time.perf_counter()
    if not postgres:
        call_command("migrate", verbosity=0, interactive=False)
    accounts_seed.run()
    managers = list(User.objects.filter(role=Role.MANAGER, is_active=True).order_by("id"))
    log(f"organisation ready ({time.perf_counter() - started:.1f} s): {len(managers)} CMs")
    log(f"generating {ROWS:,} customers through services._apply …")
    generated = generate(managers, ROWS)
    log(
        f"{generated.rows:,} customers stored in {generated.seconds:.1f} s "
        f"({generated.rows / generated.seconds:,.0f}/s; {generated.skipped} refused by validation)"
    )
    analyze = os.environ.get("BENCH_SEARCH_ANALYZE", "1" if postgres else "0") == "1"
    if analyze:
        statement = "VACUUM ANALYZE" if postgres else "ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(statement)
        log(f"{statement} done")
    rng = random.Random(SEED + 1)
    force_explain = os.environ.get("BENCH_SEARCH_EXPLAIN") == "1"
    db = db_label()
    lines = []
    for username, role in (("manager1", "manager"), ("head1", "branch_head")):
        user = User.objects.get(username=username)
        in_scope = customer_list_visible_to(user=user).count()
        queries = queries_for(user, managers, generated, rng)
        timings, slowest = measure(user, queries, rng)
        everything = [t for values in timings.values() for t in values]
        for kind in KINDS:
            values = timings[kind]
            kind_p95 = p95_ms(values)
            log(
                f"{role:<11} {kind:<8} p50 {statistics.median(values) * 1000:7.2f} ms  "
                f"p95 {kind_p95:7.2f} ms  max {max(values) * 1000:7.2f} ms  ({len(values)} queries)"
            )
            if force_explain or kind_p95 > SLOW_MS:
                log(explain(user, slowest[kind], kind))
        p50, p95 = statistics.median(everything) * 1000, p95_ms(everything)
        log(f"{role}: {len(everything)} queries, p50 {p50:.2f} ms, p95 {p95:.2f} ms (scope {in_scope:,})")
        scale = (
            f"{generated.rows:,} customers, {len(everything)} queries "
            f"({len(KINDS)} kinds x 10, {ROUNDS} rounds, first {RESULTS} results), role {role} "
            f"(scope {in_scope:,} customers); rows synthetic, each through services._apply"
            + ((", VACUUM ANALYZE" if postgres else ", ANALYZE") if analyze else "")
        )
        for name, value in (("customer_search_p50", p50), ("customer_search_p95", p95)):
            lines.append(
                {"name": name, "value": round(value, 2), "unit": "ms", "role": role, "scale": scale, "db": db}
            )
    manager = User.objects.get(username="manager1")
    latencies, most, fewest = measure_360(manager, rng)
    p95 = p95_ms(latencies)
    log(
        f"360 page: {len(latencies)} renderings, p50 {statistics.median(latencies) * 1000:.2f} ms, "
        f"p95 {p95:.2f} ms, queries {fewest}–{most}"
    )
    scale_360 = (
        f"{generated.rows:,} customers; GET /customers/<id>/ in process (Django test client, template "
        f"included) for {PAGES_360} of manager1's customers, one with {HISTORY_360} related parties and "
        f"{HISTORY_360} past owners, {ROUNDS} rounds; queries per page {fewest}–{most} (goal: constant, ≤ 15)"
    )
    lines.append(
        {"name": "customer_360_p95", "value": round(p95, 2), "unit": "ms", "scale": scale_360, "db": db}
    )
    lines.append(
        {"name": "customer_360_queries", "value": most, "unit": "queries", "scale": scale_360, "db": db}
    )
    if Customer.objects.count() != generated.rows:
        raise RuntimeError("the customer count differs from the rows generated")
    for line in lines:
        print(json.dumps(line, ensure_ascii=False), flush=True)
    log(f"total {time.perf_counter() - started:.1f} s")
    return 0


def main() -> int:
    exit_on_sigterm()
    var_dir, postgres = configure_in_process("creditdesk-bench-search-")
    sys.path.insert(0, str(ROOT))
    try:
        import django

        django.setup()
        from django.conf import settings

        # The organisation's ~35 demo people would each be hashed with Argon2 (slow by design); the
        # search never checks a password, so a fast hasher keeps the set-up short.
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the 360 page's test client
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
