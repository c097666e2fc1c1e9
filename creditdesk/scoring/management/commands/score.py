"""`creditdesk score …` — the scorecard on the command line.

- ``train --data CSV --target COLUMN --config FILE [--out MODEL.json] [--report REPORT.json]
  [--cv-repeats N] [--register --as USERNAME]``: fit the scorecard (optimal WoE binning, logistic
  regression, points scaled by PDO), evaluate it by repeated stratified cross-validation (binning fitted
  inside each fold), write the checksummed artefact and its report; ``--register`` records it as a
  draft version for a risk manager to approve.
- ``register MODEL.json [--report REPORT.json] --as USERNAME``: record an artefact trained elsewhere.
- ``list``: the versions and their status.
- ``report ID``: a version's report as JSON.
- ``batch --data CSV [--model ID] --out CSV``: score every row of a file with a version (the active one
  by default) — points, probability of default, grade; one bad row refuses the file naming the row.

Exit status 0 on success, 1 when refused (the message says why, in Chinese).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from creditdesk.accounts.models import User
from creditdesk.core.exceptions import DomainError
from creditdesk.scoring import engine, selectors, services
from creditdesk.scoring.models import ScoreModel


class Command(BaseCommand):
    help = "信用评分卡：训练、登记、列出、查看报告、批量评分。"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        train = sub.add_parser("train", help="fit and evaluate a scorecard from a labelled CSV")
        train.add_argument("--data", required=True, help="labelled CSV")
        train.add_argument("--target", required=True, help="the 0/1 (or good/bad) column")
        train.add_argument("--config", required=True, help="JSON configuration (variables, binning, scaling)")
        train.add_argument("--out", help="where to write the model artefact (JSON)")
        train.add_argument("--report", help="where to write the evaluation report (JSON)")
        train.add_argument("--cv-repeats", type=int, default=5, help="repeats of 5-fold CV (default 5)")
        train.add_argument("--register", action="store_true", help="record the model as a draft version")
        train.add_argument("--as", dest="as_user", metavar="USERNAME", help="who registers it")
        register = sub.add_parser("register", help="record a trained model artefact as a draft version")
        register.add_argument("model", help="model artefact (JSON)")
        register.add_argument("--report", help="its evaluation report (JSON)")
        register.add_argument("--as", dest="as_user", metavar="USERNAME", required=True)
        sub.add_parser("list", help="the versions and their status")
        report = sub.add_parser("report", help="a version's evaluation report as JSON")
        report.add_argument("id", type=int)
        batch = sub.add_parser("batch", help="score every row of a CSV")
        batch.add_argument("--data", required=True)
        batch.add_argument("--model", type=int, help="version id (default: the active one)")
        batch.add_argument("--out", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=1) from exc

    def _user(self, username: str | None) -> User:
        user = User.objects.filter(username=username or "", is_active=True).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在或已停用（--as）。", returncode=1)
        return user

    def _train(self, options: dict[str, Any]) -> None:
        from creditdesk.scoring import training
        from creditdesk.scoring.training import evaluation

        if options["register"] and not options["as_user"]:
            raise CommandError("登记模型须用 --as 指明登记人。", returncode=1)
        config = training.load_config(Path(options["config"]))
        data = Path(options["data"])
        report = evaluation.cross_validate(
            data, target=options["target"], config=config, n_repeats=options["cv_repeats"]
        )
        trained = training.train(data, target=options["target"], config=config, metrics=report)
        pipeline = report["models"]["pipeline"]
        card = trained.scorecard
        self.stdout.write(
            f"{card.name} {card.version}: AUC {pipeline['auc']['mean']:.4f} ± {pipeline['auc']['std']:.4f}, "
            f"KS {pipeline['ks']['mean']:.4f} ± {pipeline['ks']['std']:.4f} "
            f"({report['scheme']['n_splits']}×{report['scheme']['n_repeats']} CV)"
        )
        artefact = trained.to_json()
        if options["out"]:
            Path(options["out"]).write_text(artefact, encoding="utf-8")
        if options["report"]:
            Path(options["report"]).write_text(
                json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8"
            )
        if options["register"]:
            model = services.score_model_register(
                actor=self._user(options["as_user"]), artefact=artefact, report=report
            )
            self.stdout.write(f"已登记为待审核版本 #{model.pk}")

    def _register(self, options: dict[str, Any]) -> None:
        artefact = Path(options["model"]).read_text(encoding="utf-8")
        report = (
            json.loads(Path(options["report"]).read_text(encoding="utf-8")) if options["report"] else None
        )
        model = services.score_model_register(
            actor=self._user(options["as_user"]), artefact=artefact, report=report
        )
        self.stdout.write(f"已登记为待审核版本 #{model.pk}: {model}")

    def _list(self, options: dict[str, Any]) -> None:
        for model in selectors.model_list():
            auc = ((model.report.get("models") or {}).get("pipeline") or {}).get("auc", {}).get("mean")
            shown = f"AUC {auc:.4f}" if auc is not None else "—"
            self.stdout.write(
                f"#{model.pk}\t{model.name}\t{model.version}\t{model.get_status_display()}\t{shown}"
            )

    def _report(self, options: dict[str, Any]) -> None:
        model = ScoreModel.objects.filter(pk=options["id"]).first()
        if model is None:
            raise CommandError(f"评分模型 #{options['id']} 不存在。", returncode=1)
        self.stdout.write(json.dumps(model.report, ensure_ascii=False, indent=1))

    def _batch(self, options: dict[str, Any]) -> None:
        model = (
            ScoreModel.objects.filter(pk=options["model"]).first()
            if options["model"]
            else services.active_model()
        )
        if model is None:
            raise CommandError(f"评分模型 #{options['model']} 不存在。", returncode=1)
        with Path(options["data"]).open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        scores = engine.score_rows(engine.load(model), rows)
        with Path(options["out"]).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row", "points", "probability_of_default", "grade"])
            for number, item in enumerate(scores, start=1):
                writer.writerow([number, item["points"], item["probability_of_default"], item["grade"]])
        self.stdout.write(f"{len(scores)} 行已评分（{model}）→ {options['out']}")
