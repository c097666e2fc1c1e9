"""Demo customer requests (客户诉求, issue 18 item 5): forty requests of the demo customers over the last
eight days, as a branch's service desk looks on an ordinary day — questions simple and complex, complaints
(some naming 12378 or the press), hardship pleas, personal-information requests and others, by phone,
WeChat, at the branch or by letter; recorded mostly by the customer's manager, some by the team lead.

Every step is the real service, called with ``now=`` the moment it happened in the request's story:
``request_record`` (the suggestion of kind, urgency and complexity from the text — no field is set by hand
— the tier matrix, the routing, the agenda task), ``request_respond`` (within the target, through the
compliance guard) and ``request_close`` (the team lead closes the complaints), and the scheduled
``request_escalate_due`` run at two past moments, as cron would have: requests unanswered past their
target then went up a level (some twice); the ones that fell late since are left red on the list.

Reproducible (a fixed seed); idempotent: does nothing when a request exists.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from creditdesk.accounts.choices import Role
from creditdesk.accounts.models import User
from creditdesk.core.audit import audit_record
from creditdesk.customers.models import Customer
from creditdesk.servicedesk.choices import RequestChannel, RequestKind, RequestStatus
from creditdesk.servicedesk.models import ServiceRequest
from creditdesk.servicedesk.services import (
    request_close,
    request_escalate_due,
    request_record,
    request_respond,
)

SEED = 20261207
LEFT_ALONE = ("张三", "李四", "王五", "王建国", "老王家常菜馆")  # left for a person to work in the demo
DAYS = 8

# (what the customer said, the answer given, the resolution) by the kind the text suggests
TEXTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    RequestKind.QUESTION: (
        (
            "请问我这个月的还款日是哪天？",
            "您好，已为您查询：您的还款日为每月 15 日，可在手机银行“贷款”页面查看还款计划。",
            "已答复还款日，客户无其他问题。",
        ),
        (
            "提前还款要不要手续费？",
            "您好，按合同约定，放款满一年后提前还款不收取手续费，未满一年按剩余本金的 1% 收取。",
            "已说明提前还款费用。",
        ),
        (
            "怎么在手机银行查看还款计划？",
            "您好，登录手机银行后点击“我的贷款”，选择这笔贷款即可查看每期还款计划。",
            "客户已自行查看。",
        ),
        (
            "我的贷款什么时候到期？",
            "您好，您的贷款将于明年 6 月 30 日到期，到期前一个月我们会提醒您。",
            "已答复到期日。",
        ),
        (
            "还款账户可以换成别的银行卡吗？",
            "您好，可以更换为本人名下的本行借记卡，请带身份证到网点办理。",
            "客户已预约到网点办理。",
        ),
        (
            "今天能帮我查一下这个月扣款成功了吗？急",
            "您好，已为您查询，本月款项已于今天上午扣款成功。",
            "已确认扣款成功。",
        ),
    ),
    "complex": (
        (
            "我想问一下合同里提前还款的条款是什么意思？另外如果我把房子卖了，抵押怎么解除？",
            "您好，提前还款需提前十个工作日申请；结清贷款后我们出具结清证明，您可凭此办理抵押注销登记。",
            "已解释合同条款并提供解押流程。",
        ),
        (
            "我和担保人之间有纠纷，他说不再担保了，这对我的贷款有什么影响？需要重新签合同吗？",
            "您好，担保责任以已签署的合同为准，不能单方解除；如需更换担保人，可申请变更并重新评估。",
            "已向客户说明担保变更流程。",
        ),
    ),
    RequestKind.COMPLAINT: (
        (
            "你们的催收电话一天打了五次，严重影响我上班，我要投诉。",
            "非常抱歉给您带来困扰，我们已核实并调整了联系时间和频次，之后只在工作日白天联系您一次。",
            "已调整催收联系频次，向客户致歉，客户接受。",
        ),
        (
            "客户经理说的利率和合同上的不一样，我要向12378投诉。",
            "非常抱歉，我们已核对合同与报价记录，团队主管将当面向您说明年化利率的构成，并复核客户经理的报价。",
            "已向客户解释年化利率构成，并对客户经理进行了提醒。",
        ),
        (
            "放款拖了两周都没人回复我，再不处理我就找媒体曝光。",
            "非常抱歉让您久等，您的申请资料已补齐，今天已提交审批，进展会在明天上午告知您。",
            "已加快审批并告知客户进展。",
        ),
        (
            "网点排队一个多小时都没人管，服务态度太差了，投诉。",
            "非常抱歉，我们已与网点核实当天情况，今后您可以提前在手机银行预约，到店无需排队。",
            "已向网点反馈并致歉。",
        ),
    ),
    RequestKind.HARDSHIP: (
        (
            "我最近失业了，下个月的月供可能还不上，能不能延期？",
            "已收到您的情况，我们会根据您的实际困难评估延期或调整还款计划的方案，请准备失业证明等材料。",
            "已受理延期申请，转风险经理评估。",
        ),
        (
            "家里老人住院花了很多钱，这个月想申请晚几天还款。",
            "理解您的困难，已为您登记，请在还款日前与我们联系确认最终还款日期。",
            "已与客户约定还款日期。",
        ),
        (
            "店里生意不好，资金困难，想问问能不能减免一部分罚息。",
            "已收到您的申请，我们会按规定审核罚息减免，结果将在五个工作日内告知您。",
            "已提交罚息减免审核。",
        ),
    ),
    RequestKind.DATA_REQUEST: (
        (
            "我想查询你们保存的我的个人信息有哪些。",
            "已核实您的身份，您的个人信息清单将在两个工作日内通过您登记的地址寄送给您。",
            "已向客户提供个人信息清单。",
        ),
        (
            "我的手机号换了，请帮我更正我的资料。",
            "已核实您的身份并更正了联系电话，今后通知将发送到新号码。",
            "已更正客户联系方式。",
        ),
        (
            "贷款已经结清了，请删除我的个人信息。",
            "已收到您的申请，按法律规定须保存的信贷记录之外，其余个人信息将在十五个工作日内删除，完成后通知您。",
            "已按规定删除可删除的个人信息。",
        ),
        (
            "请复制一份我的资料给我，我要拿去办别的业务。",
            "已核实身份，资料复印件已准备好，您可携带身份证到网点领取。",
            "客户已领取资料复印件。",
        ),
    ),
    RequestKind.OTHER: (
        (
            "下周三我去网点办业务，麻烦帮我预约一下。",
            "已为您预约下周三上午十点，网点工作人员会提前一天与您确认。",
            "已预约。",
        ),
        ("感谢客户经理的耐心服务。", "感谢您的认可，我们会继续为您做好服务。", "已转达客户的表扬。"),
    ),
}
PLAN: tuple[tuple[str, int], ...] = (
    (RequestKind.QUESTION, 12),
    ("complex", 4),
    (RequestKind.COMPLAINT, 8),
    (RequestKind.HARDSHIP, 6),
    (RequestKind.DATA_REQUEST, 6),
    (RequestKind.OTHER, 4),
)
CHANNELS = (
    (RequestChannel.PHONE, 6),
    (RequestChannel.WECHAT, 4),
    (RequestChannel.BRANCH, 2),
    (RequestChannel.ONLINE, 2),
    (RequestChannel.SMS, 1),
    (RequestChannel.LETTER, 1),
)
FATES = (("closed", 4), ("responded", 3), ("open", 3))
"""How a request ends up: closed, answered (not closed yet), or still open — escalated if it fell late
before one of the past runs, late and red if after."""


@dataclass
class Story:
    customer: Customer
    actor: User
    text: str
    answer: str
    resolution: str
    channel: str
    received: datetime
    fate: str


def _weighted(rng: random.Random, pairs: tuple[tuple[Any, int], ...]) -> Any:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _received(rng: random.Random, now: datetime) -> datetime:
    """A moment of the last ``DAYS`` days, mostly in working hours (some in the evening)."""
    local = timezone.localtime(now)
    day = local - timedelta(days=rng.randint(0, DAYS))
    hour = rng.choice((9, 10, 10, 11, 14, 15, 16, 16, 19))
    moment = day.replace(hour=hour, minute=rng.randrange(0, 60), second=0, microsecond=0)
    return moment if moment < now - timedelta(hours=1) else now - timedelta(hours=rng.randint(2, 5))


def _recorder(rng: random.Random, customer: Customer, leads: dict[int, User]) -> User:
    """The customer's manager, or one time in five the team lead (the customer called the team)."""
    lead = leads.get(customer.owner.team_id or 0)
    return lead if lead is not None and rng.random() < 0.2 else customer.owner


def _stories(rng: random.Random, now: datetime) -> list[Story]:
    customers = list(
        Customer.objects.filter(merged_into__isnull=True, owner__role=Role.MANAGER, owner__is_active=True)
        .exclude(name__in=LEFT_ALONE)
        .select_related("owner")
        .order_by("pk")
    )
    leads = {
        person.team_id: person
        for person in User.objects.filter(role=Role.TEAM_LEAD, is_active=True).order_by("-pk")
        if person.team_id
    }
    total = sum(n for _, n in PLAN)
    if len(customers) < total:
        return []
    chosen = rng.sample(customers, total)
    stories = []
    for group, n in PLAN:
        for i in range(n):
            customer = chosen.pop()
            text, answer, resolution = TEXTS[group][i % len(TEXTS[group])]
            stories.append(
                Story(
                    customer=customer,
                    actor=_recorder(rng, customer, leads),
                    text=text,
                    answer=answer,
                    resolution=resolution,
                    channel=_weighted(rng, CHANNELS),
                    received=_received(rng, now),
                    fate=_weighted(rng, FATES),
                )
            )
    stories.sort(key=lambda story: story.received)
    return stories


def _play(story: Story, now: datetime) -> ServiceRequest:
    request = request_record(
        actor=story.actor,
        customer_id=story.customer.pk,
        text=story.text,
        channel=story.channel,
        received_at=story.received,
        now=story.received,
    )
    if story.fate == "open":
        return request
    answered = min(story.received + timedelta(minutes=50), now)  # within every target (2 hours or more)
    request_respond(actor=request.assignee, request_id=request.pk, response=story.answer, now=answered)
    if story.fate == "closed":
        closed = min(answered + timedelta(days=1), now)
        request_close(actor=request.assignee, request_id=request.pk, resolution=story.resolution, now=closed)
    return request


def run(*, stdout: Any = None) -> dict[str, int]:
    if ServiceRequest.objects.exists():
        if stdout is not None:
            stdout.write(f"客户诉求：已存在（共 {ServiceRequest.objects.count()} 条）")
        return {"created_requests": 0}
    now = timezone.now()
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
    stories = _stories(rng, now)
    if not stories:
        return {"created_requests": 0}
    runs = (now - timedelta(days=2), now - timedelta(hours=6))  # the cron runs the demo remembers
    for story in stories:
        _play(story, now)
    escalated = 0
    for moment in runs:  # after the stories: a run looks only at what was late and unanswered then
        escalated += request_escalate_due(now=moment).escalated
    counts = Counter(ServiceRequest.objects.values_list("status", flat=True))
    result = {
        "created_requests": sum(counts.values()),
        "escalations": escalated,
        "late": ServiceRequest.objects.filter(status=RequestStatus.OPEN, due_at__lt=now).count(),
        **{f"status_{status}": n for status, n in sorted(counts.items())},
    }
    with transaction.atomic():
        audit_record(actor=None, action="seed.servicedesk", after=result)
    if stdout is not None:
        stdout.write(
            f"客户诉求：新建 {result['created_requests']} 条（待响应 {counts[RequestStatus.OPEN]}，"
            f"已响应 {counts[RequestStatus.RESPONDED]}，已办结 {counts[RequestStatus.CLOSED]}；"
            f"超时升级 {escalated} 次，仍超时 {result['late']} 条）"
        )
    return result


__all__ = ["run"]
