"""Time to generate a proposal's PDF (方案书, WeasyPrint with the vendored Noto Sans SC).

What is measured: ``creditdesk.solutions.pdf.render_pdf(content)`` — the snapshot rendered through the
proposal template and laid out by WeasyPrint, the CJK font subset and embedded — which is what issuing a
proposal adds to a request (a reprint serves the stored bytes and costs nothing). The content is built once
per case, as ``proposal_create`` builds it, from the seeded catalogue (``SEED_CATALOGUE``) matched for
three needs: 工薪e贷 over 36 months (one page and a half), a 30-year home loan (the year-by-year table
runs to 30 rows: two to three pages), and a two-product combination (two schedules). Each case is
rendered BENCH_PROPOSAL_RENDERS times (default 20) after a warm-up render; every render is timed on its
own (``time.perf_counter``) and the figures are the 50th and 95th percentiles (nearest rank) over all
renders, in milliseconds, with the mean PDF size. Printed to stdout, one JSON object per line, ``db`` =
``none`` (Django's settings and templates are loaded; no database is touched)::

    {"name": "proposal_pdf_p95_ms", "value": 512.3, "unit": "ms", "scale": "...", "db": "none"}
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from creditdesk.finance.pricing import SEEDED_LPR  # noqa: E402
from creditdesk.finance.provident import SEEDED_PROVIDENT  # noqa: E402
from creditdesk.finance.terms import Method  # noqa: E402
from creditdesk.products.capacity import Capacity, Need  # noqa: E402
from creditdesk.products.catalogue import SEED_CATALOGUE  # noqa: E402
from creditdesk.solutions.matching import match  # noqa: E402
from creditdesk.solutions.offers import figures  # noqa: E402
from creditdesk.solutions.pdf import render_pdf  # noqa: E402
from creditdesk.solutions.proposal_content import ChosenPart, build_content  # noqa: E402

RENDERS = int(os.environ.get("BENCH_PROPOSAL_RENDERS", "20"))
ON = date(2026, 1, 5)
D = Decimal
FACTS: dict[str, Any] = {
    "customer_type": "individual",
    "age": 35,
    "current_overdue": False,
    "worst_overdue_days_24m": 0,
    "inquiries_6m": 1,
    "risk_grade": "B",
    "industry": "信息技术",
    "has_guarantor": False,
    "has_co_borrower": False,
    "provident_fund_months": 60,
}


def log(message: str) -> None:
    print(f"[bench_proposal] {message}", file=sys.stderr, flush=True)


def _part(q: Any) -> ChosenPart:
    documents = q.spec.documents_for(q.facts.get("customer_type"), q.facts.get("collateral_type"))
    return ChosenPart(quote=q, figures=figures(q, ON, exact=True), documents=documents)


def contents() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    needs = [
        ("credit_36m", Need("renovation", D("120000.00"), 36, Method.EQUAL_INSTALLMENT), D("20000.00"), None),
        (
            "home_360m",
            Need(
                "home_purchase",
                D("1000000.00"),
                360,
                Method.EQUAL_INSTALLMENT,
                collateral_type="residential_property",
                collateral_value=D("2000000.00"),
            ),
            D("40000.00"),
            None,
        ),
        (
            "combination",
            Need(
                "consumption",
                D("800000.00"),
                36,
                collateral_type="residential_property",
                collateral_value=D("600000.00"),
            ),
            D("80000.00"),
            "combination",
        ),
    ]
    for name, need, income, kind in needs:
        result = match(
            need,
            Capacity(monthly_income=income),
            FACTS,
            SEED_CATALOGUE,
            SEEDED_LPR,
            ON,
            provident_table=SEEDED_PROVIDENT,
        )
        if kind == "combination":
            if not result.combinations:
                log(f"{name}: no combination in the seeded catalogue, skipped")
                continue
            chosen = result.combinations[0]
            parts = tuple(_part(p.quote) for p in chosen.parts)
            apr, reason = chosen.apr, chosen.reason
        else:
            if not result.eligible:
                log(f"{name}: nothing eligible in the seeded catalogue, skipped")
                continue
            best = result.eligible[0]
            parts, apr, reason = (_part(best.quote),), best.figures.apr, best.reason
        content = build_content(
            number=f"FA20260105-{len(cases):06d}",
            institution="示范商业银行",
            hotline="400-000-0000",
            issued_on=ON,
            customer={"id": 1, "name": "张三"},
            manager={"name": "客户经理", "username": "manager1"},
            need=need,
            need_id=1,
            assessment=result.assessment,
            grade="B",
            parts=parts,
            apr=apr,
            reason=reason,
            lpr_table=SEEDED_LPR,
        )
        cases.append((name, content))
    return cases


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def main() -> int:
    if RENDERS < 1:
        log("BENCH_PROPOSAL_RENDERS must be at least 1")
        return 2
    cases = contents()
    if not cases:
        log("no case could be built")
        return 1
    timings: list[float] = []
    sizes: list[int] = []
    for name, content in cases:
        render_pdf(content)  # warm-up: WeasyPrint's import, font loading
        case: list[float] = []
        for _ in range(RENDERS):
            t0 = time.perf_counter()
            pdf = render_pdf(content)
            case.append((time.perf_counter() - t0) * 1000)
            sizes.append(len(pdf))
        timings += case
        log(f"{name}: p50 {percentile(case, 50):.0f} ms, max {max(case):.0f} ms, {len(pdf) / 1024:.0f} KiB")
    p50, p95 = percentile(timings, 50), percentile(timings, 95)
    mean = statistics.fmean(timings)
    log(f"{len(timings)} renders: p50 {p50:.0f} ms, p95 {p95:.0f} ms, mean {mean:.0f} ms")
    scale = (
        f"{len(cases)} proposals ({', '.join(n for n, _c in cases)}) x {RENDERS} renders, WeasyPrint, "
        f"mean PDF {statistics.fmean(sizes) / 1024:.0f} KiB, 1 process, "
        f"{platform.python_implementation()} {platform.python_version()}"
    )
    for name, value in (("proposal_pdf_p50_ms", p50), ("proposal_pdf_p95_ms", p95)):
        line = {"name": name, "value": round(value, 1), "unit": "ms", "scale": scale, "db": "none"}
        print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
