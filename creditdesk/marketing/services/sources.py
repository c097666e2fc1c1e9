"""Where leads come from: the branch's partner organisations (合作渠道) and campaigns (营销活动, with
period and cost). Kept by the branch's team leads and branch head (``SOURCE_MANAGE``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from creditdesk.accounts import policy
from creditdesk.accounts.models import User
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record, audit_snapshot
from creditdesk.core.exceptions import Conflict, DomainError, NotFound
from creditdesk.core.money import NegativeAmount, NotWholeFen, is_fen_amount
from creditdesk.core.money import parse_amount as read_amount
from creditdesk.customers.choices import Channel
from creditdesk.customers.identity import parse_mobile
from creditdesk.marketing.choices import PartnerKind, TerritoryKind
from creditdesk.marketing.models import Campaign, Partner, Territory

PARTNER_FIELDS = ("name", "kind", "contact_name", "contact_phone", "agreement", "active")
TERRITORY_FIELDS = ("name", "kind", "keywords", "notes")
CAMPAIGN_FIELDS = ("name", "channel", "channel_detail", "partner", "starts_on", "ends_on", "cost", "notes")
COST_MAX = 1_000_000_000  # 10 亿元 for one campaign: anything above is a typing error


def _invalid(code: str, message: str, field: str) -> DomainError:
    return DomainError(code, message, {"field": field})


def _text(value: str, *, field: str, limit: int, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise _invalid(f"{field}_required", _("请填写此项。"), field)
    if len(text) > limit:
        raise _invalid(f"{field}_too_long", _("不能超过 %(n)s 个字。") % {"n": limit}, field)
    return text


def _save_unique(row: Partner | Campaign | Territory) -> None:
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise Conflict("marketing_source_duplicate", _("本支行已有同名记录。"), {"field": "name"}) from None


def _taken(
    model: type[Partner] | type[Campaign], actor: User, pk: int | str | None
) -> Partner | Campaign | None:
    if pk in (None, ""):
        return None
    try:
        row = model.objects.select_for_update().filter(pk=pk, branch_id=actor.branch_id).first()
    except (ValueError, TypeError):
        row = None
    if row is None:
        raise NotFound("not_found", _("记录不存在或不在您的权限范围内。"))
    policy.require(actor, Action.SOURCE_MANAGE, row)
    return row


@dataclass(frozen=True)
class PartnerInput:
    name: str
    kind: str
    contact_name: str = ""
    contact_phone: str = ""
    agreement: str = ""
    active: bool = True


@transaction.atomic(durable=True)
def partner_save(*, actor: User, data: PartnerInput, partner_id: int | str | None = None) -> Partner:
    """登记/修改合作渠道 of the actor's branch: a name unique in the branch, a known kind, a valid mobile
    number for the contact when given (stored encrypted)."""
    policy.require(actor, Action.SOURCE_MANAGE)
    found = _taken(Partner, actor, partner_id)
    partner = found if isinstance(found, Partner) else Partner(branch_id=actor.branch_id, created_by=actor)
    name = _text(data.name, field="name", limit=100, required=True)
    if data.kind not in PartnerKind.values:
        raise _invalid("partner_kind_unknown", _("合作渠道类型无效。"), "kind")
    phone = (
        parse_mobile(data.contact_phone, field="contact_phone") if (data.contact_phone or "").strip() else ""
    )
    before = audit_snapshot(partner, PARTNER_FIELDS) if partner.pk else None
    partner.name, partner.kind, partner.contact_phone, partner.active = (
        name,
        data.kind,
        phone,
        bool(data.active),
    )
    partner.contact_name = _text(data.contact_name, field="contact_name", limit=50)
    partner.agreement = _text(data.agreement, field="agreement", limit=200)
    _save_unique(partner)
    audit_record(
        actor=actor,
        action="partner.save",
        target=partner,
        before=before,
        after=audit_snapshot(partner, PARTNER_FIELDS),
    )
    return partner


@dataclass(frozen=True)
class CampaignInput:
    name: str
    channel: str
    starts_on: date
    ends_on: date
    cost: str = "0"
    channel_detail: str = ""
    partner: int | str | None = None
    notes: str = ""


def _cost(raw: str) -> object:
    try:
        amount = read_amount(raw or "0")
    except (NegativeAmount, NotWholeFen, ValueError):
        amount = None
    if amount is None or amount < 0 or amount >= COST_MAX or not is_fen_amount(amount):
        raise _invalid(
            "campaign_cost_invalid", _("活动成本须为不小于 0、小于 10 亿、最多两位小数的金额。"), "cost"
        )
    return amount


@transaction.atomic(durable=True)
def campaign_save(*, actor: User, data: CampaignInput, campaign_id: int | str | None = None) -> Campaign:
    """登记/修改营销活动 of the actor's branch: a name unique in the branch, a known channel, a period that
    ends on or after it starts, a cost in yuan (0 allowed), a partner of the same branch (a campaign with a
    partner is the partner channel's)."""
    policy.require(actor, Action.SOURCE_MANAGE)
    found = _taken(Campaign, actor, campaign_id)
    campaign = found if isinstance(found, Campaign) else Campaign(branch_id=actor.branch_id, created_by=actor)
    name = _text(data.name, field="name", limit=100, required=True)
    if data.channel not in Channel.values:
        raise _invalid("campaign_channel_unknown", _("获客渠道无效。"), "channel")
    if data.ends_on < data.starts_on:
        raise _invalid("campaign_period_invalid", _("结束日期不能早于开始日期。"), "ends_on")
    partner = None
    if data.partner not in (None, ""):
        try:
            partner = Partner.objects.filter(pk=data.partner, branch_id=actor.branch_id).first()
        except (ValueError, TypeError):
            partner = None
        if partner is None:
            raise _invalid("campaign_partner_not_found", _("合作渠道不存在或不属于本支行。"), "partner")
    before = audit_snapshot(campaign, CAMPAIGN_FIELDS) if campaign.pk else None
    campaign.name, campaign.channel, campaign.partner = name, data.channel, partner
    campaign.channel_detail = _text(data.channel_detail, field="channel_detail", limit=100)
    campaign.starts_on, campaign.ends_on = data.starts_on, data.ends_on
    campaign.cost = _cost(data.cost)
    campaign.notes = _text(data.notes, field="notes", limit=200)
    _save_unique(campaign)
    audit_record(
        actor=actor,
        action="campaign.save",
        target=campaign,
        before=before,
        after=audit_snapshot(campaign, CAMPAIGN_FIELDS),
    )
    return campaign


@dataclass(frozen=True)
class TerritoryInput:
    name: str
    kind: str
    keywords: str
    notes: str = ""


@transaction.atomic(durable=True)
def territory_save(*, actor: User, data: TerritoryInput, territory_id: int | str | None = None) -> Territory:
    """登记/修改片区 of the actor's branch: a name unique in the branch, a known kind, at least one address
    keyword of 2 characters or more (a one-character fragment would match half the city)."""
    policy.require(actor, Action.SOURCE_MANAGE)
    found = _taken(Territory, actor, territory_id)
    territory = (
        found if isinstance(found, Territory) else Territory(branch_id=actor.branch_id, created_by=actor)
    )
    name = _text(data.name, field="name", limit=60, required=True)
    if data.kind not in TerritoryKind.values:
        raise _invalid("territory_kind_unknown", _("片区类型无效。"), "kind")
    keywords = [word.strip() for word in (data.keywords or "").replace("，", ",").split(",") if word.strip()]
    if not keywords or any(len(word) < 2 for word in keywords):
        raise _invalid(
            "territory_keywords_invalid", _("请填写地址关键词，每个至少 2 个字，用逗号分隔。"), "keywords"
        )
    joined = ",".join(dict.fromkeys(keywords))
    if len(joined) > 200:
        raise _invalid("keywords_too_long", _("不能超过 %(n)s 个字。") % {"n": 200}, "keywords")
    before = audit_snapshot(territory, TERRITORY_FIELDS) if territory.pk else None
    territory.name, territory.kind, territory.keywords = name, data.kind, joined
    territory.notes = _text(data.notes, field="notes", limit=200)
    _save_unique(territory)
    audit_record(
        actor=actor,
        action="territory.save",
        target=territory,
        before=before,
        after=audit_snapshot(territory, TERRITORY_FIELDS),
    )
    return territory
