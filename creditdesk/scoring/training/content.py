"""The artefact's content (模型文件内容) from a fitted pipeline: variables, bins, points, scaling.

See :mod:`creditdesk.scoring.scorecard` for the format. Bin labels are Chinese: numerical bins as
right-open intervals, categorical bins by their categories' labels from the configuration.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from creditdesk.scoring.errors import ScoringError
from creditdesk.scoring.scorer.artefact import seal
from creditdesk.scoring.scorer.card import Scorecard
from creditdesk.scoring.scorer.risk import GRADES
from creditdesk.scoring.scorer.values import interval_label
from creditdesk.scoring.training.data import TrainingData


def _float(value: Any) -> float:
    return float(value)


def _entry(row: Any, label: str) -> dict[str, Any]:
    return {
        "bin": label,
        "woe": _float(row["WoE"]),
        "points": _float(row["Points"]),
        "count": int(row["Count"]),
        "event_rate": _float(row["Event rate"]),
    }


def build_content(
    fitted: Any,
    data: TrainingData,
    config: Mapping[str, Any],
    *,
    created_at: str,
    metrics: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The artefact's content (see :mod:`creditdesk.scoring.scorecard`) of a fitted pipeline."""
    import optbinning
    import sklearn

    process = fitted.binning_process_
    table = fitted.table(style="detailed")
    coefficients = fitted.estimator_.coef_.ravel()
    labels = config["labels"]
    variables = []
    for index, name in enumerate(process.get_support(names=True)):
        name = str(name)
        rows = table[table["Variable"] == name].sort_values("Bin id")
        n_bins = len(rows) - 2
        regular = [rows.iloc[i] for i in range(n_bins)]
        label = labels.get(name, {}).get("label", name)
        entry: dict[str, Any] = {
            "name": name,
            "label": label,
            "kind": data.kinds[name],
            "coefficient": _float(coefficients[index]),
            "iv": _float(rows["IV"].sum()),
        }
        if data.kinds[name] == "numerical":
            optb = process.get_binned_variable(name)
            splits = [float(s) for s in np.asarray(optb.splits, dtype=np.float64)]
            if len(splits) + 1 != n_bins:
                raise ScoringError("model_invalid", f"变量「{name}」的分箱与边界数不符。", {"field": name})
            edges: list[float | None] = [None, *splits, None]
            bins = []
            for i, row in enumerate(regular):
                item = _entry(row, str(row["Bin"]))
                item["label"] = interval_label(edges[i], edges[i + 1])
                bins.append(item)
            values = data.X[name].to_numpy(dtype=np.float64)
            present = values[~np.isnan(values)]
            entry.update(
                {
                    "splits": splits,
                    "special_codes": list(
                        config["binning_by_variable"].get(name, {}).get("special_codes", [])
                    ),
                    "bounds": {
                        "min": float(present.min()),
                        "max": float(present.max()),
                        "integer": bool(np.all(present == np.round(present))),
                    },
                }
            )
        else:
            category_labels = labels.get(name, {}).get("categories", {})
            bins = []
            bin_of: dict[str, int] = {}
            for i, row in enumerate(regular):
                members = [str(v) for v in list(row["Bin"])]
                item = _entry(row, "[" + ", ".join(members) + "]")
                item["label"] = "、".join(category_labels.get(m, m) for m in members)
                item["categories"] = members
                bins.append(item)
                bin_of.update(dict.fromkeys(members, i))
            seen = set(bin_of)
            order = [c for c in category_labels if c in seen] + sorted(seen - set(category_labels))
            entry["categories"] = [
                {"value": c, "label": category_labels.get(c, c), "bin": bin_of[c]} for c in order
            ]
        entry["bins"] = bins
        entry["special"] = {**_entry(rows.iloc[n_bins], "Special"), "label": "特殊值"}
        entry["missing"] = {**_entry(rows.iloc[n_bins + 1], "Missing"), "label": "缺失"}
        variables.append(entry)

    scaling = config["scaling"]
    factor = scaling["pdo"] / np.log(2)
    offset = scaling["base_points"] - factor * np.log(scaling["base_odds"])
    parameters = {k: v for k, v in config.items() if k not in ("labels", "description")}
    parameters["variable_kinds"] = dict(data.kinds)
    parameters["libraries"] = {"optbinning": optbinning.__version__, "scikit-learn": sklearn.__version__}
    grades = [{"grade": g, "max_pd": config["grades"][g]} for g in GRADES[:-1]] + [
        {"grade": GRADES[-1], "max_pd": None}
    ]
    return {
        "name": config["name"],
        "version": config["version"],
        "title": config["title"],
        "description": config["description"],
        "created_at": created_at,
        "target": {"column": data.target, "event": data.event},
        "training_data": {
            "fingerprint": data.fingerprint,
            "source": data.source,
            "rows": len(data.y),
            "events": int(data.y.sum()),
            "non_events": int(len(data.y) - data.y.sum()),
        },
        "parameters": parameters,
        "scaling": {
            "method": "pdo_odds",
            "pdo": scaling["pdo"],
            "base_points": scaling["base_points"],
            "base_odds": scaling["base_odds"],
            "factor": float(factor),
            "offset": float(offset),
            "rounding": scaling["rounding"],
            "intercept_points": float(fitted.intercept_),
        },
        "grades": grades,
        "reasons": dict(config["reasons"]),
        "variables": variables,
        "score_reference": {},
        "metrics": dict(metrics or {}),
    }


def compile_scorecard(content: Mapping[str, Any]) -> Scorecard:
    return Scorecard.from_artefact(seal(content))
