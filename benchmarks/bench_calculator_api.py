"""Quote latency through the API: a 360-month 等额本息 loan with its annualized rate, one client.

What is measured: ``POST /api/v1/calculator/quote/`` with the issue's example body ::

    {"method": "equal_installment", "principal": "1000000.00", "annual_rate": "4.90", "months": 360,
     "start_date": "2026-01-20", "fees": [{"amount": "1000.00", "when": "upfront"}]}

and ``Authorization: Token …`` — parsing, validation, the 360-row schedule, the IRR (APR, compound and
simple, fee included) and the JSON of every row. Printed to stdout, one JSON object per line::

    {"name": "calculator_quote_p50", "value": 12.34, "unit": "ms", "scale": "...", "db": "sqlite"}
    {"name": "calculator_quote_p95", "value": 15.67, "unit": "ms", "scale": "...", "db": "sqlite"}

Latency, not throughput: ONE client sends the requests one after the other (``time.perf_counter``
around send + read of the whole body, as in ``bench_http``), so each request has a worker to itself.

How:

1. The server is ``bench_http``'s (``_server.production_server``): private seeded database, gunicorn
   serving ``config.wsgi`` production-style on loopback, ``min(2 * cpu_count + 1, 9)`` sync workers
   (BENCH_WORKERS overrides). ``manager1`` gets an API token from ``POST /api/v1/auth/token/``.
2. The first answer is checked against the pure core run in this process (``build_schedule`` and
   ``annualized_rate`` on the same terms): every row, the totals and both rates must be equal, so the
   server is known to quote the right figures before it is timed.
3. Warm-up: BENCH_QUOTE_WARMUP requests (default 50, not measured) — every worker imports and warms up.
4. Measured: BENCH_QUOTE_REQUESTS requests (default 500), stopping by itself after
   BENCH_QUOTE_TIME_LIMIT seconds (default 60; ``scale`` then shows how many completed). Every answer
   must be 200 with 360 schedule rows and the same body as the checked first answer; any other answer or
   a connection error is a failure, and any failure makes the run exit non-zero with nothing printed.

Caveats: the client runs on the same host as the server (with one client it takes little CPU, but a
loaded host still shows up in the tail); gunicorn's sync workers close the connection after each
response, so each request includes a loopback TCP connect (well under 1 ms).
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from _server import (
    HOST,
    REQUEST_TIMEOUT,
    WORKERS,
    BenchError,
    api_token,
    db_label,
    exit_on_sigterm,
    log,
    p95_ms,
    production_server,
    tail,
)

from creditdesk.finance.apr import annualized_rate
from creditdesk.finance.schedule import build_schedule
from creditdesk.finance.terms import Fee, FeeTiming, LoanTerms, Method

REQUESTS = int(os.environ.get("BENCH_QUOTE_REQUESTS", "500"))
WARMUP = int(os.environ.get("BENCH_QUOTE_WARMUP", "50"))
TIME_LIMIT = float(os.environ.get("BENCH_QUOTE_TIME_LIMIT", "60"))

PATH = "/api/v1/calculator/quote/"
MONTHS = 360
QUOTE = {
    "method": "equal_installment",
    "principal": "1000000.00",
    "annual_rate": "4.90",
    "months": MONTHS,
    "start_date": "2026-01-20",
    "fees": [{"amount": "1000.00", "when": "upfront"}],
}
FEN = Decimal("0.01")
PERCENT_PLACES = Decimal("0.0001")


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)  # seconds, good answers only
    failures: int = 0
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0
    timed_out: bool = False


def expected_quote() -> dict[str, Any]:
    """The figures the API must answer, from the pure core in this process (same terms as QUOTE)."""
    terms = LoanTerms(
        method=Method.EQUAL_INSTALLMENT,
        principal=Decimal("1000000.00"),
        annual_rate=Decimal("4.90") / 100,
        periods=MONTHS,
        start_date=date(2026, 1, 20),
        fees=(Fee(amount=Decimal("1000.00"), when=FeeTiming.UPFRONT),),
    )
    schedule = build_schedule(terms)
    rate = annualized_rate(schedule)

    def money(value: Decimal) -> str:
        return str(value.quantize(FEN))

    def percent(fraction: Decimal) -> str:
        return str((fraction * 100).quantize(PERCENT_PLACES))

    return {
        "schedule": [
            {
                "period": row.period,
                "due_date": row.due_date.isoformat(),
                "payment": money(row.payment),
                "principal": money(row.principal),
                "interest": money(row.interest),
                "balance": money(row.balance),
            }
            for row in schedule.installments
        ],
        "total_interest": money(schedule.total_interest),
        "total_payment": money(schedule.total_payment),
        "apr_compound": percent(rate.compound),
        "apr_simple": percent(rate.simple),
    }


def check_first_answer(port: int, headers: dict[str, str], body: bytes) -> bytes:
    """One quote, compared field by field with the core's; returns the body every answer must equal."""
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request("POST", PATH, body=body, headers=headers)
        response = conn.getresponse()
        status, answer = response.status, response.read()
    finally:
        conn.close()
    if status != 200:
        raise BenchError(f"POST {PATH} answered {status}: {answer[:300]!r}")
    got = json.loads(answer)
    want = expected_quote()
    for key, value in want.items():
        if got.get(key) != value:
            shown = value if key != "schedule" else f"{len(value)} rows"
            raise BenchError(f"POST {PATH}: {key!r} differs from the core's ({shown})")
    first = got["schedule"][0]
    log(
        f"first answer agrees with the core: {len(got['schedule'])} rows, payment {first['payment']}, "
        f"total interest {got['total_interest']}, APR {got['apr_compound']}% (simple {got['apr_simple']}%), "
        f"{len(answer)} bytes"
    )
    return answer


def run(port: int, headers: dict[str, str], body: bytes, expected: bytes, total: int, limit: float) -> Run:
    """``total`` sequential quotes from one keep-alive client; stops after ``limit`` seconds."""
    result = Run()
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    deadline = time.monotonic() + limit
    started = time.perf_counter()
    try:
        for _ in range(total):
            if time.monotonic() >= deadline:
                result.timed_out = True
                break
            began = time.perf_counter()
            try:
                conn.request("POST", PATH, body=body, headers=headers)
                response = conn.getresponse()
                answer = response.read()
            except (OSError, http.client.HTTPException) as exc:
                result.failures += 1
                result.errors.append(f"{type(exc).__name__}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
                continue
            elapsed = time.perf_counter() - began
            problem = answer_problem(response.status, answer, expected)
            if problem:
                result.failures += 1
                result.errors.append(problem)
            else:
                result.latencies.append(elapsed)
    finally:
        conn.close()
    result.wall = time.perf_counter() - started
    return result


def answer_problem(status: int, answer: bytes, expected: bytes) -> str | None:
    """None for a good answer: 200, 360 schedule rows, the same body as the checked first answer."""
    if status != 200:
        return f"HTTP {status}: {answer[:120]!r}"
    try:
        rows = len(json.loads(answer)["schedule"])
    except (ValueError, KeyError, TypeError):
        return f"not a quote: {answer[:120]!r}"
    if rows != MONTHS:
        return f"{rows} schedule rows instead of {MONTHS}"
    if answer != expected:
        return "the body differs from the first answer"
    return None


def main() -> int:
    exit_on_sigterm()
    if REQUESTS < 1 or WARMUP < 0:
        log("BENCH_QUOTE_REQUESTS must be at least 1 and BENCH_QUOTE_WARMUP at least 0")
        return 2
    try:
        with production_server() as server:
            port = server.port
            token = api_token(port)
            headers = {
                "Authorization": f"Token {token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            }
            body = json.dumps(QUOTE).encode()
            expected = check_first_answer(port, headers, body)
            warmup = run(port, headers, body, expected, WARMUP, TIME_LIMIT)
            measured = warmup
            if not warmup.failures:
                measured = run(port, headers, body, expected, REQUESTS, TIME_LIMIT)
            if measured.failures:
                phase = "warm-up" if measured is warmup else "measured phase"
                log(f"{measured.failures} failed request(s) in the {phase}; e.g. {measured.errors[:5]}")
                sys.stderr.write(f"--- gunicorn log (last lines) ---\n{tail(server.log_path)}\n")
                return 1
    except BenchError as exc:
        log(f"error: {exc}")
        return 1
    done = len(measured.latencies)
    if measured.timed_out:
        log(f"time limit of {TIME_LIMIT:.0f} s reached after {done} of {REQUESTS} requests")
    p50 = statistics.median(measured.latencies) * 1000
    p95 = p95_ms(measured.latencies)
    worst = max(measured.latencies) * 1000
    log(
        f"calculator_quote: {done} sequential requests in {measured.wall:.2f} s, "
        f"p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {worst:.2f} ms (goal: p95 under 20 ms)"
    )
    scale = (
        f"1 client, {done} requests, {MONTHS}-month loan with APR "
        f"(gunicorn {WORKERS} workers, client on the same {os.cpu_count()}-CPU host)"
    )
    db = db_label()
    for name, value in (("calculator_quote_p50", p50), ("calculator_quote_p95", p95)):
        line = {"name": name, "value": round(value, 2), "unit": "ms", "scale": scale, "db": db}
        print(json.dumps(line, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
