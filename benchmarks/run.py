"""Run every CreditDesk benchmark and print their results, one JSON object per line.

Usage: ``python benchmarks/run.py [FILTER]`` (``make bench`` runs it without a filter).

Every ``benchmarks/bench_*.py`` is found and run, in name order, as a subprocess with the same Python
interpreter (so the project's virtualenv is used) and the project root as working directory. FILTER, when
given, keeps only the benchmarks whose file name contains it (``run.py http`` runs ``bench_http.py``).

A benchmark writes its results to stdout, one JSON object per line, e.g.
``{"name": "workbench_rps", "value": 412.3, "unit": "req/s", "scale": "...", "db": "sqlite"}``.
Those lines are passed through to this script's stdout unchanged; nothing else is written to stdout, so
the output can be piped straight into a file or ``jq``. Progress and diagnostics go to stderr (the
benchmarks' own stderr is inherited). A stdout line that is not a JSON object is shown on stderr and
counts as a failure.

The exit status is 0 when every selected benchmark exited 0 and printed only JSON objects, 1 when any
failed (including being stopped after BENCH_TIMEOUT seconds, default 900), 2 when FILTER matched nothing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def discover(name_filter: str | None) -> list[Path]:
    scripts = sorted(BENCH_DIR.glob("bench_*.py"))
    if name_filter:
        scripts = [path for path in scripts if name_filter in path.name]
    return scripts


def is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def run_one(script: Path, timeout: float) -> bool:
    """Run one benchmark; pass its JSON lines through. True when it succeeded."""
    log(f"{script.name}: start")
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        log(f"{script.name}: still running after {timeout:.0f} s, stopping it")
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()

    watchdog = threading.Timer(timeout, stop)
    watchdog.daemon = True
    watchdog.start()
    bad_lines = 0
    try:
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            if is_json_object(line):
                sys.stdout.write(line + "\n")
                sys.stdout.flush()
            else:
                bad_lines += 1
                log(f"{script.name}: not a JSON object on stdout: {line[:200]!r}")
        returncode = proc.wait()
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    elapsed = time.monotonic() - started
    ok = returncode == 0 and bad_lines == 0 and not timed_out.is_set()
    log(f"{script.name}: {'ok' if ok else 'FAILED'} (exit {returncode}, {elapsed:.1f} s)")
    return ok


def main(argv: list[str]) -> int:
    if len(argv) > 1 or (argv and argv[0] in {"-h", "--help"}):
        print(__doc__, file=sys.stderr)
        return 0 if argv and argv[0] in {"-h", "--help"} else 2
    name_filter = argv[0] if argv else None
    scripts = discover(name_filter)
    if not scripts:
        log(f"no benchmark matches {name_filter!r} in {BENCH_DIR}")
        return 2
    timeout = float(os.environ.get("BENCH_TIMEOUT", "900"))
    failed = [script.name for script in scripts if not run_one(script, timeout)]
    if failed:
        log(f"failed: {', '.join(failed)}")
        return 1
    log(f"all {len(scripts)} benchmark(s) passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
