"""Reads of the compliance app: the rules — the bank's configuration, one table for every branch, read by
those who keep it (``COMPLIANCE_RULE_MANAGE``) — and the log of checks, each reader's scope of senders
(``COMPLIANCE_LOG_READ``: a team lead their team's, a branch head and risk managers their branch's)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from creditdesk.accounts import policy, scope
from creditdesk.compliance.models import ComplianceCheck, ComplianceRule
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import NotFound


def rules_for(*, user: Any) -> QuerySet[ComplianceRule]:
    """合规规则 by code, active and retired, for a person who keeps them; ``NotAllowed`` (403) for anyone
    else — the rules are not a branch's, so the policy is their only scope."""
    policy.require(user, Action.COMPLIANCE_RULE_MANAGE)
    return ComplianceRule.objects.select_related("updated_by").order_by("code")


def rule_get(*, user: Any, rule_id: Any) -> ComplianceRule:
    """One rule for a person who keeps them (``NotAllowed`` otherwise); ``NotFound`` when there is none."""
    rules = rules_for(user=user)
    try:
        return rules.get(pk=rule_id)
    except (ComplianceRule.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("not_found", _("合规规则不存在。")) from None


def rule_names() -> dict[str, str]:
    """Code → name of every rule (the log names its rules by code; a retired rule keeps its name)."""
    return dict(ComplianceRule.objects.values_list("code", "name"))


def checks_visible_to(*, user: Any) -> QuerySet[ComplianceCheck]:
    """合规拦截记录 newest first, of the senders in the reader's scope (``ComplianceCheck.scope_paths``: the
    sender's team and branch); ``NotAllowed`` (403) for a person who does not review the log (a CM sees
    their own findings when sending, an approver or administrator none)."""
    policy.require(user, Action.COMPLIANCE_LOG_READ)
    rows = ComplianceCheck.objects.select_related("actor")
    return scope.visible(user, rows).order_by("-created_at", "-id")
