"""The validation report of a card trained on the bank's table (验证报告): JSON for programs
(:func:`validation_report`), Markdown for people (:func:`report_markdown`).

Contents: AUC, KS and Gini with their cross-validation mean and spread (the folds' sample standard
deviation); an out-of-time check — fitted on the earliest 80 % of the rows by application date (a date is
never split between the two parts), scored on the latest 20 %; IV per feature (every feature of the
table, kept or not) and the binning table of each feature kept; the calibration (or ``null``); the score
distribution by grade on the training rows (count, share, bads, bad rate, mean PD, points range); and
PSI against the current card when one is given:

- the current card scores this table (it must use only features the table has, else skipped with a
  note naming the missing ones);
- ``score``: when the current card carries its training scores' deciles (``score_reference``; a trained
  card does, an expert card does not), the PSI of its score between its development sample and this
  table — has the population moved since the current card was built?
- ``grades``: the PSI of the grade mix between the current card and the new card on this table — how
  much would switching cards move applicants between grades?
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, Final

import numpy as np

from creditdesk.scoring.features import feature
from creditdesk.scoring.psi import bin_counts, psi_by_bins
from creditdesk.scoring.scorer.card import Scorecard
from creditdesk.scoring.scorer.risk import GRADES
from creditdesk.scoring.training.content import build_content, compile_scorecard
from creditdesk.scoring.training.data import TrainingData, columns_of
from creditdesk.scoring.training.evaluation import fold_metrics
from creditdesk.scoring.training.fitting import fit_pipeline
from creditdesk.scoring.training.model import TrainedModel
from creditdesk.scoring.training.table import TrainingTable

OUT_OF_TIME_SHARE: Final = 0.2
_METRICS: Final = ("auc", "ks", "gini")


def out_of_time(table: TrainingTable, data: TrainingData, config: Mapping[str, Any]) -> dict[str, Any]:
    """Fitted on the earliest rows (80 %, a date never split), scored on the latest: AUC, KS, Gini."""
    n = table.rows
    cut = round(n * (1 - OUT_OF_TIME_SHARE))
    while 0 < cut < n and table.dates[cut] == table.dates[cut - 1]:
        cut += 1
    y = data.y
    if cut >= n or len(set(y[:cut].tolist())) < 2 or len(set(y[cut:].tolist())) < 2:
        return {
            "skipped": "按申请日期切分后，较早或较晚的一段只有一类样本（或同日贷款过多），未做跨时间检验。"
        }
    X_train, X_test = data.X.iloc[:cut], data.X.iloc[cut:]
    fitted = fit_pipeline(X_train, y[:cut], config, data.kinds)
    part = TrainingData(
        X=X_train,
        y=y[:cut],
        kinds=data.kinds,
        target=data.target,
        event=data.event,
        fingerprint=data.fingerprint,
        source=data.source,
    )
    card = compile_scorecard(build_content(fitted, part, config, created_at=""))
    points = card.score_batch(columns_of(X_test), unknown="missing_bin")
    metrics = fold_metrics(y[cut:], card.probabilities_of_default(points))
    return {
        "train": {"rows": cut, "from": table.dates[0].isoformat(), "to": table.dates[cut - 1].isoformat()},
        "test": {"rows": n - cut, "from": table.dates[cut].isoformat(), "to": table.dates[-1].isoformat()},
        **metrics,
    }


def _features(model: TrainedModel, card: Scorecard) -> list[dict[str, Any]]:
    with warnings.catch_warnings():  # optbinning's summary uses pandas calls pandas 3 deprecates
        warnings.simplefilter("ignore")
        summary = model.estimator.binning_process_.summary()
    iv = {str(row["name"]): float(row["iv"]) for _, row in summary.iterrows()}
    selected = set(card.variable_names)
    rows = card.table()
    out = []
    for name in model.data.variables:
        bins = [
            {
                "bin": row["bin_label"],
                **{key: row[key] for key in ("kind", "count", "event_rate", "woe", "points")},
            }
            for row in rows
            if row["variable"] == name
        ]
        out.append(
            {
                "name": name,
                "label": feature(name).label,
                "iv": iv.get(name, 0.0),
                "selected": name in selected,
                "bins": bins,
            }
        )
    return sorted(out, key=lambda entry: -entry["iv"])


def _grades_of(card: Scorecard, points: np.ndarray) -> np.ndarray:
    return np.array([card.grade_for_points(float(p)) for p in points])


def _by_grade(card: Scorecard, points: np.ndarray, y: np.ndarray) -> list[dict[str, Any]]:
    grades = _grades_of(card, points)
    pd_ = card.probabilities_of_default(points)
    rows = []
    for grade in GRADES:
        part = grades == grade
        count = int(part.sum())
        rows.append(
            {
                "grade": grade,
                "count": count,
                "share": count / len(points),
                "bads": int(y[part].sum()),
                "bad_rate": float(y[part].mean()) if count else None,
                "mean_pd": float(pd_[part].mean()) if count else None,
                "min_points": float(points[part].min()) if count else None,
                "max_points": float(points[part].max()) if count else None,
            }
        )
    return rows


def _grade_counts(card: Scorecard, points: np.ndarray) -> np.ndarray:
    grades = _grades_of(card, points)
    return np.array([(grades == grade).sum() for grade in GRADES], dtype=np.float64)


def psi_against(
    table: TrainingTable, card: Scorecard, points: np.ndarray, against: Scorecard | None
) -> dict[str, Any]:
    """PSI against the current card (module docstring), or why it was skipped."""
    if against is None:
        return {"skipped": "未给出现行评分卡（--against），未计算 PSI。"}
    name = f"{against.name} {against.version}"
    missing = [key for key in against.variable_names if key not in table.features]
    if missing:
        return {
            "against": name,
            "skipped": f"现行评分卡使用的特征不在训练数据中（{'、'.join(missing)}），"
            "无法在本数据上评分，未计算 PSI。",
        }
    current = against.score_batch(table.columns(against.variable_names), unknown="missing_bin")
    out: dict[str, Any] = {"against": name}
    reference = against.score_reference
    if reference.get("edges") and reference.get("counts"):
        result = psi_by_bins(reference["counts"], bin_counts(current, reference["edges"]))
        out["score"] = {**result.to_dict(), "edges": list(reference["edges"])}
    else:
        out["score_note"] = "现行评分卡没有开发样本的分数分布（如专家评分卡），只比较等级分布。"
    grades = psi_by_bins(_grade_counts(against, current), _grade_counts(card, points))
    out["grades"] = {"grades": list(GRADES), **grades.to_dict()}
    return out


def validation_report(
    table: TrainingTable,
    model: TrainedModel,
    card: Scorecard,
    metrics: Mapping[str, Any],
    *,
    config: Mapping[str, Any],
    against: Scorecard | None = None,
) -> dict[str, Any]:
    """The validation report of a bank card (JSON-able; see the module docstring)."""
    pipeline = metrics["models"]["pipeline"]
    points = card.score_batch(columns_of(model.data.X), unknown="missing_bin")
    content = card.content
    return {
        "card": {"name": card.name, "version": card.version, "title": card.title, "checksum": card.checksum},
        "data": {
            "source": table.source,
            "fingerprint": table.fingerprint,
            "rows": table.rows,
            "bads": table.bads,
            "bad_rate": table.bad_rate,
            "first_application_date": table.dates[0].isoformat(),
            "last_application_date": table.dates[-1].isoformat(),
            "outcome_definition": content["target"]["definition"],
        },
        "cross_validation": {
            "scheme": metrics["scheme"],
            **{key: {"mean": pipeline[key]["mean"], "std": pipeline[key]["std"]} for key in _METRICS},
        },
        "out_of_time": out_of_time(table, model.data, config),
        "features": _features(model, card),
        "calibration": content.get("calibration"),
        "score_by_grade": _by_grade(card, points, model.data.y),
        "psi": psi_against(table, card, points, against),
        "cv_detail": dict(metrics),
    }


# --- for people ------------------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def _num(value: float | None, digits: int = 4) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def _header(*cells: str) -> list[str]:
    return [_row(*cells), _row(*(["---"] * len(cells)))]


def _data_lines(report: Mapping[str, Any]) -> list[str]:
    card, data, cv = report["card"], report["data"], report["cross_validation"]
    scheme = cv["scheme"]
    dates = f"{data['first_application_date']} 至 {data['last_application_date']}"
    lines = [
        f"# 评分卡验证报告：{card['title']}（{card['name']} {card['version']}）",
        "",
        f"- 模型校验和：`{card['checksum']}`",
        f"- 训练数据：{data['source']}（`{data['fingerprint']}`），{data['rows']} 笔贷款，"
        f"坏样本 {data['bads']} 笔，坏样本率 {_pct(data['bad_rate'])}；申请日期 {dates}",
        f"- 坏样本定义：{data['outcome_definition']['text']}",
        "",
        f"## 区分能力（{scheme['n_splits']} 折 × {scheme['n_repeats']} 次重复分层交叉验证，"
        "分箱在每折训练部分内拟合）",
        "",
        *_header("指标", "均值", "标准差"),
        *(
            _row(label, _num(cv[key]["mean"]), _num(cv[key]["std"]))
            for key, label in (("auc", "AUC"), ("ks", "KS"), ("gini", "Gini"))
        ),
        "",
        "## 跨时间检验（较早 80% 训练，较晚 20% 检验）",
        "",
    ]
    oot = report["out_of_time"]
    if "skipped" in oot:
        lines.append(oot["skipped"])
    else:
        train, test = oot["train"], oot["test"]
        lines.append(
            f"训练 {train['rows']} 笔（{train['from']} 至 {train['to']}），"
            f"检验 {test['rows']} 笔（{test['from']} 至 {test['to']}）："
            f"AUC {_num(oot['auc'])}，KS {_num(oot['ks'])}，Gini {_num(oot['gini'])}"
        )
    return lines


def _calibration_lines(report: Mapping[str, Any]) -> list[str]:
    lines = ["", "## 校准", ""]
    item = report["calibration"]
    if item is None:
        lines.append(
            "未校准：未给出本行坏账率（--book-bad-rate）。本卡只给出评分和等级，页面不显示违约概率。"
        )
    else:
        lines.append(
            f"{item['calibrated_on']} 校准到本行坏账率 {_pct(item['book_bad_rate'])}"
            f"（样本坏样本率 {_pct(item['sample_bad_rate'])}）："
            f"坏账对数几率平移 {item['shift_log_odds']:+.4f}"
            f"（先验修正公式值 {item['prior_correction_log_odds']:+.4f}），"
            f"校准后训练样本平均违约概率 {_pct(item['mean_pd_after'])}。"
        )
    lines += ["", "## 各等级分数分布（训练样本）", ""]
    lines += _header("等级", "笔数", "占比", "坏样本", "坏样本率", "平均违约概率", "分数范围")
    for row in report["score_by_grade"]:
        span = "—" if row["min_points"] is None else f"{row['min_points']:.0f}–{row['max_points']:.0f}"
        lines.append(
            _row(
                row["grade"],
                row["count"],
                _pct(row["share"]),
                row["bads"],
                _pct(row["bad_rate"]),
                _pct(row["mean_pd"]),
                span,
            )
        )
    return lines


def _psi_lines(report: Mapping[str, Any]) -> list[str]:
    lines = ["", "## PSI（与现行评分卡比较）", ""]
    psi = report["psi"]
    if "skipped" in psi:
        return [*lines, psi["skipped"]]
    lines.append(f"现行评分卡：{psi['against']}")
    if "score" in psi:
        score = psi["score"]
        lines.append(
            f"- 分数 PSI（现行卡开发样本 → 本数据）：{score['value']:.4f}（{score['status_label']}）"
        )
    else:
        lines.append(f"- {psi['score_note']}")
    grades = psi["grades"]
    shown = f"{grades['value']:.4f}（{grades['status_label']}）"
    lines.append(f"- 等级分布 PSI（现行卡 → 新卡，同一数据）：{shown}")
    return lines


def _feature_lines(report: Mapping[str, Any]) -> list[str]:
    lines = ["", "## 特征（按 IV 排序）", "", *_header("特征", "键", "IV", "入选")]
    for entry in report["features"]:
        kept = "是" if entry["selected"] else "否"
        lines.append(_row(entry["label"], f"`{entry['name']}`", f"{entry['iv']:.4f}", kept))
    for entry in report["features"]:
        if not entry["bins"]:
            continue
        lines += ["", f"### {entry['label']}（`{entry['name']}`，IV {entry['iv']:.4f}）", ""]
        lines += _header("分箱", "笔数", "坏样本率", "WoE", "分数")
        for row in entry["bins"]:
            count = "—" if row["count"] is None else row["count"]
            lines.append(
                _row(row["bin"], count, _pct(row["event_rate"]), _num(row["woe"]), _num(row["points"], 1))
            )
    return lines


def report_markdown(report: Mapping[str, Any]) -> str:
    """The validation report for people (Markdown, Chinese)."""
    lines = [*_data_lines(report), *_calibration_lines(report), *_psi_lines(report), *_feature_lines(report)]
    return "\n".join(lines) + "\n"
