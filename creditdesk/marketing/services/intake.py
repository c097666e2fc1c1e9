"""线索录入 — a lead enters the pipeline: validated, de-duplicated against open leads and existing
customers, with the basis on which the bank may contact the person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy, scope
from creditdesk.accounts.models import User
from creditdesk.consents.selectors import marketing_allowed
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record, audit_snapshot
from creditdesk.core.exceptions import Conflict, DomainError
from creditdesk.customers.choices import Channel, CustomerKind, ValueSegment
from creditdesk.customers.identity import parse_mobile, parse_resident_id, parse_uscc
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import customer_list_visible_to
from creditdesk.customers.services import id_index, phone_index
from creditdesk.marketing import pipeline
from creditdesk.marketing.choices import AssignSource, LeadBasis, LeadEventKind
from creditdesk.marketing.models import OPEN_STAGE_VALUES, Campaign, Lead, Partner, Territory
from creditdesk.marketing.services.common import LEAD_AUDIT_FIELDS, parse_need_amount, record_event, touch
from creditdesk.products.choices import LoanPurpose

NAME_MAX = 100
NOTES_MAX = 2000
CONSENT_NOTE_MAX = 200
CHANNEL_DETAIL_MAX = 100


@dataclass(frozen=True)
class LeadInput:
    """What a person types for a lead; strings, validated by ``lead_create``."""

    name: str
    phone: str
    kind: str = CustomerKind.INDIVIDUAL
    channel: str = Channel.OFFLINE
    channel_detail: str = ""
    basis: str = LeadBasis.REQUEST
    consent_note: str = ""
    id_number: str = ""
    value_segment: str = ValueSegment.MASS
    need_purpose: str = ""
    need_amount: str = ""
    notes: str = ""
    campaign: int | str | None = None
    partner: int | str | None = None
    referrer_customer: int | str | None = None
    referrer_staff: int | str | None = None
    territory: int | str | None = None


@dataclass(frozen=True)
class LeadIntake:
    """The lead entered, and whether it went to an existing customer's manager instead (``routed``)."""

    lead: Lead
    routed: bool


def _invalid(code: str, message: str, field: str) -> DomainError:
    return DomainError(code, message, {"field": field})


def _choice(value: str, choices: object, code: str, message: str, field: str) -> str:
    if value not in getattr(choices, "values", ()):
        raise _invalid(code, message, field)
    return value


@dataclass(frozen=True)
class _Checked:
    name: str
    phone: str
    id_number: str
    need_amount: Decimal | None


def _checked(data: LeadInput) -> _Checked:
    name = (data.name or "").strip()
    if not name:
        raise _invalid("lead_name_required", _("请填写线索的姓名或名称。"), "name")
    if len(name) > NAME_MAX:
        raise _invalid("lead_name_too_long", _("姓名/名称不能超过 %(n)s 个字。") % {"n": NAME_MAX}, "name")
    _choice(data.kind, CustomerKind, "lead_kind_unknown", _("客户类型无效。"), "kind")
    _choice(data.channel, Channel, "lead_channel_unknown", _("获客渠道无效。"), "channel")
    _choice(data.basis, LeadBasis, "lead_basis_unknown", _("联系依据无效。"), "basis")
    _choice(data.value_segment, ValueSegment, "lead_tier_unknown", _("客户层级无效。"), "value_segment")
    if data.need_purpose:
        _choice(data.need_purpose, LoanPurpose, "lead_purpose_unknown", _("资金用途无效。"), "need_purpose")
    if len(data.channel_detail or "") > CHANNEL_DETAIL_MAX:
        raise _invalid("lead_channel_detail_too_long", _("渠道说明不能超过 100 个字。"), "channel_detail")
    if len(data.consent_note or "") > CONSENT_NOTE_MAX:
        raise _invalid("lead_consent_note_too_long", _("同意记录不能超过 200 个字。"), "consent_note")
    if len(data.notes or "") > NOTES_MAX:
        raise _invalid("lead_notes_too_long", _("备注不能超过 2000 个字。"), "notes")
    phone = parse_mobile(data.phone)
    id_number = ""
    if (data.id_number or "").strip():
        if data.kind == CustomerKind.INDIVIDUAL:
            id_number = parse_resident_id(data.id_number, today=timezone.localdate()).number
        else:
            id_number = parse_uscc(data.id_number, field="id_number")
    return _Checked(name, phone, id_number, parse_need_amount(data.need_amount))


def _existing_customer(phone_key: str, id_key: str | None) -> Customer | None:
    """The customer the lead is: the one with its ID, else the only one with its phone (merged records
    left out; two customers sharing a phone match neither)."""
    customers = Customer.objects.filter(merged_into__isnull=True).select_related("owner")
    if id_key is not None:
        found = customers.filter(id_number_index=id_key).first()
        if found is not None:
            return found
    with_phone = list(customers.filter(phone_index=phone_key)[:2])
    return with_phone[0] if len(with_phone) == 1 else None


def _duplicate(actor: User, existing: Lead) -> Conflict:
    if scope.can_see(actor, existing):
        owner = existing.owner.get_full_name() or existing.owner.username if existing.owner else _("线索池")
        message = _("已有在跟进的该客户线索（%(owner)s），请勿重复录入。") % {"owner": owner}
        return Conflict("lead_duplicate", message, {"field": "phone", "lead_id": existing.pk})
    return Conflict(
        "lead_duplicate",
        _("已有其他客户经理在跟进该客户的线索，请联系团队主管。"),
        {"field": "phone"},
    )


def _open_duplicate(phone_key: str, id_key: str | None) -> Lead | None:
    open_leads = Lead.objects.filter(stage__in=OPEN_STAGE_VALUES).select_related("owner")
    found = open_leads.filter(phone_index=phone_key).first()
    if found is None and id_key is not None:
        found = open_leads.filter(id_number_index=id_key).first()
    return found


@dataclass(frozen=True)
class _Source:
    channel: str
    campaign: Campaign | None
    partner: Partner | None
    referrer_customer: Customer | None = None
    referrer_staff: User | None = None


def _of_branch(
    model: type[Campaign] | type[Partner], pk: int | str, actor: User
) -> Campaign | Partner | None:
    try:
        return model.objects.filter(pk=pk, branch_id=actor.branch_id).first()
    except (ValueError, TypeError):
        return None


def _referrers(data: LeadInput, actor: User) -> tuple[Customer | None, User | None]:
    """转介绍: the referring customer (one the enterer sees) and/or colleague (an active member of staff)."""
    customer = staff = None
    if data.referrer_customer not in (None, ""):
        try:
            customer = customer_list_visible_to(user=actor).filter(pk=data.referrer_customer).first()
        except (ValueError, TypeError):
            customer = None
        if customer is None:
            raise _invalid(
                "lead_referrer_not_found", _("推荐客户不存在或不在您的权限范围内。"), "referrer_customer"
            )
    if data.referrer_staff not in (None, ""):
        try:
            staff = User.objects.filter(pk=data.referrer_staff, is_active=True).first()
        except (ValueError, TypeError):
            staff = None
        if staff is None:
            raise _invalid("lead_referrer_not_found", _("推荐员工不存在或已停用。"), "referrer_staff")
    return customer, staff


def _source(data: LeadInput, actor: User) -> _Source:
    """Where the lead came from: a campaign of the enterer's branch gives its channel and partner; a
    partner of the branch alone makes the channel 合作渠道; a referring customer or colleague alone makes it
    转介绍; else the channel typed."""
    campaign = partner = None
    if data.campaign not in (None, ""):
        campaign = _of_branch(Campaign, data.campaign, actor)
        if not isinstance(campaign, Campaign):
            raise _invalid("lead_campaign_not_found", _("营销活动不存在或不属于本支行。"), "campaign")
    if data.partner not in (None, ""):
        partner = _of_branch(Partner, data.partner, actor)
        if not isinstance(partner, Partner):
            raise _invalid("lead_partner_not_found", _("合作渠道不存在或不属于本支行。"), "partner")
    customer, staff = _referrers(data, actor)
    if campaign is not None:
        return _Source(campaign.channel, campaign, partner or campaign.partner, customer, staff)
    if partner is not None:
        return _Source(Channel.PARTNER, None, partner, customer, staff)
    if customer is not None or staff is not None:
        return _Source(Channel.REFERRAL, None, None, customer, staff)
    return _Source(data.channel, None, None)


def _owner_for(actor: User, owner: User | None, to_pool: bool) -> User | None:
    """Who will work the lead: the person entering it; a team lead may give it to an active member of the
    team (``LEAD_ASSIGN``) or leave it in the team's pool."""
    if to_pool:
        policy.require(actor, Action.LEAD_ASSIGN)
        return None
    if owner is None or owner.pk == actor.pk:
        return actor
    policy.require(actor, Action.LEAD_ASSIGN, owner)
    return owner


@transaction.atomic(durable=True)
def lead_create(
    *,
    actor: User,
    data: LeadInput,
    owner: User | None = None,
    to_pool: bool = False,
    now: datetime | None = None,
) -> LeadIntake:
    """录入线索. Rules:

    - who: a CM or team lead with a team (``LEAD_CREATE``); the lead is the enterer's own, or — by a team
      lead — a member's or the team pool's (``LEAD_ASSIGN``);
    - one open lead per person: an open lead with the same phone or ID is refused (``lead_duplicate``,
      naming its owner when the enterer may see it); a lost or disbursed one does not count;
    - an existing customer (same ID, else the only customer with the phone) is linked and the lead goes to
      that customer's manager and team (``routed``) — the relationship stays with one CM;
    - the basis for contacting the person (《广告法》第四十三条: with their consent or at their request):
      ``request`` — they asked; ``consent`` — for an existing customer a marketing consent in force
      (``lead_marketing_consent_missing``), for a prospect a note of where and how they agreed
      (``lead_consent_note_required``).
    """
    policy.require(actor, Action.LEAD_CREATE)
    checked = _checked(data)
    source = _source(data, actor)
    territory = None
    if data.territory not in (None, ""):
        territory = _of_branch(Territory, data.territory, actor)
        if not isinstance(territory, Territory):
            raise _invalid("lead_territory_not_found", _("片区不存在或不属于本支行。"), "territory")
    assigned = _owner_for(actor, owner, to_pool)
    phone_key = phone_index(checked.phone)
    id_key = id_index(data.kind, checked.id_number) if checked.id_number else None
    existing = _open_duplicate(phone_key, id_key)
    if existing is not None:
        raise _duplicate(actor, existing)
    customer = _existing_customer(phone_key, id_key)
    if (
        customer is not None
        and source.referrer_customer is not None
        and customer.pk == source.referrer_customer.pk
    ):
        raise _invalid("lead_self_referral", _("推荐客户不能推荐自己。"), "referrer_customer")
    if data.basis == LeadBasis.CONSENT:
        if customer is not None and not marketing_allowed(customer):
            raise _invalid(
                "lead_marketing_consent_missing",
                _(
                    "该客户没有有效的营销授权，不能以“已获营销同意”录入；如为客户主动咨询，请选择“客户主动咨询”。"
                ),
                "basis",
            )
        if customer is None and not (data.consent_note or "").strip():
            raise _invalid(
                "lead_consent_note_required",
                _("请填写客户同意营销联系的记录（时间、方式）。"),
                "consent_note",
            )
    routed = customer is not None and (assigned is None or assigned.pk != customer.owner_id)
    if customer is not None:
        assigned = customer.owner
    team_id = assigned.team_id if assigned is not None and assigned.team_id else actor.team_id
    at = now or timezone.now()
    lead = Lead(
        name=checked.name,
        kind=data.kind,
        phone=checked.phone,
        phone_index=phone_key,
        phone_tail=checked.phone[-4:],
        id_number=checked.id_number,
        id_number_index=id_key,
        channel=source.channel,
        campaign=source.campaign,
        partner=source.partner,
        referrer_customer=source.referrer_customer,
        referrer_staff=source.referrer_staff,
        territory=territory,
        channel_detail=(data.channel_detail or "").strip(),
        basis=data.basis,
        consent_note=(data.consent_note or "").strip(),
        value_segment=data.value_segment,
        need_purpose=data.need_purpose or "",
        need_amount=checked.need_amount,
        notes=data.notes or "",
        stage=pipeline.LeadStage.NEW.value,
        team_id=team_id,
        owner=assigned,
        customer=customer,
        stage_entered_at=at,
        assigned_at=at if assigned is not None else None,
        created_by=actor,
    )
    touch(lead, at)
    try:
        with transaction.atomic():
            lead.save()
    except IntegrityError:  # the same person entered at the same instant by someone else
        raise Conflict(
            "lead_duplicate", _("已有在跟进的该客户线索，请勿重复录入。"), {"field": "phone"}
        ) from None
    record_event(lead, kind=LeadEventKind.CREATED, by=actor, at=at, to_stage=lead.stage, owner=assigned)
    if assigned is not None:
        method = (
            AssignSource.EXISTING_CUSTOMER
            if customer is not None
            else (AssignSource.CREATED if assigned.pk == actor.pk else AssignSource.MANUAL)
        )
        record_event(lead, kind=LeadEventKind.ASSIGNED, by=actor, at=at, owner=assigned, method=method)
    audit_record(
        actor=actor,
        action="lead.create",
        target=lead,
        after={**audit_snapshot(lead, LEAD_AUDIT_FIELDS), "routed": routed},
    )
    return LeadIntake(lead, routed)
