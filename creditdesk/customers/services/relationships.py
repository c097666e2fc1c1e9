"""关联关系: relationships between customers ("X 是 Y 的<kind>").

Rule: both customers within the actor's scope and the from-customer one the actor may change, for adding
and removing alike; each change is one transaction with its audit row.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import DomainError, NotAllowed, NotFound
from creditdesk.customers.choices import RelationshipKind
from creditdesk.customers.locks import customer_for_change
from creditdesk.customers.models import Customer, Relationship


def _relationship_snapshot(relationship: Relationship) -> dict[str, Any]:
    return {
        "relationship_id": relationship.pk,
        "from_customer": relationship.from_customer_id,
        "to_customer": relationship.to_customer_id,
        "kind": relationship.kind,
        "role_detail": relationship.role_detail,
        "note": relationship.note,
    }


def _check_relationship_parties(*, actor: User, from_customer_id: int, to_customer_id: int) -> Customer:
    """Both customers visible to ``actor`` and the from-customer changeable; returns it, locked.

    An unknown customer and one outside the scope get the same answer, so nothing leaks.
    """
    customer = customer_for_change(actor=actor, customer_id=from_customer_id, action=Action.CUSTOMER_CHANGE)
    if not scope.visible(actor, Customer.objects.filter(pk=to_customer_id)).exists():
        raise DomainError(
            "related_customer_not_found",
            _("关联客户不存在，或不在您的权限范围内。"),
            {"field": "to_customer"},
        )
    return customer


@transaction.atomic(durable=True)
def relationship_add(
    *,
    actor: User,
    from_customer_id: int,
    to_customer_id: int,
    kind: str,
    note: str = "",
    role_detail: str = "",
) -> Relationship:
    """登记关联关系 "X 是 Y 的<kind>": both customers within the actor's scope and X one the actor may
    change; never a customer with itself; one relationship of a kind per pair and direction."""
    if kind not in RelationshipKind.values:
        raise DomainError("relationship_kind_invalid", _("关系类型无效。"), {"field": "kind"})
    if from_customer_id == to_customer_id:
        raise DomainError(
            "relationship_self", _("不能把客户与其本人建立关联关系。"), {"field": "to_customer"}
        )
    note, role_detail = (note or "").strip(), (role_detail or "").strip()
    if len(note) > 500:
        raise DomainError("note_too_long", _("备注不能超过 500 个字。"), {"field": "note"})
    if len(role_detail) > 50:
        raise DomainError("role_detail_too_long", _("关系说明不能超过 50 个字。"), {"field": "role_detail"})
    customer = _check_relationship_parties(
        actor=actor, from_customer_id=from_customer_id, to_customer_id=to_customer_id
    )
    if Relationship.objects.filter(
        from_customer_id=from_customer_id, to_customer_id=to_customer_id, kind=kind
    ).exists():
        raise DomainError("relationship_duplicate", _("该关联关系已登记。"), {"field": "kind"})
    relationship = Relationship(
        from_customer_id=from_customer_id,
        to_customer_id=to_customer_id,
        kind=kind,
        role_detail=role_detail,
        note=note,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            relationship.save()
    except IntegrityError:  # the same relationship added concurrently
        raise DomainError("relationship_duplicate", _("该关联关系已登记。"), {"field": "kind"}) from None
    audit_record(
        actor=actor,
        action="customer.relationship_add",
        target=customer,
        after=_relationship_snapshot(relationship),
    )
    return relationship


@transaction.atomic(durable=True)
def relationship_remove(*, actor: User, relationship_id: int) -> None:
    """删除关联关系: the same rule as adding it — both customers visible, the from-customer changeable."""
    relationship = Relationship.objects.filter(pk=relationship_id).first()
    parties = (relationship.from_customer_id, relationship.to_customer_id) if relationship else ()
    seen = set(scope.visible(actor, Customer.objects.filter(pk__in=parties)).values_list("pk", flat=True))
    if relationship is None or not seen:
        raise NotFound("not_found", _("关联关系不存在，或不在您的权限范围内。"))
    customer = (
        scope.changeable(actor, Customer.objects.filter(pk=relationship.from_customer_id))
        .select_for_update()
        .first()
    )
    if customer is None or len(seen) < 2:
        raise NotAllowed(
            "relationship_read_only",
            _("只有能修改该客户、且能查看双方客户的人可以删除这条关联关系。"),
        )
    before = _relationship_snapshot(relationship)
    relationship.delete()
    audit_record(actor=actor, action="customer.relationship_remove", target=customer, before=before)
