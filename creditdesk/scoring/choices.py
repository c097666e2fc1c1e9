"""Model lifecycle and risk grades (RULES.md, PIPL automated decisions). Who may approve, activate, assess
and override is the policy's (``accounts/policy.py``: ``Action.SCORING_MODEL_APPROVE``,
``SCORING_MODEL_ACTIVATE``, ``ASSESSMENT_RUN``, ``SCORE_OVERRIDE``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.core.choices import text_choices
from creditdesk.core.enums import RiskGrade


class ModelStatus(models.TextChoices):
    """A scorecard version moves draft → approved → active → retired; a risk manager approves and a risk
    manager or the branch head activates, neither being who registered it (maker-checker), and exactly
    one version is active at a time (the database enforces it)."""

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


Grade = text_choices(RiskGrade, "Grade")
