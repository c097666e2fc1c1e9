"""客户移交: handing customers over to another customer manager.

Rule: all or nothing within the actor's team (team lead) or branch (branch head), one audit row per
customer, and the ownership history closes the old owner's period and opens the new one.
"""

from __future__ import annotations

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


@transaction.atomic(durable=True)
def customer_handover(
    *, actor: User, customer_ids: list[int], new_owner: User | int, reason: str
) -> list[Customer]:
    """客户移交: a team lead hands customers of the team to an active customer manager (or the lead) of
    the same team; a branch head does the same within the branch. All or nothing: one customer outside
    the actor's scope refuses the whole batch. Each customer gets one audit row, and its ownership
    history closes the previous owner's period and opens the new one. Customers already owned by the
    new owner are left as they are. Returns the customers that changed hands.
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
    return changed
