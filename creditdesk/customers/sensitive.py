"""The registry of sensitive values a person may see in clear (查看明文), and their masks.

RULES.md "Personal information" (PIPL art. 28; JR/T 0171-2020 C2/C3): ID numbers, phone numbers, income
and the like are encrypted at rest and shown masked — ID ``110***********123X`` and phone ``138****5678``
(``customers.identity``), an amount as "已登记" (recorded; never a digit of it). A value is unmasked one
field at a time, by the one service ``customers.services.unmask.sensitive_unmask`` (who may: the policy's
``Action.SENSITIVE_UNMASK``; with a reason, audited, rate-limited).

Each app registers the models it owns (``register``): customers registers ``Customer`` here, products
registers ``Need`` and ``NeedDebt`` (a debt's balance) from ``ProductsConfig.ready()`` — a lower app never
names a higher one. A registered
model names its key (the API's ``target``), its unmaskable fields with their label and mask, and how to
reach the customer whose value it is (``customer_of``: the policy and the scope are asked about them).

The credit-report summary (``Customer.credit_report``) is not unmaskable here: it is a structured record
of one inquiry (征信业管理条例: used only for the purpose it was asked for), shown through its inquiry,
never as one clear string.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from creditdesk.core.money import D, format_yuan
from creditdesk.customers.identity import mask_id, mask_phone

Text = str | Promise
Mask = Callable[[Any], str]


@dataclass(frozen=True)
class SensitiveField:
    """One unmaskable field: its label, its mask, and how its clear value is written for a person."""

    name: str
    label: Text
    mask: Mask
    clear: Mask


@dataclass(frozen=True)
class SensitiveModel:
    """A model with unmaskable fields: its key (the API's ``target``), the fields, and ``customer_of``
    (the customer a row's values belong to: the scope and the policy are asked about them)."""

    key: str
    model: type[models.Model]
    fields: Mapping[str, SensitiveField]
    customer_of: Callable[[Any], Any]


_REGISTRY: dict[str, SensitiveModel] = {}


def _is_empty(value: Any) -> bool:
    return value is None or value == ""


def mask_amount(value: Any) -> str:
    """An amount is shown as recorded or not, never a digit of it."""
    return _("已登记")


def clear_amount(value: Any) -> str:
    """The clear amount in yuan (``30,000.00``), from a Decimal or an encrypted field's decimal text."""
    return format_yuan(value if isinstance(value, Decimal) else D(str(value).strip()))


def register(
    model_key: str,
    model: type[models.Model],
    fields: Mapping[str, tuple[Text, Mask] | tuple[Text, Mask, Mask]],
    customer_of: Callable[[Any], Any],
) -> None:
    """Register ``model``'s unmaskable ``fields`` (``{field: (label, mask_fn)}``, optionally with a third
    function writing the clear value — ``str`` by default) under ``model_key``. A field the model does
    not have is a programming error (``FieldDoesNotExist``); registering a key again replaces it."""
    entries: dict[str, SensitiveField] = {}
    for name, spec in fields.items():
        model._meta.get_field(name)  # fails early on a typo
        label, mask, *rest = spec
        entries[name] = SensitiveField(name, label, mask, rest[0] if rest else str)
    _REGISTRY[model_key] = SensitiveModel(model_key, model, entries, customer_of)


def registered(model_key: str) -> SensitiveModel | None:
    """The registration under ``model_key`` (None when there is none)."""
    return _REGISTRY.get(model_key)


def registration_of(obj: models.Model) -> SensitiveModel | None:
    """The registration of ``obj``'s model (None when its model has no unmaskable fields)."""
    model = obj._meta.concrete_model
    return next((entry for entry in _REGISTRY.values() if entry.model is model), None)


def targets() -> dict[str, list[str]]:
    """Every registered key with its unmaskable fields (the API documents them)."""
    return {key: list(entry.fields) for key, entry in _REGISTRY.items()}


def field_of(obj: models.Model, field: str) -> SensitiveField:
    """The registered ``field`` of ``obj``'s model; a ``LookupError`` if it is not unmaskable."""
    entry = registration_of(obj)
    if entry is None or field not in entry.fields:
        raise LookupError(f"{type(obj).__name__}.{field} is not a registered sensitive field")
    return entry.fields[field]


def is_recorded(obj: models.Model, field: str) -> bool:
    return not _is_empty(getattr(obj, field))


def masked(obj: models.Model, field: str) -> str:
    """``obj.field`` as everyone sees it: the mask, or "" when nothing is recorded."""
    value = getattr(obj, field)
    return "" if _is_empty(value) else field_of(obj, field).mask(value)


def clear(obj: models.Model, field: str) -> str:
    """``obj.field`` in clear, for the unmask service only (after scope, policy, reason, rate limit)."""
    value = getattr(obj, field)
    return "" if _is_empty(value) else field_of(obj, field).clear(value)


def _has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _register_customer() -> None:
    from creditdesk.customers.models import Customer

    def label(name: str) -> Text:
        return Customer._meta.get_field(name).verbose_name  # type: ignore[union-attr,return-value]

    fields: dict[str, tuple[Text, Mask] | tuple[Text, Mask, Mask]] = {
        "id_number": (label("id_number"), mask_id),
        "phone": (label("phone"), mask_phone),
    }
    amounts = [
        "monthly_income",
        "monthly_debt_payments",
        "property_value",
        "vehicle_value",
        # A business's figures and the 公积金 base, when the model has them (issue 13, the business profile).
        "annual_revenue",
        "total_assets",
        "provident_fund_base",
    ]
    for name in amounts:
        if _has_field(Customer, name):
            fields[name] = (label(name), mask_amount, clear_amount)
    register("customer", Customer, fields, customer_of=lambda customer: customer)


_register_customer()
