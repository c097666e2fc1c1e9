"""Pricing: the LPR in force on a date, the tenor of a term, LPR + basis points."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditdesk.finance.pricing import SEEDED_LPR, LprQuote, LprTenor, lpr_in_force, price, tenor_for_term
from creditdesk.finance.terms import CalculationError

D = Decimal


RULES_MD_LPR = """
2019-08-20 4.25 4.85 | 2019-09-20 4.20 4.85 | 2019-11-20 4.15 4.80
2020-02-20 4.05 4.75 | 2020-04-20 3.85 4.65 | 2021-12-20 3.80 4.65
2022-01-20 3.70 4.60 | 2022-05-20 3.70 4.45 | 2022-08-22 3.65 4.30
2023-06-20 3.55 4.20 | 2023-08-21 3.45 4.20 | 2024-02-20 3.45 3.95
2024-07-22 3.35 3.85 | 2024-10-21 3.10 3.60 | 2025-05-20 3.00 3.50
"""


def test_seeded_table_is_rules_md():
    rows = [row.split() for line in RULES_MD_LPR.strip().splitlines() for row in line.split("|")]
    expected = tuple(
        LprQuote(date.fromisoformat(day), D(one) / 100, D(five) / 100) for day, one, five in rows
    )
    assert expected == SEEDED_LPR
    assert len(SEEDED_LPR) == 15
    assert date(2025, 1, 20) not in {quote.effective_from for quote in SEEDED_LPR}  # the old wrong date


@pytest.mark.parametrize(
    ("on", "one_year", "five_year"),
    [
        (date(2024, 11, 1), "0.0310", "0.0360"),
        (date(2019, 10, 1), "0.0420", "0.0485"),
        (date(2025, 6, 1), "0.0300", "0.0350"),
        (date(2019, 8, 20), "0.0425", "0.0485"),
        (date(2024, 10, 20), "0.0335", "0.0385"),
        (date(2025, 1, 20), "0.0310", "0.0360"),
    ],
)
def test_worked_lpr_in_force(on, one_year, five_year):
    quote = lpr_in_force(SEEDED_LPR, on)
    assert (quote.one_year, quote.five_year) == (D(one_year), D(five_year))


def test_a_date_before_the_reform_is_refused():
    with pytest.raises(CalculationError) as refused:
        lpr_in_force(SEEDED_LPR, date(2019, 8, 19))
    assert (refused.value.code, refused.value.extra["field"]) == ("lpr_before_reform", "date")
    assert refused.value.message == (
        "2019-08-19 早于 LPR 改革后的首次报价（2019-08-20），当时的贷款按贷款基准利率定价，不能按 LPR 定价。"
    )


@pytest.mark.parametrize(
    ("on", "effective_from"),
    [
        (date(2024, 10, 21), date(2024, 10, 21)),
        (date(2025, 5, 19), date(2024, 10, 21)),
        (date(2025, 5, 20), date(2025, 5, 20)),
        (date(2026, 2, 28), date(2025, 5, 20)),
    ],
)
def test_lpr_in_force(on, effective_from):
    assert lpr_in_force(SEEDED_LPR, on).effective_from == effective_from
    assert lpr_in_force(tuple(reversed(SEEDED_LPR)), on).effective_from == effective_from  # any order


def test_no_lpr_before_the_first_quote():
    with pytest.raises(CalculationError) as refused:
        lpr_in_force(SEEDED_LPR[1:], date(2019, 9, 19))
    assert (refused.value.code, refused.value.extra["field"]) == ("lpr_missing", "date")
    with pytest.raises(CalculationError):
        lpr_in_force((), date(2026, 1, 1))


@pytest.mark.parametrize(
    ("months", "tenor"),
    [(1, LprTenor.ONE_YEAR), (12, LprTenor.ONE_YEAR), (60, LprTenor.ONE_YEAR), (61, LprTenor.FIVE_YEAR)],
)
def test_tenor_for_term(months, tenor):
    assert tenor_for_term(months) == tenor


def test_price_is_lpr_plus_basis_points():
    assert price(SEEDED_LPR, LprTenor.ONE_YEAR, 0, date(2026, 1, 20)) == D("0.0300")
    assert price(SEEDED_LPR, LprTenor.FIVE_YEAR, -20, date(2026, 1, 20)) == D("0.0330")
    assert price(SEEDED_LPR, LprTenor.ONE_YEAR, 45, date(2025, 3, 1)) == D("0.0355")
    assert price(SEEDED_LPR, "5y", 0, date(2025, 3, 1)) == D("0.0360")


@pytest.mark.parametrize(
    ("call", "code", "field"),
    [
        (lambda: price(SEEDED_LPR, LprTenor.ONE_YEAR, -301, date(2026, 1, 20)), "rate_negative", "spread_bp"),
        (lambda: price(SEEDED_LPR, LprTenor.ONE_YEAR, 1.5, date(2026, 1, 20)), "not_decimal", "spread_bp"),
        (lambda: price(SEEDED_LPR, "10y", 0, date(2026, 1, 20)), "tenor_unknown", "tenor"),
        (lambda: price(SEEDED_LPR, LprTenor.ONE_YEAR, 0, date(2019, 1, 20)), "lpr_before_reform", "date"),
        (lambda: tenor_for_term(0), "periods_not_positive", "months"),
    ],
)
def test_refusals(call, code, field):
    with pytest.raises(CalculationError) as refused:
        call()
    assert (refused.value.code, refused.value.extra["field"]) == (code, field)
