"""Batch scoring throughput of the numpy scorer against optbinning's own ``Scorecard.score``.

Rows: BENCH_SCORING_ROWS (default 1,000,000) German Credit applicants resampled with replacement from
the 1,000 rows (fixed seed). The model: the shipped artefact ``creditdesk/scoring/shipped/german_credit.json``
for ours; for optbinning, the same configuration retrained on the same data (training is deterministic;
the equality check below proves both give the same points).

Equal results first: on the first BENCH_SCORING_CHECK rows (default: all of them) our points — from text
columns and from category codes — must equal optbinning's exactly (the points are rounded integers);
otherwise the mismatch goes to stderr and the run exits 1 without printing figures.

Timed (each BENCH_SCORING_ROUNDS times, default 3; rate = rows × rounds / total seconds; one process,
one thread — numpy does not parallelise these operations):

- ``scorecard_batch_rows_per_s_codes``: ``Scorecard.score_batch`` on columns as a columnar store keeps
  them: numerical variables as float64 arrays, categorical variables as int64 category codes (the
  index into the model's categories, made once by ``Scorecard.encode``); no conversion is timed
  because none is needed in that representation.
- ``scorecard_batch_rows_per_s_text``: ``Scorecard.score_batch`` on float64 arrays and the categories
  as numpy ``U`` text arrays (what ``DataFrame.to_numpy(str)`` or a CSV reader gives) — the
  representation a caller with a file of applicants has. The conversion text → codes is inside the
  timing (``creditdesk/scoring/scorer/text_codes.py``: a candidate category from a table indexed by
  one or two characters, then every character of the row, padding included, compared with it, so an
  unknown category is caught); parsing the CSV is not (pandas takes about 7 s for these million rows,
  far more than the scoring).
- ``optbinning_score_rows_per_s``: optbinning's ``Scorecard.score`` on a pandas DataFrame (its input:
  float64 and object columns) of the first BENCH_SCORING_OPTB_ROWS rows (default: all of them); the
  ``scale`` says how many rows.
- ``scorecard_vs_optbinning_ratio`` (``x``): our text-path rate / optbinning's rate.

Goal (issue 5): ≥ 1,000,000 rows/s on this 2-core machine.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from creditdesk.scoring.reference_data import GERMAN_CREDIT_TARGET, german_credit_path
from creditdesk.scoring.scorecard import Scorecard
from creditdesk.scoring.training import load_config, train

ROWS = int(os.environ.get("BENCH_SCORING_ROWS", "1000000"))
CHECK = int(os.environ.get("BENCH_SCORING_CHECK", str(ROWS)))
OPTB_ROWS = int(os.environ.get("BENCH_SCORING_OPTB_ROWS", str(ROWS)))
ROUNDS = int(os.environ.get("BENCH_SCORING_ROUNDS", "3"))
SEED = 20260122
SHIPPED = Path(__file__).resolve().parent.parent / "creditdesk/scoring/shipped"


def log(message: str) -> None:
    print(f"[bench_scorecard_scoring] {message}", file=sys.stderr, flush=True)


def timed(work: Callable[[], object], rounds: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return sum(times), times


def main() -> int:
    card = Scorecard.from_json((SHIPPED / "german_credit.json").read_text(encoding="utf-8"))
    config = load_config(SHIPPED / "german_credit_config.json")
    log("retraining the shipped configuration for optbinning's own scorer")
    model = train(german_credit_path(), target=GERMAN_CREDIT_TARGET, config=config)
    estimator, X = model.estimator, model.data.X

    rows = np.random.default_rng(SEED).integers(0, len(X), ROWS)
    text: dict[str, np.ndarray] = {}
    codes: dict[str, np.ndarray] = {}
    for spec in card.variables:
        column = X[spec.name].to_numpy()[rows]
        if spec.kind == "numerical":
            text[spec.name] = codes[spec.name] = column.astype(np.float64)
        else:
            text[spec.name] = column.astype(str)
            codes[spec.name] = card.encode(spec.name, text[spec.name])
    frame = X.iloc[rows[: max(CHECK, OPTB_ROWS)]].reset_index(drop=True)
    n_categorical = sum(v.kind == "categorical" for v in card.variables)
    log(
        f"{ROWS} rows, {len(card.variables)} variables ({n_categorical} categorical); "
        f"text columns {sum(a.nbytes for a in text.values()) / 1e6:.0f} MB"
    )

    ours = card.score_batch({name: column[:CHECK] for name, column in text.items()})
    theirs = estimator.score(frame.iloc[:CHECK])
    by_codes = card.score_batch({name: column[:CHECK] for name, column in codes.items()})
    mismatch = np.flatnonzero((ours != theirs) | (by_codes != theirs))
    if mismatch.size:
        first = int(mismatch[0])
        log(
            f"MISMATCH on {mismatch.size} of {CHECK} rows; first row {first}: ours {ours[first]}, "
            f"codes {by_codes[first]}, optbinning {theirs[first]}"
        )
        return 1
    log(f"agreement: our points equal optbinning's Scorecard.score on all {CHECK} rows checked")

    card.score_batch(codes)  # warm-up
    codes_seconds, codes_times = timed(lambda: card.score_batch(codes), ROUNDS)
    text_seconds, text_times = timed(lambda: card.score_batch(text), ROUNDS)
    sample = frame.iloc[:OPTB_ROWS]
    optb_seconds, optb_times = timed(lambda: estimator.score(sample), ROUNDS)
    codes_rate = ROWS * ROUNDS / codes_seconds
    text_rate = ROWS * ROUNDS / text_seconds
    optb_rate = len(sample) * ROUNDS / optb_seconds
    log(
        "rounds (s): codes "
        + ", ".join(f"{t:.3f}" for t in codes_times)
        + "; text "
        + ", ".join(f"{t:.3f}" for t in text_times)
        + "; optbinning "
        + ", ".join(f"{t:.3f}" for t in optb_times)
    )
    log(
        f"codes {codes_rate:,.0f} rows/s, text {text_rate:,.0f} rows/s, optbinning {optb_rate:,.0f} rows/s "
        f"(goal: >= 1,000,000 rows/s)"
    )

    runtime = (
        f"{ROUNDS} rounds, 1 process, {platform.python_implementation()} {platform.python_version()}, "
        f"numpy {np.__version__}"
    )
    base = f"{ROWS:,} German Credit rows resampled (seed {SEED}), {len(card.variables)} variables"
    lines = [
        (
            "scorecard_batch_rows_per_s_codes",
            round(codes_rate),
            "rows/s",
            f"{base}; float64 + int64 category codes, no conversion needed; {runtime}",
        ),
        (
            "scorecard_batch_rows_per_s_text",
            round(text_rate),
            "rows/s",
            f"{base}; float64 + numpy U text, text->codes conversion included; {runtime}",
        ),
        (
            "optbinning_score_rows_per_s",
            round(optb_rate),
            "rows/s",
            f"optbinning Scorecard.score on a pandas DataFrame (float64 + object columns) of "
            f"{'the same' if len(sample) == ROWS else f'the first {len(sample):,} of those'} rows; {runtime}",
        ),
        (
            "scorecard_vs_optbinning_ratio",
            round(text_rate / optb_rate, 1),
            "x",
            "our text-path rate / optbinning's rate (same rows, same points)",
        ),
    ]
    for name, value, unit, scale in lines:
        print(
            json.dumps({"name": name, "value": value, "unit": unit, "scale": scale, "db": "none"}), flush=True
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
