"""Approval routing and concession authority — pure rules, no Django (PRODUCT.md §5; issue 15, item 7).

The routing matrix is data the bank edits (``RoutingRule`` rows): amount band × product × risk grade →
a sequence of levels. ``route`` picks the first matching rule by position; no rule matching is a refusal
(an application nobody may approve is never submitted). Bands are half-open at the top: a rule for
``min_amount ≤ amount ≤ max_amount`` (both inclusive; ``max_amount`` None: no upper bound).

A concession (利率/额度优惠) is a rate below the product's price for the grade (in basis points) or an
amount above the product's maximum (in percent of it); the concession matrix (``ConcessionLimit`` rows)
names the largest concession each role grants (e.g. team lead 20 bp and no limit concession, branch head
50 bp and 20 %); beyond every limit it needs head office (总行), which CreditDesk does not decide: refused
with ``concession_needs_head_office`` / ``limit_concession_needs_head_office``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.core.exceptions import DomainError

BP_PER_PERCENT = Decimal(100)


class Level(LabelledEnum):
    """审批层级."""

    TEAM_LEAD = "team_lead", gettext_noop("团队主管推荐")
    APPROVER = "approver", gettext_noop("审批人审批")
    SENIOR_APPROVER = "senior_approver", gettext_noop("高级审批人审批")
    # added at submission when the rate concession asked is beyond the team lead's authority
    BRANCH_HEAD = "branch_head", gettext_noop("支行行长审批（利率优惠）")
    COMMITTEE = "committee", gettext_noop("贷审会审议")


class Outcome(LabelledEnum):
    """A level's decision."""

    RECOMMEND = "recommend", gettext_noop("同意推荐")
    APPROVE = "approve", gettext_noop("批准")
    APPROVE_WITH_CHANGES = "approve_with_changes", gettext_noop("调整后批准")
    RETURN = "return", gettext_noop("退回补充")
    REJECT = "reject", gettext_noop("拒绝")


class RejectReason(LabelledEnum):
    """拒绝原因 — reason codes a rejection carries (one or more)."""

    CAPACITY = "capacity", gettext_noop("还款能力不足（负债收入比过高）")
    CREDIT_HISTORY = "credit_history", gettext_noop("征信记录不良")
    COLLATERAL = "collateral", gettext_noop("抵质押物不足或权属瑕疵")
    PURPOSE = "purpose", gettext_noop("贷款用途不合规")
    POLICY = "policy", gettext_noop("不符合准入政策")
    FRAUD = "fraud", gettext_noop("资料真实性存疑")
    EXPOSURE = "exposure", gettext_noop("超出统一授信限额")
    OTHER = "other", gettext_noop("其他")


@dataclass(frozen=True)
class RouteRule:
    """One row of the routing matrix as the pure core reads it."""

    position: int
    levels: tuple[Level, ...]
    min_amount: Decimal
    max_amount: Decimal | None = None
    product_code: str = ""  # empty: every product
    grades: tuple[str, ...] = ()  # empty: every grade (and ungraded)
    quorum: int = 0  # committee votes needed (0 when the route has no committee)

    def matches(self, amount: Decimal, product_code: str, grade: str | None) -> bool:
        if amount < self.min_amount or (self.max_amount is not None and amount > self.max_amount):
            return False
        if self.product_code and self.product_code != product_code:
            return False
        return not self.grades or (grade or "") in self.grades


class NoRoute(DomainError):
    """No row of the routing matrix covers the application."""


def route(rules: Sequence[RouteRule], amount: Decimal, product_code: str, grade: str | None) -> RouteRule:
    """The first rule (by position) that covers ``amount`` of ``product_code`` at ``grade``."""
    for rule in sorted(rules, key=lambda r: r.position):
        if rule.matches(amount, product_code, grade):
            return rule
    raise NoRoute(
        "no_route",
        "审批路由表中没有适用于该金额、产品和风险等级的审批路径，请联系风险经理维护审批路由。",
        {"amount": str(amount), "product": product_code, "grade": grade},
    )


def rate_concession_bp(priced_rate: Decimal, offered_rate: Decimal) -> int:
    """How many basis points ``offered_rate`` (percent) is below ``priced_rate`` (percent); 0 when not below.
    Rounded up: a concession of 10.5 bp needs the authority for 11."""
    gap = (priced_rate - offered_rate) * BP_PER_PERCENT
    if gap <= 0:
        return 0
    return int(gap.to_integral_value(rounding="ROUND_CEILING"))


@dataclass(frozen=True)
class ConcessionAuthority:
    """The largest concessions one role grants: a rate (bp below the product's price) and a limit
    (percent above the product's maximum amount), with the source of the limits."""

    role: str
    max_rate_bp: int
    source: str = ""
    max_amount_pct: int = 0


class ConcessionRefused(DomainError):
    status = 403


def check_concession(
    limits: Sequence[ConcessionAuthority], role: str, concession_bp: int, reason: str
) -> None:
    """A concession of ``concession_bp`` granted by a person of ``role``: within the role's limit and with a
    reason; beyond every limit of the matrix: head office."""
    if concession_bp <= 0:
        return
    if not reason.strip():
        raise ConcessionRefused(
            "concession_reason_required", "利率优惠须写明理由。", {"field": "concession_reason"}
        )
    mine = max((lim.max_rate_bp for lim in limits if lim.role == role), default=0)
    if concession_bp <= mine:
        return
    highest = max((lim.max_rate_bp for lim in limits), default=0)
    if concession_bp > highest:
        raise ConcessionRefused(
            "concession_needs_head_office",
            f"利率优惠 {concession_bp} 个基点超过本行最高授权 {highest} 个基点，须报总行审批。",
            {"field": "annual_rate", "concession_bp": concession_bp, "limit_bp": highest},
        )
    raise ConcessionRefused(
        "concession_beyond_authority",
        f"利率优惠 {concession_bp} 个基点超过您的授权（{mine} 个基点），须由有权限的人员审批。",
        {"field": "annual_rate", "concession_bp": concession_bp, "limit_bp": mine},
    )


def limit_concession_pct(product_max: Decimal, amount: Decimal) -> int:
    """额度优惠: how many percent ``amount`` is above the product's maximum ``product_max``; 0 when not
    above. Rounded up: 10.2 % above needs the authority for 11 %."""
    if amount <= product_max or product_max <= 0:
        return 0
    over = (amount - product_max) / product_max * BP_PER_PERCENT
    return int(over.to_integral_value(rounding="ROUND_CEILING"))


def check_limit_concession(
    limits: Sequence[ConcessionAuthority], role: str, concession_pct: int, reason: str
) -> None:
    """A limit above the product's maximum by ``concession_pct`` percent, granted by a person of
    ``role``: within the role's limit and with a reason; beyond every limit of the matrix: head office."""
    if concession_pct <= 0:
        return
    if not reason.strip():
        raise ConcessionRefused(
            "concession_reason_required", "额度优惠须写明理由。", {"field": "concession_reason"}
        )
    mine = max((lim.max_amount_pct for lim in limits if lim.role == role), default=0)
    if concession_pct <= mine:
        return
    highest = max((lim.max_amount_pct for lim in limits), default=0)
    if concession_pct > highest:
        raise ConcessionRefused(
            "limit_concession_needs_head_office",
            f"额度超过产品上限 {concession_pct}%，超过本行最高授权 {highest}%，须报总行审批。",
            {"field": "amount", "concession_pct": concession_pct, "limit_pct": highest},
        )
    raise ConcessionRefused(
        "limit_concession_beyond_authority",
        f"额度超过产品上限 {concession_pct}%，超过您的授权（{mine}%），须由有权限的人员审批。",
        {"field": "amount", "concession_pct": concession_pct, "limit_pct": mine},
    )
