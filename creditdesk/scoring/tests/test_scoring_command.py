"""`creditdesk scoring train`: the whole path on the command line — a refused file writes and registers
nothing; an accepted one writes the artefact and its report (JSON and Markdown) and a draft version."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from creditdesk.scoring.models import ScoreModel
from creditdesk.scoring.scorecard import Scorecard
from creditdesk.scoring.tests.training_tables import synthetic_rows, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def _train(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("scoring", "train", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_refused_file_produces_nothing(tmp_path):
    rows = [{**row, "marital_status": "married"} for row in synthetic_rows(n=300, seed=1)]
    rows[3]["outcome"] = ""
    data = write_csv(tmp_path / "history.csv", rows)
    before = ScoreModel.objects.count()
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "scoring", "train", "--data", str(data), "--out", str(tmp_path / "card.json"), stderr=err
        )
    assert "training_table_refused" in str(caught.value)
    lines = err.getvalue().splitlines()
    assert any("「marital_status」列\tfeature_protected" in line for line in lines)
    assert any(line.startswith("第 5 行「outcome」列\toutcome_missing") for line in lines)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.csv"]
    assert ScoreModel.objects.count() == before


def test_train_writes_the_card_and_report_and_registers_a_draft(tmp_path):
    data = write_xlsx(tmp_path / "history.xlsx", synthetic_rows())
    out = tmp_path / "bank_sme-0.1.json"
    stdout, stderr = _train(
        "--data",
        str(data),
        "--out",
        str(out),
        "--name",
        "bank_sme",
        "--version",
        "0.1",
        "--book-bad-rate",
        "0.02",
        "--cv",
        "2",
        "1",
    )
    assert "已导入 history.xlsx：2000 笔贷款" in stderr
    assert "AUC" in stdout and "已校准到本行坏账率 2.00%" in stdout and "已登记为待审核版本" in stdout
    card = Scorecard.from_json(out.read_text(encoding="utf-8"))
    assert card.content["calibration"]["book_bad_rate"] == 0.02
    report = json.loads((tmp_path / "bank_sme-0.1.report.json").read_text(encoding="utf-8"))
    assert report["card"]["checksum"] == card.checksum
    assert "# 评分卡验证报告" in (tmp_path / "bank_sme-0.1.report.md").read_text(encoding="utf-8")
    model = ScoreModel.objects.get(name="bank_sme", version="0.1")
    assert model.checksum == card.checksum
    assert model.status == "draft"
    assert model.report["cross_validation"]["scheme"]["n_splits"] == 2


def test_train_without_a_book_rate_and_without_registering(tmp_path):
    data = write_csv(tmp_path / "history.csv", synthetic_rows(n=600, seed=5))
    out = tmp_path / "card.json"
    before = ScoreModel.objects.count()
    first, _ = _train("--data", str(data), "--out", str(out), "--cv", "2", "1", "--no-register")
    assert "未校准" in first
    card = Scorecard.from_json(out.read_text(encoding="utf-8"))
    assert card.content["calibration"] is None
    again = tmp_path / "again.json"
    _train("--data", str(data), "--out", str(again), "--cv", "2", "1", "--no-register", "--against", str(out))
    report = json.loads((tmp_path / "again.report.json").read_text(encoding="utf-8"))
    assert report["psi"]["score"]["value"] == pytest.approx(0.0, abs=1e-12)
    assert ScoreModel.objects.count() == before


def test_a_book_bad_rate_outside_0_1_is_refused_before_anything(tmp_path):
    data = write_csv(tmp_path / "history.csv", synthetic_rows(n=300))
    with pytest.raises(CommandError, match="book-bad-rate"):
        _train("--data", str(data), "--book-bad-rate", "2", "--out", str(tmp_path / "c.json"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.csv"]


def test_a_version_already_registered_is_refused_before_training(tmp_path):
    data = write_csv(tmp_path / "history.csv", synthetic_rows(n=600, seed=5))
    _train("--data", str(data), "--out", str(tmp_path / "a.json"), "--cv", "2", "1", "--version", "9")
    with pytest.raises(CommandError, match="已登记"):
        _train("--data", str(data), "--out", str(tmp_path / "b.json"), "--cv", "2", "1", "--version", "9")
    assert not (tmp_path / "b.json").exists()
    assert ScoreModel.objects.filter(name="bank_scorecard", version="9").count() == 1


def test_a_loan_too_recent_to_know_its_outcome_is_refused(tmp_path):
    from django.utils import timezone

    rows = synthetic_rows(n=300, seed=2)
    rows[-1]["application_date"] = timezone.localdate().isoformat()
    data = write_csv(tmp_path / "history.csv", rows)
    err = io.StringIO()
    with pytest.raises(CommandError, match="training_table_refused"):
        call_command(
            "scoring",
            "train",
            "--data",
            str(data),
            "--out",
            str(tmp_path / "c.json"),
            "--no-register",
            stderr=err,
        )
    assert f"第 {len(rows) + 1} 行「application_date」列\toutcome_immature" in err.getvalue()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.csv"]
