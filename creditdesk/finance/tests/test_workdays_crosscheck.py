"""The working-day calendar checked day by day against an independent source.

``finance.workdays`` is typed from the State Council notices (国务院办公厅关于部分节假日安排的通知). The
``chinesecalendar`` package (PyPI, a dev dependency only; LKI/chinese-calendar, kept from the same notices
by other people) is a second reading of the same notices: every day of every year both know must agree, so
a typo in a date — which would move an LPR publication day (RULES.md: the 20th or the next working day) —
fails here.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from creditdesk.finance.workdays import CALENDAR_SOURCES, is_working_day


@pytest.mark.parametrize("year", sorted(CALENDAR_SOURCES))
def test_every_day_of_the_year_agrees_with_the_independent_calendar(year):
    day, disagreements = date(year, 1, 1), []
    while day.year == year:
        ours, theirs = is_working_day(day), chinese_calendar.is_workday(day)
        if ours != theirs:
            disagreements.append(f"{day.isoformat()}: ours {ours}, chinesecalendar {theirs}")
        day += timedelta(days=1)
    assert disagreements == []
