"""Money primitives: Decimal only, half-up to the fen, splits that add back exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditdesk.core.money import D, allocate_by_ratio, from_fen, round_fen, to_fen


def test_d_refuses_floats_and_garbage():
    assert D("12.30") == Decimal("12.30")
    assert D(5) == Decimal(5)
    with pytest.raises(TypeError):
        D(0.1)
    with pytest.raises(ValueError):
        D("abc")
    with pytest.raises(ValueError):
        D("NaN")


def test_round_half_up_to_the_fen():
    assert round_fen(Decimal("4083.333")) == Decimal("4083.33")
    assert round_fen(Decimal("0.005")) == Decimal("0.01")
    assert round_fen(Decimal("2.675")) == Decimal("2.68")  # a float would give 2.67
    assert round_fen(Decimal("-0.005")) == Decimal("-0.01")


def test_fen_conversions():
    assert to_fen(Decimal("5307.27")) == 530727
    assert from_fen(530727) == Decimal("5307.27")
    with pytest.raises(ValueError):
        to_fen(Decimal("0.001"))


def test_allocate_by_ratio_example():
    assert allocate_by_ratio(Decimal("100.00"), [Decimal(1)] * 3) == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]
    assert allocate_by_ratio(Decimal("0.05"), [Decimal(1), Decimal(0)]) == [Decimal("0.05"), Decimal("0.00")]
    with pytest.raises(ValueError):
        allocate_by_ratio(Decimal("1.00"), [Decimal(0)])


@given(
    total_fen=st.integers(min_value=0, max_value=10**13),
    weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12).filter(any),
)
def test_allocate_by_ratio_adds_back_exactly(total_fen, weights):
    total = from_fen(total_fen)
    parts = allocate_by_ratio(total, [Decimal(w) for w in weights])
    assert sum(parts, Decimal(0)) == total
    assert all(p >= 0 for p in parts)
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = Decimal(total_fen) * weight / weight_sum / 100
        assert abs(part - exact) < Decimal("0.01")  # never more than one fen from the exact share
