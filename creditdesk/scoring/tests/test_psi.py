"""Population stability: worked examples computed by hand, the epsilon rule, the thresholds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from creditdesk.scoring.errors import ScoringError
from creditdesk.scoring.psi import (
    EPSILON,
    STABILITY_LABELS,
    psi,
    psi_by_bins,
    quantile_edges,
    stability_status,
)


def test_worked_example_by_bins():
    # training 50/30/20 of 100, recent 40/40/20 of 100:
    # (0.4 − 0.5)·ln(0.4/0.5) + (0.4 − 0.3)·ln(0.4/0.3) + (0.2 − 0.2)·ln(1)
    # = 0.1·0.2231436 + 0.1·0.2876821 + 0 = 0.0510826
    result = psi_by_bins([50, 30, 20], [40, 40, 20])
    by_hand = -0.1 * math.log(0.8) + 0.1 * math.log(4 / 3)
    assert result.value == pytest.approx(by_hand, rel=1e-12)
    assert round(result.value, 7) == 0.0510826
    assert result.expected_shares == (0.5, 0.3, 0.2)
    assert result.actual_shares == (0.4, 0.4, 0.2)
    assert result.terms[2] == 0.0
    assert (result.status, result.status_label) == ("stable", "稳定")


def test_an_empty_bin_uses_epsilon():
    # training has nobody in bin 2: its share 0 becomes 0.0001
    result = psi_by_bins([10, 0], [5, 5])
    by_hand = (0.5 - 1.0) * math.log(0.5 / 1.0) + (0.5 - EPSILON) * math.log(0.5 / EPSILON)
    assert result.value == pytest.approx(by_hand, rel=1e-12)
    assert round(result.value, 4) == 4.6043
    assert result.status == "unstable"
    assert psi_by_bins([10, 0, 5], [4, 0, 2]).terms[1] == 0.0  # empty on both sides adds nothing


def test_counts_of_different_totals_compare_by_share():
    assert psi_by_bins([500, 300, 200], [40, 40, 20]).value == pytest.approx(
        psi_by_bins([50, 30, 20], [40, 40, 20]).value
    )


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (0.0, "stable"),
        (0.0999, "stable"),
        (0.1, "watch"),
        (0.2499, "watch"),
        (0.25, "unstable"),
        (3.0, "unstable"),
    ],
)
def test_thresholds(value, status):
    assert stability_status(value) == status
    assert STABILITY_LABELS[status] in ("稳定", "需关注", "不稳定")


def test_scores_binned_on_the_expected_quantiles():
    expected = np.arange(1.0, 11.0)  # 1 … 10
    assert quantile_edges(expected, bins=2).tolist() == [5.5]
    # actual: 8 values below 5.5, 2 at or above: shares 0.8/0.2 against 0.5/0.5
    result = psi(expected, [1, 2, 3, 4, 5, 5, 5, 5, 6, 7], bins=2)
    assert result.edges == (5.5,)
    assert result.expected_counts == (5.0, 5.0)
    assert result.actual_counts == (8.0, 2.0)
    assert result.value == pytest.approx(0.3 * math.log(0.8 / 0.5) + (-0.3) * math.log(0.2 / 0.5), rel=1e-12)
    assert psi(expected, expected).value == 0.0


def test_given_edges_are_right_open_like_the_scorecard():
    result = psi([10, 20, 30, 40], [20, 20, 40, 40], edges=[20, 40])
    assert result.expected_counts == (1.0, 2.0, 1.0)  # 10 | 20, 30 | 40
    assert result.actual_counts == (0.0, 2.0, 2.0)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: psi([], [1.0]), "expected"),
        (lambda: psi([1.0, np.nan], [1.0]), "expected"),
        (lambda: psi([1.0, 2.0], [1.0], edges=[2.0, 1.0]), "edges"),
        (lambda: psi_by_bins([1, 2], [1, 2, 3]), "actual_counts"),
        (lambda: psi_by_bins([0, 0], [1, 2]), "counts"),
        (lambda: quantile_edges([1.0, 2.0], bins=1), "bins"),
    ],
)
def test_bad_inputs(call, field):
    with pytest.raises(ScoringError) as caught:
        call()
    assert caught.value.code == "psi_invalid"
    assert caught.value.extra == {"field": field}


def test_shipped_model_reference_matches_its_training_scores(shipped, german):
    reference = shipped.score_reference
    points = german.scorecard.score_batch({name: german.data.X[name].to_numpy() for name in german.data.X})
    result = psi(points, points, edges=reference["edges"])
    assert list(result.expected_counts) == [float(c) for c in reference["counts"]]
    assert sum(reference["counts"]) == 1000
    assert result.value == 0.0
