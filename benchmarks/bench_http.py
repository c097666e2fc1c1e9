"""HTTP throughput and latency of CreditDesk served production-style, under 20 concurrent clients.

What is measured, for two endpoints:

- ``workbench``: ``GET /``, the workbench page — a signed-in, server-rendered HTML page (session cookie);
- ``api_me``: ``GET /api/v1/me/``, the smallest authenticated API call (``Authorization: Token …``);

and for each, two numbers, printed to stdout as one JSON object per line::

    {"name": "workbench_rps", "value": 123.4, "unit": "req/s", "scale": "...", "db": "sqlite"}
    {"name": "workbench_p95", "value": 98.76, "unit": "ms", "scale": "...", "db": "sqlite"}
    (then api_me_rps, api_me_p95)

``*_rps`` is completed requests divided by the wall time of the measured phase; ``*_p95`` is the 95th
percentile of the per-request latency (``time.perf_counter`` around send + read of the whole body).
``scale`` says how many clients, requests and gunicorn workers; ``db`` is ``postgresql`` when
DATABASE_URL points at PostgreSQL, else ``sqlite``.

How (steps 1, 2 and 5 are ``_server.production_server``, shared with ``bench_calculator_api``):

1. A private temporary CREDITDESK_VAR_DIR (SQLite database, static files) is created. With the same
   environment as the server, ``creditdesk migrate`` and ``creditdesk collectstatic`` run under
   CREDITDESK_ENV=production, and ``creditdesk seed`` under CREDITDESK_ENV=development (the demo seed
   refuses production; both use the same database). When DATABASE_URL is set it is used as is (the
   seed is idempotent); only the static files are then private.
2. gunicorn serves ``config.wsgi`` as ``make serve`` does (sync workers, whitenoise, DEBUG off) on
   127.0.0.1 at a free port with CREDITDESK_ENV=production, a random 64-character SECRET_KEY,
   CREDITDESK_HTTPS=0 (plain http on loopback) and ALLOWED_HOSTS=127.0.0.1. Workers:
   ``min(2 * cpu_count + 1, 9)`` (BENCH_WORKERS overrides).
3. ``manager1`` signs in through the real sign-in form (GET the form for the csrftoken cookie and the
   csrfmiddlewaretoken field, POST it with a Referer) to get a session cookie, and gets an API token
   from ``POST /api/v1/auth/token/``.
4. Per endpoint: a warm-up (BENCH_WARMUP requests, default 200, not measured), then the measured
   phase: 20 client threads (BENCH_CLIENTS), each with its own keep-alive ``http.client.HTTPConnection``,
   share BENCH_REQUESTS requests (default 4000). The phase also stops by itself after BENCH_TIME_LIMIT
   seconds (default 45, so that ``make bench`` stays within ~3 minutes on a busy machine); ``scale``
   then shows how many requests completed. Every response must be 200: any other status or a
   connection error is a failure, and any failure makes the run exit non-zero (the failure count is
   printed to stderr and that endpoint's numbers are not printed).
5. gunicorn is always stopped (terminate, then kill) and the temporary directory removed.

Caveats: the client runs on the same machine as the server, so the client threads compete with the
gunicorn workers for the CPUs (and, being Python threads, with each other for the GIL); the numbers are
a lower bound of what the server alone could do, comparable between runs on the same machine. gunicorn's
sync workers close the connection after each response, so the clients reconnect (on loopback, cheaply)
for each request; http.client does this transparently.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from _server import (
    HOST,
    REQUEST_TIMEOUT,
    USERNAME,
    WORKERS,
    BenchError,
    api_token,
    db_label,
    exit_on_sigterm,
    log,
    log_in,
    p95_ms,
    production_server,
    request,
    tail,
)

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "20"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "4000"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "200"))
TIME_LIMIT = float(os.environ.get("BENCH_TIME_LIMIT", "45"))


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    failures: int = 0
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0
    timed_out: bool = False


def load(port: int, path: str, headers: dict[str, str], total: int, clients: int) -> LoadResult:
    """`clients` threads share `total` GET requests; stops by itself after TIME_LIMIT seconds."""
    result = LoadResult()
    lock = threading.Lock()
    issued = 0
    start_barrier = threading.Barrier(clients + 1)
    deadline = 0.0

    def next_request() -> bool:
        nonlocal issued
        with lock:
            if issued >= total:
                return False
            if time.monotonic() >= deadline:
                result.timed_out = True
                return False
            issued += 1
            return True

    def client() -> None:
        latencies: list[float] = []
        failures = 0
        errors: list[str] = []
        conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        start_barrier.wait()
        try:
            while next_request():
                started = time.perf_counter()
                try:
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException) as exc:
                    failures += 1
                    errors.append(f"{type(exc).__name__}: {exc}")
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
                    continue
                elapsed = time.perf_counter() - started
                if status == 200:
                    latencies.append(elapsed)
                else:
                    failures += 1
                    errors.append(f"HTTP {status}")
        finally:
            conn.close()
            with lock:
                result.latencies.extend(latencies)
                result.failures += failures
                result.errors.extend(errors[:5])

    threads = [threading.Thread(target=client, name=f"client-{i}", daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + TIME_LIMIT
    started = time.perf_counter()
    start_barrier.wait()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + REQUEST_TIMEOUT + 5)
    result.wall = time.perf_counter() - started
    stuck = sum(thread.is_alive() for thread in threads)
    if stuck:
        result.failures += stuck
        result.errors.append(f"{stuck} client thread(s) did not finish")
    return result


def bench_endpoint(port: int, name: str, path: str, headers: dict[str, str]) -> list[dict[str, Any]] | None:
    """Warm up, measure; the result lines, or None when any request failed."""
    warmup = load(port, path, headers, WARMUP, CLIENTS)
    measured = load(port, path, headers, REQUESTS, CLIENTS) if warmup.failures == 0 else warmup
    if measured.failures:
        phase = "warm-up" if measured is warmup else "measured phase"
        log(f"{name}: {measured.failures} failed request(s) in the {phase}; e.g. {measured.errors[:5]}")
        return None
    done = len(measured.latencies)
    if measured.timed_out:
        log(f"{name}: time limit of {TIME_LIMIT:.0f} s reached after {done} of {REQUESTS} requests")
    rps = done / measured.wall if measured.wall > 0 else 0.0
    p95 = p95_ms(measured.latencies)
    p50 = statistics.median(measured.latencies) * 1000
    log(
        f"{name}: {done} requests in {measured.wall:.2f} s, {rps:.1f} req/s, "
        f"p50 {p50:.2f} ms, p95 {p95:.2f} ms"
    )
    scale = (
        f"{CLIENTS} clients, {done} requests, gunicorn {WORKERS} workers "
        f"(client threads on the same {os.cpu_count()}-CPU host)"
    )
    db = db_label()
    return [
        {"name": f"{name}_rps", "value": round(rps, 1), "unit": "req/s", "scale": scale, "db": db},
        {"name": f"{name}_p95", "value": round(p95, 2), "unit": "ms", "scale": scale, "db": db},
    ]


def sanity_check(port: int, session: str, token: str) -> None:
    status, headers, _ = request(port, "GET", "/", headers={"Cookie": f"sessionid={session}"})
    if status != 200 or not (headers.get("Content-Type") or "").startswith("text/html"):
        raise BenchError(f"GET / as {USERNAME} answered {status} {headers.get('Content-Type')}")
    status, _, body = request(port, "GET", "/api/v1/me/", headers={"Authorization": f"Token {token}"})
    if status != 200 or USERNAME.encode() not in body:
        raise BenchError(f"GET /api/v1/me/ answered {status}: {body[:200]!r}")


def main() -> int:
    exit_on_sigterm()
    if CLIENTS < 1 or REQUESTS < 1:
        log("BENCH_CLIENTS and BENCH_REQUESTS must be at least 1")
        return 2
    ok = True
    try:
        with production_server() as server:
            port, log_path = server.port, server.log_path
            session = log_in(port)
            token = api_token(port)
            sanity_check(port, session, token)
            endpoints = [
                ("workbench", "/", {"Cookie": f"sessionid={session}", "Accept": "text/html"}),
                ("api_me", "/api/v1/me/", {"Authorization": f"Token {token}", "Accept": "application/json"}),
            ]
            for name, path, headers in endpoints:
                lines = bench_endpoint(port, name, path, headers)
                if lines is None:
                    ok = False
                    sys.stderr.write(f"--- gunicorn log (last lines) ---\n{tail(log_path)}\n")
                    continue
                for line in lines:
                    print(json.dumps(line, ensure_ascii=False), flush=True)
    except BenchError as exc:
        log(f"error: {exc}")
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
