"""Latency of matching one need against 50 products, with the what-if of every ineligible product.

What is measured: ``creditdesk.solutions.matching.match(..., with_what_if=True)`` — quoting all 50 products
for the need (price, payment, the facts computed per product, every admission rule), ranking the eligible
ones with their cost figures (full schedule + IRR where a product has fees), the gap to approval for each
ineligible one (lower amount, longer term, co-borrower, guarantor, collateral; each verified), and the
combinations — the issue's goal is p95 under 100 ms.

The catalogue: the 11 seeded products (``products.catalogue.SEED_CATALOGUE``) varied deterministically to
50 — copy k of a product has its code suffixed, its spreads raised by 5 bp × k, its maximum amount raised by
25 % × k and its approval time by k mod 2 days — every one validated. The needs: BENCH_MATCHING_NEEDS
(default 300) seeded random customers — a third of them businesses (working capital or equipment, revenue
and costs), the others individuals (consumption, home, car); amount 10,000–3,000,000 (300,000 for
consumption), term 6–60 months (up to 360 for a home), preferred method, collateral that fits the purpose
(often none), income, debts, age, credit-report facts (a current overdue for one in twelve), grade,
industry, provident-fund and business years, sometimes a missing fact — the same on every run.

Each need is matched BENCH_MATCHING_ROUNDS times (default 3) after a warm-up pass; every call is timed on
its own (``time.perf_counter``) and the figures are the 50th and 95th percentiles (nearest rank) of all
calls, in milliseconds. Printed to stdout, one JSON object per line, ``db`` = ``none``::

    {"name": "matching_p95_ms", "value": 42.1, "unit": "ms", "scale": "...", "db": "none"}

The mean, maximum and how many products came out eligible, pending and ineligible (and with how many
what-if changes and combinations) go to stderr. Django is not set up: the modules are pure Python.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from creditdesk.finance.pricing import SEEDED_LPR
from creditdesk.finance.provident import SEEDED_PROVIDENT
from creditdesk.finance.terms import Method
from creditdesk.products.capacity import Capacity, Need
from creditdesk.products.catalogue import SEED_CATALOGUE, LprPricing, ProductSpec, validate_catalogue
from creditdesk.products.facts import GRADES
from creditdesk.solutions.matching import MatchResult, match

PRODUCTS = 50
NEEDS = int(os.environ.get("BENCH_MATCHING_NEEDS", "300"))
ROUNDS = int(os.environ.get("BENCH_MATCHING_ROUNDS", "3"))
SEED = 20260105
ON = date(2026, 1, 5)
D = Decimal


def log(message: str) -> None:
    print(f"[bench_matching] {message}", file=sys.stderr, flush=True)


def catalogue(count: int = PRODUCTS) -> list[ProductSpec]:
    """The seed catalogue varied to ``count`` products (see the module docstring)."""
    specs = []
    for i in range(count):
        base = SEED_CATALOGUE[i % len(SEED_CATALOGUE)]
        k = i // len(SEED_CATALOGUE)
        if k == 0:
            specs.append(base)
            continue
        pricing = base.pricing
        if isinstance(pricing, LprPricing):
            pricing = replace(pricing, spread_bp=tuple((g, bp + 5 * k) for g, bp in pricing.spread_bp))
        max_amount = (base.max_amount * (1 + D(k) / 4)).quantize(D("1")) * 1
        specs.append(
            replace(
                base,
                code=f"{base.code}-{k}",
                name=f"{base.name}（{k + 1}）",
                pricing=pricing,
                max_amount=max_amount.quantize(D("0.01")),
                approval_days=base.approval_days + k % 2,
            )
        )
    validate_catalogue(specs)
    return specs


TERMS = [6, 12, 24, 36, 48, 60]
HOME_TERMS = [*TERMS, 84, 120, 240, 360]
PERSONAL = ["renovation", "consumption", "education", "medical", "travel", "home_purchase", "car_purchase"]
INDUSTRIES = ["餐饮", "批发零售", "制造业", "信息技术", "教育", "房地产开发", "煤炭"]


def _need(rng: random.Random, business: bool) -> Need:
    if business:
        purpose = rng.choice(["business_working_capital"] * 4 + ["equipment"])
        collateral = rng.choice(
            ["none", "none", "residential_property", "commercial_property", "deposit_receipt"]
        )
        top = 3_000_000
    else:
        purpose = rng.choice(PERSONAL)
        collateral = {"home_purchase": "residential_property", "car_purchase": "vehicle"}.get(
            purpose
        ) or rng.choice(["none", "none", "residential_property", "deposit_receipt"])
        top = 3_000_000 if purpose == "home_purchase" else 300_000
    amount = D(rng.randrange(100, top // 100 + 1)) * 100
    value = None if collateral == "none" else (amount * D(rng.randrange(80, 300)) / 100).quantize(D("1.00"))
    return Need(
        purpose=purpose,
        amount=amount,
        term_months=rng.choice(HOME_TERMS if purpose == "home_purchase" else TERMS),
        repayment_preference=rng.choice(
            [None, None, Method.EQUAL_INSTALLMENT, Method.EQUAL_PRINCIPAL, Method.INTEREST_ONLY]
        ),
        rate_sensitivity=rng.choice(["low", "medium", "high"]),
        collateral_type=collateral,
        collateral_value=value,
    )


def situations(count: int) -> list[tuple[Need, Capacity, dict[str, Any]]]:
    rng = random.Random(SEED)
    out = []
    for _ in range(count):
        business = rng.random() < 0.35
        need = _need(rng, business)
        revenue = D(rng.randrange(20, 2000)) * 1000 if business else None
        costs = (revenue * D(rng.randrange(50, 105)) / 100).quantize(D("1.00")) if revenue else None
        capacity = Capacity(
            monthly_income=D(rng.randrange(0 if business else 3, 80)) * 1000,
            monthly_debt_payments=D(rng.randrange(0, 300)) * 100,
            monthly_revenue=revenue,
            monthly_costs=costs,
        )
        facts: dict[str, Any] = {
            "customer_type": rng.choice(["individual_business", "enterprise"]) if business else "individual",
            "age": rng.randrange(22, 66),
            "current_overdue": rng.random() < 1 / 12,
            "worst_overdue_days_24m": rng.choice([0] * 6 + [5, 15, 35, 65]),
            "inquiries_6m": rng.choice([0, 1, 1, 2, 2, 3, 3, 4, 5, 7, 9]),
            "risk_grade": rng.choices(GRADES, weights=[15, 30, 30, 15, 10])[0],
            "industry": rng.choice(INDUSTRIES),
            "has_guarantor": rng.random() < 0.2,
            "has_co_borrower": False,
            "provident_fund_months": rng.randrange(0, 120),
            "business_years": rng.randrange(0, 15),
        }
        if rng.random() < 0.1:  # a fact the CM has not collected yet
            del facts[rng.choice(["risk_grade", "provident_fund_months", "inquiries_6m"])]
        out.append((need, capacity, facts))
    return out


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def main() -> int:
    if NEEDS < 1 or ROUNDS < 1:
        log("BENCH_MATCHING_NEEDS and BENCH_MATCHING_ROUNDS must be at least 1")
        return 2
    products = catalogue()
    cases = situations(NEEDS)
    log(
        f"{len(products)} products, {len(cases)} needs, {ROUNDS} rounds, what-if for every ineligible product"
    )
    results: list[MatchResult] = [  # warm-up
        match(*case, products, SEEDED_LPR, ON, provident_table=SEEDED_PROVIDENT) for case in cases
    ]
    timings: list[float] = []
    for round_number in range(ROUNDS):
        started = time.perf_counter()
        for need, capacity, facts in cases:
            t0 = time.perf_counter()
            match(
                need,
                capacity,
                facts,
                products,
                SEEDED_LPR,
                ON,
                with_what_if=True,
                provident_table=SEEDED_PROVIDENT,
            )
            timings.append((time.perf_counter() - t0) * 1000)
        log(f"round {round_number + 1}/{ROUNDS}: {time.perf_counter() - started:.1f} s")
    eligible = sum(len(r.eligible) for r in results)
    pending = sum(len(r.pending) for r in results)
    ineligible = sum(len(r.ineligible) for r in results)
    changes = sum(len(x.what_if.changes) for r in results for x in r.ineligible if x.what_if)
    combos = sum(len(r.combinations) for r in results)
    p50, p95 = percentile(timings, 50), percentile(timings, 95)
    log(
        f"per need: {eligible / len(results):.1f} eligible, {pending / len(results):.1f} pending, "
        f"{ineligible / len(results):.1f} ineligible ({changes / len(results):.1f} what-if changes), "
        f"{combos / len(results):.2f} combinations"
    )
    log(
        f"{len(timings)} calls: p50 {p50:.1f} ms, p95 {p95:.1f} ms (goal < 100), "
        f"mean {statistics.fmean(timings):.1f} ms, max {max(timings):.1f} ms"
    )
    scale = (
        f"{len(products)} products, {len(cases)} needs x {ROUNDS} rounds, match + what-if for every "
        f"ineligible product, 1 process, {platform.python_implementation()} {platform.python_version()}"
    )
    for name, value in (("matching_p50_ms", p50), ("matching_p95_ms", p95)):
        line = {"name": name, "value": round(value, 1), "unit": "ms", "scale": scale, "db": "none"}
        print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
