"""Festival calendar (节日日历) — issue 17, relationship care (客户关怀): the Gregorian dates of the
festivals a customer manager sends greetings on, and of a customer's birthday. Pure Python: the care
calendar calls ``festivals_between`` to create its greeting tasks.

The festivals, in the order of the year:

- Gregorian: 元旦 1 January, 劳动节 1 May, 国庆 1 October.
- Lunar (农历): 春节 正月初一, 元宵 正月十五, 端午 五月初五, 七夕 七月初七, 中秋 八月十五, 重阳 九月初九.
  A festival falls in the ordinary month, never in a leap month of the same number: 2028 has a 闰五月,
  and 端午 2028 is 五月初五 (28 May), not 闰五月初五 (27 June).
- 除夕 is the day **before** 春节, the last day of 腊月 whether that month has 30 days or 29 (it is not
  "腊月三十": 腊月 of lunar 2025 has 29 days, so 除夕 2026 is 16 February, 腊月二十九).
- 清明 is the day of the solar term 清明 (the sun at 15° ecliptic longitude), 4 or 5 April.

The lunar calendar is the one of GB/T 33661-2017《农历的编算和颁行》: a month begins on the day (Beijing
time, UTC+8) of the new moon (朔日); the month holding the winter solstice (冬至) is 十一月; when 13
months lie between two 十一月, the first one without a principal term (中气) is the leap month and takes
the number of the month before it. Solar terms fall on their Beijing-time day too. lunar-python 1.4.8
computes the new moons and solar terms (6tail's implementation of the 寿星天文历 algorithms); this module
only picks the days. Its dates agree with the table-driven lunardate 0.3.0 for every festival of
1901–2099 except two days lunardate puts one day earlier (中秋 1978, 重阳 2057 — the latter a new moon
within minutes of midnight, which no source can settle in advance), and its 清明 agrees with
chinesecalendar's solar terms for every year.

Every lunar festival and 除夕 falls exactly once in each Gregorian year (春节 lies between 21 January
and 20 February), so "the festival of year Y" is the one dated in Y: 春节 of Y is lunar Y 正月初一, 除夕
of Y is the day before it (the last day of lunar Y-1).

Years: 1901–2099 only, the range the lunar calendar is computed and checked for; another year, or a
year that is not an integer (``True`` is not a year), is refused (``festival_year_out_of_range``). A
range (``festivals_between``) is inclusive at both ends, may span years, must not end before it starts
(``festival_range_invalid``) and covers at most 10 years (``festival_range_too_long``): it must end
before the same day 10 years after its start.

Birthdays (``birthday_in``): the greeting falls on the birthday's month and day in the year asked; a
29 February birthday falls on 28 February in a year that is not a leap year.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from lunar_python import Lunar

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.core.exceptions import DomainError

FIRST_YEAR = 1901
LAST_YEAR = 2099
MAX_RANGE_YEARS = 10


class Festival(LabelledEnum):
    """节日 — the festivals of the care calendar, declared in the order of the year."""

    NEW_YEAR = "new_year", gettext_noop("元旦")
    LUNAR_NEW_YEARS_EVE = "lunar_new_years_eve", gettext_noop("除夕")
    SPRING_FESTIVAL = "spring_festival", gettext_noop("春节")
    LANTERN = "lantern", gettext_noop("元宵节")
    QINGMING = "qingming", gettext_noop("清明节")
    LABOUR_DAY = "labour_day", gettext_noop("劳动节")
    DRAGON_BOAT = "dragon_boat", gettext_noop("端午节")
    QIXI = "qixi", gettext_noop("七夕")
    MID_AUTUMN = "mid_autumn", gettext_noop("中秋节")
    NATIONAL_DAY = "national_day", gettext_noop("国庆节")
    DOUBLE_NINTH = "double_ninth", gettext_noop("重阳节")


GREGORIAN: dict[Festival, tuple[int, int]] = {
    Festival.NEW_YEAR: (1, 1),
    Festival.LABOUR_DAY: (5, 1),
    Festival.NATIONAL_DAY: (10, 1),
}
"""The Gregorian festivals: (month, day)."""

LUNAR: dict[Festival, tuple[int, int]] = {
    Festival.SPRING_FESTIVAL: (1, 1),
    Festival.LANTERN: (1, 15),
    Festival.DRAGON_BOAT: (5, 5),
    Festival.QIXI: (7, 7),
    Festival.MID_AUTUMN: (8, 15),
    Festival.DOUBLE_NINTH: (9, 9),
}
"""The lunar festivals: (lunar month, lunar day), the ordinary month (never the leap one)."""


def _check_year(year: object) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        shown = year if isinstance(year, int) and not isinstance(year, bool) else repr(year)
        raise DomainError(
            "festival_year_out_of_range",
            f"节日日期只能推算 {FIRST_YEAR}–{LAST_YEAR} 年，“{shown}”不在此范围内。",
            {"year": shown},
        )
    return year


def _as_date(solar: Any) -> date:
    """A lunar-python ``Solar`` as a ``date``."""
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


@lru_cache(maxsize=256)
def _year(year: int) -> tuple[tuple[date, Festival], ...]:
    """Every festival of a checked ``year``, sorted by date."""
    dates: dict[Festival, date] = {
        festival: date(year, month, day) for festival, (month, day) in GREGORIAN.items()
    }
    for festival, (month, day) in LUNAR.items():
        # A positive month is the ordinary month; lunar-python numbers a leap month negative.
        dates[festival] = _as_date(Lunar.fromYmd(year, month, day).getSolar())
    dates[Festival.LUNAR_NEW_YEARS_EVE] = dates[Festival.SPRING_FESTIVAL] - timedelta(days=1)
    # The solar-term table of lunar year ``year`` runs from the 冬至 before it; its 清明 is in April of
    # Gregorian ``year`` (lunar ``year`` began in January or February).
    dates[Festival.QINGMING] = _as_date(Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"])
    return tuple(sorted(((day, festival) for festival, day in dates.items()), key=lambda pair: pair[0]))


def festival_date(festival: Festival | str, year: int) -> date:
    """The Gregorian date of ``festival`` in Gregorian ``year`` (1901–2099)."""
    checked = _check_year(year)
    try:
        wanted = Festival(festival)
    except ValueError:
        raise DomainError(
            "festival_unknown", f"未知的节日“{festival}”。", {"festival": str(festival)}
        ) from None
    return next(day for day, member in _year(checked) if member is wanted)


def festivals_in(year: int) -> list[tuple[date, Festival]]:
    """Every festival of Gregorian ``year`` (1901–2099) with its date, sorted by date."""
    return list(_year(_check_year(year)))


def _same_day(day: date, year: int) -> date:
    """``day``'s month and day in ``year``; 29 February becomes 28 February in a common year."""
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, day.month, day.day)


def festivals_between(start: date, end: date) -> list[tuple[date, Festival]]:
    """The festivals dated from ``start`` to ``end``, both included, sorted by date; the range may span
    years (all of them within 1901–2099) and covers at most 10 years."""
    if not all(isinstance(day, date) and not isinstance(day, datetime) for day in (start, end)):
        raise DomainError(
            "festival_range_invalid", "起止日期须为日期。", {"start": repr(start), "end": repr(end)}
        )
    span = {"start": start.isoformat(), "end": end.isoformat()}
    if end < start:
        raise DomainError("festival_range_invalid", "结束日期不能早于开始日期。", span)
    _check_year(start.year)
    _check_year(end.year)
    if end >= _same_day(start, start.year + MAX_RANGE_YEARS):
        raise DomainError(
            "festival_range_too_long",
            f"一次最多推算 {MAX_RANGE_YEARS} 年的节日，请缩短起止日期。",
            {**span, "max_years": MAX_RANGE_YEARS},
        )
    return [
        (day, festival)
        for year in range(start.year, end.year + 1)
        for day, festival in _year(year)
        if start <= day <= end
    ]


def birthday_in(birth: date, year: int) -> date:
    """The birthday greeting date in ``year`` (1901–2099): the month and day of ``birth``; a 29 February
    birthday falls on 28 February in a year that is not a leap year."""
    return _same_day(birth, _check_year(year))
