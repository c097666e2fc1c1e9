"""分级响应 (tiered response) — the pure core of customer requests (issue 18 item 5; seeds/003, "实施分级响应
机制：根据客户需求的紧急程度和复杂度，安排不同层级的人员进行对接").

Three questions, each answered without a database:

- **What is it?** ``suggest(text)`` reads a request the way a CM would at a glance and suggests its kind,
  urgency and complexity from keywords, with the reasons (a person may change each before saving).
- **Who answers, and how fast?** ``tier_for(rules, kind, urgency, complexity)``: the bank's tier matrix
  (data: ``TierRuleSpec`` rows, a blank cell meaning "any") gives the tier (客户经理 / 团队主管 / 专员) and
  the   response target in working hours. The most specific matching row wins (kind before urgency before
  complexity); with no row at all, ``FALLBACK``: the team lead within 8 working hours — a request nobody
  configured goes to someone who can judge it, never nowhere.
- **By when?** ``due_at(received, hours, is_working_day)``: the target counted in working hours only
  (09:00–17:00 on working days). A request received on Friday at 16:00 with a 4-hour target is due on
  Monday at 12:00 (one hour on Friday, three on Monday). ``FallbackCalendar`` wraps the official calendar
  (``finance.workdays.is_working_day``), which refuses a year whose State Council notice is not published
  yet: for such a day it counts Monday to Friday and remembers the day, so the request can say so.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.core.exceptions import DomainError

# --- the enumerations ---------------------------------------------------------------------------------------


class RequestKind(LabelledEnum):
    """诉求类型 — what the customer asks for."""

    QUESTION = "question", gettext_noop("咨询")
    COMPLAINT = "complaint", gettext_noop("投诉")
    HARDSHIP = "hardship", gettext_noop("困难求助")
    DATA_REQUEST = "data_request", gettext_noop("个人信息请求")
    OTHER = "other", gettext_noop("其他")


class Urgency(LabelledEnum):
    """紧急程度."""

    HIGH = "high", gettext_noop("紧急")
    NORMAL = "normal", gettext_noop("一般")
    LOW = "low", gettext_noop("不急")


class Complexity(LabelledEnum):
    """复杂程度."""

    SIMPLE = "simple", gettext_noop("简单")
    COMPLEX = "complex", gettext_noop("复杂")


class Tier(LabelledEnum):
    """响应层级 — who answers: the customer's manager, the team lead, or a specialist (the branch's risk
    manager, who handles personal-information requests and what needs a specialist's judgement)."""

    CM = "cm", gettext_noop("客户经理")
    TEAM_LEAD = "team_lead", gettext_noop("团队主管")
    SPECIALIST = "specialist", gettext_noop("专员")


# --- suggest: kind, urgency and complexity from the text ----------------------------------------------------

COMPLAINT_WORDS = ("投诉", "12378", "银保监", "金融监管", "媒体", "曝光", "律师", "起诉")
"""A complaint, and an urgent one: a regulator (12378 is the 国家金融监督管理总局 consumer hotline), the press
or a lawyer named."""
HARDSHIP_WORDS = ("失业", "住院", "生病", "还不上", "困难", "破产", "减免", "延期")
DATA_VERBS = ("查询", "复制", "更正", "删除")
DATA_OBJECTS = ("个人信息", "我的信息", "资料")
"""《个人信息保护法》第四十五至四十七条: the person's right to consult, copy, correct and delete their
personal information — a verb and an object together make a data request."""
URGENT_WORDS = ("急", "今天", "马上", "立刻")
CALM_WORDS = ("不急", "不着急", "不用急", "有空", "方便时")
"""Said calmly: low urgency (and "不急" is not "急")."""
COMPLEX_WORDS = ("合同", "法律", "纠纷")
QUESTION_MARKS = ("?", "吗", "怎么", "如何", "多少", "能不能", "可不可以", "是否", "什么", "哪")
LONG_TEXT = 200
"""Characters beyond which a request is complex (several matters, a story to untangle)."""
MANY_QUESTIONS = 2
"""Question marks from which a request is complex (several questions at once)."""


@dataclass(frozen=True)
class Suggestion:
    """The suggested classification and why (one sentence per reason, Chinese, for the person checking it)."""

    kind: RequestKind
    urgency: Urgency
    complexity: Complexity
    reasons: tuple[str, ...]


def _normal(text: str) -> str:
    """Full-width digits and punctuation as half-width (NFKC: "１２３７８" is 12378, "？" is "?")."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _found(text: str, words: Iterable[str]) -> list[str]:
    return [word for word in words if word in text]


def _quoted(words: list[str]) -> str:
    return "、".join(f"“{word}”" for word in words)


def suggest(text: str) -> Suggestion:
    """The kind, urgency and complexity ``text`` suggests. Kinds by precedence — complaint (a regulator,
    the press, a lawyer: also urgent) over hardship over a personal-information request over a question
    (a question mark or word) over other; urgent when it says 急/今天/马上/立刻 (not "不急"), low when it
    says it is not urgent; complex when it is long (over ``LONG_TEXT`` characters), asks several questions
    or is about a contract, the law or a dispute. Empty text: a simple, normal "other" request."""
    body = _normal(text)
    reasons: list[str] = []
    complaint = _found(body, COMPLAINT_WORDS)
    hardship = _found(body, HARDSHIP_WORDS)
    data = _found(body, DATA_VERBS), _found(body, DATA_OBJECTS)
    if complaint:
        kind = RequestKind.COMPLAINT
        reasons.append(f"提到{_quoted(complaint)}：按投诉处理，紧急。")
    elif hardship:
        kind = RequestKind.HARDSHIP
        reasons.append(f"提到{_quoted(hardship)}：按困难求助处理。")
    elif data[0] and data[1]:
        kind = RequestKind.DATA_REQUEST
        reasons.append(f"提到{_quoted(data[0] + data[1])}：按个人信息请求处理（个人信息保护法）。")
    elif _found(body, QUESTION_MARKS):
        kind = RequestKind.QUESTION
        reasons.append("是一个询问：按咨询处理。")
    else:
        kind = RequestKind.OTHER
        reasons.append("未识别出类型：按其他处理，请人工确认。")

    calm = _found(body, CALM_WORDS)
    rest = body
    for word in calm:
        rest = rest.replace(word, "")
    urgent = _found(rest, URGENT_WORDS)
    if complaint:
        urgency = Urgency.HIGH
    elif urgent:
        urgency = Urgency.HIGH
        reasons.append(f"提到{_quoted(urgent)}：紧急。")
    elif calm:
        urgency = Urgency.LOW
        reasons.append(f"提到{_quoted(calm)}：不急。")
    else:
        urgency = Urgency.NORMAL

    complexity = Complexity.SIMPLE
    legal = _found(body, COMPLEX_WORDS)
    if legal:
        complexity = Complexity.COMPLEX
        reasons.append(f"涉及{_quoted(legal)}：复杂。")
    if len(body.strip()) > LONG_TEXT:
        complexity = Complexity.COMPLEX
        reasons.append(f"内容较长（超过 {LONG_TEXT} 字）：复杂。")
    if body.count("?") >= MANY_QUESTIONS:
        complexity = Complexity.COMPLEX
        reasons.append("一次提出了多个问题：复杂。")
    return Suggestion(kind, urgency, complexity, tuple(reasons))


# --- tier_for: the tier matrix ------------------------------------------------------------------------------

ANY = ""
"""A blank cell of the tier matrix: any value."""
FALLBACK: tuple[Tier, int] = (Tier.TEAM_LEAD, 8)
FALLBACK_REASON = "分级表中没有匹配的规则：按团队主管 8 个工作小时内响应处理。"


@dataclass(frozen=True)
class TierRuleSpec:
    """One row of the tier matrix: for a kind, urgency and complexity (``ANY``: any), the tier and the
    response target in working hours."""

    kind: str
    urgency: str
    complexity: str
    tier: Tier
    hours: int

    def matches(self, kind: str, urgency: str, complexity: str) -> bool:
        return all(cell in (ANY, value) for cell, value in self._cells(kind, urgency, complexity))

    def _cells(self, kind: str, urgency: str, complexity: str) -> tuple[tuple[str, str], ...]:
        return ((self.kind, kind), (self.urgency, urgency), (self.complexity, complexity))

    @property
    def specificity(self) -> int:
        """How specific the row is: a named kind outweighs a named urgency, which outweighs a named
        complexity — so two rows that both match never tie (the matrix is unique on the three cells)."""
        return 4 * (self.kind != ANY) + 2 * (self.urgency != ANY) + (self.complexity != ANY)


def matching_rule(
    rules: Iterable[TierRuleSpec], kind: str, urgency: str, complexity: str
) -> TierRuleSpec | None:
    """The most specific row of ``rules`` matching the request, or None."""
    found = [rule for rule in rules if rule.matches(kind, urgency, complexity)]
    return max(found, key=lambda rule: rule.specificity, default=None)


def tier_for(rules: Iterable[TierRuleSpec], kind: str, urgency: str, complexity: str) -> tuple[Tier, int]:
    """The tier and response hours of a request (``FALLBACK`` when no row matches)."""
    rule = matching_rule(rules, kind, urgency, complexity)
    return (rule.tier, rule.hours) if rule is not None else FALLBACK


# --- due_at: working hours ----------------------------------------------------------------------------------

WorkingDay = Callable[[date], bool]
WORKING_DAY = (time(9, 0), time(17, 0))
"""The working day a response target counts in (local time)."""
SEARCH_DAYS = 400
"""How far ``due_at`` looks for the next working day before giving up (a calendar with none is broken)."""
CALENDAR_MISSING = "holiday_calendar_missing"


class FallbackCalendar:
    """``is_working_day`` that counts Monday to Friday for a day whose year the official calendar does not
    hold yet (it refuses with ``holiday_calendar_missing``), remembering those days in ``assumed``."""

    def __init__(self, official: WorkingDay) -> None:
        self.official = official
        self.assumed: set[date] = set()

    def __call__(self, day: date) -> bool:
        try:
            return self.official(day)
        except DomainError as exc:
            if exc.code != CALENDAR_MISSING:
                raise
            self.assumed.add(day)
            return day.weekday() < 5

    def note(self) -> str:
        """What the request should say when a day was assumed, else ""."""
        if not self.assumed:
            return ""
        years = "、".join(str(year) for year in sorted({day.year for day in self.assumed}))
        return f"{years} 年的节假日安排尚未录入工作日历：这段时间按周一至周五计算工作日，节假日可能未扣除。"


def _next_start(day: date, is_working_day: WorkingDay, start: time, tz: tzinfo | None) -> datetime:
    """The opening time of the first working day from ``day`` on."""
    for _ in range(SEARCH_DAYS):
        if is_working_day(day):
            return datetime.combine(day, start, tzinfo=tz)
        day += timedelta(days=1)
    raise ValueError(f"no working day within {SEARCH_DAYS} days before {day}")


def due_at(
    received: datetime,
    hours: int,
    is_working_day: WorkingDay,
    day: tuple[time, time] = WORKING_DAY,
) -> datetime:
    """When a response target of ``hours`` working hours falls for a request received at ``received``.

    Only the hours between ``day[0]`` and ``day[1]`` of working days count: a request received outside
    them starts counting at the next opening. The target lands inside a working day — at its closing
    time at the latest, never at the next morning's opening. ``received`` keeps its time zone (local
    time: pass ``timezone.localtime(...)``).
    """
    if isinstance(hours, bool) or not isinstance(hours, int) or hours <= 0:
        raise ValueError(f"response hours must be a positive whole number, not {hours!r}")
    start, end = day
    if not start < end:
        raise ValueError("the working day must start before it ends")
    tz = received.tzinfo
    today = received.date()
    if is_working_day(today) and received.time() < end:
        cursor = max(received, datetime.combine(today, start, tzinfo=tz))
    else:
        cursor = _next_start(today + timedelta(days=1), is_working_day, start, tz)
    remaining = timedelta(hours=hours)
    while True:
        available = datetime.combine(cursor.date(), end, tzinfo=tz) - cursor
        if remaining <= available:
            return cursor + remaining
        remaining -= available
        cursor = _next_start(cursor.date() + timedelta(days=1), is_working_day, start, tz)


@dataclass
class Target:
    """A request's response target as the service stores it: tier, hours, due time and the notes the
    request carries (a fallback tier, a calendar assumed)."""

    tier: Tier
    hours: int
    due: datetime
    notes: list[str] = field(default_factory=list)
    calendar_assumed: bool = False


def target_for(
    rules: Iterable[TierRuleSpec],
    *,
    kind: str,
    urgency: str,
    complexity: str,
    received: datetime,
    is_working_day: WorkingDay,
) -> Target:
    """``tier_for`` and ``due_at`` together, with the notes a person should read on the request."""
    rules = list(rules)
    rule = matching_rule(rules, kind, urgency, complexity)
    tier, hours = (rule.tier, rule.hours) if rule is not None else FALLBACK
    calendar = FallbackCalendar(is_working_day)
    target = Target(tier, hours, due_at(received, hours, calendar))
    if rule is None:
        target.notes.append(FALLBACK_REASON)
    if calendar.assumed:
        target.calendar_assumed = True
        target.notes.append(calendar.note())
    return target
