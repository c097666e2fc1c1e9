"""The festival calendar of relationship care (issue 17): known dates, the leap-month and 29-day 腊月
cases, the refusals, ranges across a year boundary and the birthday rule. No database."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creditdesk.core.exceptions import DomainError
from creditdesk.marketing.festivals import (
    Festival,
    birthday_in,
    festival_date,
    festivals_between,
    festivals_in,
)

F = Festival
FAST = settings(max_examples=200, deadline=None)

# Known dates, 2026–2030. Sources: computed with lunar-python 1.4.8 and cross-checked day by day with the
# table-driven lunardate 0.3.0 (every date below agrees); 2026 also against 国务院办公厅关于2026年部分
# 节假日安排的通知 (国办发明电〔2025〕7号: 春节 holiday 2/15–2/23 around 春节 2/17, 端午 6/19, 中秋 9/25;
# the same notice as creditdesk/finance/workdays.py, and chinesecalendar 1.11 reads it the same).
# Over all of 1901–2099 lunardate differs from lunar-python on two days only, neither used here: 中秋
# 1978 and 重阳 2057 (a new moon within minutes of midnight), one day earlier in lunardate.
KNOWN = {
    # year: (春节, 元宵, 端午, 中秋, 除夕, 七夕, 重阳)
    2026: ("02-17", "03-03", "06-19", "09-25", "02-16", "08-19", "10-18"),
    2027: ("02-06", "02-20", "06-09", "09-15", "02-05", "08-08", "10-08"),
    2028: ("01-26", "02-09", "05-28", "10-03", "01-25", "08-26", "10-26"),
    2029: ("02-13", "02-27", "06-16", "09-22", "02-12", "08-16", "10-16"),
    2030: ("02-03", "02-17", "06-05", "09-12", "02-02", "08-05", "10-05"),
}
KNOWN_ORDER = (
    F.SPRING_FESTIVAL,
    F.LANTERN,
    F.DRAGON_BOAT,
    F.MID_AUTUMN,
    F.LUNAR_NEW_YEARS_EVE,
    F.QIXI,
    F.DOUBLE_NINTH,
)

# 清明: the solar term from lunar-python's table, cross-checked with chinesecalendar 1.11's solar terms
# (get_solar_terms, an independent computation; they agree for every year 1901–2099); 2026 also with
# 国办发明电〔2025〕7号 (清明 holiday 4/4–4/6 around Sunday 4/5) and chinesecalendar's holiday data.
QINGMING = {2026: "04-05", 2027: "04-05", 2028: "04-04", 2029: "04-04", 2030: "04-05"}


def on(year: int, month_day: str) -> date:
    return date.fromisoformat(f"{year}-{month_day}")


def refusal(call, *args) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args)
    return caught.value


# --- the enumeration ---------------------------------------------------------------------------------


def test_festivals_labels_in_the_order_of_the_year():
    assert F.pairs() == (
        ("new_year", "元旦"),
        ("lunar_new_years_eve", "除夕"),
        ("spring_festival", "春节"),
        ("lantern", "元宵节"),
        ("qingming", "清明节"),
        ("labour_day", "劳动节"),
        ("dragon_boat", "端午节"),
        ("qixi", "七夕"),
        ("mid_autumn", "中秋节"),
        ("national_day", "国庆节"),
        ("double_ninth", "重阳节"),
    )


# --- known dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", sorted(KNOWN))
def test_known_lunar_dates(year):
    for festival, month_day in zip(KNOWN_ORDER, KNOWN[year], strict=True):
        assert festival_date(festival, year) == on(year, month_day), festival.label


@pytest.mark.parametrize("year", sorted(QINGMING))
def test_known_qingming(year):
    assert festival_date(F.QINGMING, year) == on(year, QINGMING[year])


@pytest.mark.parametrize("year", sorted(KNOWN))
def test_gregorian_festivals(year):
    assert festival_date(F.NEW_YEAR, year) == date(year, 1, 1)
    assert festival_date(F.LABOUR_DAY, year) == date(year, 5, 1)
    assert festival_date(F.NATIONAL_DAY, year) == date(year, 10, 1)


def test_new_years_eve_2026_is_the_29th_of_a_short_la_yue():
    # 腊月 of lunar 2025 has 29 days: there is no 腊月三十, 除夕 is the day before 春节.
    assert festival_date(F.LUNAR_NEW_YEARS_EVE, 2026) == date(2026, 2, 16)
    assert festival_date(F.SPRING_FESTIVAL, 2026) == date(2026, 2, 17)


def test_dragon_boat_2028_is_in_the_ordinary_fifth_month_not_the_leap_one():
    # 2028 has 闰五月; 闰五月初五 would be 27 June.
    assert festival_date(F.DRAGON_BOAT, 2028) == date(2028, 5, 28)


def test_festival_by_its_value():
    assert festival_date("mid_autumn", 2026) == date(2026, 9, 25)
    assert refusal(festival_date, "easter", 2026).code == "festival_unknown"


def test_festivals_in_2026_sorted():
    assert festivals_in(2026) == [
        (date(2026, 1, 1), F.NEW_YEAR),
        (date(2026, 2, 16), F.LUNAR_NEW_YEARS_EVE),
        (date(2026, 2, 17), F.SPRING_FESTIVAL),
        (date(2026, 3, 3), F.LANTERN),
        (date(2026, 4, 5), F.QINGMING),
        (date(2026, 5, 1), F.LABOUR_DAY),
        (date(2026, 6, 19), F.DRAGON_BOAT),
        (date(2026, 8, 19), F.QIXI),
        (date(2026, 9, 25), F.MID_AUTUMN),
        (date(2026, 10, 1), F.NATIONAL_DAY),
        (date(2026, 10, 18), F.DOUBLE_NINTH),
    ]


def test_festivals_in_returns_a_fresh_list():
    festivals_in(2026).clear()
    assert len(festivals_in(2026)) == len(Festival)


# --- ranges ------------------------------------------------------------------------------------------


def test_range_across_a_year_boundary():
    assert festivals_between(date(2026, 12, 1), date(2027, 2, 28)) == [
        (date(2027, 1, 1), F.NEW_YEAR),
        (date(2027, 2, 5), F.LUNAR_NEW_YEARS_EVE),
        (date(2027, 2, 6), F.SPRING_FESTIVAL),
        (date(2027, 2, 20), F.LANTERN),
    ]


def test_range_includes_both_ends():
    assert festivals_between(date(2026, 2, 16), date(2026, 2, 17)) == [
        (date(2026, 2, 16), F.LUNAR_NEW_YEARS_EVE),
        (date(2026, 2, 17), F.SPRING_FESTIVAL),
    ]
    assert festivals_between(date(2026, 10, 1), date(2026, 10, 1)) == [(date(2026, 10, 1), F.NATIONAL_DAY)]
    assert festivals_between(date(2026, 10, 2), date(2026, 10, 17)) == []


def test_range_of_ten_years_at_most():
    ten_years = festivals_between(date(2026, 1, 1), date(2035, 12, 31))
    assert len(ten_years) == 10 * len(Festival)
    error = refusal(festivals_between, date(2026, 1, 1), date(2036, 1, 1))
    assert error.code == "festival_range_too_long"
    assert error.extra == {"start": "2026-01-01", "end": "2036-01-01", "max_years": 10}


def test_eleven_year_range_refused():
    assert refusal(festivals_between, date(2026, 1, 1), date(2036, 12, 31)).code == "festival_range_too_long"


def test_range_ending_before_its_start_refused():
    error = refusal(festivals_between, date(2026, 3, 1), date(2026, 2, 28))
    assert error.code == "festival_range_invalid"
    assert error.extra == {"start": "2026-03-01", "end": "2026-02-28"}


def test_range_outside_the_years_refused():
    assert (
        refusal(festivals_between, date(1900, 12, 1), date(1901, 2, 1)).code == "festival_year_out_of_range"
    )
    assert (
        refusal(festivals_between, date(2099, 12, 1), date(2100, 1, 1)).code == "festival_year_out_of_range"
    )


def test_range_of_non_dates_refused():
    assert refusal(festivals_between, "2026-01-01", date(2026, 2, 1)).code == "festival_range_invalid"


# --- years refused -----------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [1900, 2100, True, "2026", 2026.0, None])
def test_year_refused(year):
    for call, args in ((festivals_in, (year,)), (festival_date, (F.SPRING_FESTIVAL, year))):
        error = refusal(call, *args)
        assert error.code == "festival_year_out_of_range"
        assert "1901" in error.message and "2099" in error.message
    assert refusal(birthday_in, date(1990, 5, 1), year).code == "festival_year_out_of_range"


def test_refused_year_in_the_details():
    assert refusal(festivals_in, 1900).extra == {"year": 1900}
    assert refusal(festivals_in, True).extra == {"year": "True"}
    assert refusal(festivals_in, "2026").extra == {"year": "'2026'"}


def test_first_and_last_years_accepted():
    assert festival_date(F.SPRING_FESTIVAL, 1901) == date(1901, 2, 19)
    assert festival_date(F.LUNAR_NEW_YEARS_EVE, 1901) == date(1901, 2, 18)
    assert len(festivals_in(2099)) == len(Festival)


# --- birthdays ---------------------------------------------------------------------------------------


def test_birthday_on_29_february():
    leap_day = date(2000, 2, 29)
    assert birthday_in(leap_day, 2027) == date(2027, 2, 28)
    assert birthday_in(leap_day, 2028) == date(2028, 2, 29)
    assert birthday_in(leap_day, 2099) == date(2099, 2, 28)


def test_birthday_keeps_month_and_day():
    assert birthday_in(date(1985, 12, 31), 2026) == date(2026, 12, 31)
    assert birthday_in(date(1985, 2, 28), 2028) == date(2028, 2, 28)


# --- properties over every year ----------------------------------------------------------------------


def test_every_year_spring_festival_and_mid_autumn_bounds():
    for year in range(1901, 2100):
        spring = festival_date(F.SPRING_FESTIVAL, year)
        assert date(year, 1, 21) <= spring <= date(year, 2, 20), year
        assert festival_date(F.LUNAR_NEW_YEARS_EVE, year) == spring - timedelta(days=1), year
        assert date(year, 9, 7) <= festival_date(F.MID_AUTUMN, year) <= date(year, 10, 8), year


@FAST
@given(st.integers(min_value=1901, max_value=2099))
def test_year_properties(year):
    spring = festival_date(F.SPRING_FESTIVAL, year)
    assert date(year, 1, 21) <= spring <= date(year, 2, 20)
    assert festival_date(F.LUNAR_NEW_YEARS_EVE, year) == spring - timedelta(days=1)
    assert date(year, 9, 7) <= festival_date(F.MID_AUTUMN, year) <= date(year, 10, 8)
    assert festival_date(F.LANTERN, year) == spring + timedelta(days=14)
    assert date(year, 4, 4) <= festival_date(F.QINGMING, year) <= date(year, 4, 6)
    listed = festivals_in(year)
    assert sorted(festival for _, festival in listed) == sorted(Festival)
    assert all(day.year == year for day, _ in listed)
    assert all(a <= b for (a, _), (b, _) in pairwise(listed))


@FAST
@given(
    st.dates(min_value=date(1901, 1, 1), max_value=date(2099, 12, 31)),
    st.integers(min_value=0, max_value=3000),
)
def test_range_is_the_years_festivals_within_it(start, length):
    end = min(start + timedelta(days=length), date(2099, 12, 31))
    expected = [
        (day, festival)
        for year in range(start.year, end.year + 1)
        for day, festival in festivals_in(year)
        if start <= day <= end
    ]
    assert festivals_between(start, end) == expected
