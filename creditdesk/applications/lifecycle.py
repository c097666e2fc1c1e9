"""The life of a loan application (贷款申请) as data: its statuses, the moves between them, and the
refusal of any other move — pure Python, no Django (PRODUCT.md §5; issue 15, item 5).

draft → documents complete → submitted → under review → approved / approved with changes / returned /
rejected → contract signed → disbursed; withdrawn (by the CM, before a decision is acted on); expired (an
approval not signed or not disbursed in time, or a draft abandoned). Only services move an application,
through ``check_move``; every move is a ``StageEvent`` row with its time, so the time in each stage is
measured (item 8).
"""

from __future__ import annotations

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.core.exceptions import Conflict


class Status(LabelledEnum):
    """申请状态."""

    DRAFT = "draft", gettext_noop("草稿")
    DOCUMENTS_COMPLETE = "documents_complete", gettext_noop("资料齐全")
    SUBMITTED = "submitted", gettext_noop("已提交")
    UNDER_REVIEW = "under_review", gettext_noop("审批中")
    APPROVED = "approved", gettext_noop("已批准")
    APPROVED_WITH_CHANGES = "approved_with_changes", gettext_noop("调整后批准")
    RETURNED = "returned", gettext_noop("退回补充")
    REJECTED = "rejected", gettext_noop("已拒绝")
    CONTRACT_SIGNED = "contract_signed", gettext_noop("已签约")
    DISBURSED = "disbursed", gettext_noop("已放款")
    WITHDRAWN = "withdrawn", gettext_noop("已撤回")
    EXPIRED = "expired", gettext_noop("已过期")


S = Status
MOVES: dict[Status, frozenset[Status]] = {
    S.DRAFT: frozenset({S.DOCUMENTS_COMPLETE, S.WITHDRAWN, S.EXPIRED}),
    # a document found invalid (expired, rejected by the checker) sends it back to draft
    S.DOCUMENTS_COMPLETE: frozenset({S.DRAFT, S.SUBMITTED, S.WITHDRAWN, S.EXPIRED}),
    S.SUBMITTED: frozenset({S.UNDER_REVIEW, S.RETURNED, S.REJECTED, S.WITHDRAWN}),
    # a level's decision either moves on (the next level: still under review) or ends the review
    S.UNDER_REVIEW: frozenset(
        {S.UNDER_REVIEW, S.APPROVED, S.APPROVED_WITH_CHANGES, S.RETURNED, S.REJECTED, S.WITHDRAWN}
    ),
    # returned for supplement: the CM completes it and submits again (through the checklist)
    S.RETURNED: frozenset({S.DRAFT, S.DOCUMENTS_COMPLETE, S.WITHDRAWN, S.EXPIRED}),
    S.APPROVED: frozenset({S.CONTRACT_SIGNED, S.WITHDRAWN, S.EXPIRED}),
    S.APPROVED_WITH_CHANGES: frozenset({S.CONTRACT_SIGNED, S.WITHDRAWN, S.EXPIRED}),
    S.CONTRACT_SIGNED: frozenset({S.DISBURSED, S.EXPIRED}),
    S.REJECTED: frozenset(),
    S.DISBURSED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.EXPIRED: frozenset(),
}

# Where the CM still shapes the application (parties, terms, investigation, documents).
EDITABLE = frozenset({S.DRAFT, S.DOCUMENTS_COMPLETE, S.RETURNED})
# Waiting for an approver's (or the committee's) decision.
IN_REVIEW = frozenset({S.SUBMITTED, S.UNDER_REVIEW})
APPROVED = frozenset({S.APPROVED, S.APPROVED_WITH_CHANGES})
# Still open: counts in the customer's and the group's exposure (统一授信) as a limit asked or granted.
OPEN = frozenset(s for s, moves in MOVES.items() if moves)
FINAL = frozenset(s for s, moves in MOVES.items() if not moves)


class IllegalMove(Conflict):
    """An application asked to move where its status does not lead (HTTP 409, code ``illegal_transition``)."""


def check_move(current: str, target: str) -> None:
    """Refuse a move the table does not allow, naming both statuses."""
    now, then = Status(current), Status(target)
    if then not in MOVES[now]:
        raise IllegalMove(
            "illegal_transition",
            f"申请当前为「{now.label}」，不能变为「{then.label}」。",
            {"from": now.value, "to": then.value},
        )


class Kind(LabelledEnum):
    """申请类型."""

    NEW = "new", gettext_noop("新增贷款")
    RENEWAL = "renewal", gettext_noop("续贷（到期续贷）")
    # for eligible small businesses without financial difficulty: not a restructuring (RULES.md)
    RENEWAL_NO_REPAYMENT = "renewal_no_repayment", gettext_noop("无还本续贷")
    COMBINATION = "combination", gettext_noop("组合贷（公积金 + 商业）")
    # 借新还旧: booked by a risk manager's restructuring of a loan (``loans.services.refinance``), never
    # opened from the application form
    REFINANCE = "refinance", gettext_noop("借新还旧")


class PartyRole(LabelledEnum):
    """借款参与人."""

    BORROWER = "borrower", gettext_noop("借款人")
    CO_BORROWER = "co_borrower", gettext_noop("共同借款人")
    GUARANTOR = "guarantor", gettext_noop("保证人")


class Recommendation(LabelledEnum):
    """贷前调查结论 — the CM's recommendation."""

    RECOMMEND = "recommend", gettext_noop("建议发放")
    WITH_CONDITIONS = "with_conditions", gettext_noop("建议附条件发放")
    NOT_RECOMMEND = "not_recommend", gettext_noop("不建议发放")
