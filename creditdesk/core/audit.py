"""The audit writer: every change made through a service leaves an ``AuditEvent`` in its transaction."""

from __future__ import annotations

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from creditdesk.core import request_context
from creditdesk.core.masking import mask_mapping
from creditdesk.core.models import AuditEvent


class AuditOutsideTransaction(RuntimeError):
    """``audit_record`` was called outside ``transaction.atomic``: the change could commit without it."""


def _jsonable(value: Any) -> Any:
    """Make ``value`` JSON-safe (Decimal, dates, UUIDs → strings) the way Django serialises them."""
    import json

    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def audit_snapshot(instance: models.Model, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """The values of ``fields`` on ``instance`` (foreign keys as their id), masked as the model says.

    A model lists extra sensitive fields in ``audit_sensitive_fields``; keys that look sensitive
    (password, phone, id_number …) are masked whatever the model says.
    """
    data: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if getattr(field, "many_to_one", False) or getattr(field, "one_to_one", False):
            data[name] = getattr(instance, getattr(field, "attname", name))
        else:
            data[name] = getattr(instance, name)
    sensitive = frozenset(getattr(instance, "audit_sensitive_fields", ()))
    return mask_mapping(_jsonable(data), sensitive)


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event for a change happening in the current transaction.

    Refuses to run outside ``transaction.atomic`` — an audit row must commit or roll back with the change
    it describes. ``before``/``after`` are masked again here, so a caller cannot leak by mistake.
    """
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransaction(f"audit_record({action!r}) must run inside transaction.atomic")
    ctx = request_context.current()
    is_person = actor is not None and getattr(actor, "pk", None) is not None
    return AuditEvent.objects.create(
        actor=actor if is_person else None,
        actor_username=(actor.get_username() if is_person else "system")[:150],
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        before=mask_mapping(_jsonable(before or {})),
        after=mask_mapping(_jsonable(after or {})),
        request_id=ctx.request_id if ctx else "",
        ip=ctx.ip if ctx else None,
    )
