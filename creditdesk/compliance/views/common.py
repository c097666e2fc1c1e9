"""What every compliance page shares: the sub-navigation's links the person is shown."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from creditdesk.accounts import policy
from creditdesk.core.actions import Action


def nav(user: Any) -> dict[str, bool]:
    """The sub-navigation's links ``user`` is shown (``compliance/_subnav.html``)."""
    return {
        "can_manage_rules": policy.can(user, Action.COMPLIANCE_RULE_MANAGE),
        "can_read_log": policy.can(user, Action.COMPLIANCE_LOG_READ),
    }


def query_string(request: HttpRequest) -> str:
    """The list's filters without the page number (the pagination links add theirs)."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
