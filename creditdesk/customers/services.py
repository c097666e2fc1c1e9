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
from creditdesk.customers.choices import (
    Channel,
    CustomerKind,
    QualitySegment,
    RelationshipKind,
    Source,
    ValueSegment,
)
from creditdesk.customers.identity import (
    mask_id,
    mask_phone,
    name_pinyin,
    normalize_for_index,
    parse_mobile,
    parse_resident_id,
    parse_uscc,
)
from creditdesk.customers.models import Customer, CustomerOwnership, Relationship

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
    CustomerOwnership.objects.create(
        customer=customer, owner=owner, from_date=customer.created_at, changed_by=actor
    )
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


def _not_found() -> NotFound:
    return NotFound("not_found", _("客户不存在，或不在您的权限范围内。"))


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
    if not scope.visible(actor, Customer.objects.filter(pk=from_customer_id)).exists():
        raise _not_found()
    if not scope.visible(actor, Customer.objects.filter(pk=to_customer_id)).exists():
        raise DomainError(
            "related_customer_not_found",
            _("关联客户不存在，或不在您的权限范围内。"),
            {"field": "to_customer"},
        )
    customer = (
        scope.changeable(actor, Customer.objects.filter(pk=from_customer_id)).select_for_update().first()
    )
    if customer is None:
        raise NotAllowed("customer_read_only", _("您可以查看该客户，但不能修改。"))
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
    if actor.role not in (Role.TEAM_LEAD, Role.BRANCH_HEAD):
        raise NotAllowed("handover_not_allowed", _("只有团队主管和支行行长可以移交客户。"))
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
    candidates = User.objects.filter(is_active=True, role__in=(Role.MANAGER, Role.TEAM_LEAD))
    if actor.role == Role.TEAM_LEAD:
        candidates = candidates.filter(team_id=actor.team_id) if actor.team_id else candidates.none()
        # A lead hands over the team's customers only, even ones they could see for another reason.
        in_scope = (
            Customer.objects.filter(owner__team_id=actor.team_id)
            if actor.team_id
            else Customer.objects.none()
        )
    else:
        candidates = candidates.filter(branch_id=actor.branch_id) if actor.branch_id else candidates.none()
        in_scope = (
            Customer.objects.filter(owner__branch_id=actor.branch_id)
            if actor.branch_id
            else Customer.objects.none()
        )
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
