"""Batch scoring throughput of the shipped expert scorecard (issue 14: ≥ 1,000,000 rows/s).

The card: ``creditdesk/scoring/shipped/expert_retail_sme.json``, checked (``expert.validate``) and compiled
into the scorer's own artefact (``expert.compile_card``) — the path every expert card takes. Rows:
BENCH_EXPERT_ROWS (default 1,000,000) synthetic applicants, the same on every run (fixed seed): each
numerical feature drawn across its bands and a little beyond the card's designed range, 3 % missing
(NaN); each categorical feature drawn from its categories, 3 % missing.

Equal results first: on the first BENCH_EXPERT_CHECK rows (default 10,000) the batch points must equal
the card read by hand — base points + each feature's band points (nearest end band outside the range,
the Missing band for a missing value) — exactly; otherwise the run exits 1 without printing figures.

Timed (BENCH_EXPERT_ROUNDS times each, default 3; rate = rows × rounds / total seconds; one process):
``expert_card_batch_rows_per_s_codes`` (categories as int64 codes from ``Scorecard.encode``, as a
columnar store keeps them) and ``expert_card_batch_rows_per_s_text`` (categories as numpy text; the
text → code conversion is timed).
"""

from __future__ import annotations

import json
import math
import os
import platform
import sys
import time
from collections.abc import Callable

import numpy as np

from creditdesk.scoring.expert import compile_card, load_shipped

ROWS = int(os.environ.get("BENCH_EXPERT_ROWS", "1000000"))
CHECK = min(ROWS, int(os.environ.get("BENCH_EXPERT_CHECK", "10000")))
ROUNDS = int(os.environ.get("BENCH_EXPERT_ROUNDS", "3"))
SEED = 20261206
MISSING_SHARE = 0.03


def log(message: str) -> None:
    print(f"[bench_expert_card] {message}", file=sys.stderr, flush=True)


def numeric_column(rng: np.random.Generator, bands: list[dict]) -> np.ndarray:
    """Values across the bands' finite edges, 20 % beyond them on each side, some missing."""
    edges = [b[k] for b in bands for k in ("lower", "upper") if b.get(k) is not None]
    low, high = min(edges), max(edges)
    span = (high - low) or 1.0
    values = rng.uniform(low - 0.2 * span, high + 0.2 * span, ROWS)
    values[rng.random(ROWS) < MISSING_SHARE] = np.nan
    return values


def text_column(rng: np.random.Generator, bands: list[dict]) -> np.ndarray:
    categories = [c for b in bands for c in b["categories"]]
    values = np.array(categories, dtype=str)[rng.integers(0, len(categories), ROWS)]
    values[rng.random(ROWS) < MISSING_SHARE] = ""
    return values


def by_hand(data: dict, columns: dict[str, np.ndarray], row: int) -> float:
    total = float(data["base_points"])
    for item in data["features"]:
        value, bands = columns[item["key"]][row], item["bands"]
        missing = item.get("missing")
        lowest = min(b["points"] for b in bands)
        if "categories" in bands[0]:
            found = [b for b in bands if str(value) in b["categories"]] if value != "" else []
        elif not math.isnan(value):
            found = [
                b
                for b in bands
                if (b["lower"] is None or value >= b["lower"]) and (b["upper"] is None or value < b["upper"])
            ] or [bands[0] if value < bands[0]["lower"] else bands[-1]]
        else:
            found = []
        total += found[0]["points"] if found else (missing["points"] if missing else lowest)
    return total


def timed(run: Callable[[], object], rounds: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return sum(times), times


def main() -> int:
    card = load_shipped()
    data = dict(card.data)
    scorecard = compile_card(data)
    rng = np.random.default_rng(SEED)
    text: dict[str, np.ndarray] = {}
    for item in data["features"]:
        make = text_column if "categories" in item["bands"][0] else numeric_column
        text[item["key"]] = make(rng, item["bands"])
    codes = {
        key: scorecard.encode(key, column) if column.dtype.kind == "U" else column
        for key, column in text.items()
    }
    log(f"{ROWS:,} rows, {len(text)} features of the card {card.name} {card.version}")

    points = scorecard.score_batch({key: column[:CHECK] for key, column in codes.items()})
    from_text = scorecard.score_batch({key: column[:CHECK] for key, column in text.items()})
    expected = np.array([by_hand(data, text, row) for row in range(CHECK)])
    wrong = np.flatnonzero((points != expected) | (from_text != expected))
    if wrong.size:
        first = int(wrong[0])
        log(f"MISMATCH on {wrong.size} of {CHECK} rows; row {first}: {points[first]} vs {expected[first]}")
        return 1
    log(f"agreement: batch points equal the card read by hand on all {CHECK:,} rows checked")

    scorecard.score_batch(codes)  # warm-up
    codes_seconds, codes_times = timed(lambda: scorecard.score_batch(codes), ROUNDS)
    text_seconds, text_times = timed(lambda: scorecard.score_batch(text), ROUNDS)
    codes_rate, text_rate = ROWS * ROUNDS / codes_seconds, ROWS * ROUNDS / text_seconds
    log(
        "rounds (s): codes "
        + ", ".join(f"{t:.3f}" for t in codes_times)
        + "; text "
        + ", ".join(f"{t:.3f}" for t in text_times)
    )
    log(f"codes {codes_rate:,.0f} rows/s, text {text_rate:,.0f} rows/s (goal: >= 1,000,000 rows/s)")
    scale = (
        f"{ROWS:,} synthetic applicants x {ROUNDS} rounds, {len(text)} features, 1 process, "
        f"{platform.python_implementation()} {platform.python_version()}, numpy {np.__version__}"
    )
    for name, rate in (
        ("expert_card_batch_rows_per_s_codes", codes_rate),
        ("expert_card_batch_rows_per_s_text", text_rate),
    ):
        print(
            json.dumps({"name": name, "value": round(rate), "unit": "rows/s", "scale": scale, "db": "none"})
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
