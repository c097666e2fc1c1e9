"""Shared by the HTTP benchmarks: CreditDesk served production-style on loopback, and a few helpers.

Not a benchmark itself (``run.py`` only runs ``bench_*.py``). ``production_server()`` does what
``bench_http``'s docstring describes in steps 1, 2 and 5:

1. A private temporary CREDITDESK_VAR_DIR (SQLite database, static files) is created. With the same
   environment as the server, ``creditdesk migrate`` and ``creditdesk collectstatic`` run under
   CREDITDESK_ENV=production, and ``creditdesk seed`` under CREDITDESK_ENV=development (the demo seed
   refuses production; both use the same database). When DATABASE_URL is set it is used as is (the
   seed is idempotent); only the static files are then private.
2. gunicorn serves ``config.wsgi`` as ``make serve`` does (sync workers, whitenoise, DEBUG off) on
   127.0.0.1 at a free port with CREDITDESK_ENV=production, a random 64-character SECRET_KEY,
   CREDITDESK_HTTPS=0 (plain http on loopback) and ALLOWED_HOSTS=127.0.0.1. Workers:
   ``min(2 * cpu_count + 1, 9)`` (BENCH_WORKERS overrides).
3. (on leaving) gunicorn is always stopped (terminate, then kill) and the temporary directory removed.

``log_in`` (the real sign-in form → session cookie) and ``api_token`` (``POST /api/v1/auth/token/``)
sign in as the seeded ``manager1``. Diagnostics go to stderr, prefixed with the running script's name
(``[bench_http] …``); stdout is left to the benchmark's JSON lines.
"""

from __future__ import annotations

import base64
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
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
USERNAME = "manager1"
PASSWORD = os.environ.get("CREDITDESK_DEMO_PASSWORD") or "creditdesk-demo"

REQUEST_TIMEOUT = 30.0
STARTUP_TIMEOUT = 60.0
WORKERS = int(os.environ.get("BENCH_WORKERS") or min(2 * (os.cpu_count() or 1) + 1, 9))
LOG_PREFIX = Path(sys.argv[0]).stem or "bench"


class BenchError(Exception):
    pass


def log(message: str) -> None:
    print(f"[{LOG_PREFIX}] {message}", file=sys.stderr, flush=True)


def exit_on_sigterm() -> None:
    """Turn SIGTERM (run.py's time limit) into SystemExit, so that ``finally`` blocks stop gunicorn."""

    def on_sigterm(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_sigterm)


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


def configure_in_process(prefix: str) -> tuple[Path, bool]:
    """Environment for an in-process benchmark (before ``django.setup``): a private temporary
    CREDITDESK_VAR_DIR with fresh development keys; a SQLite database inside it unless DATABASE_URL is
    PostgreSQL. Returns the directory and "is PostgreSQL"."""
    var_dir = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["CREDITDESK_ENV"] = "development"
    os.environ["CREDITDESK_VAR_DIR"] = str(var_dir)
    for name in ("CREDITDESK_FIELD_KEYS", "CREDITDESK_BLIND_INDEX_KEY"):
        os.environ.pop(name, None)  # fresh development keys in the temporary directory
    postgres = db_label() == "postgresql"
    if not postgres:
        os.environ.pop("DATABASE_URL", None)  # never write into a configured SQLite file
    return var_dir, postgres


@contextmanager
def benchmark_database(postgres: bool) -> Iterator[None]:
    """After ``django.setup``: on PostgreSQL, Django's test database next to the configured one
    (``test_<name>``, created and migrated, destroyed on leaving) — the real database is never written;
    on SQLite nothing (the caller migrates the file in its temporary directory)."""
    if not postgres:
        yield
        return
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


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
        # fresh encryption and blind-index keys for this run (seed and server share them)
        CREDITDESK_FIELD_KEYS="k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        CREDITDESK_BLIND_INDEX_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
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
def gunicorn(
    env: dict[str, str], port: int, log_path: Path, workers: int = WORKERS
) -> Iterator[subprocess.Popen[bytes]]:
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
        str(workers),
        "--forwarded-allow-ips",
        HOST,
        "--log-level",
        "warning",
    ]
    log(f"starting gunicorn: {workers} workers on {HOST}:{port} (log: {log_path})")
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


@dataclass(frozen=True)
class Server:
    port: int
    log_path: Path  # gunicorn's log, for diagnostics (``tail``)


@contextmanager
def production_server() -> Iterator[Server]:
    """A seeded private database and gunicorn serving it; everything is cleaned up on leaving.

    Raises ``BenchError`` when a set-up step fails (its output is on stderr).
    """
    var_dir = Path(tempfile.mkdtemp(prefix="creditdesk-bench-"))
    try:
        env = server_env(var_dir)
        log(f"database: {db_label()}; temporary CREDITDESK_VAR_DIR: {var_dir}")
        prepare_database(env)
        port = free_port()
        log_path = var_dir / "gunicorn.log"
        with gunicorn(env, port, log_path):
            yield Server(port=port, log_path=log_path)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


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


def p95_ms(latencies: list[float]) -> float:
    """95th percentile of latencies in seconds, in ms (inclusive method; one sample is its own p95)."""
    if len(latencies) < 2:
        return latencies[0] * 1000 if latencies else float("nan")
    return statistics.quantiles(latencies, n=100, method="inclusive")[94] * 1000
