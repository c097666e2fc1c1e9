"""Money primitives: Decimal only, half-up to the fen, splits that add back exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditdesk.core.money import (
    D,
    allocate_by_ratio,
    format_rate,
    format_yuan,
    from_fen,
    is_fen_amount,
    parse_amount,
    parse_decimal,
    round_fen,
    to_fen,
)


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


def test_is_fen_amount():
    assert is_fen_amount(D("12.30"))
    assert is_fen_amount(D("12.300"))  # trailing zeros are still fen
    assert is_fen_amount(D("12"))
    assert is_fen_amount(D("1E+30"))
    assert is_fen_amount(D("123456789012345678901234567890.120"))  # beyond the context precision, exact
    assert not is_fen_amount(D("12.301"))
    assert not is_fen_amount(D("0.0001"))
    assert not is_fen_amount(Decimal("NaN"))
    assert not is_fen_amount(Decimal("Infinity"))
    assert not is_fen_amount(12.3)
    assert not is_fen_amount("12.30")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,000.50", Decimal("12000.50")),
        ("  8000 ", Decimal("8000")),
        ("１２３．４", Decimal("123.4")),  # full-width, as a Chinese input method types it
        ("-5", Decimal("-5")),
        (7, Decimal(7)),
        (Decimal("1.005"), Decimal("1.005")),
    ],
)
def test_parse_decimal_reads_what_people_write(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize(
    "text", ["", "  ", "abc", "1e9", "1E-2", "NaN", "Infinity", "12..3", 1.5, True, None]
)
def test_parse_decimal_refuses_inexact_or_malformed(text):
    with pytest.raises(ValueError):
        parse_decimal(text)


def test_parse_amount_is_a_number_with_at_most_two_places():
    assert parse_amount("1,234.50") == Decimal("1234.50")
    with pytest.raises(ValueError):
        parse_amount("1.234")


def test_one_format_for_amounts_and_rates():
    assert format_yuan(D("6000")) == "6,000.00"
    assert format_yuan(D("1234567.5")) == "1,234,567.50"
    assert format_yuan(D("5307.265")) == "5,307.27"  # half-up
    assert format_yuan(D("-0.001")) == "0.00"  # never "-0.00"
    assert format_yuan(D("-1234.5")) == "-1,234.50"
    assert format_yuan(D("1E+30")) == "1,000,000,000,000,000,000,000,000,000,000.00"
    assert format_rate(D("0.034")) == "3.40%"
    assert format_rate(D("0.55")) == "55.00%"
    assert format_rate(D("0.036655")) == "3.67%"  # half-up
    assert format_rate(D("123.45")) == "12,345.00%"  # an absurd fee on a short loan: shown, not an error
