"""Writes to customers. Each service is one transaction with its audit row (sensitive values masked)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import scope
from creditdesk.accounts.choices import Role
from creditdesk.accounts.models import User
from creditdesk.core.audit import audit_record, audit_snapshot
from creditdesk.core.crypto import blind_index
from creditdesk.core.exceptions import DomainError, NotAllowed, NotFound
from creditdesk.customers.choices import Channel, CustomerKind, QualitySegment, Source, ValueSegment
from creditdesk.customers.identity import (
    mask_id,
    mask_phone,
    name_pinyin,
    normalize_for_index,
    parse_mobile,
    parse_resident_id,
    parse_uscc,
)
from creditdesk.customers.models import Customer

ID_INDEX_CONTEXT = "customers.customer.id_number"
PHONE_INDEX_CONTEXT = "customers.customer.phone"
AUDIT_FIELDS = (
    "kind",
    "name",
    "id_number",
    "phone",
    "owner",
    "quality_segment",
    "value_segment",
    "source",
    "channel",
    "channel_detail",
    "occupation",
    "industry",
    "employer",
    "monthly_income",
    "notes",
)
PROFILE_FIELDS = (
    "quality_segment",
    "value_segment",
    "source",
    "channel",
    "channel_detail",
    "occupation",
    "industry",
    "employer",
    "notes",
)
CHOICES = {
    "quality_segment": QualitySegment,
    "value_segment": ValueSegment,
    "source": Source,
    "channel": Channel,
}
UNMASKABLE = {"id_number": mask_id, "phone": mask_phone}


def id_index(kind: str, number: str) -> str:
    return blind_index(
        normalize_for_index("uscc" if kind != CustomerKind.INDIVIDUAL else "id", number),
        context=ID_INDEX_CONTEXT,
    )


def phone_index(phone: str) -> str:
    return blind_index(normalize_for_index("phone", phone), context=PHONE_INDEX_CONTEXT)


@dataclass(frozen=True)
class CustomerInput:
    """What a person types for a customer; every field is a string, validated by the service."""

    kind: str
    name: str
    id_number: str = ""
    phone: str = ""
    monthly_income: str = ""
    profile: dict[str, str] | None = None


def _apply(customer: Customer, data: CustomerInput, *, today: Any) -> None:
    """Validate ``data`` and set it on ``customer`` with the derived fields (pinyin, indexes, tails).

    Raises DomainError naming the field; a refusal leaves nothing saved.
    """
    if data.kind not in CustomerKind.values:
        raise DomainError("kind_unknown", _("客户类型无效。"), {"field": "kind"})
    name = (data.name or "").strip()
    if not name:
        raise DomainError("name_required", _("请填写客户名称。"), {"field": "name"})
    if len(name) > 100:
        raise DomainError("name_too_long", _("客户名称不能超过 100 个字。"), {"field": "name"})
    customer.kind, customer.name = data.kind, name
    customer.name_pinyin, customer.name_initials = name_pinyin(
        name, person=data.kind == CustomerKind.INDIVIDUAL
    )

    number = (data.id_number or "").strip()
    if number:
        if data.kind == CustomerKind.INDIVIDUAL:
            resident = parse_resident_id(number, today=today, field="id_number")
            number, customer.birth_date, customer.gender = (
                resident.number,
                resident.birth_date,
                resident.gender,
            )
        else:
            number = parse_uscc(number, field="id_number")
            customer.birth_date, customer.gender = None, ""
        customer.id_number, customer.id_number_index, customer.id_tail = (
            number,
            id_index(data.kind, number),
            number[-4:],
        )
    else:
        customer.id_number, customer.id_number_index, customer.id_tail = "", None, ""

    phone = (data.phone or "").strip()
    if phone:
        phone = parse_mobile(phone, field="phone")
        customer.phone, customer.phone_index, customer.phone_tail = phone, phone_index(phone), phone[-4:]
    else:
        customer.phone, customer.phone_index, customer.phone_tail = "", "", ""

    income = (data.monthly_income or "").strip().replace(",", "")
    if income:
        try:
            amount = Decimal(income)
        except InvalidOperation:
            raise DomainError(
                "income_invalid", _("月收入不是有效的金额。"), {"field": "monthly_income"}
            ) from None
        if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
            raise DomainError(
                "income_invalid", _("月收入须为不小于 0、最多两位小数的金额。"), {"field": "monthly_income"}
            )
        income = str(amount.quantize(Decimal("0.01")))
    customer.monthly_income = income

    for field, value in (data.profile or {}).items():
        if field not in PROFILE_FIELDS:
            raise DomainError(
                "field_unknown", _("未知字段：%(field)s。") % {"field": field}, {"field": field}
            )
        value = (value or "").strip()
        if field in CHOICES and value not in CHOICES[field].values:
            raise DomainError(f"{field}_invalid", _("选项无效。"), {"field": field})
        setattr(customer, field, value)


def _save_unique(customer: Customer) -> None:
    """Save; a second customer with the same ID is refused (the unique blind index enforces it)."""
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError:
        raise DomainError(
            "duplicate_id_number",
            _("该证件号码已登记为其他客户（%(masked)s），不能重复建档。")
            % {"masked": mask_id(customer.id_number)},
            {"field": "id_number"},
        ) from None


@transaction.atomic(durable=True)
def customer_create(*, actor: User, data: CustomerInput, owner: User | None = None) -> Customer:
    """建档: a CM creates a customer they own; a team lead may give it to a member of the team."""
    owner = owner or actor
    if actor.role not in (Role.MANAGER, Role.TEAM_LEAD):
        raise NotAllowed("customer_create_not_allowed", _("只有客户经理和团队主管可以新建客户。"))
    if owner.pk != actor.pk and not (actor.role == Role.TEAM_LEAD and owner.team_id == actor.team_id):
        raise NotAllowed(
            "customer_owner_not_allowed", _("只能把客户分配给自己或本团队成员。"), {"field": "owner"}
        )
    customer = Customer(owner=owner, created_by=actor)
    _apply(customer, data, today=timezone.localdate())
    _save_unique(customer)
    audit_record(
        actor=actor, action="customer.create", target=customer, after=audit_snapshot(customer, AUDIT_FIELDS)
    )
    return customer


@transaction.atomic(durable=True)
def customer_update(*, actor: User, customer_id: int, data: CustomerInput) -> Customer:
    """Change a customer's record (owner or team lead); the audit keeps before/after, masked."""
    if not scope.visible(actor, Customer.objects.filter(pk=customer_id)).exists():
        raise NotFound("not_found", _("客户不存在，或不在您的权限范围内。"))
    customer = scope.changeable(actor, Customer.objects.filter(pk=customer_id)).select_for_update().first()
    if customer is None:
        raise NotAllowed("customer_read_only", _("您可以查看该客户，但不能修改。"))
    before = audit_snapshot(customer, AUDIT_FIELDS)
    _apply(customer, data, today=timezone.localdate())
    _save_unique(customer)
    after = audit_snapshot(customer, AUDIT_FIELDS)
    changed = [k for k in after if before.get(k) != after[k]]
    audit_record(
        actor=actor,
        action="customer.update",
        target=customer,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return customer


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
