"""The one way a service takes a customer it is about to change (or attach something to)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from creditdesk.accounts import scope
from creditdesk.core.exceptions import NotAllowed, NotFound
from creditdesk.customers.models import Customer


def customer_for_change(*, actor: Any, customer_id: int | str, code: str, message: str) -> Customer:
    """The customer, locked (``select_for_update``) for the caller's transaction, if ``actor`` may
    change it. Outside the actor's scope: ``NotFound`` (nobody learns that it exists); visible but
    read-only for the actor's role: ``NotAllowed`` with the caller's ``code`` and ``message`` (which say
    what could not be done)."""
    if not scope.visible(actor, Customer.objects.filter(pk=customer_id)).exists():
        raise NotFound("not_found", _("客户不存在，或不在您的权限范围内。"))
    customer = scope.changeable(actor, Customer.objects.filter(pk=customer_id)).select_for_update().first()
    if customer is None:
        raise NotAllowed(code, message)
    return customer
