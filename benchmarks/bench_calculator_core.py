"""Throughput of the exact arithmetic core, in process, against a plain float implementation.

What is measured, on the same BENCH_CORE_LOANS (default 200) deterministic 360-month 等额本息 loans
(principal 50,000.00–5,000,000.00 to the fen, annual rate 2.00–9.00 % in steps of 0.01 %, drawdown on
a day of January 2026 — the 29th–31st exercise the month-end fallback):

- ``core_schedules_per_s``: ``creditdesk.finance.schedule.build_schedule`` — validation, due dates, the
  payment M in Decimal at 34 digits, and 360 rows of interest/principal/balance rounded to the fen;
- ``core_schedules_with_apr_per_s``: the same plus ``creditdesk.finance.apr.annualized_rate`` (IRR of
  the 361 cash flows by Newton/bisection in Decimal, then compound and simple) — what a quote computes;
- ``float_npf_schedules_per_s``: ``float_schedule`` below — numpy-financial's ``pmt``, ``ipmt`` and
  ``ppmt`` in float64, vectorised over the 360 periods of one loan, plus the balance column; one loan
  per call, like the core, so that both count the same thing (one schedule). It computes no due dates,
  validates nothing and rounds nothing: it is the bare arithmetic the exact core is compared with;
- ``core_vs_float_ratio`` (unit ``x``) = float rate / core rate: how many times slower the exact core is
  than the float one (the issue's goal: within 3x).

Printed to stdout, one JSON object per line, ``db`` = ``none`` (no database is involved)::

    {"name": "core_schedules_per_s", "value": 123.4, "unit": "schedules/s", "scale": "...", "db": "none"}

Equal results first: before anything is timed, every loan's payment M from the core must equal the
float ``pmt`` rounded half-up to the fen (the way the core rounds; the same oracle as the tests). A
mismatch is reported on stderr and the run exits 1 without printing figures. The row-by-row columns are
not expected to agree to the fen — the core rounds every row's interest to the fen and carries the
rounded balance, the float version carries the exact one — so their largest difference is only shown on
stderr.

Timing: each of the three is given BENCH_CORE_SECONDS seconds in all (default 10), split into
BENCH_CORE_ROUNDS rounds (default 5) that alternate between them (the order rotating each round), so that
a change in the load of a shared machine hits all three alike and the ratio stays meaningful. Each round
cycles through the loans where the previous one stopped; a rate is completed schedules divided by the
time they took. Per-round rates go to stderr, to show the spread. Django is not set up: the core is pure
Python (``creditdesk.rates`` imports nothing from Django).
"""

from __future__ import annotations

import itertools
import json
import os
import platform
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import numpy_financial as npf

from creditdesk.finance.apr import annualized_rate
from creditdesk.finance.schedule import build_schedule
from creditdesk.finance.terms import LoanTerms, Method

LOANS = int(os.environ.get("BENCH_CORE_LOANS", "200"))
SECONDS = float(os.environ.get("BENCH_CORE_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_CORE_ROUNDS", "5"))
MONTHS = 360
SEED = 20260120
FEN = Decimal("0.01")
PERIODS = np.arange(1, MONTHS + 1)


def log(message: str) -> None:
    print(f"[bench_calculator_core] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Loan:
    terms: LoanTerms  # for the core: Decimal, validated by build_schedule
    principal: float  # for the float version, converted once, outside the timing
    annual_rate: float


def make_loans(count: int) -> list[Loan]:
    """``count`` different loans, the same on every run (seeded)."""
    rng = random.Random(SEED)
    loans = []
    for _ in range(count):
        fen = rng.randrange(5_000_000, 500_000_001)  # 50,000.00 – 5,000,000.00
        basis_points = rng.randrange(200, 901)  # 2.00 % – 9.00 %
        principal = Decimal(fen).scaleb(-2)
        rate = Decimal(basis_points).scaleb(-4)
        terms = LoanTerms(
            method=Method.EQUAL_INSTALLMENT,
            principal=principal,
            annual_rate=rate,
            periods=MONTHS,
            start_date=date(2026, 1, rng.randrange(1, 32)),
        )
        loans.append(Loan(terms=terms, principal=float(principal), annual_rate=float(rate)))
    return loans


# --- the three things timed --------------------------------------------------------------------------


def float_schedule(
    principal: float, annual_rate: float, months: int = MONTHS
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """The float baseline: payment, and per period interest, principal and balance (numpy-financial)."""
    rate = annual_rate / 12
    periods = PERIODS[:months]
    payment = -float(npf.pmt(rate, months, principal))
    interest = -npf.ipmt(rate, periods, months, principal)
    principal_part = -npf.ppmt(rate, periods, months, principal)
    balance = principal - np.cumsum(principal_part)
    return payment, interest, principal_part, balance


def run_core(loan: Loan) -> object:
    return build_schedule(loan.terms)


def run_core_with_apr(loan: Loan) -> object:
    return annualized_rate(build_schedule(loan.terms))


def run_float(loan: Loan) -> object:
    return float_schedule(loan.principal, loan.annual_rate)


# --- equal results -----------------------------------------------------------------------------------


def fen(value: float) -> Decimal:
    """A float result rounded half-up to the fen, the way the core rounds (as in the tests' oracle)."""
    return Decimal(repr(float(value))).quantize(FEN, rounding=ROUND_HALF_UP)


def check_agreement(loans: list[Loan]) -> int:
    """Compare every loan's payment M (core vs float pmt to the fen); returns the number of mismatches."""
    mismatches = 0
    worst_row = Decimal(0)
    worst_total = Decimal(0)
    for index, loan in enumerate(loans):
        schedule = build_schedule(loan.terms)
        payment, interest, _principal, _balance = float_schedule(loan.principal, loan.annual_rate)
        rows = schedule.installments
        core_payment = rows[0].payment
        if len(rows) != MONTHS or core_payment != fen(payment):
            mismatches += 1
            log(
                f"MISMATCH loan {index}: principal {loan.terms.principal}, rate {loan.terms.annual_rate}: "
                f"core M = {core_payment} over {len(rows)} rows, float pmt = {payment!r} → {fen(payment)}"
            )
            continue
        for row, value in zip(rows, interest, strict=False):
            worst_row = max(worst_row, abs(row.interest - fen(value)))
        worst_total = max(worst_total, abs(schedule.total_interest - fen(float(interest.sum()))))
    log(
        f"agreement: payment M equal to the fen for {len(loans) - mismatches} of {len(loans)} loans; "
        f"interest column (not expected to match: fen-rounded vs exact balance) differs by at most "
        f"{worst_row} a row and {worst_total} in total"
    )
    return mismatches


# --- timing ------------------------------------------------------------------------------------------


@dataclass
class Tally:
    name: str
    work: Callable[[Loan], object]
    loans: Iterator[Loan]
    count: int = 0
    seconds: float = 0.0

    def run_for(self, seconds: float) -> float:
        """Run schedules for about ``seconds``; returns this round's rate."""
        work, loans = self.work, self.loans
        done = 0
        started = time.perf_counter()
        deadline = started + seconds
        now = started
        while now < deadline:
            work(next(loans))
            done += 1
            now = time.perf_counter()
        elapsed = now - started
        self.count += done
        self.seconds += elapsed
        return done / elapsed

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


def main() -> int:
    if LOANS < 1 or SECONDS <= 0 or ROUNDS < 1:
        log("BENCH_CORE_LOANS and BENCH_CORE_ROUNDS must be at least 1, BENCH_CORE_SECONDS positive")
        return 2
    loans = make_loans(LOANS)
    rates = sorted(loan.terms.annual_rate for loan in loans)
    log(f"{len(loans)} loans, {MONTHS} months, rates {rates[0] * 100:.2f}–{rates[-1] * 100:.2f} %")
    if check_agreement(loans):
        log("the core and the float version do not agree: no figures printed")
        return 1
    for loan in loans[:5]:  # warm-up of the IRR path (the agreement check warmed the rest)
        run_core_with_apr(loan)
    tallies = [
        Tally("core_schedules_per_s", run_core, itertools.cycle(loans)),
        Tally("core_schedules_with_apr_per_s", run_core_with_apr, itertools.cycle(loans)),
        Tally("float_npf_schedules_per_s", run_float, itertools.cycle(loans)),
    ]
    per_round = SECONDS / ROUNDS
    for round_number in range(ROUNDS):
        order = tallies[round_number % 3 :] + tallies[: round_number % 3]
        shown = []
        for tally in order:
            shown.append(f"{tally.name} {tally.run_for(per_round):.1f}")
        log(f"round {round_number + 1}/{ROUNDS} ({per_round:.1f} s each): " + ", ".join(shown))
    core, with_apr, flt = tallies
    ratio = flt.rate / core.rate
    log(
        f"core {core.rate:.1f}/s ({core.count} in {core.seconds:.1f} s), with APR {with_apr.rate:.1f}/s "
        f"({with_apr.count}), float {flt.rate:.1f}/s ({flt.count}); core is {ratio:.2f}x slower than "
        f"float (goal: within 3x); with APR {flt.rate / with_apr.rate:.2f}x"
    )
    scale = (
        f"{len(loans)} loans, {MONTHS}-month equal_installment, {SECONDS:g} s each in {ROUNDS} alternating "
        f"rounds, 1 process, {platform.python_implementation()} {platform.python_version()}"
    )
    lines = [
        (core.name, round(core.rate, 1), "schedules/s"),
        (with_apr.name, round(with_apr.rate, 1), "schedules/s"),
        (flt.name, round(flt.rate, 1), "schedules/s"),
        ("core_vs_float_ratio", round(ratio, 2), "x"),
    ]
    for name, value, unit in lines:
        print(
            json.dumps({"name": name, "value": value, "unit": unit, "scale": scale, "db": "none"}),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
