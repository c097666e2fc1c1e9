"""Template helpers of the expert card editor: whether the person may edit a card as a new version (the
model page is drawn by ``views.model_detail``; the button asks the policy here)."""

from __future__ import annotations

from typing import Any

from django import template

from creditdesk.accounts import policy
from creditdesk.core.actions import Action

register = template.Library()


@register.simple_tag
def may_draft_card(user: Any) -> bool:
    """Whether ``user`` may edit an expert card as a new draft version (risk managers)."""
    return policy.can(user, Action.SCORING_CARD_DRAFT)
