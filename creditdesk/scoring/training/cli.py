"""Command line of training (regenerates the shipped model; ``creditdesk score train`` calls
:func:`~creditdesk.scoring.training.model.train` itself)::

    python -m creditdesk.scoring.training --data germancredit.csv --target creditability \\
        --config creditdesk/scoring/shipped/german_credit_config.json --cv 5 5 --baselines \\
        --out creditdesk/scoring/shipped/german_credit.json
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from creditdesk.scoring.errors import ScoringError
from creditdesk.scoring.training.config import load_config
from creditdesk.scoring.training.model import train


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m creditdesk.scoring.training",
        description="Train a scorecard and write its artefact (JSON).",
    )
    parser.add_argument("--data", required=True, help="labelled CSV")
    parser.add_argument("--target", required=True, help="target column (two values, see target_event)")
    parser.add_argument("--config", required=True, help="configuration JSON")
    parser.add_argument("--out", required=True, help="artefact file to write")
    parser.add_argument("--cv", nargs=2, type=int, metavar=("SPLITS", "REPEATS"), help="cross-validate first")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--baselines", action="store_true", help="evaluate the baselines in the same folds")
    parser.add_argument("--created-at", help="ISO timestamp to record (default: now, UTC)")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
        metrics = None
        if args.cv:
            from creditdesk.scoring.training.evaluation import BASELINES, cross_validate

            metrics = cross_validate(
                args.data,
                target=args.target,
                config=config,
                n_splits=args.cv[0],
                n_repeats=args.cv[1],
                random_state=args.seed,
                baselines=tuple(BASELINES) if args.baselines else (),
            )
        model = train(
            args.data, target=args.target, config=config, metrics=metrics, created_at=args.created_at
        )
    except ScoringError as exc:
        print(f"{exc.code}: {exc.message}", file=sys.stderr)
        return 1
    Path(args.out).write_text(model.to_json(), encoding="utf-8")
    print(f"wrote {args.out} ({model.artefact['checksum']})", file=sys.stderr)
    return 0
