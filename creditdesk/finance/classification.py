"""Five-category classification (五级分类) floors — 《商业银行金融资产风险分类办法》 (effective 2023-07-01),
RULES.md "Five-category classification".

- A loan's floor comes from its days past due, counted from the oldest unpaid due date: "逾期…天的，应
  **至少**归为…类" — at least that bad. Judgement may push a loan lower than its floor, never higher.
- Non-retail borrowers: when more than 10% of the borrower's debt at this bank is NPL, all of its debt
  here is NPL (at best 次级).
- Restructured because of financial difficulty (展期, 借新还旧, concessions): at best 关注 during the
  observation period — from the first repayment date after the restructuring, at least two consecutive
  repayment periods and at least one year; a missed payment or a second restructuring in it: at best 次级;
  a loan that was NPL when restructured is not upgraded during the period.
- Credit cards (2011 rules) are stricter: 91–120 次级, 121–180 可疑, > 180 损失.

The tables are data (``FloorTable``): the defaults carry their source, and a bank may configure its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.finance.terms import due_date


class RiskClass(LabelledEnum):
    """五级分类, best first: the order of declaration is the order of badness (``rank``)."""

    NORMAL = "normal", gettext_noop("正常")
    SPECIAL_MENTION = "special_mention", gettext_noop("关注")
    SUBSTANDARD = "substandard", gettext_noop("次级")
    DOUBTFUL = "doubtful", gettext_noop("可疑")
    LOSS = "loss", gettext_noop("损失")

    @property
    def rank(self) -> int:
        return _RANKS[self]

    @property
    def is_npl(self) -> bool:
        """不良 = 次级 + 可疑 + 损失."""
        return self.rank >= _RANKS[RiskClass.SUBSTANDARD]


_RANKS = {member: index for index, member in enumerate(RiskClass)}
NPL_CLASSES: tuple[RiskClass, ...] = tuple(member for member in RiskClass if member.is_npl)


def worse(*classes: RiskClass | str) -> RiskClass:
    """The worst of ``classes`` (a floor and a judgement combine this way)."""
    return max((RiskClass(value) for value in classes), key=lambda member: member.rank)


@dataclass(frozen=True)
class FloorTable:
    """Days-past-due bands: ``(up to this many days, at best this class)``, ascending; beyond the last
    band, ``beyond``."""

    name: str
    source: str
    bands: tuple[tuple[int, RiskClass], ...]
    beyond: RiskClass

    def floor(self, dpd: int) -> RiskClass:
        if dpd < 0:
            raise ValueError("days past due cannot be negative")
        for limit, risk_class in self.bands:
            if dpd <= limit:
                return risk_class
        return self.beyond


LOANS = FloorTable(
    name="loans",
    source="《商业银行金融资产风险分类办法》（2023-07-01施行）第十一条",
    bands=(
        (0, RiskClass.NORMAL),
        (90, RiskClass.SPECIAL_MENTION),
        (270, RiskClass.SUBSTANDARD),
        (360, RiskClass.DOUBTFUL),
    ),
    beyond=RiskClass.LOSS,
)
CREDIT_CARDS = FloorTable(
    name="credit_cards",
    source="《商业银行信用卡业务监督管理办法》（2011）第七十条",
    bands=(
        (0, RiskClass.NORMAL),
        (90, RiskClass.SPECIAL_MENTION),
        (120, RiskClass.SUBSTANDARD),
        (180, RiskClass.DOUBTFUL),
    ),
    beyond=RiskClass.LOSS,
)


def dpd_floor(dpd: int, table: FloorTable = LOANS) -> RiskClass:
    """The class a loan ``dpd`` days past due may at best have."""
    return table.floor(dpd)


@dataclass(frozen=True)
class RestructuringRule:
    """The restructuring rules as data (configurable; RULES.md asks compliance to confirm the article
    wording): the floor during observation, after a miss or a second restructuring, and the length of the
    observation period."""

    during: RiskClass = RiskClass.SPECIAL_MENTION
    after_miss: RiskClass = RiskClass.SUBSTANDARD
    min_periods: int = 2
    min_months: int = 12
    source: str = "《商业银行金融资产风险分类办法》第十八条至第二十一条（重组资产）"


DEFAULT_RESTRUCTURING = RestructuringRule()


def observation_end(
    due_dates_after: Sequence[date], rule: RestructuringRule = DEFAULT_RESTRUCTURING
) -> date | None:
    """The last day of the observation period, given the repayment dates after the restructuring (in
    order): it runs from the first of them for at least ``min_periods`` consecutive periods and at least
    ``min_months`` months — it ends on the later of the ``min_periods``-th due date and the first due
    date plus ``min_months`` (None when there is no repayment date yet)."""
    if not due_dates_after:
        return None
    first = due_dates_after[0]
    by_periods = due_dates_after[min(rule.min_periods, len(due_dates_after)) - 1]
    return max(by_periods, due_date(first, rule.min_months))


@dataclass(frozen=True)
class Observation:
    """A restructured loan's observation state on a day."""

    ends_on: date | None
    missed: bool  # a payment missed during the period
    restructured_again: bool
    was_npl: bool  # NPL when it was restructured


def restructuring_floor(
    observation: Observation | None, on: date, rule: RestructuringRule = DEFAULT_RESTRUCTURING
) -> RiskClass:
    """The floor the restructuring rules set on ``on`` (正常 when the loan is not under observation)."""
    if observation is None or (observation.ends_on is not None and on > observation.ends_on):
        return RiskClass.NORMAL
    if observation.missed or observation.restructured_again:
        return rule.after_miss
    if observation.was_npl:
        return rule.after_miss
    return rule.during


NON_RETAIL_NPL_SHARE = Decimal("0.10")  # RULES.md: more than 10% of its debt here NPL → all of it NPL


def borrower_floor(
    npl_balance: Decimal, total_balance: Decimal, share: Decimal = NON_RETAIL_NPL_SHARE
) -> RiskClass:
    """The floor for every loan of a non-retail borrower: 次级 when more than ``share`` of its balance
    at this bank is NPL, else 正常 (no constraint)."""
    if total_balance <= 0:
        return RiskClass.NORMAL
    return RiskClass.SUBSTANDARD if npl_balance / total_balance > share else RiskClass.NORMAL


class ManualUpgradeRefused(ValueError):
    """A judgement above the floor: the rules allow a class only at or below it."""


def judged(floor: RiskClass | str, manual: RiskClass | str | None) -> RiskClass:
    """The current class: the floor, or the risk manager's worse judgement; ``manual`` better than the
    floor is refused (``ManualUpgradeRefused``) — services catch it and answer with a domain error."""
    floor = RiskClass(floor)
    if manual is None:
        return floor
    manual = RiskClass(manual)
    if manual.rank < floor.rank:
        raise ManualUpgradeRefused(f"{manual.value} is better than the floor {floor.value}")
    return manual


def extension_limit_months(original_term_months: int) -> int:
    """展期 limits (RULES.md, configurable): a loan of up to one year may be extended by at most its
    original term; over one year up to five, half of it; over five years, three years."""
    if original_term_months <= 0:
        raise ValueError("the original term must be positive")
    if original_term_months <= 12:
        return original_term_months
    if original_term_months <= 60:
        return original_term_months // 2
    return 36
