"""查看明文: showing a customer's clear ID or phone number.

Rule: only to a person with the ``customers.unmask_customer`` permission who can see the customer and gives
a reason; every look is audited, in one transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import DomainError, NotAllowed, NotFound
from creditdesk.customers.identity import mask_id, mask_phone
from creditdesk.customers.models import Customer

UNMASKABLE = {"id_number": mask_id, "phone": mask_phone}


@transaction.atomic(durable=True)
def customer_unmask(*, actor: User, customer_id: int, field: str, reason: str) -> str:
    """查看明文: the clear ID or phone, for a person with the permission who gives a reason (audited)."""
    if field not in UNMASKABLE:
        raise DomainError("field_not_unmaskable", _("该字段不能查看明文。"), {"field": "field"})
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise DomainError(
            "unmask_reason_required", _("请填写查看明文的理由（至少 4 个字）。"), {"field": "reason"}
        )
    customer = scope.visible(actor, Customer.objects.filter(pk=customer_id)).first()
    if customer is None:
        raise NotFound("not_found", _("客户不存在，或不在您的权限范围内。"))
    if not actor.has_perm("customers.unmask_customer"):
        raise NotAllowed("unmask_not_allowed", _("您没有查看客户敏感信息明文的权限。"))
    audit_record(
        actor=actor, action="customer.unmask", target=customer, after={"field": field, "reason": reason[:200]}
    )
    return str(getattr(customer, field))
