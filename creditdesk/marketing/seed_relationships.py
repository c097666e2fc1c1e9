"""Demo data of the relationship side, after the leads (``seed.run`` calls ``run``): each branch's partners,
campaigns with costs and territories (by its first team lead), a share of the seeded leads attributed to
them and referrals named on the referral-channel leads (direct writes: the leads already exist), an NPS
survey after every booked loan with most answered, feedback, cases, offers to customers with a marketing
consent, the care calendar of today and the lead scores. Everything through the services but the
attribution; reproducible (a fixed ``random.Random``)."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from creditdesk.accounts.models import User
from creditdesk.accounts.roles import Role
from creditdesk.consents.selectors import marketing_allowed
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import DomainError
from creditdesk.customers.choices import Channel
from creditdesk.customers.models import Customer
from creditdesk.loans.models import Loan
from creditdesk.marketing import services
from creditdesk.marketing.models import Campaign, Lead, Survey, Territory
from creditdesk.marketing.services import CampaignInput, CaseInput, PartnerInput, TerritoryInput

SEED = 17
PARTNERS = (
    ("链家高新店", "real_estate"),
    ("市餐饮商会", "chamber"),
    ("税务数据合作（银税互动）", "tax_data"),
)
CAMPAIGNS = (
    ("高新区产业园地推", Channel.OFFLINE, "产业园地推", "18000", 0),
    ("抖音本地推广（经营贷）", Channel.ONLINE, "抖音本地推广", "26000", None),
    ("商会会员专场", Channel.PARTNER, "商会推荐", "6000", 1),
)
TERRITORIES = (
    ("高新区创业园", "park", "创业园,创业路,高新区"),
    ("老城商圈", "district", "解放路,老城区,步行街"),
)
CASES = (
    CaseInput(
        title="餐饮店主续贷加增额",
        outcome="won",
        customer_kind="individual_business",
        industry="H6210 正餐服务",
        need="开第二家店，需要装修和备货资金",
        solution="原经营贷到期续贷，另配增额，按月付息",
        lessons="到期前三个月联系；用收款码流水佐证经营",
        tags="餐饮,续贷,增额",
    ),
    CaseInput(
        title="装修贷输给他行低息宣传",
        outcome="lost",
        customer_kind="individual",
        need="房屋装修，希望月供低",
        solution="提供等额本息方案并展示年化利率",
        lessons="他行只报月息，客户误以为更便宜；应当面对比年化利率",
        tags="装修,竞品,年化利率",
    ),
)
FEEDBACK = (("suggestion", "希望能在手机银行上查看还款计划"), ("praise", "客户经理上门服务很及时"))


def _branch_leads() -> dict[int, User]:
    """The first active team lead of each branch: who keeps its campaigns, partners and territories."""
    found: dict[int, User] = {}
    for person in User.objects.filter(role=Role.TEAM_LEAD, is_active=True, branch__isnull=False).order_by(
        "pk"
    ):
        found.setdefault(person.branch_id, person)
    return found


def _sources(rng: random.Random, keeper: User) -> int:
    today = timezone.localdate()
    partners = [
        services.partner_save(actor=keeper, data=PartnerInput(name=name, kind=kind))
        for name, kind in PARTNERS
    ]
    for name, kind, keywords in TERRITORIES:
        services.territory_save(actor=keeper, data=TerritoryInput(name=name, kind=kind, keywords=keywords))
    leads = list(Lead.objects.filter(team__branch_id=keeper.branch_id).order_by("pk"))
    attributed = 0
    for name, channel, detail, cost, partner in CAMPAIGNS:
        campaign = services.campaign_save(
            actor=keeper,
            data=CampaignInput(
                name=name,
                channel=channel,
                starts_on=today - timedelta(days=90),
                ends_on=today - timedelta(days=30),
                cost=cost,
                channel_detail=detail,
                partner=partners[partner].pk if partner is not None else None,
            ),
        )
        chosen = [lead for lead in leads if lead.channel == channel and rng.random() < 0.5]
        attributed += Lead.objects.filter(pk__in=[lead.pk for lead in chosen]).update(
            campaign=campaign, partner=campaign.partner
        )
    territory = Territory.objects.filter(branch_id=keeper.branch_id).first()
    offline = [lead.pk for lead in leads if lead.channel == Channel.OFFLINE and rng.random() < 0.4]
    Lead.objects.filter(pk__in=offline).update(territory=territory)
    for lead in [lead for lead in leads if lead.channel == Channel.REFERRAL]:
        referrer = (
            Customer.objects.filter(owner_id=lead.owner_id, merged_into__isnull=True)
            .exclude(pk=lead.customer_id)
            .order_by("pk")
            .first()
        )
        if referrer is not None and rng.random() < 0.7:
            Lead.objects.filter(pk=lead.pk).update(referrer_customer=referrer)
        else:
            Lead.objects.filter(pk=lead.pk).update(referrer_staff_id=keeper.pk)
    return attributed


def _surveys(rng: random.Random) -> int:
    for day in sorted(set(Loan.objects.values_list("value_date", flat=True))):
        services.surveys_after_disbursement(day=day)
    answered = 0
    for survey in Survey.objects.order_by("-sent_on", "-pk")[:400]:  # the recent ones: the demo stays quick
        if rng.random() < 0.65:
            score = rng.choices(range(11), weights=(1, 1, 1, 1, 1, 2, 3, 6, 10, 14, 12))[0]
            services.survey_answer(actor=None, survey_id=survey.pk, score=score)
            answered += 1
    return answered


def _customer_work(rng: random.Random) -> dict[str, int]:
    made = {"feedback": 0, "offers": 0, "cases": 0}
    for index, customer in enumerate(Customer.objects.filter(merged_into__isnull=True).order_by("pk")[:40]):
        owner = customer.owner
        if not owner.is_active or owner.role != Role.MANAGER:
            continue
        if index % 8 == 0:
            kind, text = FEEDBACK[index // 8 % len(FEEDBACK)]
            services.feedback_record(actor=owner, customer_id=customer.pk, kind=kind, text=text)
            made["feedback"] += 1
        if marketing_allowed(customer):
            for category in ("deposits", "merchant_qr", "credit_card", "renewal", "top_up"):
                try:
                    offer = services.offer_make(actor=owner, customer_id=customer.pk, category=category)
                except DomainError:
                    continue  # not eligible, or held
                made["offers"] += 1
                outcome = rng.choice(("accepted", "declined", None))
                if outcome is not None:
                    services.offer_outcome(actor=owner, offer_id=offer.pk, outcome=outcome)
                break
    for index, author in enumerate(User.objects.filter(role=Role.MANAGER, is_active=True).order_by("pk")[:4]):
        services.case_write(actor=author, data=CASES[index % len(CASES)])
        made["cases"] += 1
    return made


def run(*, stdout: Any = None) -> dict[str, int]:
    """The relationship demo data once (skipped when a campaign exists)."""
    if Campaign.objects.exists() or not Lead.objects.exists():
        return {}
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
    attributed = sum(_sources(rng, keeper) for keeper in _branch_leads().values())
    result = {"attributed_leads": attributed, "survey_answers": _surveys(rng), **_customer_work(rng)}
    result.update({f"care_{k}": v for k, v in services.care_calendar_run(day=timezone.localdate()).items()})
    result.update({f"scores_{k}": v for k, v in services.lead_scores_fit().items()})
    with transaction.atomic():
        audit_record(actor=None, action="seed.marketing_relationships", after=result)
    if stdout is not None:
        stdout.write(
            f"营销与关怀：营销活动 {Campaign.objects.count()} 个（关联线索 {attributed} 条），"
            f"满意度回复 {result['survey_answers']} 份，推荐 {result['offers']} 次，"
            f"反馈 {result['feedback']} 条，案例 {result['cases']} 篇"
        )
    return result
