"""The customer record: what may be written into it and how, and creating and changing it.

Rule: every value reaches a ``Customer`` through ``_apply`` (validation, pinyin, blind indexes, tails), and
``customer_create`` / ``customer_update`` are each one transaction with its audit row (sensitive values
masked). The other service modules build on this one; it imports none of them.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy
from creditdesk.accounts.models import User
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record, audit_snapshot
from creditdesk.core.crypto import blind_index
from creditdesk.core.exceptions import DomainError, NotFound
from creditdesk.customers.choices import (
    Channel,
    CustomerKind,
    QualitySegment,
    RateSensitivity,
    Source,
    TermPreference,
    ValueSegment,
)
from creditdesk.customers.identity import (
    given_name,
    mask_id,
    name_pinyin,
    normalize_for_index,
    parse_mobile,
    parse_resident_id,
    parse_uscc,
)
from creditdesk.customers.locks import customer_for_change
from creditdesk.customers.models import Customer, CustomerOwnership
from creditdesk.customers.services.business import BUSINESS_AUDIT_FIELDS, apply_business
from creditdesk.customers.services.values import label as _label
from creditdesk.customers.services.values import parse_amount
from creditdesk.customers.services.values import parse_count as _parse_count
from creditdesk.customers.services.values import parse_yes_no as _parse_yes_no

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
    *BUSINESS_AUDIT_FIELDS,
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
# The choices' values, listed once: ``Choices.values`` builds a new list on every use (per imported row).
_KIND_VALUES = tuple(CustomerKind.values)
_CHOICE_VALUES = {name: tuple(choices.values) for name, choices in CHOICES.items()}
OPTIONAL_CHOICES = frozenset({"term_preference", "rate_sensitivity"})  # blank = not recorded
YES_NO_FIELDS = frozenset({"has_property", "has_vehicle"})
# The asset values (sensitive, encrypted) and the yes/no flag each belongs to.
ASSET_VALUES = {"property_value": "has_property", "vehicle_value": "has_vehicle"}

MAX_TAGS = 10
MAX_TAG_LENGTH = 20
_TAG_SEPARATORS = re.compile(r"[,、;；\n]+")  # after NFKC, so full-width ，；are covered too
# 征信摘要: the input field, the key in the stored JSON, and (for whole numbers) the allowed range.
CREDIT_AMOUNT = ("credit_current_overdue", "current_overdue")
CREDIT_COUNTS = (
    ("credit_worst_overdue_days", "worst_overdue_days_24m", 0, 3650),
    ("credit_inquiries_6m", "inquiries_6m", 0, 999),
)


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

    The ID number, the sensitive profile values added later (debt payments, asset values, credit report)
    and the 经营信息 / 公积金 fields (``services.business``) default to ``None``: "not given, leave as it
    is" — so a caller that does not know them never clears them. ``""`` clears a value, except a recorded
    ID number, which is never cleared (``id_number_cannot_be_cleared``).
    """

    kind: str
    name: str
    id_number: str | None = None
    phone: str = ""
    monthly_income: str = ""
    profile: dict[str, str] | None = None
    monthly_debt_payments: str | None = None
    property_value: str | None = None
    vehicle_value: str | None = None
    credit_current_overdue: str | None = None
    credit_worst_overdue_days: str | None = None
    credit_inquiries_6m: str | None = None
    founding_date: str | None = None
    industry_code: str | None = None
    employees: str | None = None
    annual_revenue: str | None = None
    total_assets: str | None = None
    tax_credit_grade: str | None = None
    provident_fund_months: str | None = None
    provident_fund_base: str | None = None
    payroll_with_bank: str | None = None


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


def _profile_value(field: str, raw: str | None) -> Any:
    """One non-sensitive profile value, validated and normalised."""
    if field in YES_NO_FIELDS:
        return _parse_yes_no(raw, field=field)
    if field == "tags":
        return normalize_tags(raw)
    value = (raw or "").strip()
    if field in CHOICES:
        if not (field in OPTIONAL_CHOICES and not value) and value not in _CHOICE_VALUES[field]:
            raise DomainError(
                f"{field}_invalid", _("%(field)s的选项无效。") % {"field": _label(field)}, {"field": field}
            )
        return value
    limit = getattr(Customer._meta.get_field(field), "max_length", None)
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
    if data.kind not in _KIND_VALUES:
        raise DomainError("kind_unknown", _("客户类型无效。"), {"field": "kind"})
    name = (data.name or "").strip()
    if not name:
        raise DomainError("name_required", _("请填写客户名称。"), {"field": "name"})
    if len(name) > 100:
        raise DomainError("name_too_long", _("客户名称不能超过 100 个字。"), {"field": "name"})
    customer.kind, customer.name = data.kind, name
    person = data.kind == CustomerKind.INDIVIDUAL
    customer.name_pinyin, customer.name_initials = name_pinyin(name, person=person)
    customer.name_given = given_name(name) if person else ""

    # The ID is the customer's KYC and de-duplication key (the unique blind index): once recorded it is
    # corrected by typing the right number, never cleared. Not given, it is kept — and checked again, as
    # the kind may have changed (a resident ID is no enterprise's credit code).
    number = customer.id_number if data.id_number is None else data.id_number.strip()
    if not number and customer.id_number:
        raise DomainError(
            "id_number_cannot_be_cleared",
            _("证件号码已登记，不能清除；登记错误时请直接填写正确的号码。"),
            {"field": "id_number"},
        )
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

    apply_business(customer, data, today=today)


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
    policy.require(actor, Action.CUSTOMER_CREATE)
    if owner.pk != actor.pk:
        policy.require(actor, Action.CUSTOMER_ASSIGN, owner)
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


# The column each audited field is stored in (a foreign key's id): compared in clear before and after.
_ATTNAMES = {
    field.name: field.attname for field in Customer._meta.concrete_fields if field.name in AUDIT_FIELDS
}


def _clear_values(customer: Customer) -> dict[str, Any]:
    return {name: getattr(customer, _ATTNAMES[name]) for name in AUDIT_FIELDS}


@transaction.atomic(durable=True)
def customer_update(*, actor: User, customer_id: int, data: CustomerInput) -> Customer:
    """Change a customer's record (owner or team lead); the audit keeps before/after, masked."""
    customer = customer_for_change(actor=actor, customer_id=customer_id, action=Action.CUSTOMER_CHANGE)
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


def _not_found() -> NotFound:
    return NotFound("not_found", _("客户不存在，或不在您的权限范围内。"))
