"""The roles of the people who use CreditDesk, written once (PRODUCT.md, "Users and what each may see").

A pure enumeration (``core.enums.LabelledEnum``: no Django), so the scope layer and the policy use it
without loading models. ``Role.MANAGER == "manager"`` and ``Role.MANAGER.label == "客户经理"``; the label is
only marked for the catalogue here (``gettext_noop``), and ``accounts/choices.py`` derives the model
field's choices from this enum, each label through Django's translation. Who may do what with each role
is in ``accounts/policy.py``.
"""

from __future__ import annotations

from creditdesk.core.enums import LabelledEnum, gettext_noop


class Role(LabelledEnum):
    """角色 — what a person does, and so what they see (the scope layer) and may do (the policy)."""

    MANAGER = "manager", gettext_noop("客户经理")  # 初级/中级/高级: own customers, leads, loans
    TEAM_LEAD = "team_lead", gettext_noop("团队主管")  # the team's
    APPROVER = "approver", gettext_noop("审批人")  # applications routed to them, within an authority
    RISK_MANAGER = "risk_manager", gettext_noop("风险经理")  # the branch's loans
    BRANCH_HEAD = "branch_head", gettext_noop("支行行长")  # the branch's: reads, targets, reports
    ADMIN = "admin", gettext_noop("系统管理员")  # configuration, no customer data by default


# Where a role sits in the organisation: a customer manager and a team lead belong to a team (and so to
# its branch); an approver, a risk manager and a branch head to a branch only; an administrator to none.
TEAM_ROLES = frozenset({Role.MANAGER, Role.TEAM_LEAD})
BRANCH_ROLES = frozenset({Role.APPROVER, Role.RISK_MANAGER, Role.BRANCH_HEAD})
