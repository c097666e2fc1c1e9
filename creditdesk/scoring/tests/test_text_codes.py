"""The text → category code lookup of batch scoring: exact whatever the text, the width or the lookup."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creditdesk.scoring.scorer.text_codes import BLOCK, TextCoder


def reference(categories: list[str], values: list[str]) -> list[int]:
    """The rule, one row at a time: the category's index, −1 for empty, −2 for anything else — for
    the text as a numpy ``U`` array holds it (without trailing NULs, which numpy strips)."""
    result = []
    for value in values:
        stored = value.rstrip("\x00")
        matches = [i for i, c in enumerate(categories) if c == stored]
        result.append(matches[0] if matches else (-1 if stored == "" else -2))
    return result


def codes(categories: list[str], values: list[str] | np.ndarray) -> list[int]:
    array = np.asarray(values, dtype=str)
    return TextCoder(categories, array.dtype.itemsize // 4).codes(array).tolist()


@settings(max_examples=300, deadline=None)
@given(
    categories=st.lists(st.text("ab贷款\x00é", min_size=1, max_size=9), min_size=1, max_size=12, unique=True),
    values=st.lists(st.text("ab贷款\x00éc", max_size=11), min_size=1, max_size=40),
    pick=st.lists(st.integers(0, 11), max_size=40),
)
def test_codes_are_exact_for_any_text(categories, values, pick):
    # known categories mixed in, so that matches are common; NUL, non-ASCII, odd and even widths
    values = values + [categories[i % len(categories)] for i in pick]
    assert codes(categories, values) == reference(categories, values)


@pytest.mark.parametrize(
    ("categories", "lookup"),
    [
        (["own", "rent", "for free"], 1),  # the first character tells them apart
        (["ab", "ba", "aa", "bb"], 2),  # no single position does, a pair does
        (["".join(c) for c in __import__("itertools").product("ab", repeat=3)], 0),  # binary search
    ],
)
def test_each_lookup_is_exact_across_blocks(categories, lookup):
    coder = TextCoder(categories, max(map(len, categories)))
    assert len(coder._positions) == lookup
    values = np.array(categories * (BLOCK // len(categories) + 7))  # more than one block of rows
    assert coder.codes(values).tolist() == list(range(len(categories))) * (BLOCK // len(categories) + 7)


def test_a_prefix_a_longer_text_and_an_embedded_nul_are_unknown():
    categories = ["own", "rent"]
    values = ["ow", "owner", "own\x00x", "rent ", " own", "", "own", "rent"]
    assert codes(categories, values) == [-2, -2, -2, -2, -2, -1, 0, 1]


def test_categories_wider_than_the_array_cannot_match():
    # a U3 array cannot hold "rent" or "for free": only "own" can be found, the rest is unknown
    assert codes(["own", "rent", "for free"], ["own", "ren", "", "for"]) == [0, -2, -1, -2]
    assert codes(["rent"], ["own", ""]) == [-2, -1]  # no category fits at all


def test_an_array_of_only_empty_texts_is_all_missing():
    assert codes(["own"], ["", ""]) == [-1, -1]
    assert codes(["own"], []) == []
