"""Pricing: the LPR in force on a date, the tenor of a term, LPR + basis points."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditdesk.finance.pricing import SEEDED_LPR, LprQuote, LprTenor, lpr_in_force, price, tenor_for_term
from creditdesk.finance.terms import CalculationError

D = Decimal


def test_seeded_table_is_rules_md():
    assert (
        LprQuote(date(2025, 1, 20), D("0.031"), D("0.036")),
        LprQuote(date(2025, 5, 20), D("0.030"), D("0.035")),
    ) == SEEDED_LPR


@pytest.mark.parametrize(
    ("on", "effective_from"),
    [
        (date(2025, 1, 20), date(2025, 1, 20)),
        (date(2025, 5, 19), date(2025, 1, 20)),
        (date(2025, 5, 20), date(2025, 5, 20)),
        (date(2026, 2, 28), date(2025, 5, 20)),
    ],
)
def test_lpr_in_force(on, effective_from):
    assert lpr_in_force(SEEDED_LPR, on).effective_from == effective_from
    assert lpr_in_force(tuple(reversed(SEEDED_LPR)), on).effective_from == effective_from  # any order


def test_no_lpr_before_the_first_quote():
    with pytest.raises(CalculationError) as refused:
        lpr_in_force(SEEDED_LPR, date(2025, 1, 19))
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
        (lambda: price(SEEDED_LPR, LprTenor.ONE_YEAR, 0, date(2024, 1, 20)), "lpr_missing", "date"),
        (lambda: tenor_for_term(0), "periods_not_positive", "months"),
    ],
)
def test_refusals(call, code, field):
    with pytest.raises(CalculationError) as refused:
        call()
    assert (refused.value.code, refused.value.extra["field"]) == (code, field)
