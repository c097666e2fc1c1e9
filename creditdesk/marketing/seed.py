"""Demo leads (线索, issue 17): about 400 leads over the demo teams' customer managers, as a branch's
pipeline looks on an ordinary day — every stage, channel (the campaign or partner named in its detail)
and customer tier; a pool (线索池) in every team, filled by the team lead and by leads handed back; leads
assigned by rule (round robin, by capacity weight); stalled leads (停滞) and a few past their recycle
time (the daily ``creditdesk recycle_leads`` takes them back); lost leads with their reasons; one to four
follow-ups each (calls, 实地走访 with notes and the place, messages, meetings) with outcomes and, on the
last one of many open leads, the next follow-up date (an agenda task); and a capacity (接单能力) per CM by
level (senior 3 × 12 a day, intermediate 2 × 10, junior 1 × 6).

Every step is the real service, in the order a CM works a lead — ``lead_create`` (de-duplication,
routing of an existing customer to their manager, the contact basis), ``lead_activity_log``,
``lead_update`` (the need), ``lead_move`` through each stage's gate, ``lead_assign`` /
``leads_assign_by_rule`` / ``lead_capacity_set`` — each called with ``now=`` the moment it happened in the
lead's story (days or weeks ago), so that events, idle deadlines (停滞、收回时点) and follow-ups are what the
services compute. The one direct write: each lead's and follow-up's ``created_at`` (set by the database
to the seed's own time) is moved back to the moment of its story (``_enter``, ``_backdate_activities``).

Leads of existing customers (存量客户): contacted with a marketing consent in force
(``consents.selectors.marketing_allowed``, basis "consent") or at their own request (basis "request").
Leads that go past 需求确认 are existing customers': the 方案已提供 gate needs a customer and a
proposal (方案书), 申请中 an application submitted, 已放款 a loan. So the demo customers with a real
application (申请中) or loan (已放款), and a few with a need analysis (方案已提供), get a proposal issued
through ``solutions.services.proposal_create`` — of a product they pass, after a need analysis of what
they asked for when they have none that matches (``products.services.need_record``) — and those steps
happen today (the proposal is dated today). A customer no product accepts is left out of those stages.
No lead is 张三, 李四, 王五, 王建国 nor 老王家常菜馆 (left for a person to work in the demo).

Reproducible (fixed seeds, Faker zh_CN); idempotent: does nothing when a lead exists.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from faker import Faker

from creditdesk.accounts.choices import ManagerLevel, Role
from creditdesk.accounts.models import User
from creditdesk.applications.models import Application
from creditdesk.consents.selectors import marketing_allowed
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import DomainError
from creditdesk.customers.choices import Channel, CustomerKind, ValueSegment
from creditdesk.customers.models import Customer
from creditdesk.customers.services import phone_index
from creditdesk.loans.models import Loan
from creditdesk.marketing import pipeline, seed_relationships
from creditdesk.marketing.choices import ActivityDirection, ActivityKind, ActivityOutcome, LeadBasis
from creditdesk.marketing.models import Lead, LeadActivity
from creditdesk.marketing.selectors import SUBMITTED_STATUSES, stage_rules
from creditdesk.marketing.services import (
    LeadInput,
    lead_activity_log,
    lead_assign,
    lead_capacity_set,
    lead_create,
    lead_move,
    lead_update,
    leads_assign_by_rule,
)
from creditdesk.products import capacity
from creditdesk.products import services as product_services
from creditdesk.products.models import Need
from creditdesk.scoring.models import Assessment
from creditdesk.solutions import services as solution_services
from creditdesk.solutions.selectors import customer_match

SEED = 20261217
LEFT_ALONE = ("张三", "李四", "王五", "王建国", "老王家常菜馆")
S = pipeline.LeadStage

# 接单能力 by manager level: (weight, daily quota)
CAPACITY = {
    ManagerLevel.SENIOR: (3, 12),
    ManagerLevel.INTERMEDIATE: (2, 10),
    ManagerLevel.JUNIOR: (1, 6),
}

# How the ~400 leads end up (prospects and customers' cross-sell leads; the later stages are the
# customers' with an application, a loan or a proposal, counted separately in ``LATE``).
PROSPECT_PLAN: tuple[tuple[str, int], ...] = (
    ("pool", 28),  # entered by the team lead into the pool, not taken yet
    ("released", 6),  # contacted, then handed back to the pool by the team lead
    ("rule", 24),  # entered into the pool and assigned by rule (round robin / weighted)
    (S.NEW, 70),
    (S.CONTACTED, 76),
    (S.NEED_CONFIRMED, 56),
    ("lost_new", 26),
    ("lost_contacted", 34),
    ("lost_need", 30),
    ("reopened", 4),  # lost once, reopened (已流失 → 新线索)
)
CROSS_SELL = 22  # existing customers' leads in the early stages
# the scarcest first: a customer with a loan and a live application counts as 已放款
LATE = {S.DISBURSED: 8, S.APPLYING: 6, S.PROPOSAL_OFFERED: 6, "lost_proposal": 2}

CHANNELS: dict[str, tuple[tuple[str, int], ...]] = {
    Channel.ONLINE: (
        ("抖音本地推广", 5),
        ("微信公众号预约", 3),
        ("手机银行贷款预约", 3),
        ("美团商户贷专区", 2),
        ("官网在线申请", 1),
    ),
    Channel.OFFLINE: (
        ("高新区产业园地推", 4),
        ("网点厅堂咨询", 4),
        ("社区金融服务站", 2),
        ("步行街商圈扫街", 2),
        ("农贸市场摊位走访", 1),
    ),
    Channel.PARTNER: (
        ("链家门店合作", 3),
        ("税务数据合作（银税互动）", 3),
        ("4S 店购车分期合作", 2),
        ("家装公司合作", 2),
        ("核心企业供应链推荐", 1),
    ),
    Channel.REFERRAL: (
        ("老客户转介绍", 5),
        ("商会推荐", 3),
        ("代发工资单位推荐", 2),
        ("同事推荐", 1),
    ),
}
CHANNEL_WEIGHTS = ((Channel.ONLINE, 4), (Channel.OFFLINE, 3), (Channel.PARTNER, 2), (Channel.REFERRAL, 2))
TIERS = ((ValueSegment.MASS, 6), (ValueSegment.MIDDLE, 3), (ValueSegment.HIGH_NET_WORTH, 1))
KINDS = ((CustomerKind.INDIVIDUAL, 13), (CustomerKind.INDIVIDUAL_BUSINESS, 4), (CustomerKind.ENTERPRISE, 3))
MOBILE_PREFIXES = ("135", "136", "137", "138", "139", "150", "151", "158", "159", "177", "186", "188", "189")

# (purpose, amount range in 万元) by borrower kind
PERSON_NEEDS = (
    ("consumption", 5, (3, 30)),
    ("renovation", 3, (5, 40)),
    ("car_purchase", 2, (8, 35)),
    ("education", 1, (3, 20)),
    ("home_purchase", 1, (60, 300)),
    ("medical", 1, (2, 15)),
    ("wedding", 1, (5, 20)),
)
BUSINESS_NEEDS = (("business_working_capital", 5, (20, 500)), ("equipment", 2, (30, 300)))
SHOPS = ("餐馆", "便利店", "五金店", "服装店", "美容店", "汽修店", "水果店", "烘焙坊", "茶叶店", "建材店")

LOST_REASONS = {
    "lost_new": (
        ("unreachable", "连续三次电话未接通，短信未回复"),
        ("need_cancelled", "客户表示暂时不需要"),
        ("other", "号码为空号"),
    ),
    "lost_contacted": (
        ("need_cancelled", "客户资金问题已自行解决"),
        ("rate_too_high", "客户嫌利率高，不再考虑"),
        ("not_eligible", "客户无稳定收入来源，不符合准入"),
        ("unreachable", "初次沟通后再未接通"),
    ),
    "lost_need": (
        ("rate_too_high", "他行报价年化 3.1%，客户选择等待降息"),
        ("amount_insufficient", "客户需要的额度超过可批额度"),
        ("chose_competitor", "客户已在他行获批"),
        ("not_eligible", "企业成立未满两年，不符合准入"),
        ("need_cancelled", "项目推迟，暂不用款"),
    ),
    "lost_proposal": (
        ("chose_competitor", "客户选择了他行的方案"),
        ("rate_too_high", "客户认为方案利率偏高"),
        ("amount_insufficient", "方案额度低于客户预期"),
    ),
}
LOST_FROM = {
    "lost_new": S.NEW,
    "lost_contacted": S.CONTACTED,
    "lost_need": S.NEED_CONFIRMED,
    "lost_proposal": S.PROPOSAL_OFFERED,
}

NO_ANSWER_NOTES = ("电话无人接听", "电话占线，稍后再拨", "关机，已发短信留言", "未接通，已加微信待通过")
CALL_NOTES = (
    "客户在{channel}留资，电话确认有贷款需求，约定再详谈",
    "介绍了本行{product}，客户有兴趣，需与家人商量",
    "客户询问利率和办理时间，已说明所需材料",
    "客户主动来电咨询{product}，了解额度和还款方式",
)
MESSAGE_NOTES = (
    "微信发送{product}产品介绍和材料清单",
    "短信发送网点地址和客户经理联系方式",
    "微信沟通，客户发来营业执照照片，初步了解经营情况",
)
MEETING_NOTES = (
    "客户到网点面谈，了解资金用途和还款来源，初步测算额度",
    "在客户单位会议室面谈，财务负责人介绍近两年经营和融资情况",
    "网点贵宾室面谈，讲解产品要素和还款方式，客户表示认可",
)
VISIT_NOTES_BUSINESS = (
    "实地查看经营场所，面积约 {area} 平方米，员工 {staff} 人，现场经营正常；"
    "老板介绍近一年营业额约 {revenue} 万元，计划用款补充流动资金",
    "走访厂区，查看生产线和库存，设备运转正常；了解主要下游客户及账期，核实经营年限",
)
VISIT_NOTES_PERSON = (
    "上门拜访，了解家庭收入、负债和装修预算，客户提供了装修合同报价单",
    "到客户单位拜访，核实工作单位与岗位，客户单位为本行代发工资单位",
)
VISIT_PLACES_BUSINESS = ("门店", "厂区", "办公室", "仓库")
PRODUCT_WORDS = {
    "consumption": "个人消费贷",
    "renovation": "家装分期",
    "car_purchase": "汽车消费贷",
    "education": "个人消费贷",
    "home_purchase": "个人住房贷款",
    "medical": "个人消费贷",
    "wedding": "个人消费贷",
    "business_working_capital": "小微经营贷",
    "equipment": "小微经营贷",
}


@dataclass
class Plan:
    """One demo lead: who enters and works it, for whom, and where its story ends."""

    outcome: str  # a stage value, or one of the PROSPECT_PLAN / LATE keys
    owner: User | None  # the CM who works it (None: the pool)
    lead: User  # the team lead of the owner's team
    data: LeadInput
    customer: Customer | None = None
    purpose: str = ""
    amount: str = ""
    stalled: bool = False
    lead_id: int | None = None


# --- people -------------------------------------------------------------------------------------------------


def _people() -> tuple[list[User], dict[int, User]]:
    """The active CMs (manager1 first: the demo login sees a full pipeline) and each team's team lead."""
    managers = list(User.objects.filter(role=Role.MANAGER, is_active=True, team__isnull=False).order_by("pk"))
    managers.sort(key=lambda u: (u.username != "manager1", u.pk))
    leads = {
        u.team_id: u
        for u in User.objects.filter(role=Role.TEAM_LEAD, is_active=True, team__isnull=False).order_by("pk")
    }
    return [m for m in managers if m.team_id in leads], leads


def _capacities(managers: list[User], leads: dict[int, User]) -> int:
    """接单能力 by level, set by each CM's team lead."""
    for manager in managers:
        weight, quota = CAPACITY.get(manager.manager_level, CAPACITY[ManagerLevel.JUNIOR])
        lead_capacity_set(actor=leads[manager.team_id], person=manager, weight=weight, daily_quota=quota)
    return len(managers)


# --- what a lead is -----------------------------------------------------------------------------------------


def _weighted(rng: random.Random, pairs: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


class Phones:
    """Fresh mobile numbers: none of a customer (the prospect would be routed to them) nor used twice."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken = set(Customer.objects.exclude(phone_index="").values_list("phone_index", flat=True))

    def next(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            key = phone_index(number)
            if key not in self.taken:
                self.taken.add(key)
                return number


def _need(rng: random.Random, kind: str) -> tuple[str, str]:
    """A purpose and an amount as a CM types it (``30万`` or ``300000``)."""
    choices = PERSON_NEEDS if kind == CustomerKind.INDIVIDUAL else BUSINESS_NEEDS
    purpose, _weight, (low, high) = rng.choices(choices, weights=[c[1] for c in choices])[0]
    wan = rng.randint(low, high)
    return purpose, f"{wan}万" if rng.random() < 0.5 else f"{wan * 10000}"


def _name(rng: random.Random, faker: Faker, kind: str) -> str:
    if kind == CustomerKind.ENTERPRISE:
        return str(faker.company())[:100]
    if kind == CustomerKind.INDIVIDUAL_BUSINESS:
        return f"{faker.last_name()}记{rng.choice(SHOPS)}（{faker.name()}）"
    name = str(faker.name())
    while name in LEFT_ALONE:  # the demo's own names stay the demo's (search "zs" finds one 张三)
        name = str(faker.name())
    return name


def _prospect(rng: random.Random, faker: Faker, phones: Phones) -> tuple[LeadInput, str, str]:
    kind = _weighted(rng, KINDS)
    channel = _weighted(rng, CHANNEL_WEIGHTS)
    detail = _weighted(rng, CHANNELS[channel])
    tier = _weighted(rng, TIERS)
    if kind != CustomerKind.INDIVIDUAL and tier == ValueSegment.MASS and rng.random() < 0.5:
        tier = ValueSegment.MIDDLE
    purpose, amount = _need(rng, kind)
    # Online forms and partners' referrals carry the person's agreement to be called; a walk-in asked.
    consent = channel in (Channel.ONLINE, Channel.PARTNER) and rng.random() < 0.8
    note = f"客户在“{detail}”填写意向表时勾选同意接收贷款营销电话" if consent else ""
    data = LeadInput(
        name=_name(rng, faker, kind),
        phone=phones.next(),
        kind=kind,
        channel=channel,
        channel_detail=detail,
        basis=LeadBasis.CONSENT if consent else LeadBasis.REQUEST,
        consent_note=note,
        value_segment=tier,
        notes=f"有{PRODUCT_WORDS.get(purpose, '贷款')}意向" if rng.random() < 0.3 else "",
    )
    return data, purpose, amount


def _customer_input(rng: random.Random, customer: Customer, channel: str) -> LeadInput:
    """A lead of an existing customer: with a marketing consent in force the bank may call them (basis
    "consent"); without, only because they asked (basis "request")."""
    allowed = marketing_allowed(customer)
    return LeadInput(
        name=customer.name,
        phone=customer.phone,
        kind=customer.kind,
        id_number=customer.id_number,
        channel=channel,
        channel_detail=_weighted(rng, CHANNELS[channel]),
        basis=LeadBasis.CONSENT if allowed else LeadBasis.REQUEST,
        consent_note="营销授权在有效期内" if allowed else "",
        value_segment=customer.value_segment or ValueSegment.MASS,
        notes="存量客户新增融资需求",
    )


def _consent_since(plan: Plan, first: datetime) -> None:
    """A customer's lead on a consent basis is called from its first day: the consent must have been in
    force then too (else the customer asked: basis "request")."""
    customer = plan.customer
    if customer is None or plan.data.basis != LeadBasis.CONSENT:
        return
    if not marketing_allowed(customer, today=timezone.localdate(first)):
        plan.data = replace(plan.data, basis=LeadBasis.REQUEST, consent_note="")


# --- the story of one lead ----------------------------------------------------------------------------------


def _age(rng: random.Random, plan: Plan, stage: str) -> float:
    """Days since the last touch: within the stage's idle time for most; stalled (停滞) for about a fifth
    of the owned leads, before their recycle time; past it for a few (the next daily run takes them)."""
    rule = stage_rules(tier=plan.data.value_segment).get(stage)
    idle, recycle = (rule.max_idle_days, rule.recycle_days) if rule is not None else (30, None)
    roll = rng.random()
    if plan.owner is not None and recycle is not None and roll < 0.03:
        plan.stalled = True
        return recycle + rng.uniform(0.5, 3)
    if plan.owner is not None and roll < 0.22:
        plan.stalled = True
        top = recycle if recycle is not None else idle * 3
        return rng.uniform(idle + 0.3, max(idle + 0.5, top - 0.3))
    return rng.uniform(0.05, max(0.1, idle - 0.3))


def _times(rng: random.Random, last: datetime, steps: int) -> list[datetime]:
    """``steps`` moments of a lead's story before ``last``, then ``last`` (to the minute)."""
    moments = [last]
    for _ in range(steps):
        moments.append(moments[-1] - timedelta(days=rng.uniform(0.2, 3.0)))
    moments.reverse()
    return [m.replace(second=0, microsecond=0) for m in moments]


class Story:
    """Calls the services for one lead, each at its moment: ``at()`` the next moment of the story,
    ``final()`` its last (the last touch the lead's idle time counts from)."""

    def __init__(self, rng: random.Random, faker: Faker, plan: Plan, times: list[datetime]) -> None:
        self.rng, self.faker, self.plan, self.times = rng, faker, plan, times
        self.index = 0
        self.activities: list[tuple[int, datetime]] = []

    @property
    def actor(self) -> User:
        return self.plan.owner or self.plan.lead

    @property
    def lead_id(self) -> int:
        assert self.plan.lead_id is not None
        return self.plan.lead_id

    def at(self) -> datetime:
        moment = self.times[min(self.index, len(self.times) - 2)]
        self.index += 1
        return moment

    def final(self) -> datetime:
        return self.times[-1]

    def _words(self, pool: tuple[str, ...]) -> str:
        return self.rng.choice(pool).format(
            channel=self.plan.data.channel_detail or "线上",
            product=PRODUCT_WORDS.get(self.plan.purpose, "贷款"),
            area=self.rng.choice((40, 80, 120, 300, 800)),
            staff=self.rng.randint(3, 40),
            revenue=self.rng.choice((60, 120, 200, 500, 1200)),
        )

    def _contact(self, business: bool) -> tuple[str, str, str, str, str]:
        """kind, direction, outcome, notes, place of a follow-up that reached the person."""
        rng = self.rng
        kind = rng.choices(
            [ActivityKind.CALL, ActivityKind.VISIT, ActivityKind.MESSAGE, ActivityKind.MEETING],
            weights=[5, 3 if business else 1, 2, 2],
        )[0]
        outcome = rng.choices(
            [ActivityOutcome.REACHED, ActivityOutcome.INTERESTED, ActivityOutcome.FOLLOW_UP],
            weights=[3, 3, 2],
        )[0]
        direction, location = ActivityDirection.OUTBOUND, ""
        if kind == ActivityKind.VISIT:
            notes = self._words(VISIT_NOTES_BUSINESS if business else VISIT_NOTES_PERSON)
            place = rng.choice(VISIT_PLACES_BUSINESS) if business else "家中"
            location = f"{self.faker.city_name()}{self.faker.street_address()}（客户{place}）"
        elif kind == ActivityKind.MEETING:
            notes = self._words(MEETING_NOTES)
            location = rng.choice(("本支行贵宾室", "本支行二楼洽谈室", "客户单位会议室"))
        elif kind == ActivityKind.MESSAGE:
            notes = self._words(MESSAGE_NOTES)
        else:
            notes = self._words(CALL_NOTES)
            if rng.random() < 0.25:
                direction = ActivityDirection.INBOUND  # the person called back
        return kind, direction, outcome, notes, location

    def activity(self, *, contact: bool, last: bool = False, actor: User | None = None) -> None:
        plan, rng = self.plan, self.rng
        moment = self.final() if last else self.at()
        if contact:
            kind, direction, outcome, notes, location = self._contact(
                plan.data.kind != CustomerKind.INDIVIDUAL
            )
        else:
            kind, direction, outcome = (
                ActivityKind.CALL,
                ActivityDirection.OUTBOUND,
                ActivityOutcome.NO_ANSWER,
            )
            notes, location = rng.choice(NO_ANSWER_NOTES), ""
        follow_up = None
        working = plan.owner is not None and plan.outcome in (S.NEW, S.CONTACTED, S.NEED_CONFIRMED, "rule")
        if last and working and not plan.stalled and rng.random() < 0.55:
            follow_up = timezone.localdate() + timedelta(days=rng.randrange(0, 10))
        activity = lead_activity_log(
            actor=actor or self.actor,
            lead_id=self.lead_id,
            kind=kind,
            outcome=outcome,
            happened_at=moment,
            direction=direction,
            notes=notes,
            location=location,
            next_follow_up=follow_up,
            now=moment,
        )
        self.activities.append((activity.pk, moment))

    def move(self, stage: str, *, when: datetime, reason: str = "", note: str = "") -> None:
        lead_move(
            actor=self.actor,
            lead_id=self.lead_id,
            stage=stage,
            lost_reason=reason or None,
            lost_note=note,
            now=when,
        )

    def need(self) -> None:
        lead_update(
            actor=self.actor,
            lead_id=self.lead_id,
            need_purpose=self.plan.purpose,
            need_amount=self.plan.amount,
            notes=self.plan.data.notes,
            now=self.at(),
        )


def _enter(plan: Plan, at: datetime, *, to_pool: bool = False) -> int:
    """The intake (the CM enters their own lead, the team lead one for the pool), at ``at``: the lead's
    ``created_at`` is moved back to it at once (the seed's one direct write on leads, see the module
    docstring) — the gates count proposals, applications and loans from it."""
    if to_pool:
        intake = lead_create(actor=plan.lead, data=plan.data, to_pool=True, now=at)
    else:
        intake = lead_create(actor=plan.owner or plan.lead, data=plan.data, now=at)
    if plan.customer is None and intake.lead.customer_id is not None:
        raise RuntimeError(f"prospect {plan.data.name} matched an existing customer")
    Lead.objects.filter(pk=intake.lead.pk).update(created_at=at)
    return intake.lead.pk


def _early(story: Story, target: str, *, last: bool) -> None:
    """From 新线索 up to ``target`` (新线索, 已联系 or 需求确认), through each gate; the follow-up after the
    last move is the story's last touch when ``last``."""
    rng = story.rng
    if rng.random() < 0.35:
        story.activity(contact=False)
    if target == S.NEW:
        story.activity(contact=rng.random() < 0.4, last=last)
        return
    story.activity(contact=True)
    story.move(S.CONTACTED, when=story.at())
    if target == S.CONTACTED:
        if rng.random() < 0.3:
            story.need()  # the need heard of, not confirmed yet
        story.activity(contact=True, last=last)
        return
    story.need()
    story.move(S.NEED_CONFIRMED, when=story.at())
    story.activity(contact=True, last=last)


STEPS = {  # moments before the last one each outcome's story uses at most
    "pool": 1,
    S.NEW: 2,
    S.CONTACTED: 5,
    S.NEED_CONFIRMED: 6,
    "released": 5,
    "lost_new": 3,
    "lost_contacted": 5,
    "lost_need": 7,
    "reopened": 3,
}


def _last_stage(outcome: str) -> str:
    if outcome in ("pool", "reopened", S.NEW):
        return S.NEW
    if outcome == "released":
        return S.CONTACTED
    return S.LOST if outcome.startswith("lost") else outcome


def _play(rng: random.Random, faker: Faker, plan: Plan, now: datetime) -> Story:
    outcome = plan.outcome
    stage = _last_stage(outcome)
    age = rng.uniform(1, 60) if stage == S.LOST else _age(rng, plan, stage)
    times = _times(rng, now - timedelta(days=age), STEPS[outcome])
    _consent_since(plan, times[0])
    story = Story(rng, faker, plan, times)
    plan.lead_id = _enter(plan, story.at(), to_pool=outcome == "pool")
    if outcome == "pool":
        # the team lead's call that checked the campaign's contact (nobody has taken the lead yet)
        story.activity(contact=True, last=True, actor=plan.lead)
    elif outcome == "released":
        _early(story, S.CONTACTED, last=False)
        lead_assign(actor=plan.lead, lead_id=story.lead_id, owner=None, now=story.final())
    elif outcome in (S.NEW, S.CONTACTED, S.NEED_CONFIRMED):
        _early(story, outcome, last=True)
    elif outcome in LOST_FROM:
        _early(story, LOST_FROM[outcome], last=False)
        code, note = rng.choice(LOST_REASONS[outcome])
        story.move(S.LOST, when=story.final(), reason=code, note=note)
    elif outcome == "reopened":
        story.activity(contact=False)
        story.move(S.LOST, when=story.at(), reason="unreachable", note="多次联系未果")
        story.move(S.NEW, when=story.at())  # the person called back later: reopened
        story.activity(contact=True, last=True)
    return story


# --- leads of existing customers that go past 需求确认 -----------------------------------------------------


@dataclass
class Used:
    """The customers given a lead already, and their phones (two customers may share one)."""

    customers: set[int] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)

    def take(self, customer: Customer) -> None:
        self.customers.add(customer.pk)
        self.phones.add(customer.phone_index)


def _customers() -> Any:
    return (
        Customer.objects.filter(merged_into__isnull=True, owner__isnull=False)
        .exclude(phone_index="")
        .exclude(name__in=LEFT_ALONE)
    )


def _candidates(stage: str, used: set[int]) -> list[Customer]:
    """Customers who really are where a lead of ``stage`` says: a live submitted application (申请中), a
    loan (已放款), a need analysis and a pre-assessment (方案已提供); manager1's first."""
    if stage == S.APPLYING:
        live = [s.value for s in SUBMITTED_STATUSES if s.value != "disbursed"]
        ids = Application.objects.filter(status__in=live).values("customer_id")
    elif stage == S.DISBURSED:
        ids = Loan.objects.values("customer_id")
    else:
        ids = Need.objects.filter(customer_id__in=Assessment.objects.values("customer_id")).values(
            "customer_id"
        )
    found = list(_customers().filter(pk__in=ids).exclude(pk__in=used).select_related("owner").order_by("pk"))
    found.sort(key=lambda c: (c.owner.username != "manager1", c.pk))
    return found


def _decimal(value: str | None) -> Decimal | None:
    try:
        number = Decimal(value or "")
    except ArithmeticError:
        return None
    return number if number.is_finite() and number > 0 else None


def _asked(customer: Customer) -> tuple[str, Decimal, int, str] | None:
    """What the customer last applied for (purpose, amount, term, method), else their latest need's."""
    application = Application.objects.filter(customer=customer).order_by("-pk").first()
    if application is not None:
        part = application.parts.order_by("position").first()
        if part is not None:
            return application.purpose, part.amount, part.term_months, part.method
    need = Need.objects.filter(customer=customer).order_by("-pk").first()
    if need is not None:
        return need.purpose, need.amount, need.term_months, need.repayment_preference
    return None


def _mirrored_need(customer: Customer, asked: tuple[str, Decimal, int, str]) -> dict[str, Any]:
    """The need analysis of what the customer applied for, with the income and debts on their record."""
    purpose, amount, term, method = asked
    income = _decimal(customer.monthly_income) or Decimal(12000)
    data: dict[str, Any] = {
        "purpose": purpose,
        "amount": str(amount),
        "term_months": term,
        "monthly_debt_payments": str(_decimal(customer.monthly_debt_payments) or 0),
    }
    if method and method != "revolving":
        data["repayment_preference"] = method
    if customer.kind == CustomerKind.INDIVIDUAL:
        data["monthly_income"] = str(income)
    else:
        data.update(monthly_income="0", monthly_revenue=str(income * 8), monthly_costs=str(income * 7))
    if purpose == "home_purchase":
        data.update(
            collateral_type="residential_property",
            collateral_value=str(amount * 2),
            home_purchase_order="first",
        )
    elif purpose == "car_purchase":
        data.update(collateral_type="vehicle", collateral_value=str((amount * Decimal("1.3")).quantize(1)))
    return data


def _eligible_product(customer: Customer, need: dict[str, Any] | None = None) -> str | None:
    """The best-ranked product the customer passes for their latest need (or ``need``, not saved)."""
    need_input = None
    if need is not None:
        try:
            need_input = (capacity.Need.from_dict(need), capacity.Capacity.from_dict(need), {})
        except DomainError:
            return None
    try:
        match = customer_match(customer=customer, need_input=need_input, with_what_if=False)
    except DomainError:
        return None
    if match.result is None or not match.result.eligible:
        return None
    return match.result.eligible[0].quote.spec.code


def _proposal(customer: Customer, asked: tuple[str, Decimal, int, str] | None) -> tuple[bool, bool]:
    """A proposal (方案书) of a product the customer passes, issued by their CM through the solutions
    service — after a need analysis of what they applied for when their latest one matches nothing.
    Returns (issued, need recorded)."""
    recorded = False
    code = _eligible_product(customer)
    if code is None and asked is not None:
        need = _mirrored_need(customer, asked)
        if _eligible_product(customer, need) is None:  # a need analysis that would not help: none
            return False, False
        try:
            product_services.need_record(actor=customer.owner, customer_id=customer.pk, data=need)
        except DomainError:
            return False, False
        recorded = True
        code = _eligible_product(customer)
    if code is None:
        return False, recorded
    try:
        solution_services.proposal_create(actor=customer.owner, customer_id=customer.pk, products=[code])
    except DomainError:
        return False, recorded
    return True, recorded


def _late(
    rng: random.Random, faker: Faker, leads: dict[int, User], now: datetime, used: Used
) -> tuple[list[Story], Counter[str]]:
    """The customers' leads at 方案已提供, 申请中, 已放款 (and lost after the proposal): contacted and their
    need confirmed days or weeks ago, the proposal and what followed today."""
    stories: list[Story] = []
    made: Counter[str] = Counter()
    for outcome, wanted in LATE.items():
        stage = S.PROPOSAL_OFFERED if outcome == "lost_proposal" else outcome
        for customer in _candidates(stage, used.customers)[: wanted * 12]:
            if made[outcome] >= wanted:
                break
            if customer.owner.team_id not in leads or customer.phone_index in used.phones:
                continue
            asked = _asked(customer)
            issued, recorded = _proposal(customer, asked)
            made["needs"] += recorded
            if not issued:
                continue
            made["proposals"] += 1
            used.take(customer)
            purpose, amount = (asked[0], f"{asked[1]:.2f}") if asked else _need(rng, customer.kind)
            data = _customer_input(rng, customer, _weighted(rng, CHANNEL_WEIGHTS))
            plan = Plan(
                outcome, customer.owner, leads[customer.owner.team_id], data, customer, purpose, amount
            )
            times = _times(rng, now - timedelta(days=rng.uniform(1, 10)), 6)
            _consent_since(plan, times[0])
            story = Story(rng, faker, plan, [*times, now - timedelta(hours=rng.uniform(2, 6))])
            plan.lead_id = _enter(plan, story.at())
            _early(story, S.NEED_CONFIRMED, last=False)
            today = story.final()
            story.move(S.PROPOSAL_OFFERED, when=today)
            if outcome == "lost_proposal":
                code, note = rng.choice(LOST_REASONS["lost_proposal"])
                story.move(S.LOST, when=today + timedelta(minutes=40), reason=code, note=note)
            elif outcome in (S.APPLYING, S.DISBURSED):
                story.move(S.APPLYING, when=today + timedelta(minutes=20))
                if outcome == S.DISBURSED:
                    story.move(S.DISBURSED, when=today + timedelta(minutes=40))
            stories.append(story)
            made[outcome] += 1
    return stories, made


def _cross_sell(rng: random.Random, managers: list[User], used: Used) -> list[Customer]:
    """Existing customers with a new need, for the early stages (any CM's; not given a lead yet)."""
    pool = list(_customers().filter(owner__in=managers).select_related("owner").order_by("pk")[:800])
    chosen = []
    for customer in rng.sample(pool, len(pool)):
        if len(chosen) >= CROSS_SELL:
            break
        if customer.pk in used.customers or customer.phone_index in used.phones:
            continue
        used.take(customer)
        chosen.append(customer)
    return chosen


# --- assignment by rule -------------------------------------------------------------------------------------


def _assign_by_rule(rng: random.Random, faker: Faker, plans: list[Plan], now: datetime) -> list[Story]:
    """The team leads' batches: leads entered into the pool in the morning and handed out by rule at once
    (round robin or by capacity weight, within the day's quotas — what nobody can take stays in the pool);
    each CM then calls their new leads."""
    by_team: dict[int, list[Plan]] = {}
    for plan in plans:
        by_team.setdefault(plan.lead.pk, []).append(plan)
    stories = []
    for number, team_plans in enumerate(by_team.values()):
        lead = team_plans[0].lead
        day = timezone.localtime(now) - timedelta(days=1 + number % 3)
        entered = day.replace(hour=9, minute=30, second=0, microsecond=0)
        for plan in team_plans:
            plan.lead_id = _enter(plan, entered, to_pool=True)
        leads_assign_by_rule(
            actor=lead,
            method="weighted" if number % 2 else "round_robin",
            lead_ids=[plan.lead_id for plan in team_plans if plan.lead_id is not None],
            now=entered + timedelta(minutes=20),
        )
        owners = dict(Lead.objects.filter(pk__in=[p.lead_id for p in team_plans]).values_list("pk", "owner"))
        people = {u.pk: u for u in User.objects.filter(pk__in=[o for o in owners.values() if o])}
        for plan in team_plans:
            owner_id = owners.get(plan.lead_id)
            plan.owner = people.get(owner_id) if owner_id else None
            called = entered + timedelta(hours=1, minutes=rng.randrange(240))
            story = Story(rng, faker, plan, [called, called])
            if plan.owner is None:  # every quota used up: it waits in the pool, the team lead checked it
                story.activity(contact=True, last=True, actor=lead)
            else:
                story.activity(contact=rng.random() < 0.6, last=True)
            stories.append(story)
    return stories


# --- the run ------------------------------------------------------------------------------------------------


def _backdate_activities(stories: list[Story]) -> None:
    """A follow-up's ``created_at`` (the database's time of the seed) moved back to when it was logged —
    its ``happened_at`` (part of the seed's one direct write, see the module docstring)."""
    moments = {pk: at for story in stories for pk, at in story.activities}
    rows = list(LeadActivity.objects.filter(pk__in=list(moments)))
    for row in rows:
        row.created_at = moments[row.pk]
    LeadActivity.objects.bulk_update(rows, ["created_at"], batch_size=500)


def _summary(counts: Counter[str]) -> str:
    return "、".join(f"{s.label} {counts[s.value]}" for s in pipeline.LeadStage if counts.get(s.value))


def _plans(
    rng: random.Random, faker: Faker, managers: list[User], leads: dict[int, User], used: Used
) -> list[Plan]:
    phones = Phones(rng)
    plans: list[Plan] = []
    for outcome, count in PROSPECT_PLAN:
        for _ in range(count):
            data, purpose, amount = _prospect(rng, faker, phones)
            manager = managers[len(plans) % len(managers)]
            owner = None if outcome in ("pool", "rule") else manager
            plans.append(Plan(outcome, owner, leads[manager.team_id], data, None, purpose, amount))
    for customer in _cross_sell(rng, managers, used):
        outcome = rng.choice((S.NEW, S.CONTACTED, S.CONTACTED, S.NEED_CONFIRMED, "lost_contacted"))
        purpose, amount = _need(rng, customer.kind)
        channel = rng.choice((Channel.REFERRAL, Channel.OFFLINE, Channel.ONLINE))
        data = _customer_input(rng, customer, channel)
        team_lead = leads[customer.owner.team_id]
        plans.append(Plan(outcome, customer.owner, team_lead, data, customer, purpose, amount))
    rng.shuffle(plans)
    return plans


def run(*, stdout: Any = None) -> dict[str, int]:
    if Lead.objects.exists():
        if stdout is not None:
            stdout.write(f"线索：已存在（共 {Lead.objects.count()} 条）")
        seed_relationships.run(stdout=stdout)  # once, for a demo seeded before it existed
        return {"created_leads": 0}
    managers, leads = _people()
    if not managers or not Customer.objects.exists():
        return {"created_leads": 0}
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
    faker = Faker("zh_CN")
    faker.seed_instance(SEED)
    now = timezone.now()
    capacities = _capacities(managers, leads)
    used = Used()
    stories, made = _late(rng, faker, leads, now, used)
    plans = _plans(rng, faker, managers, leads, used)
    stories += [_play(rng, faker, plan, now) for plan in plans if plan.outcome != "rule"]
    stories += _assign_by_rule(rng, faker, [plan for plan in plans if plan.outcome == "rule"], now)

    counts = Counter(Lead.objects.values_list("stage", flat=True))
    pool = Lead.objects.filter(owner__isnull=True).count()
    activities = LeadActivity.objects.count()
    result = {
        "created_leads": sum(counts.values()),
        "created_activities": activities,
        "in_pool": pool,
        "proposals": made["proposals"],
        "needs": made["needs"],
        "capacities": capacities,
        **{f"stage_{stage}": n for stage, n in sorted(counts.items())},
    }
    with transaction.atomic():
        _backdate_activities(stories)
        audit_record(actor=None, action="seed.marketing", after=result)
    if stdout is not None:
        stdout.write(
            f"线索：新建 {result['created_leads']} 条（{_summary(counts)}；线索池 {pool}），"
            f"跟进记录 {activities} 条，方案书 {made['proposals']} 份"
        )
    result.update(seed_relationships.run(stdout=stdout))
    return result


__all__ = ["run"]
