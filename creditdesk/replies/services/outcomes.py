"""What happened after a script was used (issue 18 item 3): the CM says whether the objection was resolved;
the lead's later course says the rest (moved on to a later stage, or lost) — see ``selectors.effective``."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy, scope
from creditdesk.accounts.models import User
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import DomainError, NotFound
from creditdesk.replies.choices import UseOutcome
from creditdesk.replies.models import ScriptUse

MARKED = frozenset({UseOutcome.RESOLVED, UseOutcome.UNRESOLVED})
"""The outcomes a person records; 线索推进 and 线索流失 come from the lead itself."""


@transaction.atomic(durable=True)
def use_outcome_set(*, actor: User, use_id: Any, outcome: str) -> ScriptUse:
    """登记话术效果 (``SCRIPT_USE_OUTCOME``: who used it, or their team lead): 异议已化解 or 未化解; may be
    corrected later (audited with the value before)."""
    use = (
        scope.visible(actor, ScriptUse.objects.select_for_update().filter(pk=use_id)).first()
        if str(use_id).isdigit()
        else None
    )
    if use is None:
        raise NotFound("not_found", _("使用记录不存在，或不在您的权限范围内。"))
    policy.require(actor, Action.SCRIPT_USE_OUTCOME, use)
    if outcome not in MARKED:
        raise DomainError(
            "script_use_outcome_unknown", _("请选择“异议已化解”或“未化解”。"), {"field": "outcome"}
        )
    before = use.outcome
    use.outcome = outcome
    use.outcome_at = timezone.now()
    use.save(update_fields=["outcome", "outcome_at"])
    audit_record(
        actor=actor,
        action="script_use.outcome",
        target=use,
        before={"outcome": before},
        after={"outcome": outcome},
    )
    return use
