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

How:

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
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
USERNAME = "manager1"
PASSWORD = os.environ.get("CREDITDESK_DEMO_PASSWORD") or "creditdesk-demo"

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "20"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "4000"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "200"))
TIME_LIMIT = float(os.environ.get("BENCH_TIME_LIMIT", "45"))
REQUEST_TIMEOUT = 30.0
STARTUP_TIMEOUT = 60.0
WORKERS = int(os.environ.get("BENCH_WORKERS") or min(2 * (os.cpu_count() or 1) + 1, 9))


class BenchError(Exception):
    pass


def log(message: str) -> None:
    print(f"[bench_http] {message}", file=sys.stderr, flush=True)


def db_label() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return "sqlite"
    scheme = urlsplit(url).scheme.lower()
    if scheme.startswith(("postgres", "pgsql")):
        return "postgresql"
    if scheme.startswith("sqlite"):
        return "sqlite"
    return scheme or "unknown"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def creditdesk_command() -> list[str]:
    script = Path(sys.executable).parent / "creditdesk"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from creditdesk.cli import main; main()"]


def server_env(var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        CREDITDESK_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),  # 64 characters
        CREDITDESK_HTTPS="0",
        CREDITDESK_SSL_REDIRECT="0",
        ALLOWED_HOSTS=HOST,
        CREDITDESK_VAR_DIR=str(var_dir),
        STATIC_ROOT=str(var_dir / "staticfiles"),
    )
    env.pop("CREDITDESK_BEHIND_PROXY", None)
    return env


def run_command(args: list[str], env: dict[str, str]) -> None:
    started = time.monotonic()
    log("$ " + " ".join(["creditdesk", *args]) + f"  (CREDITDESK_ENV={env['CREDITDESK_ENV']})")
    result = subprocess.run(
        [*creditdesk_command(), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout)
        raise BenchError(f"creditdesk {' '.join(args)} exited {result.returncode}")
    log(f"  done in {time.monotonic() - started:.1f} s")


def prepare_database(env: dict[str, str]) -> None:
    run_command(["migrate", "--noinput", "--verbosity", "0"], env)
    run_command(["collectstatic", "--noinput", "--verbosity", "0"], env)
    run_command(["seed"], {**env, "CREDITDESK_ENV": "development"})


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@contextmanager
def gunicorn(env: dict[str, str], port: int, log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "--chdir",
        str(ROOT),
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(WORKERS),
        "--forwarded-allow-ips",
        HOST,
        "--log-level",
        "warning",
    ]
    log(f"starting gunicorn: {WORKERS} workers on {HOST}:{port} (log: {log_path})")
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        try:
            wait_until_ready(proc, port, log_path)
            yield proc
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    log("gunicorn did not stop after SIGTERM; killing it")
                    proc.kill()
                    proc.wait()
            log(f"gunicorn stopped (exit {proc.returncode})")


def wait_until_ready(proc: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.stderr.write(tail(log_path) + "\n")
            raise BenchError(f"gunicorn exited during startup (exit {proc.returncode})")
        try:
            status, _, _ = request(port, "GET", "/accounts/login/")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.stderr.write(tail(log_path) + "\n")
    raise BenchError(f"gunicorn did not answer within {STARTUP_TIMEOUT:.0f} s")


def request(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def cookies_from(headers: http.client.HTTPMessage) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        jar.load(value)
    return {name: morsel.value for name, morsel in jar.items()}


def log_in(port: int) -> str:
    """Sign in through the real form; returns the sessionid cookie."""
    status, headers, body = request(port, "GET", "/accounts/login/")
    if status != 200:
        raise BenchError(f"GET /accounts/login/ answered {status}")
    csrf_cookie = cookies_from(headers).get("csrftoken")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if not csrf_cookie or not match:
        raise BenchError("the sign-in page has no csrftoken cookie or csrfmiddlewaretoken field")
    form = urlencode(
        {
            "csrfmiddlewaretoken": match.group(1).decode(),
            "username": USERNAME,
            "password": PASSWORD,
            "next": "/",
        }
    ).encode()
    status, headers, body = request(
        port,
        "POST",
        "/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
            "Referer": f"http://{HOST}:{port}/accounts/login/",
        },
    )
    session = cookies_from(headers).get("sessionid")
    if status != 302 or not session:
        raise BenchError(f"signing in as {USERNAME} failed: POST /accounts/login/ answered {status}")
    return session


def api_token(port: int) -> str:
    status, _, body = request(
        port,
        "POST",
        "/api/v1/auth/token/",
        body=json.dumps({"username": USERNAME, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    if status != 200:
        raise BenchError(f"POST /api/v1/auth/token/ answered {status}: {body[:200]!r}")
    return str(json.loads(body)["token"])


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


def p95_ms(latencies: list[float]) -> float:
    if len(latencies) < 2:
        return latencies[0] * 1000 if latencies else float("nan")
    return statistics.quantiles(latencies, n=100, method="inclusive")[94] * 1000


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
    def on_sigterm(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_sigterm)
    if CLIENTS < 1 or REQUESTS < 1:
        log("BENCH_CLIENTS and BENCH_REQUESTS must be at least 1")
        return 2
    var_dir = Path(tempfile.mkdtemp(prefix="creditdesk-bench-"))
    ok = True
    try:
        env = server_env(var_dir)
        log(f"database: {db_label()}; temporary CREDITDESK_VAR_DIR: {var_dir}")
        prepare_database(env)
        port = free_port()
        log_path = var_dir / "gunicorn.log"
        with gunicorn(env, port, log_path):
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
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
