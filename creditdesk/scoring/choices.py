"""Model lifecycle, risk grades and who may do what with scorecards (RULES.md, PIPL automated decisions)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ModelStatus(models.TextChoices):
    """A scorecard version moves draft → approved → active → retired; only a risk manager approves or
    activates, and exactly one version is active at a time (the database enforces it)."""

    DRAFT = "draft", _("待审核")
    APPROVED = "approved", _("已审核")
    ACTIVE = "active", _("使用中")
    RETIRED = "retired", _("已停用")


MODEL_TRANSITIONS: dict[str, frozenset[str]] = {
    ModelStatus.DRAFT: frozenset({ModelStatus.APPROVED}),
    ModelStatus.APPROVED: frozenset({ModelStatus.ACTIVE}),
    ModelStatus.ACTIVE: frozenset({ModelStatus.RETIRED}),
    ModelStatus.RETIRED: frozenset({ModelStatus.ACTIVE}),
}


class Grade(models.TextChoices):
    A = "A", _("A（低风险）")
    B = "B", _("B（较低风险）")
    C = "C", _("C（中等风险）")
    D = "D", _("D（较高风险）")
    E = "E", _("E（高风险）")


# Who may override a score's grade: a second person, never the CM whose customer it is (a human
# decides with a reason, and the decision is someone else's than the seller's).
OVERRIDE_ROLES = frozenset({"team_lead", "risk_manager", "approver", "branch_head"})
# Who may approve and activate model versions.
MODEL_ROLES = frozenset({"risk_manager"})
# Who may run a pre-assessment for a customer they may change.
ASSESS_ROLES = frozenset({"manager", "team_lead"})
