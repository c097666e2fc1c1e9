"""Amounts and rates as a customer manager types them: one reader each (``parse_amount``, ``parse_rate``)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditdesk.core.money import (
    AmbiguousRate,
    format_yuan,
    from_fen,
    is_fen_amount,
    parse_amount,
    parse_rate,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("300,000", Decimal("300000")),
        ("300000", Decimal("300000")),
        ("30万", Decimal("300000.00")),
        ("30 万元", Decimal("300000.00")),
        ("30万元", Decimal("300000.00")),
        ("1.5万", Decimal("15000.00")),
        ("３０万", Decimal("300000.00")),  # full-width digits
        ("300,000.50元", Decimal("300000.50")),
        ("1亿", Decimal("100000000.00")),
        ("1.23456万", Decimal("12345.60")),
        ("0.000001万", Decimal("0.01")),  # one fen: a whole number of fen after conversion
        ("￥300,000", Decimal("300000")),
        ("  8000 ", Decimal("8000")),
        ("0", Decimal("0")),
        (7, Decimal(7)),
        (Decimal("12.30"), Decimal("12.30")),
    ],
)
def test_parse_amount_reads_what_a_manager_types(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("3O万", "not an amount"),  # a letter O
        ("−5万", "not negative"),  # the Unicode minus sign
        ("-5万", "not negative"),
        ("－5万", "not negative"),  # full-width hyphen-minus
        ("-5", "not negative"),
        (-5, "not negative"),
        ("1e9", "exponent"),
        ("30万5", "not an amount"),  # 30.5 万 or 300,005?
        ("", "no amount"),
        ("   ", "no amount"),
        ("万", "not an amount"),
        ("元", "not an amount"),
        ("30万万", "not an amount"),
        ("0.0000001万", "whole number of fen"),
        ("1.234", "whole number of fen"),
        ("12..3", "not an amount"),
        (1.5, "not an exact amount"),
        (True, "not an exact amount"),
        (None, "not an exact amount"),
    ],
)
def test_parse_amount_refuses_with_a_reason(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_amount(text)


@given(st.integers(min_value=0, max_value=10**15))
def test_parse_amount_reads_back_format_yuan(fen):
    amount = from_fen(fen)
    assert parse_amount(format_yuan(amount)) == amount


@given(st.integers(min_value=0, max_value=10**15))
def test_parse_amount_reads_wan(fen):
    amount = from_fen(fen)
    in_wan = amount / 10000
    assert parse_amount(f"{in_wan:f}万") == amount
    assert parse_amount(f"{in_wan:f} 万元") == amount
    assert is_fen_amount(parse_amount(f"{in_wan:f}万"))


@pytest.mark.parametrize(
    ("text", "value", "basis", "quoted", "description"),
    [
        ("3.5%", "0.035", "annual", "0.035", "年利率 3.50%"),
        ("3.5", "0.035", "annual", "0.035", "年利率 3.50%"),
        ("年化3.85%", "0.0385", "annual", "0.0385", "年利率 3.85%"),
        ("3.5%/年", "0.035", "annual", "0.035", "年利率 3.50%"),
        ("350bp", "0.035", "annual", "0.035", "350 个基点，即年利率 3.50%"),
        ("385 BP", "0.0385", "annual", "0.0385", "385 个基点，即年利率 3.85%"),
        ("350基点", "0.035", "annual", "0.035", "350 个基点，即年利率 3.50%"),
        ("万3", "0.108", "daily", "0.0003", "日息万分之3，折合年利率 10.80%（单利）"),
        ("万三", "0.108", "daily", "0.0003", "日息万分之3，折合年利率 10.80%（单利）"),
        ("日息万三", "0.108", "daily", "0.0003", "日息万分之3，折合年利率 10.80%（单利）"),
        ("万分之3", "0.108", "daily", "0.0003", "日息万分之3，折合年利率 10.80%（单利）"),
        ("日息万分之3", "0.108", "daily", "0.0003", "日息万分之3，折合年利率 10.80%（单利）"),
        ("0.03%/日", "0.108", "daily", "0.0003", "日息万分之3，折合年利率 10.80%（单利）"),
        ("日利率0.03%", "0.108", "daily", "0.0003", "日息万分之3，折合年利率 10.80%（单利）"),
        ("日息3厘", "0.108", "daily", "0.0003", "日息万分之3，折合年利率 10.80%（单利）"),
        ("万2.5", "0.09", "daily", "0.00025", "日息万分之2.5，折合年利率 9.00%（单利）"),
        ("月息5厘", "0.06", "monthly", "0.005", "月利率 0.50%，折合年利率 6.00%（单利）"),
        ("月息五厘", "0.06", "monthly", "0.005", "月利率 0.50%，折合年利率 6.00%（单利）"),
        ("0.5分", "0.06", "monthly", "0.005", "月利率 0.50%，折合年利率 6.00%（单利）"),
        ("月息0.5分", "0.06", "monthly", "0.005", "月利率 0.50%，折合年利率 6.00%（单利）"),
        ("1分利", "0.12", "monthly", "0.01", "月利率 1.00%，折合年利率 12.00%（单利）"),
        ("0.5%/月", "0.06", "monthly", "0.005", "月利率 0.50%，折合年利率 6.00%（单利）"),
        ("月利率0.35%", "0.042", "monthly", "0.0035", "月利率 0.35%，折合年利率 4.20%（单利）"),
        ("０．５％／月", "0.06", "monthly", "0.005", "月利率 0.50%，折合年利率 6.00%（单利）"),
        ("年息5厘", "0.05", "annual", "0.05", "年利率 5.00%"),
        ("年息1分", "0.1", "annual", "0.1", "年利率 10.00%"),
        ("万3.33", "0.11988", "daily", "0.000333", "日息万分之3.33，折合年利率 11.988%（单利）"),
        ("0", "0", "annual", "0", "年利率 0.00%"),  # interest-free promotions are legal
    ],
)
def test_parse_rate_reads_what_it_says(text, value, basis, quoted, description):
    rate = parse_rate(text)
    assert (rate.value, rate.basis, rate.quoted, rate.description) == (
        Decimal(value),
        basis,
        Decimal(quoted),
        description,
    )


def test_parse_rate_bare_number_for_a_monthly_field():
    rate = parse_rate("0.5", bare="monthly")
    assert (rate.value, rate.basis, rate.quoted) == (Decimal("0.06"), "monthly", Decimal("0.005"))
    assert parse_rate("万3", bare="monthly").basis == "daily"  # a stated period wins
    assert parse_rate(Decimal("3.85")).value == Decimal("0.0385")


def test_parse_rate_refuses_bare_li_as_ambiguous():
    with pytest.raises(AmbiguousRate, match="月息5厘 or 年息5厘"):
        parse_rate("5厘")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "no rate"),
        ("abc", "accepted forms: 3.5%"),
        ("-3%", "not negative"),
        ("−3%", "not negative"),
        ("1e2", "exponent"),
        ("3.5%%", "not a rate"),
        ("万", "not a rate"),
        ("万分之", "not a rate"),
        ("3.5%/周", "not a rate"),
        ("3,5", "not a rate"),
        (1.5, "not a rate"),
        (None, "not a rate"),
    ],
)
def test_parse_rate_refuses_with_the_accepted_forms(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_rate(text)
