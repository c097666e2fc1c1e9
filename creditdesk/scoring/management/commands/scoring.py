"""`creditdesk scoring train` — a scorecard trained on the bank's own history (issue 14).

``train --data FILE [--book-bad-rate R] [--name N --version V] [--title T] [--config JSON]
[--out PATH] [--report PATH] [--against ARTEFACT|active] [--bad-dpd 90] [--bad-months 12]
[--cv SPLITS REPEATS] [--seed S] [--no-register] [--as USERNAME]``:

- imports the training table (CSV in UTF-8 or .xlsx; the format is in
  :mod:`creditdesk.scoring.training.table`), all or nothing: a refused file lists every problem by row
  and column on stderr and nothing is written or registered;
- fits the card with optbinning inside repeated stratified CV (5×5 by default) and on every row
  (:mod:`creditdesk.scoring.training.bank`); calibrates it to ``--book-bad-rate`` when given (otherwise
  the card is marked uncalibrated: ``calibration: null``, no probability on pages);
- writes the artefact (``--out``, default ``<name>-<version>.json``), the validation report next to it
  as JSON and Markdown (``--report`` names the JSON; the Markdown is the same path with ``.md``), and
  registers the artefact as a draft version (``services.score_model_register``) unless ``--no-register``
  (a name and version already registered is refused before anything is fitted);
- ``--against`` names the current card for the report's PSI: an artefact file, or ``active`` for the
  active version; ``--bad-dpd`` / ``--bad-months`` define bad (recorded on the card), and a loan applied
  for less than ``--bad-months`` ago is refused (its outcome is not known yet).

Exit status 0 on success, 1 when refused (the message says why, in Chinese).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from creditdesk.core.exceptions import DomainError

_METRICS = (("auc", "AUC"), ("ks", "KS"), ("gini", "Gini"))


class Command(BaseCommand):
    help = (
        "用本行历史数据训练评分卡：导入训练样本表、交叉验证、校准、写出模型文件和验证报告、登记为待审核版本。"
    )

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        train = sub.add_parser("train", help="train a card from the bank's training table (CSV or xlsx)")
        train.add_argument("--data", required=True, help="training table: CSV (UTF-8) or .xlsx")
        train.add_argument("--book-bad-rate", type=float, help="the book's bad rate (0–1): calibrate to it")
        train.add_argument("--name", default="bank_scorecard", help="model code")
        train.add_argument("--version", default="1", help="model version")
        train.add_argument("--title", default="", help="Chinese title of the card")
        train.add_argument("--config", help="training configuration JSON (binning, regression, scaling)")
        train.add_argument("--out", help="artefact file to write (default <name>-<version>.json)")
        train.add_argument("--report", help="validation report JSON (default: next to --out); .md beside it")
        train.add_argument("--against", help="the current card's artefact file, or 'active': PSI against it")
        train.add_argument("--bad-dpd", type=int, default=90, help="bad = this many days past due or more")
        train.add_argument("--bad-months", type=int, default=12, help="… within this many months")
        train.add_argument("--cv", nargs=2, type=int, default=(5, 5), metavar=("SPLITS", "REPEATS"))
        train.add_argument("--seed", type=int, default=42)
        train.add_argument("--no-register", action="store_true", help="write the files only")
        train.add_argument("--as", dest="as_user", metavar="USERNAME", help="who registers it (default none)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except DomainError as exc:
            problems = (exc.extra or {}).get("problems") if isinstance(exc.extra, dict) else None
            if problems:
                for problem in problems:
                    where = "".join(
                        part
                        for part in (
                            f"第 {problem['row']} 行" if problem["row"] is not None else "",
                            f"「{problem['column']}」列" if problem["column"] is not None else "",
                        )
                    )
                    self.stderr.write(f"{where or '文件'}\t{problem['code']}\t{problem['message']}")
            raise CommandError(f"{exc.code}: {exc.message}", returncode=1) from exc

    def _train(self, options: dict[str, Any]) -> None:
        from creditdesk.scoring.scorer.card import Scorecard
        from creditdesk.scoring.training import bank, load_config
        from creditdesk.scoring.training.table import read_table
        from creditdesk.scoring.training.validation import report_markdown

        book = options["book_bad_rate"]
        if book is not None and not 0 < book < 1:
            raise CommandError("--book-bad-rate 应为 0 与 1 之间的小数，如 0.02。", returncode=1)
        user = self._user(options["as_user"]) if options["as_user"] else None
        base = load_config(options["config"]) if options["config"] else None
        if base is not None:
            base = {
                key: base[key]
                for key in (
                    "binning",
                    "binning_by_variable",
                    "selection",
                    "logistic_regression",
                    "scaling",
                    "grades",
                    "reasons",
                )
            }
        against = None
        if options["against"] == "active":
            from creditdesk.scoring import services

            against = Scorecard.from_json(services.active_model().artefact)
        elif options["against"]:
            try:
                against = Scorecard.from_json(Path(options["against"]).read_bytes())
            except OSError as exc:
                raise CommandError(f"无法读取现行评分卡 {options['against']}：{exc}", returncode=1) from exc
        out = Path(options["out"] or f"{options['name']}-{options['version']}.json")
        report_path = (
            Path(options["report"]) if options["report"] else out.with_name(out.stem + ".report.json")
        )
        if not options["no_register"]:
            from creditdesk.scoring.models import ScoreModel

            if ScoreModel.objects.filter(name=options["name"], version=options["version"]).exists():
                raise CommandError(
                    f"模型 {options['name']} 的版本 {options['version']} 已登记，"
                    "请用 --version 指定新的版本号。",
                    returncode=1,
                )
        today = timezone.localdate()
        outcome = bank.OutcomeDefinition(options["bad_dpd"], options["bad_months"])
        table = read_table(options["data"], as_of=today, within_months=outcome.within_months)
        self.stderr.write(
            f"已导入 {table.source}：{table.rows} 笔贷款，坏样本 {table.bads} 笔（{table.bad_rate:.2%}），"
            f"特征 {', '.join(table.features)}"
        )
        config = bank.bank_config(
            table, name=options["name"], version=options["version"], title=options["title"], base=base
        )
        card = bank.train_bank_card(
            table,
            config=config,
            outcome=outcome,
            book_bad_rate=book,
            n_splits=options["cv"][0],
            n_repeats=options["cv"][1],
            random_state=options["seed"],
            against=against,
            calibrated_on=today,
        )
        artefact = card.scorecard.to_json()
        out.write_text(artefact, encoding="utf-8")
        report_path.write_text(json.dumps(card.report, ensure_ascii=False, indent=1), encoding="utf-8")
        markdown = report_path.with_suffix(".md")
        markdown.write_text(report_markdown(card.report), encoding="utf-8")
        cv = card.report["cross_validation"]
        spread = ", ".join(f"{label} {cv[key]['mean']:.4f} ± {cv[key]['std']:.4f}" for key, label in _METRICS)
        scheme = cv["scheme"]
        self.stdout.write(
            f"{card.scorecard.name} {card.scorecard.version}: {spread} "
            f"({scheme['n_splits']}×{scheme['n_repeats']} CV)"
        )
        calibration = card.report["calibration"]
        if calibration is None:
            self.stdout.write("未校准（未给出 --book-bad-rate）：只给出评分和等级。")
        else:
            self.stdout.write(
                f"已校准到本行坏账率 {calibration['book_bad_rate']:.2%}"
                f"（样本 {calibration['sample_bad_rate']:.2%}，"
                f"对数几率平移 {calibration['shift_log_odds']:+.4f}）"
            )
        self.stdout.write(f"模型文件 {out}；验证报告 {report_path}、{markdown}")
        if options["no_register"]:
            return
        from creditdesk.scoring import services

        model = services.score_model_register(actor=user, artefact=artefact, report=card.report)
        self.stdout.write(f"已登记为待审核版本 #{model.pk}: {model}")

    def _user(self, username: str) -> Any:
        from creditdesk.accounts.models import User

        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在或已停用（--as）。", returncode=1)
        return user
