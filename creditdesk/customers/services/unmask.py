"""查看明文: showing one sensitive value in clear — a customer's ID, phone, income or asset value, a needs
record's income figures or an existing debt's balance (the registry: ``customers.sensitive``).

Rule (RULES.md "Personal information"; PIPL art. 28 and 51; JR/T 0171-2020): a sensitive value is shown
masked to everyone; it is shown in clear only

1. to a person who sees the customer (the scope layer; otherwise 404, nobody learns it exists),
2. whom the policy allows (``Action.SENSITIVE_UNMASK``: the owner CM, the team lead, the branch's risk
   manager, the approver of a routed application; 403 otherwise),
3. who gives a reason — at least ``REASON_MIN_LENGTH`` characters, with words in it, not only digits or
   punctuation ("1234", "。。。。" are no reason),
4. at most ``settings.CREDITDESK_UNMASK_LIMIT`` times (default 20) per person in any rolling hour, counted
   from the audit trail (a person unmasking in bulk is exporting by hand: JR/T 0171-2020 asks for
   monitoring of abnormal access to C3 data),

and every look leaves an audit row (``sensitive.unmask``: the object, the field and the reason — never
the value), in the same transaction.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy, scope
from creditdesk.accounts.models import User
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import DomainError, NotFound, RateLimited
from creditdesk.core.models import AuditEvent
from creditdesk.customers import sensitive

AUDIT_ACTION = "sensitive.unmask"
DEFAULT_LIMIT = 20
WINDOW = timedelta(hours=1)
REASON_MIN_LENGTH = 4
REASON_MAX_LENGTH = 200


def unmask_limit() -> int:
    """How many clear values one person may see in any rolling hour (``CREDITDESK_UNMASK_LIMIT``)."""
    return int(getattr(settings, "CREDITDESK_UNMASK_LIMIT", DEFAULT_LIMIT))


def _not_unmaskable() -> DomainError:
    return DomainError("field_not_unmaskable", _("该字段不能查看明文。"), {"field": "field"})


def reason_is_given(reason: str) -> bool:
    """A reason is at least ``REASON_MIN_LENGTH`` characters and says something: it has letters or
    Chinese characters, not only digits, punctuation or spaces."""
    text = (reason or "").strip()
    return len(text) >= REASON_MIN_LENGTH and any(ch.isalpha() for ch in text)


def _check_rate(actor: User) -> None:
    """Refuse the unmask that would pass the hourly limit, saying when the next one is possible (the
    oldest look in the window leaves it an hour after it was made)."""
    limit = unmask_limit()
    since = timezone.now() - WINDOW
    recent = AuditEvent.objects.filter(actor=actor, action=AUDIT_ACTION, created_at__gt=since)
    times = list(recent.order_by("-created_at").values_list("created_at", flat=True)[:limit])
    if len(times) < limit:
        return
    again = timezone.localtime(times[-1] + WINDOW)
    raise RateLimited(
        "unmask_rate_limited",
        _("一小时内查看明文已达 %(limit)s 次上限，请于 %(time)s 之后再试。")
        % {"limit": limit, "time": again.strftime("%H:%M")},
        {"retry_at": again.isoformat(timespec="seconds"), "limit": limit},
    )


@transaction.atomic(durable=True)
def sensitive_unmask(
    *, actor: User, target: str, target_id: Any, field: str, reason: str, customer_id: Any = None
) -> str:
    """查看明文: the clear value of ``field`` of the ``target`` row ``target_id`` (see the module docstring
    for the rule: scope → policy → reason → rate limit, audited without the value). ``customer_id``: when
    the caller names a customer (a page or endpoint under ``/customers/<id>/``), the row must be one of
    that customer's (404 otherwise)."""
    entry = sensitive.registered(target)
    if entry is None or field not in entry.fields:
        raise _not_unmaskable()
    try:
        row = scope.visible(actor, entry.model._default_manager.filter(pk=target_id)).first()
    except (ValidationError, ValueError, TypeError, OverflowError):  # a malformed id names no row
        row = None
    if row is None:
        raise NotFound("not_found", _("记录不存在，或不在您的权限范围内。"))
    customer = entry.customer_of(row)
    if customer_id is not None and str(customer.pk) != str(customer_id):
        raise NotFound("not_found", _("记录不存在，或不在您的权限范围内。"))
    policy.require(actor, Action.SENSITIVE_UNMASK, customer)
    reason = (reason or "").strip()
    if not reason_is_given(reason):
        raise DomainError(
            "unmask_reason_required",
            _("请填写查看明文的理由（至少 4 个字，说明用途，不能只是数字或标点）。"),
            {"field": "reason"},
        )
    if not sensitive.is_recorded(row, field):
        raise DomainError(
            "unmask_nothing_recorded", _("该字段尚未登记，没有可查看的内容。"), {"field": "field"}
        )
    # One person's looks are counted one at a time: two at once cannot both take the last one.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    _check_rate(actor)
    audit_record(
        actor=actor,
        action=AUDIT_ACTION,
        target=row,
        after={
            "target": target,
            "customer": customer.pk,
            "field": field,
            "label": str(entry.fields[field].label),
            "reason": reason[:REASON_MAX_LENGTH],
        },
    )
    return sensitive.clear(row, field)


def customer_unmask(*, actor: User, customer_id: int, field: str, reason: str) -> str:
    """查看明文 of one of a customer's own fields (``sensitive_unmask`` with ``target="customer"``)."""
    return sensitive_unmask(actor=actor, target="customer", target_id=customer_id, field=field, reason=reason)
