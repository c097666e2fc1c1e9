"""The one way a service takes a customer it is about to change (or attach something to)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from creditdesk.accounts import scope
from creditdesk.core.actions import Action
from creditdesk.customers.models import Customer


def customer_for_change(*, actor: Any, customer_id: int | str, action: Action) -> Customer:
    """The customer, locked (``select_for_update``) for the caller's transaction, if ``actor`` may do
    ``action`` to it. Outside the actor's scope: ``NotFound`` (nobody learns that it exists); visible but
    not for this person to change: the policy's refusal for ``action`` (its code and sentence say what
    could not be done)."""
    missing = _("客户不存在，或不在您的权限范围内。")
    return scope.get_for_change(actor, Customer.objects.all(), customer_id, action=action, missing=missing)
