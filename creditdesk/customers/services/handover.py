"""客户移交: handing customers over to another customer manager.

Rule: all or nothing within the actor's team (team lead) or branch (branch head), one audit row per
customer, and the ownership history closes the old owner's period and opens the new one.

What other apps keep about a customer's owner follows in the same transaction: an app above customers
(the agenda's open tasks …) registers a listener from its ``AppConfig.ready()``
(``register_handover_listener``) — customers never names it (CONVENTIONS.md: a lower app never names a
higher one; a registry, like the 360 page's panels, not a signal).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy, scope
from creditdesk.accounts.choices import TEAM_ROLES
from creditdesk.accounts.models import User
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import DomainError, NotFound
from creditdesk.customers.models import Customer, CustomerOwnership

HANDOVER_MAX = 1000


@dataclass(frozen=True)
class Handover:
    """One customer that changed hands: the customer (already with its new owner) and who had it."""

    customer: Customer
    previous_owner_id: int


class HandoverListener(Protocol):
    """What follows a handover in another app: called inside the handover's transaction, after the owners
    changed, with the customers that changed hands; a refusal it raises undoes the whole handover."""

    def __call__(
        self, *, actor: User, handovers: Sequence[Handover], new_owner: User, reason: str
    ) -> None: ...


_LISTENERS: dict[str, HandoverListener] = {}


def register_handover_listener(key: str, listener: HandoverListener) -> None:
    """Have ``listener`` called after every handover (from an app's ``AppConfig.ready()``); registering
    ``key`` again replaces its listener."""
    _LISTENERS[key] = listener


def handover_listeners() -> tuple[HandoverListener, ...]:
    """The registered listeners, in the order they were registered."""
    return tuple(_LISTENERS.values())


@transaction.atomic(durable=True)
def customer_handover(
    *, actor: User, customer_ids: list[int], new_owner: User | int, reason: str
) -> list[Customer]:
    """客户移交: a team lead hands customers of the team to an active customer manager (or the lead) of
    the same team; a branch head does the same within the branch. All or nothing: one customer outside
    the actor's scope refuses the whole batch. Each customer gets one audit row, and its ownership
    history closes the previous owner's period and opens the new one. Customers already owned by the
    new owner are left as they are. What other apps keep about the customers' owner follows in the same
    transaction (``handover_listeners``: the agenda moves the previous owner's open tasks about them).
    Returns the customers that changed hands.
    """
    policy.require(actor, Action.CUSTOMER_HANDOVER)
    try:
        ids = sorted({int(pk) for pk in customer_ids})
    except (TypeError, ValueError):
        raise DomainError(
            "customer_ids_invalid", _("请选择要移交的客户。"), {"field": "customer_ids"}
        ) from None
    if not ids:
        raise DomainError("customer_ids_required", _("请选择要移交的客户。"), {"field": "customer_ids"})
    if len(ids) > HANDOVER_MAX:
        raise DomainError(
            "customer_ids_too_many",
            _("一次最多移交 %(count)s 户客户。") % {"count": HANDOVER_MAX},
            {"field": "customer_ids"},
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("handover_reason_required", _("请填写移交原因。"), {"field": "reason"})
    if len(reason) > 200:
        raise DomainError("handover_reason_too_long", _("移交原因不能超过 200 个字。"), {"field": "reason"})

    owner_id = new_owner.pk if isinstance(new_owner, User) else new_owner
    # Customers are owned by the people in teams (CMs, team leads), within the group the actor leads; a
    # lead hands over the team's customers only, even ones they could see for another reason.
    candidates = User.objects.filter(is_active=True, role__in=TEAM_ROLES).filter(
        scope.led_group_q(actor, team="team", branch="branch")
    )
    in_scope = Customer.objects.filter(scope.led_group_q(actor, team="owner__team", branch="owner__branch"))
    try:
        owner = candidates.filter(pk=owner_id).first()
    except (TypeError, ValueError):
        owner = None
    customers = list(scope.visible(actor, in_scope.filter(pk__in=ids)).select_for_update().order_by("pk"))
    if len(customers) != len(ids):
        raise NotFound(
            "not_found",
            _("部分客户不存在，或不在您的权限范围内；本次未移交任何客户。"),
            {"field": "customer_ids"},
        )
    if owner is None:
        raise DomainError(
            "new_owner_invalid",
            _("只能移交给本团队（支行行长：本支行）在职的客户经理。"),
            {"field": "new_owner"},
        )

    now = timezone.now()
    changed = [c for c in customers if c.owner_id != owner.pk]
    handovers = [Handover(customer=c, previous_owner_id=c.owner_id) for c in changed]
    open_rows = {
        row.customer_id: row
        for row in CustomerOwnership.objects.select_for_update().filter(
            customer__in=changed, to_date__isnull=True
        )
    }
    for customer in changed:
        previous = customer.owner_id
        row = open_rows.get(customer.pk)
        if row is not None:
            row.to_date = now
            row.save(update_fields=["to_date"])
        else:  # history missing (should not happen after the backfill): record the period we know of
            CustomerOwnership.objects.create(
                customer=customer, owner_id=previous, from_date=customer.created_at, to_date=now
            )
        CustomerOwnership.objects.create(
            customer=customer, owner=owner, from_date=now, changed_by=actor, reason=reason
        )
        customer.owner = owner
        customer.save(update_fields=["owner", "updated_at"])
        audit_record(
            actor=actor,
            action="customer.handover",
            target=customer,
            before={"owner": previous},
            after={"owner": owner.pk, "reason": reason},
        )
    if handovers:
        for listener in handover_listeners():
            listener(actor=actor, handovers=handovers, new_owner=owner, reason=reason)
    return changed
