"""Writes to customers. Each service is one transaction with its audit row (sensitive values masked)."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from creditdesk.accounts import scope
from creditdesk.accounts.choices import Role
from creditdesk.accounts.models import User
from creditdesk.core.audit import audit_record, audit_snapshot
from creditdesk.core.crypto import blind_index
from creditdesk.core.exceptions import Conflict, DomainError, NotAllowed, NotFound
from creditdesk.customers.choices import (
    Channel,
    CustomerKind,
    QualitySegment,
    RateSensitivity,
    RelationshipKind,
    Source,
    TermPreference,
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
    "monthly_debt_payments",
    "address_residential",
    "address_business",
    "has_property",
    "property_value",
    "has_vehicle",
    "vehicle_value",
    "credit_report",
    "term_preference",
    "rate_sensitivity",
    "tags",
    "notes",
)
# Non-sensitive profile fields, passed as strings in ``CustomerInput.profile``.
PROFILE_FIELDS = (
    "quality_segment",
    "value_segment",
    "source",
    "channel",
    "channel_detail",
    "occupation",
    "industry",
    "employer",
    "address_residential",
    "address_business",
    "has_property",
    "has_vehicle",
    "term_preference",
    "rate_sensitivity",
    "tags",
    "notes",
)
CHOICES = {
    "quality_segment": QualitySegment,
    "value_segment": ValueSegment,
    "source": Source,
    "channel": Channel,
    "term_preference": TermPreference,
    "rate_sensitivity": RateSensitivity,
}
OPTIONAL_CHOICES = frozenset({"term_preference", "rate_sensitivity"})  # blank = not recorded
YES_NO_FIELDS = frozenset({"has_property", "has_vehicle"})
YES = frozenset({"yes", "y", "true", "1", "是", "有"})
NO = frozenset({"no", "n", "false", "0", "否", "无"})
# The asset values (sensitive, encrypted) and the yes/no flag each belongs to.
ASSET_VALUES = {"property_value": "has_property", "vehicle_value": "has_vehicle"}
UNMASKABLE = {"id_number": mask_id, "phone": mask_phone}

AMOUNT_MAX = Decimal("100000000000")  # 1,000 亿元: anything above is a typing error, not a customer
MAX_TAGS = 10
MAX_TAG_LENGTH = 20
_TAG_SEPARATORS = re.compile(r"[,、;；\n]+")  # after NFKC, so full-width ，；are covered too
# 征信摘要: the input field, the key in the stored JSON, and (for whole numbers) the allowed range.
CREDIT_AMOUNT = ("credit_current_overdue", "current_overdue")
CREDIT_COUNTS = (
    ("credit_worst_overdue_days", "worst_overdue_days_24m", 0, 3650),
    ("credit_inquiries_6m", "inquiries_6m", 0, 999),
)
CREDIT_LABELS = {
    "credit_current_overdue": _lazy("当前逾期金额（元）"),
    "credit_worst_overdue_days": _lazy("近 24 个月最长逾期天数"),
    "credit_inquiries_6m": _lazy("近 6 个月征信查询次数"),
}


def id_index(kind: str, number: str) -> str:
    return blind_index(
        normalize_for_index("uscc" if kind != CustomerKind.INDIVIDUAL else "id", number),
        context=ID_INDEX_CONTEXT,
    )


def phone_index(phone: str) -> str:
    return blind_index(normalize_for_index("phone", phone), context=PHONE_INDEX_CONTEXT)


@dataclass(frozen=True)
class CustomerInput:
    """What a person types for a customer; every field is a string, validated by the service.

    The sensitive profile values added later (debt payments, asset values, credit report) default to
    ``None``: "not given, leave as it is" — so a caller that does not know them never clears them.
    ``""`` clears a value.
    """

    kind: str
    name: str
    id_number: str = ""
    phone: str = ""
    monthly_income: str = ""
    profile: dict[str, str] | None = None
    monthly_debt_payments: str | None = None
    property_value: str | None = None
    vehicle_value: str | None = None
    credit_current_overdue: str | None = None
    credit_worst_overdue_days: str | None = None
    credit_inquiries_6m: str | None = None


def _label(field: str) -> str:
    if field in CREDIT_LABELS:
        return str(CREDIT_LABELS[field])
    return str(Customer._meta.get_field(field).verbose_name)


def parse_amount(raw: str | None, *, field: str, code: str | None = None) -> str:
    """A non-negative amount in yuan with at most two decimals, as ``"1234.50"``; ``""`` when blank.

    Thousands separators are accepted (``12,000``); anything else names the field in the refusal.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip().replace(",", "")
    if not text:
        return ""
    code = code or f"{field}_invalid"
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise DomainError(
            code, _("%(field)s不是有效的金额。") % {"field": _label(field)}, {"field": field}
        ) from None
    if (
        not amount.is_finite()
        or amount < 0
        or amount >= AMOUNT_MAX
        or amount != amount.quantize(Decimal("0.01"))
    ):
        raise DomainError(
            code,
            _("%(field)s须为不小于 0、小于 1000 亿、最多两位小数的金额。") % {"field": _label(field)},
            {"field": field},
        )
    return str(amount.quantize(Decimal("0.01")) + 0)  # "+ 0" turns -0.00 into 0.00


def _parse_count(raw: str | None, *, field: str, low: int, high: int) -> int | None:
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        raise DomainError(
            f"{field}_invalid",
            _("%(field)s须为 %(low)s 至 %(high)s 之间的整数。")
            % {"field": _label(field), "low": low, "high": high},
            {"field": field},
        )
    return int(text)


def normalize_tags(raw: str | None) -> str:
    """Free tags as ``"tag1,tag2"``: split on commas (half- or full-width), 、 and semicolons,
    inner spaces collapsed, duplicates dropped (ignoring case), the order kept."""
    tags: list[str] = []
    seen: set[str] = set()
    for part in _TAG_SEPARATORS.split(unicodedata.normalize("NFKC", raw or "")):
        tag = " ".join(part.split())
        if not tag or tag.casefold() in seen:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise DomainError(
                "tags_too_long",
                _("每个标签不能超过 %(count)s 个字。") % {"count": MAX_TAG_LENGTH},
                {"field": "tags"},
            )
        seen.add(tag.casefold())
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise DomainError(
            "tags_too_many", _("标签最多 %(count)s 个。") % {"count": MAX_TAGS}, {"field": "tags"}
        )
    return ",".join(tags)


def _parse_yes_no(raw: str | None, *, field: str) -> bool | None:
    text = (raw or "").strip().lower()
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    raise DomainError(
        f"{field}_invalid", _("%(field)s请填写“有”或“无”。") % {"field": _label(field)}, {"field": field}
    )


def _profile_value(field: str, raw: str | None) -> Any:
    """One non-sensitive profile value, validated and normalised."""
    if field in YES_NO_FIELDS:
        return _parse_yes_no(raw, field=field)
    if field == "tags":
        return normalize_tags(raw)
    value = (raw or "").strip()
    if field in CHOICES:
        if not (field in OPTIONAL_CHOICES and not value) and value not in CHOICES[field].values:
            raise DomainError(
                f"{field}_invalid", _("%(field)s的选项无效。") % {"field": _label(field)}, {"field": field}
            )
        return value
    limit = Customer._meta.get_field(field).max_length
    if limit and len(value) > limit:
        raise DomainError(
            f"{field}_too_long",
            _("%(field)s不能超过 %(count)s 个字。") % {"field": _label(field), "count": limit},
            {"field": field},
        )
    return value


def _credit_report(data: CustomerInput) -> str | None:
    """The credit-report summary as the JSON stored (encrypted); ``None`` when none of it was given."""
    given = (data.credit_current_overdue, data.credit_worst_overdue_days, data.credit_inquiries_6m)
    if all(value is None for value in given):
        return None
    field, key = CREDIT_AMOUNT
    amount = parse_amount(getattr(data, field), field=field)
    report: dict[str, Any] = {key: amount or None}
    for field, key, low, high in CREDIT_COUNTS:
        report[key] = _parse_count(getattr(data, field), field=field, low=low, high=high)
    if all(value is None for value in report.values()):
        return ""
    return json.dumps(report, sort_keys=True, separators=(",", ":"))


def _apply(customer: Customer, data: CustomerInput, *, today: Any) -> None:
    """Validate ``data`` and set it on ``customer`` with the derived fields (pinyin, indexes, tails).

    Amounts are non-negative with at most two decimals, counts whole numbers in range, choices known,
    an asset value only for an asset the customer has. Raises DomainError naming the field; a refusal
    leaves nothing saved.
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

    customer.monthly_income = parse_amount(data.monthly_income, field="monthly_income", code="income_invalid")
    if data.monthly_debt_payments is not None:
        customer.monthly_debt_payments = parse_amount(
            data.monthly_debt_payments, field="monthly_debt_payments"
        )

    for field, value in (data.profile or {}).items():
        if field not in PROFILE_FIELDS:
            raise DomainError(
                "field_unknown", _("未知字段：%(field)s。") % {"field": field}, {"field": field}
            )
        setattr(customer, field, _profile_value(field, value))

    for field, flag in ASSET_VALUES.items():
        given = getattr(data, field)
        amount = parse_amount(given, field=field) if given is not None else None
        if getattr(customer, flag) is not True:
            if amount:
                raise DomainError(
                    f"{field}_without_asset",
                    _("填写%(field)s前，请先把“%(flag)s”选为“有”。")
                    % {"field": _label(field), "flag": _label(flag)},
                    {"field": field},
                )
            setattr(customer, field, "")  # no such asset (any more): no value either
        elif amount is not None:
            setattr(customer, field, amount)

    report = _credit_report(data)
    if report is not None:
        customer.credit_report = report


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


def _clear_values(customer: Customer) -> dict[str, Any]:
    return {name: getattr(customer, Customer._meta.get_field(name).attname) for name in AUDIT_FIELDS}


@transaction.atomic(durable=True)
def customer_update(*, actor: User, customer_id: int, data: CustomerInput) -> Customer:
    """Change a customer's record (owner or team lead); the audit keeps before/after, masked."""
    if not scope.visible(actor, Customer.objects.filter(pk=customer_id)).exists():
        raise NotFound("not_found", _("客户不存在，或不在您的权限范围内。"))
    customer = scope.changeable(actor, Customer.objects.filter(pk=customer_id)).select_for_update().first()
    if customer is None:
        raise NotAllowed("customer_read_only", _("您可以查看该客户，但不能修改。"))
    before, before_clear = audit_snapshot(customer, AUDIT_FIELDS), _clear_values(customer)
    _apply(customer, data, today=timezone.localdate())
    _save_unique(customer)
    after, after_clear = audit_snapshot(customer, AUDIT_FIELDS), _clear_values(customer)
    # Compared in clear (never recorded so): a changed income is "***" before and after, yet changed.
    changed = [k for k in after if before_clear[k] != after_clear[k]]
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


MERGE_REASON_MAX = 200


def _merge_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("merge_reason_required", _("请填写合并原因。"), {"field": "reason"})
    if len(reason) > MERGE_REASON_MAX:
        raise DomainError(
            "merge_reason_too_long",
            _("合并原因不能超过 %(count)s 个字。") % {"count": MERGE_REASON_MAX},
            {"field": "reason"},
        )
    return reason


@transaction.atomic(durable=True)
def customer_merge(*, actor: User, survivor_id: int, duplicate_id: int, reason: str) -> Customer:
    """合并重复客户: marks ``duplicate`` as merged into ``survivor``. Both must be visible to and
    changeable by the actor — the owner (both theirs) or the team lead (both in the team) — neither
    already merged, and not the same record; a record others were merged into is not merged itself (undo
    those first), so a survivor is never itself merged. Nothing is deleted or moved: consents,
    relationships and ownership history stay on the duplicate, which is why undoing is possible.
    """
    reason = _merge_reason(reason)
    try:
        survivor_pk, duplicate_pk = int(survivor_id), int(duplicate_id)
    except (TypeError, ValueError):
        raise _not_found() from None
    if survivor_pk == duplicate_pk:
        raise DomainError("merge_self", _("不能把客户与其本人合并。"), {"field": "duplicate"})
    pair = Customer.objects.filter(pk__in=(survivor_pk, duplicate_pk))
    if scope.visible(actor, pair).count() != 2:
        raise _not_found()
    locked = {c.pk: c for c in scope.changeable(actor, pair).select_for_update().order_by("pk")}
    if len(locked) != 2:
        raise NotAllowed("merge_not_allowed", _("只有能修改这两户客户的客户经理或团队主管可以合并。"))
    survivor, duplicate = locked[survivor_pk], locked[duplicate_pk]
    if duplicate.merged_into_id is not None:
        raise Conflict("merge_already_merged", _("该客户已合并至其他客户，请先撤销那次合并。"))
    if survivor.merged_into_id is not None:
        raise Conflict("merge_survivor_merged", _("保留的客户本身已被合并，请选择其合并后的客户。"))
    if Customer.objects.filter(merged_into=duplicate).exists():
        raise Conflict("merge_has_merged", _("已有其他记录合并到该客户，请先撤销那些合并。"))
    duplicate.merged_into = survivor
    duplicate.merged_at = timezone.now()
    duplicate.merged_by = actor
    duplicate.save(update_fields=["merged_into", "merged_at", "merged_by", "updated_at"])
    audit_record(
        actor=actor,
        action="customer.merge",
        target=duplicate,
        before={"merged_into": None},
        after={"survivor": survivor.pk, "duplicate": duplicate.pk, "reason": reason},
    )
    return duplicate


@transaction.atomic(durable=True)
def customer_merge_undo(*, actor: User, duplicate_id: int, reason: str) -> Customer:
    """撤销合并: the merged record becomes a customer of its own again (lists, search, detection), for
    whoever may change it (its owner or the team lead); everything it had is still attached to it."""
    reason = _merge_reason(reason)
    record = Customer.objects.filter(pk=duplicate_id)
    if not scope.visible(actor, record).exists():
        raise _not_found()
    duplicate = scope.changeable(actor, record).select_for_update().first()
    if duplicate is None:
        raise NotAllowed("merge_not_allowed", _("只有能修改该客户的客户经理或团队主管可以撤销合并。"))
    if duplicate.merged_into_id is None:
        raise Conflict("merge_not_merged", _("该客户未被合并，无需撤销。"))
    survivor_pk = duplicate.merged_into_id
    duplicate.merged_into = None
    duplicate.merged_at = None
    duplicate.merged_by = None
    duplicate.save(update_fields=["merged_into", "merged_at", "merged_by", "updated_at"])
    audit_record(
        actor=actor,
        action="customer.merge_undo",
        target=duplicate,
        before={"merged_into": survivor_pk},
        after={"survivor": survivor_pk, "duplicate": duplicate.pk, "reason": reason},
    )
    return duplicate
