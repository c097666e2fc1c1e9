"""案例库与金融知识 — CMs write up won and lost cases for their team; send customers education content."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from creditdesk.accounts import policy, scope
from creditdesk.accounts.models import User
from creditdesk.compliance.choices import Channel as GuardChannel
from creditdesk.compliance.services import compliance_enforce
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record, audit_snapshot
from creditdesk.core.exceptions import Conflict, DomainError
from creditdesk.customers.choices import CustomerKind
from creditdesk.marketing.choices import CaseOutcome
from creditdesk.marketing.models import CaseStudy, EducationArticle, Lead
from creditdesk.marketing.services.common import customer_for
from creditdesk.notifications.choices import Channel as MessageChannel
from creditdesk.notifications.choices import Event
from creditdesk.notifications.models import OutboxMessage
from creditdesk.notifications.services import outbox_put

CASE_FIELDS = ("title", "outcome", "customer_kind", "industry", "need", "solution", "lessons", "tags", "lead")
LIMITS = {"title": 80, "industry": 60, "need": 1000, "solution": 2000, "lessons": 2000, "tags": 100}
PERSONAL = re.compile(r"(?<!\d)(1[3-9]\d{9}|\d{17}[\dXx]|\d{15})(?!\d)")
"""A mobile or resident ID number in a case's text: a case is shared, it names nobody."""


def _invalid(code: str, message: str, field: str) -> DomainError:
    return DomainError(code, message, {"field": field})


@dataclass(frozen=True)
class CaseInput:
    title: str
    outcome: str
    customer_kind: str
    need: str
    solution: str
    lessons: str
    industry: str = ""
    tags: str = ""
    lead: int | str | None = None


@transaction.atomic(durable=True)
def case_write(*, actor: User, data: CaseInput) -> CaseStudy:
    """撰写案例 (``LEAD_CREATE``: the CMs and team leads who sell): every text within its length, title, need,
    solution and lessons required, no phone or ID number in any of it (``case_personal_data``), a lead the
    author sees when one is named."""
    policy.require(actor, Action.LEAD_CREATE)
    values: dict[str, str] = {}
    for name, limit in LIMITS.items():
        text = (getattr(data, name) or "").strip()
        if name in ("title", "need", "solution", "lessons") and not text:
            raise _invalid(f"case_{name}_required", _("请填写此项。"), name)
        if len(text) > limit:
            raise _invalid(f"case_{name}_too_long", _("不能超过 %(n)s 个字。") % {"n": limit}, name)
        if PERSONAL.search(text):
            raise _invalid(
                "case_personal_data", _("案例会在团队内共享，请删去手机号码、证件号码等个人信息。"), name
            )
        values[name] = text
    if data.outcome not in CaseOutcome.values:
        raise _invalid("case_outcome_unknown", _("案例结果无效。"), "outcome")
    if data.customer_kind not in CustomerKind.values:
        raise _invalid("case_kind_unknown", _("客户类型无效。"), "customer_kind")
    lead = None
    if data.lead not in (None, ""):
        try:
            lead = Lead.objects.filter(pk=data.lead).first()
        except (ValueError, TypeError):
            lead = None
        if lead is None or not scope.can_see(actor, lead):
            raise _invalid("case_lead_not_found", _("线索不存在或不在您的权限范围内。"), "lead")
    case = CaseStudy.objects.create(
        team_id=actor.team_id,
        author=actor,
        lead=lead,
        outcome=data.outcome,
        customer_kind=data.customer_kind,
        **values,
    )
    audit_record(actor=actor, action="case.write", target=case, after=audit_snapshot(case, CASE_FIELDS))
    return case


def education_send(*, actor: User, customer_id: int | str, article_id: int | str) -> EducationArticle:
    """发送金融知识: an active article's SMS summary to a customer the actor works, at most once per customer
    and article (the outbox key; again: ``education_already_sent``), delivered by `creditdesk
    deliver_notifications`. Education is not marketing (it sells nothing), so no marketing consent is
    asked; it needs the customer's phone. The summary passes the compliance guard (channel 金融知识) before
    anything is sent: an article edited into a forbidden promise is stopped and logged."""
    articles = (
        EducationArticle.objects.filter(pk=article_id, active=True) if str(article_id).isdigit() else None
    )
    summary = articles.values_list("summary", flat=True).first() if articles is not None else None
    if summary:
        compliance_enforce(
            actor=actor, text=summary, channel=GuardChannel.EDUCATION, target=f"customer:{customer_id}"
        )
    return _education_send(actor=actor, customer_id=customer_id, article_id=article_id)


@transaction.atomic(durable=True)
def _education_send(*, actor: User, customer_id: int | str, article_id: int | str) -> EducationArticle:
    customer = customer_for(actor, customer_id, Action.CUSTOMER_CHANGE)
    try:
        article = EducationArticle.objects.filter(pk=article_id, active=True).first()
    except (ValueError, TypeError):
        article = None
    if article is None:
        raise _invalid("education_article_unknown", _("内容不存在或已停用。"), "article")
    if not customer.phone:
        raise _invalid("education_no_phone", _("客户没有登记手机号码，无法发送。"), "customer")
    key = f"education:{article.pk}:customer:{customer.pk}"
    if OutboxMessage.objects.filter(dedupe_key__startswith=f"{key}:").exists():
        raise Conflict("education_already_sent", _("该内容已发送给这位客户。"), {"field": "article"})
    outbox_put(
        recipient=None,
        event=Event.CUSTOMER_EDUCATION,
        title=article.title,
        body=article.summary,
        channels=(MessageChannel.SMS,),
        dedupe_key=key,
        address=customer.phone,
        deliver_now=False,
    )
    audit_record(actor=actor, action="education.send", target=customer, after={"article": article.pk})
    return article
