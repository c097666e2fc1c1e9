"""The pure core of tiered response: the suggestion from the text, the tier matrix (most specific row wins,
a stated fallback) and the response target counted in working hours on working days (holidays and 调休 of
the official calendar; a year without one counted Monday–Friday, and said)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from creditdesk.core.exceptions import DomainError
from creditdesk.finance.workdays import is_working_day
from creditdesk.servicedesk import tiering
from creditdesk.servicedesk.tiering import (
    ANY,
    FALLBACK,
    Complexity,
    FallbackCalendar,
    RequestKind,
    Tier,
    TierRuleSpec,
    Urgency,
    due_at,
    matching_rule,
    suggest,
    target_for,
    tier_for,
)

SH = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def weekdays(day: date) -> bool:
    return day.weekday() < 5


# --- suggest ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "urgency"),
    [
        ("你们乱收费，我要投诉！", RequestKind.COMPLAINT, Urgency.HIGH),
        ("再不处理我就打１２３７８", RequestKind.COMPLAINT, Urgency.HIGH),  # full-width digits
        ("我已经联系了律师，准备起诉", RequestKind.COMPLAINT, Urgency.HIGH),
        ("我要找媒体曝光你们", RequestKind.COMPLAINT, Urgency.HIGH),
        ("我去金融监管局反映", RequestKind.COMPLAINT, Urgency.HIGH),
        ("最近失业了，下个月还不上", RequestKind.HARDSHIP, Urgency.NORMAL),
        ("住院了，能不能延期还款？", RequestKind.HARDSHIP, Urgency.NORMAL),
        ("生意困难，想申请减免罚息", RequestKind.HARDSHIP, Urgency.NORMAL),
        ("公司破产了怎么办", RequestKind.HARDSHIP, Urgency.NORMAL),
        ("请删除我的个人信息", RequestKind.DATA_REQUEST, Urgency.NORMAL),
        ("我想查询你们保存的我的信息", RequestKind.DATA_REQUEST, Urgency.NORMAL),
        ("请更正我的资料，手机号换了", RequestKind.DATA_REQUEST, Urgency.NORMAL),
        ("复制一份我的资料给我", RequestKind.DATA_REQUEST, Urgency.NORMAL),
        ("提前还款要手续费吗？", RequestKind.QUESTION, Urgency.NORMAL),
        ("怎么查还款计划", RequestKind.QUESTION, Urgency.NORMAL),
        ("今天能放款吗？", RequestKind.QUESTION, Urgency.HIGH),
        ("马上帮我看一下", RequestKind.OTHER, Urgency.HIGH),
        ("感谢客户经理的服务", RequestKind.OTHER, Urgency.NORMAL),
        ("不急，有空帮我看看还款计划", RequestKind.OTHER, Urgency.LOW),
    ],
)
def test_suggest_reads_kind_and_urgency(text, kind, urgency):
    found = suggest(text)
    assert (found.kind, found.urgency) == (kind, urgency)
    assert found.reasons  # always says why


def test_a_complaint_wins_over_hardship_and_says_both_urgent():
    found = suggest("我失业了还不上，你们还天天打电话，我要投诉")
    assert found.kind == RequestKind.COMPLAINT
    assert found.urgency == Urgency.HIGH
    assert "投诉" in found.reasons[0]


def test_deleting_without_personal_information_is_not_a_data_request():
    assert suggest("请删除这条短信提醒？").kind == RequestKind.QUESTION


def test_not_urgent_is_not_urgent():
    found = suggest("不着急，方便时回个电话")
    assert found.urgency == Urgency.LOW


def test_complexity_from_law_length_and_several_questions():
    assert suggest("还款日是哪天？").complexity == Complexity.SIMPLE
    assert suggest("合同里这条是什么意思？").complexity == Complexity.COMPLEX
    assert suggest("我们之间有纠纷").complexity == Complexity.COMPLEX
    assert suggest("利率多少？期限多长？").complexity == Complexity.COMPLEX
    assert suggest("请" + "说明" * 101).complexity == Complexity.COMPLEX  # 203 characters
    assert suggest("请" + "说明" * 99).complexity == Complexity.SIMPLE  # 199


def test_suggest_takes_any_text():
    assert suggest("").kind == RequestKind.OTHER
    assert suggest("🙏🙏 谢谢 😀").kind == RequestKind.OTHER
    long = suggest("投诉" * 50_000)
    assert (long.kind, long.complexity) == (RequestKind.COMPLAINT, Complexity.COMPLEX)


# --- the tier matrix ----------------------------------------------------------------------------------------

MATRIX = [
    TierRuleSpec("complaint", ANY, ANY, Tier.TEAM_LEAD, 4),
    TierRuleSpec("complaint", "high", ANY, Tier.TEAM_LEAD, 2),
    TierRuleSpec("hardship", ANY, ANY, Tier.TEAM_LEAD, 4),
    TierRuleSpec("data_request", ANY, ANY, Tier.SPECIALIST, 16),
    TierRuleSpec("question", ANY, "simple", Tier.CM, 8),
    TierRuleSpec("question", "high", "simple", Tier.CM, 2),
    TierRuleSpec("question", ANY, "complex", Tier.TEAM_LEAD, 8),
    TierRuleSpec("other", ANY, ANY, Tier.CM, 8),
]


@pytest.mark.parametrize(
    ("kind", "urgency", "complexity", "expected"),
    [
        ("complaint", "normal", "simple", (Tier.TEAM_LEAD, 4)),
        ("complaint", "high", "complex", (Tier.TEAM_LEAD, 2)),
        ("hardship", "low", "complex", (Tier.TEAM_LEAD, 4)),
        ("data_request", "high", "simple", (Tier.SPECIALIST, 16)),
        ("question", "normal", "simple", (Tier.CM, 8)),
        ("question", "high", "simple", (Tier.CM, 2)),
        ("question", "high", "complex", (Tier.TEAM_LEAD, 8)),
        ("other", "high", "complex", (Tier.CM, 8)),
    ],
)
def test_the_most_specific_row_wins(kind, urgency, complexity, expected):
    assert tier_for(MATRIX, kind, urgency, complexity) == expected


def test_kind_outweighs_urgency_outweighs_complexity():
    rules = [
        TierRuleSpec(ANY, "high", ANY, Tier.TEAM_LEAD, 1),
        TierRuleSpec(ANY, ANY, "complex", Tier.SPECIALIST, 2),
        TierRuleSpec("question", ANY, ANY, Tier.CM, 3),
    ]
    assert tier_for(rules, "question", "high", "complex") == (Tier.CM, 3)
    assert tier_for(rules, "other", "high", "complex") == (Tier.TEAM_LEAD, 1)
    assert tier_for(rules, "other", "low", "complex") == (Tier.SPECIALIST, 2)


def test_no_row_falls_back_to_the_team_lead_within_8_hours():
    assert FALLBACK == (Tier.TEAM_LEAD, 8)
    assert tier_for([], "question", "normal", "simple") == FALLBACK
    assert matching_rule(MATRIX[:1], "question", "normal", "simple") is None
    assert tier_for(MATRIX[:1], "question", "normal", "simple") == FALLBACK


# --- working hours ------------------------------------------------------------------------------------------


def test_friday_16_00_plus_4_hours_is_monday_12_00():
    assert due_at(at(2026, 12, 4, 16), 4, weekdays) == at(2026, 12, 7, 12)  # Friday → Monday
    assert due_at(at(2026, 12, 4, 16), 4, is_working_day) == at(2026, 12, 7, 12)


def test_inside_one_working_day():
    assert due_at(at(2026, 12, 7, 9), 2, weekdays) == at(2026, 12, 7, 11)
    assert due_at(at(2026, 12, 7, 10, 30), 4, weekdays) == at(2026, 12, 7, 14, 30)


def test_the_target_may_end_at_closing_time_not_the_next_morning():
    assert due_at(at(2026, 12, 7, 13), 4, weekdays) == at(2026, 12, 7, 17)


def test_before_opening_counts_from_nine_after_closing_from_the_next_morning():
    assert due_at(at(2026, 12, 7, 7, 15), 2, weekdays) == at(2026, 12, 7, 11)
    assert due_at(at(2026, 12, 7, 17), 2, weekdays) == at(2026, 12, 8, 11)
    assert due_at(at(2026, 12, 7, 22), 8, weekdays) == at(2026, 12, 8, 17)


def test_a_weekend_request_counts_from_monday():
    assert due_at(at(2026, 12, 5, 11), 4, weekdays) == at(2026, 12, 7, 13)  # Saturday
    assert due_at(at(2026, 12, 6, 23), 16, weekdays) == at(2026, 12, 8, 17)  # Sunday night, two days


def test_the_national_day_holiday_week_of_2026():
    # 2026: 国庆 10/1–10/7 off; Sunday 9/20 and Saturday 10/10 worked (调休); 9/25 中秋 off
    assert not is_working_day(date(2026, 10, 1))
    assert is_working_day(date(2026, 10, 10))
    # Wednesday 30 September 15:00, 4 hours: 2 that day, then the holiday week; Thursday 8 October is the
    # next working day
    assert due_at(at(2026, 9, 30, 15), 4, is_working_day) == at(2026, 10, 8, 11)
    # a request on 3 October (holiday) with 24 hours: 8, 9 and the worked Saturday 10 October
    assert due_at(at(2026, 10, 3, 10), 24, is_working_day) == at(2026, 10, 10, 17)
    # Thursday 24 September 16:00, 2 hours: Friday 25 is 中秋; Saturday and Sunday off → Monday 28
    assert due_at(at(2026, 9, 24, 16), 2, is_working_day) == at(2026, 9, 28, 10)
    # Saturday 19 September: the next working day is the worked Sunday 20 September
    assert due_at(at(2026, 9, 19, 10), 3, is_working_day) == at(2026, 9, 20, 12)


def test_a_custom_working_day():
    lunch_free = (time(8, 30), time(12, 0))
    assert due_at(at(2026, 12, 7, 11), 2, weekdays, day=lunch_free) == at(2026, 12, 8, 9, 30)


@pytest.mark.parametrize("hours", [0, -1, 1.5, True, "4", None])
def test_hours_are_a_positive_whole_number(hours):
    with pytest.raises(ValueError):
        due_at(at(2026, 12, 7), hours, weekdays)  # type: ignore[arg-type]


def test_a_calendar_without_working_days_is_refused_not_looped_forever():
    with pytest.raises(ValueError):
        due_at(at(2026, 12, 7), 1, lambda day: False)


def test_seconds_are_kept():
    received = at(2026, 12, 7, 10) + timedelta(seconds=42)
    assert due_at(received, 1, weekdays) == at(2026, 12, 7, 11) + timedelta(seconds=42)


# --- a year without its holiday calendar --------------------------------------------------------------------


def test_2027_is_not_published_yet_so_monday_to_friday_is_assumed_and_said():
    with pytest.raises(DomainError) as refused:
        is_working_day(date(2027, 1, 4))
    assert refused.value.code == "holiday_calendar_missing"

    calendar = FallbackCalendar(is_working_day)
    # Thursday 31 December 2026 16:00 + 4 hours: 1 hour in 2026, then 1 January 2027 (a Friday: assumed
    # a working day, although it will be 元旦) → Friday 12:00
    assert due_at(at(2026, 12, 31, 16), 4, calendar) == at(2027, 1, 1, 12)
    assert calendar.assumed == {date(2027, 1, 1)}
    assert "2027 年的节假日安排尚未录入" in calendar.note()


def test_a_known_year_assumes_nothing():
    calendar = FallbackCalendar(is_working_day)
    due_at(at(2026, 12, 7, 9), 4, calendar)
    assert calendar.assumed == set()
    assert calendar.note() == ""


def test_other_refusals_of_the_calendar_are_not_swallowed():
    def broken(day: date) -> bool:
        raise DomainError("something_else", "坏了")

    with pytest.raises(DomainError):
        FallbackCalendar(broken)(date(2026, 12, 7))


def test_target_for_puts_it_together_with_its_notes():
    target = target_for(
        MATRIX,
        kind="complaint",
        urgency="high",
        complexity="simple",
        received=at(2026, 12, 31, 16, 30),
        is_working_day=is_working_day,
    )
    assert (target.tier, target.hours) == (Tier.TEAM_LEAD, 2)
    assert target.due == at(2027, 1, 1, 10, 30)
    assert target.calendar_assumed
    assert len(target.notes) == 1

    fallback = target_for(
        [],
        kind="question",
        urgency="normal",
        complexity="simple",
        received=at(2026, 12, 7, 9),
        is_working_day=is_working_day,
    )
    assert (fallback.tier, fallback.hours, fallback.due) == (Tier.TEAM_LEAD, 8, at(2026, 12, 7, 17))
    assert fallback.notes == [tiering.FALLBACK_REASON]
    assert not fallback.calendar_assumed
