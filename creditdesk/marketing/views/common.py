"""What every marketing page shares: the sub-navigation's context, the period of a report, the "back to
where the button was" of a form posted from another page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from creditdesk.accounts import policy
from creditdesk.core.actions import Action
from creditdesk.core.views.errors import refusals_as_http


def nav(user: Any) -> dict[str, bool]:
    """The sub-navigation's links and buttons ``user`` is shown (``marketing/_subnav.html``)."""
    return {
        "can_create": policy.can(user, Action.LEAD_CREATE),
        "can_claim": policy.can(user, Action.LEAD_CLAIM),
        "can_manage_sources": policy.can(user, Action.SOURCE_MANAGE),
    }


def back_or(request: HttpRequest, to: str, *args: Any, **kwargs: Any) -> HttpResponse:
    """Back to the page the form was on (``next``, same host only), else ``to`` (a URL name)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(to, *args, **kwargs)


def require_areas(request: HttpRequest) -> None:
    """The marketing reports are the front line's (CMs, team leads, branch heads, risk managers): others
    are refused (403) — an approver or administrator sees no customer's business."""
    with refusals_as_http():
        policy.require(request.user, Action.CUSTOMER_AREAS_OPEN)
