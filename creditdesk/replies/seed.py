"""Demo data of the 话术库 (issue 18): the seeded library approved by the branches' risk managers, answers
sent to leads and customers, what they produced, and what the compliance guard stopped.

Every step is the real service: ``script_review`` (risk1 and risk2 approve the library: the 67 scripts the
migration submitted), ``script_search`` (each message starts from a customer's question, searched as a CM
would), ``script_render`` and ``message_send`` (placeholders filled; the guard checks the text; the SMS goes
to the outbox, the use is recorded and the lead gets a follow-up), ``use_outcome_set`` (异议已化解 / 未化解
on some), ``script_save`` + ``script_submit`` (a CM's own script waiting for review, and one returned with
the reviewer's note). A few messages break a rule (包过, 月息 without 年化, a full ID number …): the guard
refuses them and logs each block, as it would a real CM's.

Idempotent: does nothing once a script is in use.
"""

from __future__ import annotations

import random
from typing import Any

from creditdesk.accounts.models import User
from creditdesk.accounts.roles import Role
from creditdesk.compliance.services import ComplianceBlocked
from creditdesk.core.exceptions import DomainError
from creditdesk.marketing.models import Lead
from creditdesk.replies import services
from creditdesk.replies.choices import ScriptStatus, UseOutcome, UsePurpose
from creditdesk.replies.models import ReplyScript
from creditdesk.replies.services import MessageInput, ScriptInput

SEED = 18

QUESTIONS = [
    "你们利息也太高了吧",
    "我大概能借多少啊",
    "办这个要准备些啥材料",
    "多久能到账",
    "以前信用卡逾期过两次还能贷吗",
    "提前还要不要交违约金",
    "还款方式有哪几种",
    "别的银行利率比你们低",
    "我再想想吧",
    "需要抵押吗",
    "查征信会有影响吗",
    "贷款能拿去买理财吗",
]

FILL = {
    "产品名称": "经营贷",
    "贷款金额": "30万元",
    "贷款期限": "36个月",
    "年化利率": "4.35%",
    "月供": "8,955.67元",
    "还款方式": "等额本息",
}
"""What a CM types for a placeholder without a value (a lead has no proposal yet)."""

BREAKING = [
    "王先生放心，材料齐全包过，三天下款。",
    "我们这款月息只要4厘，很划算。",
    "请核对您的身份证号 110101199003077571 是否正确。",
]

OWN_SCRIPT = ScriptInput(
    category="faq",
    question="可以用微信或支付宝还款吗",
    variants="微信能还贷款吗\n支付宝可以还吗\n能不能扫码还款",
    answer="{客户称呼}，贷款按合同约定从您的还款账户自动扣款，请在还款日前把钱存入该账户。",
    response_tier="cm",
)


def _managers() -> list[User]:
    return list(User.objects.filter(role=Role.MANAGER, is_active=True).order_by("username")[:8])


def _approve_library() -> int:
    reviewers = list(User.objects.filter(role=Role.RISK_MANAGER, is_active=True).order_by("username"))
    if not reviewers:
        return 0
    approved = 0
    for i, pk in enumerate(
        ReplyScript.objects.filter(status=ScriptStatus.PENDING).values_list("pk", flat=True)
    ):
        services.script_review(actor=reviewers[i % len(reviewers)], script_id=pk, approve=True)
        approved += 1
    return approved


def _send(rng: random.Random, cm: User, lead: Lead) -> Any:
    question = rng.choice(QUESTIONS)
    found = services.script_search(actor=cm, query=question, lead_id=lead.pk, k=3)
    if not found:
        return None
    script = found[0].script
    rendered = services.script_render(actor=cm, script_id=script.pk, lead_id=lead.pk)
    text = rendered.text
    for name in rendered.missing:
        text = text.replace("{" + name + "}", FILL.get(name, ""))
    try:
        return services.message_send(
            actor=cm,
            data=MessageInput(text=text[:500], lead=lead.pk, script=script.pk, purpose=UsePurpose.ANSWER),
        ).use
    except DomainError:  # no phone, a consent revoked …: a CM would call instead
        return None


def run(*, stdout: Any = None) -> dict[str, int]:
    if ReplyScript.objects.filter(approved_version__isnull=False).exists():
        if stdout is not None:
            stdout.write("话术库：已审核发布")
        return {"approved": 0}
    result = {"approved": _approve_library(), "messages": 0, "blocked": 0, "own_scripts": 0}
    managers = _managers()
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
    for cm in managers:
        leads = list(
            Lead.objects.filter(owner=cm, stage__in=("new", "contacted", "need_confirmed")).order_by("id")[:6]
        )
        for lead in leads:
            use = _send(rng, cm, lead)
            if use is None:
                continue
            result["messages"] += 1
            if rng.random() < 0.4:
                outcome = UseOutcome.RESOLVED if rng.random() < 0.7 else UseOutcome.UNRESOLVED
                services.use_outcome_set(actor=cm, use_id=use.pk, outcome=outcome)
    for cm, text in zip(managers, BREAKING, strict=False):
        lead = Lead.objects.filter(owner=cm, stage__in=("new", "contacted")).order_by("id").first()
        if lead is None:
            continue
        try:
            services.message_send(actor=cm, data=MessageInput(text=text, lead=lead.pk))
        except ComplianceBlocked:
            result["blocked"] += 1
    if managers:
        own = services.script_save(actor=managers[0], data=OWN_SCRIPT)
        services.script_submit(actor=managers[0], script_id=own.pk)
        returned = services.script_save(
            actor=managers[1 % len(managers)],
            data=ScriptInput(
                category="objection",
                question="手续费能不能免了",
                answer="{客户称呼}，手续费按合同约定收取并已计入年化利率，我帮您对比一下总成本。",
                response_tier="cm",
            ),
        )
        services.script_submit(actor=managers[1 % len(managers)], script_id=returned.pk)
        reviewer = User.objects.filter(role=Role.RISK_MANAGER, is_active=True).order_by("username").first()
        if reviewer is not None:
            services.script_review(
                actor=reviewer,
                script_id=returned.pk,
                approve=False,
                note="请写明年化利率的具体数值（{年化利率}）。",
            )
        result["own_scripts"] = 2
    if stdout is not None:
        stdout.write(
            f"话术库：审核发布 {result['approved']} 条，发送 {result['messages']} 条消息，"
            f"合规拦截 {result['blocked']} 条"
        )
    return result
