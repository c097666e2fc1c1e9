"""Numerical bins in a batch: the comparison path and the binary-search path both give right-open bins."""

from __future__ import annotations

import bisect
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from creditdesk.scoring.scorer.numerical import _COMPARED_SPLITS, NumericalVariable


def variable(splits: list[float]) -> NumericalVariable:
    """Bin i scores i points; Special 100, Missing 200."""
    bins = [{"bin": str(i), "points": float(i), "count": 1} for i in range(len(splits) + 1)]
    data = {
        "name": "x",
        "label": "x",
        "kind": "numerical",
        "splits": splits,
        "special_codes": [],
        "bins": bins,
        "special": {"bin": "Special", "points": 100.0},
        "missing": {"bin": "Missing", "points": 200.0},
    }
    return NumericalVariable(data, "variables[0]")


finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(
    splits=st.lists(finite, min_size=1, max_size=2 * _COMPARED_SPLITS, unique=True).map(sorted),
    values=st.lists(st.one_of(finite, st.just(math.nan), st.just(-0.0)), min_size=1, max_size=30),
)
def test_batch_bins_are_right_open_with_few_or_many_splits(splits, values):
    card = variable(splits)
    # a value on a split, and just either side of it, in the batch too
    edges = [v for s in splits[:3] for v in (np.nextafter(s, -np.inf), s, np.nextafter(s, np.inf))]
    column = np.array(values + edges, dtype=np.float64)
    expected = [200.0 if math.isnan(x) else float(bisect.bisect_right(splits, x)) for x in column]
    assert card.points(column, "raise").tolist() == expected
    missing_id = len(splits) + 2  # after the regular bins and Special
    ids = [missing_id if math.isnan(x) else int(p) for x, p in zip(column, expected, strict=True)]
    assert card.bin_ids(column).tolist() == ids


def test_both_paths_agree_on_the_same_values():
    splits = [float(s) for s in range(0, 2 * _COMPARED_SPLITS + 4, 2)]  # more splits than compared
    values = np.array([-1.0, 0.0, 0.5, 3.0, 4.0, 17.0, 33.0, 1e9, np.nan])
    many, few = variable(splits), variable(splits[:_COMPARED_SPLITS])
    assert len(many.splits) > _COMPARED_SPLITS >= len(few.splits)
    assert many.points(values, "raise").tolist() == [0.0, 1.0, 1.0, 2.0, 3.0, 9.0, 17.0, 18.0, 200.0]
    assert few.points(values, "raise").tolist() == [0.0, 1.0, 1.0, 2.0, 3.0, 9.0, 16.0, 16.0, 200.0]
