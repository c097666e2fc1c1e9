"""What every lead service shares: recording an event, and touching a lead (its idle-time deadlines)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy, scope
from creditdesk.accounts.models import User
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError, NotFound
from creditdesk.core.money import NegativeAmount, NotWholeFen, is_fen_amount
from creditdesk.core.money import parse_amount as read_amount
from creditdesk.customers.models import Customer
from creditdesk.marketing import pipeline
from creditdesk.marketing.models import Lead, LeadEvent
from creditdesk.marketing.selectors import stage_rules

LEAD_AUDIT_FIELDS = (
    "name",
    "kind",
    "phone",
    "id_number",
    "channel",
    "channel_detail",
    "campaign",
    "partner",
    "referrer_customer",
    "referrer_staff",
    "territory",
    "basis",
    "consent_note",
    "value_segment",
    "need_purpose",
    "need_amount",
    "stage",
    "lost_reason",
    "lost_note",
    "team",
    "owner",
    "customer",
)

NEED_AMOUNT_MAX = Decimal("10000000000")  # 100 亿元: anything above is a typing error


def parse_need_amount(raw: str | None) -> Decimal | None:
    """The intended amount (意向金额) as a CM types it (``300,000``, ``30万``, full-width digits): yuan, at
    most two decimals, 0 to 100 亿; None when blank; ``lead_amount_invalid`` otherwise."""
    if not (raw or "").strip():
        return None
    try:
        amount = read_amount(raw or "")
    except (NegativeAmount, NotWholeFen, ValueError):
        amount = None
    if amount is None or amount < 0 or amount >= NEED_AMOUNT_MAX or not is_fen_amount(amount):
        raise DomainError(
            "lead_amount_invalid",
            _("意向金额须为不小于 0、小于 100 亿、最多两位小数的金额（如 300000 或 30万）。"),
            {"field": "need_amount"},
        )
    return amount


def touch(lead: Lead, now: datetime) -> None:
    """A lead worked on at ``now``: its idle time starts again — stalled after the stage's idle days,
    back to the pool after its recycle days (the rule of the lead's stage and tier; none: never)."""
    lead.last_touched_at = now
    if not lead.is_open:
        lead.stalled_after = lead.recycle_after = None
        return
    rule = stage_rules(tier=lead.value_segment).get(lead.stage)
    if rule is None:
        lead.stalled_after = lead.recycle_after = None
        return
    limits = pipeline.deadlines(now, rule.max_idle_days, rule.recycle_days)
    lead.stalled_after = limits.stalled_after
    lead.recycle_after = limits.recycle_after if lead.owner_id is not None else None


def record_event(
    lead: Lead,
    *,
    kind: str,
    by: User | None,
    at: datetime,
    from_stage: str = "",
    to_stage: str = "",
    owner: User | None = None,
    previous_owner_id: int | None = None,
    method: str = "",
    reason: str = "",
) -> LeadEvent:
    return LeadEvent.objects.create(
        lead=lead,
        kind=kind,
        from_stage=from_stage,
        to_stage=to_stage,
        owner=owner,
        previous_owner_id=previous_owner_id,
        method=method,
        on=timezone.localdate(at),
        at=at,
        by=by,
        reason=reason[:200],
    )


def customer_for(actor: User, customer_id: int | str, action: Action) -> Customer:
    """The customer (not merged away) a marketing service acts on, if ``actor`` sees it (404 otherwise,
    whether it exists elsewhere or not at all) and the policy lets them do ``action`` to it (403)."""
    try:
        customer = (
            Customer.objects.filter(pk=customer_id, merged_into__isnull=True).select_related("owner").first()
        )
    except (ValueError, TypeError):
        customer = None
    if customer is None or not scope.can_see(actor, customer):
        raise NotFound("not_found", _("客户不存在或不在您的权限范围内。"))
    policy.require(actor, action, customer)
    return customer
