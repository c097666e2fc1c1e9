"""The working-day calendar (国务院办公厅节假日安排): weekends, holidays and 调休 working weekends."""

from __future__ import annotations

from datetime import date

import pytest

from creditdesk.finance.terms import CalculationError
from creditdesk.finance.workdays import CALENDAR_SOURCES, HOLIDAYS, WORKING_WEEKENDS, is_working_day


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2024, 10, 21), True),  # Monday
        (date(2024, 10, 20), False),  # Sunday
        (date(2024, 10, 12), True),  # Saturday worked for 国庆
        (date(2024, 10, 7), False),  # Monday of 国庆
        (date(2021, 2, 20), True),  # Saturday worked for 春节
        (date(2021, 9, 21), False),  # Tuesday of 中秋
        (date(2020, 1, 31), False),  # 春节 extended by the State Council
        (date(2025, 6, 2), False),  # 端午
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_the_calendar_lists_only_what_departs_from_the_weekend_rule():
    assert all(day.weekday() < 5 for day in HOLIDAYS)
    assert all(day.weekday() >= 5 for day in WORKING_WEEKENDS)
    assert {day.year for day in HOLIDAYS | WORKING_WEEKENDS} == set(CALENDAR_SOURCES)
    assert set(CALENDAR_SOURCES) == set(range(2019, 2027))


def test_a_year_outside_the_calendar_is_refused():
    with pytest.raises(CalculationError) as refused:
        is_working_day(date(2018, 12, 20))
    assert (refused.value.code, refused.value.extra["field"]) == ("holiday_calendar_missing", "date")
