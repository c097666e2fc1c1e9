"""The LPR publication rule (the 20th, or the next working day) and the sentence that names a rate's basis."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditdesk.finance.pricing import (
    SEEDED_LPR,
    check_lpr_effective_date,
    lpr_publication_date,
    rate_basis_text,
)
from creditdesk.finance.terms import CalculationError

D = Decimal


@pytest.mark.parametrize("quote", SEEDED_LPR, ids=lambda q: q.effective_from.isoformat())
def test_every_row_of_the_rules_md_table_is_a_publication_date(quote):
    assert check_lpr_effective_date(quote.effective_from) == quote.effective_from


@pytest.mark.parametrize(
    ("year", "month", "published", "why"),
    [
        (2019, 9, date(2019, 9, 20), "a Friday"),
        (2019, 10, date(2019, 10, 21), "the 20th a Sunday"),
        (2021, 2, date(2021, 2, 20), "a Saturday made a working day (春节调休)"),
        (2021, 9, date(2021, 9, 22), "20th and 21st 中秋 holidays"),
        (2022, 8, date(2022, 8, 22), "the 20th a Saturday"),
        (2023, 8, date(2023, 8, 21), "the 20th a Sunday"),
        (2024, 7, date(2024, 7, 22), "the 20th a Saturday"),
        (2024, 10, date(2024, 10, 21), "the 20th a Sunday"),
        (2025, 5, date(2025, 5, 20), "a Tuesday"),
        (2026, 2, date(2026, 2, 24), "春节 2/15–2/23"),
    ],
)
def test_publication_date(year, month, published, why):
    assert lpr_publication_date(year, month) == published, why


def test_2024_10_21_is_accepted():
    assert check_lpr_effective_date(date(2024, 10, 21)) == date(2024, 10, 21)


@pytest.mark.parametrize(
    ("day", "published"),
    [
        (date(2025, 5, 21), "2025-05-20"),
        (date(2024, 10, 20), "2024-10-21"),  # a Sunday
        (date(2025, 1, 19), "2025-01-20"),
    ],
)
def test_a_date_that_is_not_a_publication_date_is_refused(day, published):
    with pytest.raises(CalculationError) as refused:
        check_lpr_effective_date(day)
    error = refused.value
    assert (error.code, error.extra) == (
        "lpr_not_publication_date",
        {"field": "effective_from", "published": published},
    )
    assert error.message == (
        f"{day.isoformat()} 不是 LPR 发布日：LPR 于每月 20 日发布（遇节假日顺延至下一工作日），"
        f"{day.year} 年 {day.month} 月的发布日是 {published}。"
    )


def test_an_effective_date_before_the_reform_is_refused():
    with pytest.raises(CalculationError) as refused:
        check_lpr_effective_date(date(2019, 7, 22))
    assert (refused.value.code, refused.value.extra["field"]) == ("lpr_before_reform", "effective_from")


def test_a_year_without_a_holiday_calendar_is_refused_not_guessed():
    with pytest.raises(CalculationError) as refused:
        check_lpr_effective_date(date(2027, 1, 20))
    assert refused.value.code == "holiday_calendar_missing"


@pytest.mark.parametrize(
    ("lpr", "spread", "rate", "text"),
    [
        ("0.0300", 35, "0.0335", "LPR 3.00%（2025-05-20）+ 35 bp = 3.35%"),
        ("0.0350", -45, "0.0305", "LPR 3.50%（2025-05-20）− 45 bp = 3.05%"),
        ("0.0300", 0, "0.0300", "LPR 3.00%（2025-05-20）+ 0 bp = 3.00%"),
    ],
)
def test_rate_basis_text(lpr, spread, rate, text):
    assert rate_basis_text(D(lpr), date(2025, 5, 20), spread, D(rate)) == text
