"""交叉销售 — making a next-best offer to a customer and recording its outcome."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy, scope
from creditdesk.accounts.models import User
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record, audit_snapshot
from creditdesk.core.exceptions import Conflict, DomainError, NotFound
from creditdesk.marketing.choices import OfferOutcome
from creditdesk.marketing.models import OfferRecord
from creditdesk.marketing.reports.offers import next_offers_for
from creditdesk.marketing.services.common import customer_for

NOTE_MAX = 200
OFFER_FIELDS = ("customer", "category", "reason", "fee_income", "outcome", "note")


@transaction.atomic(durable=True)
def offer_make(
    *, actor: User, customer_id: int | str, category: str, now: datetime | None = None
) -> OfferRecord:
    """推荐: the offer of ``category`` to a customer the actor works, as the ranking has it now. Refused:
    without a marketing consent in force (``offer_consent_missing`` — 《个人信息保护法》 and the customer's
    own choice: marketing needs their consent), when the customer does not qualify
    (``offer_not_eligible``, with the reasons), a category not offered (already held, or not in the active
    catalogue: ``offer_unknown``), or while an offer of it awaits an answer (``offer_already_open``)."""
    customer = customer_for(actor, customer_id, Action.CUSTOMER_CHANGE)
    offers = {offer.category.value: offer for offer in next_offers_for(customer=customer)}
    offer = offers.get(category)
    if offer is None:
        raise DomainError(
            "offer_unknown", _("该产品不在可推荐范围内（未启用或客户已持有）。"), {"field": "category"}
        )
    if offer.consent_missing:
        raise DomainError(
            "offer_consent_missing",
            _("客户未授权营销联系，不能主动推荐产品。请先取得客户的营销授权。"),
            {"field": "category"},
        )
    if not offer.eligible:
        raise DomainError(
            "offer_not_eligible",
            _("客户暂不符合推荐条件：%(why)s。") % {"why": "；".join(offer.blocked_by)},
            {"field": "category", "blocked_by": list(offer.blocked_by)},
        )
    record = OfferRecord(
        customer=customer,
        category=category,
        reason="；".join(offer.reasons)[:300],
        fee_income=offer.fee_income,
        offered_by=actor,
        offered_at=now or timezone.now(),
    )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise Conflict(
            "offer_already_open", _("该产品已推荐、尚待客户答复。"), {"field": "category"}
        ) from None
    audit_record(actor=actor, action="offer.make", target=record, after=audit_snapshot(record, OFFER_FIELDS))
    return record


@transaction.atomic(durable=True)
def offer_outcome(
    *, actor: User, offer_id: int | str, outcome: str, note: str = "", now: datetime | None = None
) -> OfferRecord:
    """The customer's answer: accepted or declined, once (``offer_decided``)."""
    try:
        record = (
            OfferRecord.objects.select_for_update().select_related("customer").filter(pk=offer_id).first()
        )
    except (ValueError, TypeError):
        record = None
    if record is None or not scope.can_see(actor, record):
        raise NotFound("not_found", _("推荐记录不存在或不在您的权限范围内。"))
    policy.require(actor, Action.CUSTOMER_CHANGE, record.customer)
    if outcome not in (OfferOutcome.ACCEPTED, OfferOutcome.DECLINED):
        raise DomainError("offer_outcome_unknown", _("结果须为“已接受”或“已拒绝”。"), {"field": "outcome"})
    if record.outcome != OfferOutcome.OFFERED:
        raise Conflict("offer_decided", _("该推荐已有结果。"), {"field": "outcome"})
    text = (note or "").strip()
    if len(text) > NOTE_MAX:
        raise DomainError("offer_note_too_long", _("备注不能超过 200 个字。"), {"field": "note"})
    before = audit_snapshot(record, OFFER_FIELDS)
    record.outcome, record.note, record.decided_at = outcome, text, now or timezone.now()
    record.save()
    audit_record(
        actor=actor,
        action="offer.outcome",
        target=record,
        before=before,
        after=audit_snapshot(record, OFFER_FIELDS),
    )
    return record
