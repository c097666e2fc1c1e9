"""`creditdesk export_training_table --out PATH.csv [--as-of YYYY-MM-DD] [--keys PATH.csv]`: the
scorecard's training table from the bank's own book (``loans.training``): one row per disbursed loan
with a known outcome (bad = 90+ days past due within 12 months of disbursement), its application-time
feature values, in the format ``creditdesk scoring train --data PATH.csv`` imports
(``scoring.training.table``). The identifying columns go to the sidecar ``--keys`` (default
``PATH.keys.csv``), row for row. Prints the counts as JSON (rows, bad, good, excluded_indeterminate,
excluded_immature, skipped_no_features, skipped_invalid_value) and the files written.

The file holds personal information in clear (monthly income): keep it in the secured environment."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from creditdesk.loans.training import build_training_table, write_keys, write_table


class Command(BaseCommand):
    help = (
        "导出评分卡训练样本表：每笔已放款贷款的申请时特征值与表现（放款后 12 个月内逾期 90 天及以上为坏）。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", required=True, help="training table CSV to write")
        parser.add_argument("--as-of", help="observe the book as of this date (YYYY-MM-DD; default today)")
        parser.add_argument("--keys", help="sidecar CSV of loan identifiers (default <out>.keys.csv)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["as_of"]:
            try:
                as_of = date.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise CommandError("--as-of 须为 YYYY-MM-DD 格式的日期。") from exc
            if as_of > today:
                raise CommandError(f"--as-of 不能晚于今天（{today.isoformat()}）：未来的表现尚不可知。")
        else:
            as_of = today
        out = Path(options["out"])
        keys = Path(options["keys"]) if options["keys"] else out.with_name(f"{out.stem}.keys.csv")
        if keys.resolve() == out.resolve():
            raise CommandError("--keys 不能与 --out 是同一个文件。")
        export = build_training_table(as_of=as_of)
        try:
            write_table(export, out)
            write_keys(export, keys)
        except OSError as exc:
            raise CommandError(f"无法写出训练样本表：{exc}") from exc
        self.stdout.write(
            json.dumps(
                {
                    **export.counts,
                    "as_of": as_of.isoformat(),
                    "features": list(export.features),
                    "out": str(out),
                    "keys": str(keys),
                },
                ensure_ascii=False,
            )
        )
