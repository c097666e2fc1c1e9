"""Fixtures of the scoring core's tests (pure: no database).

``german``: the shipped configuration trained on German Credit once per session (about a second).
``tiny_content``: a hand-made three-variable scorecard whose every point is chosen, for exact tests of
reasons, grades and warnings.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pytest

from creditdesk.scoring.reference_data import GERMAN_CREDIT_TARGET, german_credit_path
from creditdesk.scoring.scorecard import Scorecard, seal

SHIPPED = Path(__file__).resolve().parent.parent / "shipped"
SHIPPED_MODEL = SHIPPED / "german_credit.json"
SHIPPED_CONFIG = SHIPPED / "german_credit_config.json"


@pytest.fixture(scope="session")
def german():
    from creditdesk.scoring.training import load_config, train

    shipped = json.loads(SHIPPED_MODEL.read_text(encoding="utf-8"))["content"]
    return train(
        german_credit_path(),
        target=GERMAN_CREDIT_TARGET,
        config=load_config(SHIPPED_CONFIG),
        metrics=shipped["metrics"],
        created_at=shipped["created_at"],
    )


@pytest.fixture(scope="session")
def shipped_text() -> str:
    return SHIPPED_MODEL.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def shipped(shipped_text) -> Scorecard:
    return Scorecard.from_json(shipped_text)


def _bin(points, label, count=10):
    return {"bin": label, "label": label, "woe": 0.0, "points": points, "count": count, "event_rate": 0.3}


TINY = {
    "name": "tiny",
    "version": "1",
    "title": "测试评分卡",
    "created_at": "2026-01-01T00:00:00+00:00",
    "target": {"column": "bad", "event": 1},
    "training_data": {
        "fingerprint": "sha256:" + "0" * 64,
        "source": "hand",
        "rows": 30,
        "events": 9,
        "non_events": 21,
    },
    "parameters": {},
    # factor 20/ln 2, offset 600 − factor·ln 50: 600 points ⇔ odds 50:1
    "scaling": {
        "method": "pdo_odds",
        "pdo": 20,
        "base_points": 600,
        "base_odds": 50,
        "factor": 20 / math.log(2),
        "offset": 600 - 20 / math.log(2) * math.log(50),
        "rounding": True,
        "intercept_points": 0.0,
    },
    "grades": [
        {"grade": "A", "max_pd": 0.05},
        {"grade": "B", "max_pd": 0.1},
        {"grade": "C", "max_pd": 0.2},
        {"grade": "D", "max_pd": 0.4},
        {"grade": "E", "max_pd": None},
    ],
    "reasons": {"top_n": 2},
    "variables": [
        {
            "name": "months",
            "label": "贷款期限（月）",
            "kind": "numerical",
            "coefficient": -1.0,
            "iv": 0.1,
            "splits": [12.0, 24.0],
            "special_codes": [-1.0],
            "bounds": {"min": 6.0, "max": 60.0, "integer": True},
            "bins": [_bin(300.0, "小于 12"), _bin(250.0, "12（含）至 24（不含）"), _bin(200.0, "24 及以上")],
            "special": {**_bin(240.0, "Special"), "label": "特殊值"},
            "missing": {**_bin(230.0, "Missing"), "label": "缺失"},
        },
        {
            "name": "housing",
            "label": "住房情况",
            "kind": "categorical",
            "coefficient": -1.0,
            "iv": 0.1,
            "categories": [
                {"value": "own", "label": "自有住房", "bin": 0},
                {"value": "rent", "label": "租房", "bin": 1},
                {"value": "free", "label": "免费居住", "bin": 1},
            ],
            "bins": [_bin(200.0, "自有住房"), _bin(150.0, "租房、免费居住")],
            "special": {**_bin(175.0, "Special"), "label": "特殊值"},
            "missing": {**_bin(175.0, "Missing"), "label": "缺失"},
        },
        {
            "name": "phone",
            "label": "电话",
            "kind": "categorical",
            "coefficient": -1.0,
            "iv": 0.1,
            "categories": [
                {"value": "yes", "label": "有", "bin": 0},
                {"value": "no", "label": "无", "bin": 1},
            ],
            "bins": [_bin(100.0, "有"), _bin(50.0, "无")],
            "special": {**_bin(60.0, "Special"), "label": "特殊值"},
            "missing": {**_bin(60.0, "Missing"), "label": "缺失"},
        },
    ],
    "score_reference": {},
    "metrics": {},
}


@pytest.fixture
def tiny_content() -> dict:
    return copy.deepcopy(TINY)


@pytest.fixture
def tiny(tiny_content) -> Scorecard:
    return Scorecard.from_artefact(seal(tiny_content))
