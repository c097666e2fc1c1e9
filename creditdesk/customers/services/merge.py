"""合并重复客户: marking a duplicate customer as merged into another, and undoing it.

Rule: both records changeable by the actor, nothing deleted or moved (so undoing is always possible), and
each merge or undo audited with its reason.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import Conflict, DomainError, NotAllowed
from creditdesk.customers.models import Customer
from creditdesk.customers.services.records import _not_found

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
    duplicate = scope.get_for_change(
        actor,
        Customer.objects.all(),
        duplicate_id,
        missing=_not_found().message,
        code="merge_not_allowed",
        message=_("只有能修改该客户的客户经理或团队主管可以撤销合并。"),
    )
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
