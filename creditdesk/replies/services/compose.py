"""Compose and send a message to a customer or a lead (短信), with or without a script.

The flow of issue 18 items 3 and 4: the CM picks a script (its approved text, placeholders filled from
the customer, the CM and the customer's latest proposal), edits it, and sends. Before anything is sent:

- every placeholder is filled (``message_placeholder_unfilled`` names those left);
- a marketing message needs the customer's marketing consent in force (《广告法》第四十三条, as for leads);
- the compliance guard checks the text on the channel of its purpose (催收 → ``collection`` rules too);
  a block is logged and refused (``compliance_blocked``) — outside this service's transaction, so the log
  survives the refusal.

Then, in one transaction: the SMS goes to the outbox (delivered after commit), the use of the script is
recorded (version, the lead's stage at that moment) and, for a lead, the message is logged as a
follow-up (``lead_activity_record``), which restarts the lead's idle time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy, scope
from creditdesk.accounts.models import User
from creditdesk.compliance.choices import Channel as GuardChannel
from creditdesk.compliance.services import compliance_enforce
from creditdesk.consents.selectors import marketing_allowed
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import DomainError, NotFound
from creditdesk.core.money import format_rate, format_yuan
from creditdesk.customers.models import Customer
from creditdesk.marketing.choices import ActivityDirection, ActivityKind, ActivityOutcome, LeadBasis
from creditdesk.marketing.models import Lead
from creditdesk.marketing.services import lead_activity_record
from creditdesk.notifications.choices import Channel as MessageChannel
from creditdesk.notifications.choices import Event
from creditdesk.notifications.services import outbox_put
from creditdesk.replies import placeholders
from creditdesk.replies.choices import ScriptStatus, UsePurpose
from creditdesk.replies.models import ReplyScript, ScriptUse
from creditdesk.replies.services.library import approved_content
from creditdesk.solutions.models import Proposal

MESSAGE_MAX = 500
"""The longest message sent (an SMS of up to about seven parts)."""

GUARD_CHANNEL = {
    UsePurpose.ANSWER: GuardChannel.MESSAGE,
    UsePurpose.MARKETING: GuardChannel.MESSAGE,
    UsePurpose.CARE: GuardChannel.GREETING,
    UsePurpose.COLLECTION: GuardChannel.COLLECTION,
}


def _invalid(code: str, message: str, field: str) -> DomainError:
    return DomainError(code, message, {"field": field})


def _salutation(customer: Customer | None, lead: Lead | None) -> str:
    name = customer.name if customer is not None else (lead.name if lead is not None else "")
    if not name:
        return ""
    if customer is not None and customer.kind != "individual":
        return name
    title = {"male": "先生", "female": "女士"}.get(customer.gender if customer is not None else "", "")
    return f"{name[0]}{title}" if title else name


def placeholder_values(*, actor: User, customer: Customer | None, lead: Lead | None = None) -> dict[str, str]:
    """The values of the placeholders for this conversation: the customer (or the lead), the CM, and the
    first product of the customer's latest proposal (方案书: the figures the customer was given)."""
    values = {
        "客户称呼": _salutation(customer, lead),
        "客户姓名": customer.name if customer is not None else (lead.name if lead is not None else ""),
        "客户经理": actor.get_full_name() or actor.username,
        "网点名称": actor.branch.name if actor.branch_id else "",
    }
    proposal = (
        Proposal.objects.filter(customer=customer).order_by("-created_at", "-id").first()
        if customer is not None
        else None
    )
    options = (proposal.content.get("options") or []) if proposal is not None else []
    if options:
        first = options[0]
        values.update(
            {
                "产品名称": str(first.get("product_name", "")),
                "贷款金额": f"{format_yuan(Decimal(str(first['amount'])))}元" if first.get("amount") else "",
                "贷款期限": f"{first['term_months']}个月" if first.get("term_months") else "",
                "年化利率": format_rate(Decimal(str(first["apr_compound"])))
                if first.get("apr_compound")
                else "",
                "月供": f"{format_yuan(Decimal(str(first['first_payment'])))}元"
                if first.get("first_payment")
                else "",
                "还款方式": str(first.get("method_label", "")),
            }
        )
    return {k: v for k, v in values.items() if v}


def _conversation(actor: User, customer_id: Any, lead_id: Any) -> tuple[Customer | None, Lead | None]:
    """The customer and/or lead the actor may write to (``MESSAGE_SEND`` / ``LEAD_WORK``); 404 outside
    scope."""
    lead = None
    customer = None
    if lead_id not in (None, ""):
        lead = (
            scope.visible(actor, Lead.objects.filter(pk=lead_id)).first() if str(lead_id).isdigit() else None
        )
        if lead is None:
            raise NotFound("not_found", _("线索不存在，或不在您的权限范围内。"))
        policy.require(actor, Action.LEAD_WORK, lead)
        customer = lead.customer
    elif customer_id not in (None, ""):
        customer = (
            scope.visible(actor, Customer.objects.filter(pk=customer_id)).first()
            if str(customer_id).isdigit()
            else None
        )
        if customer is None:
            raise NotFound("not_found", _("客户不存在，或不在您的权限范围内。"))
    else:
        raise _invalid("message_recipient_required", _("请选择客户或线索。"), "customer")
    if customer is not None and lead is None:
        policy.require(actor, Action.MESSAGE_SEND, customer)
    return customer, lead


def message_recipient(
    *, actor: User, customer_id: Any = None, lead_id: Any = None
) -> tuple[Customer | None, Lead | None]:
    """Whom ``actor`` would write to (the composer's header, before anything is sent): the lead (and its
    customer) or the customer, by the rules of ``message_send`` — outside scope ``NotFound``; seen but not
    theirs to write to ``NotAllowed``; neither given ``message_recipient_required``."""
    return _conversation(actor, customer_id, lead_id)


def _script_in_use(script_id: Any) -> tuple[ReplyScript, dict[str, Any]]:
    script = ReplyScript.objects.filter(pk=script_id).first() if str(script_id).isdigit() else None
    content = approved_content(script) if script is not None else None
    if script is None or content is None or script.status == ScriptStatus.RETIRED:
        raise _invalid("script_not_in_use", _("话术不存在或未经合规审核，不能使用。"), "script")
    return script, content


@dataclass(frozen=True)
class Rendered:
    text: str
    missing: list[str]


def script_render(*, actor: User, script_id: Any, customer_id: Any = None, lead_id: Any = None) -> Rendered:
    """The script's approved answer and disclosures with the placeholders filled for this conversation;
    the placeholders without a value are listed (the CM fills them in by hand before sending)."""
    _, content = _script_in_use(script_id)
    customer, lead = (None, None)
    if customer_id not in (None, "") or lead_id not in (None, ""):
        customer, lead = _conversation(actor, customer_id, lead_id)
    text = content["answer"] + ("\n" + content["disclosures"] if content["disclosures"] else "")
    filled, missing = placeholders.fill(text, placeholder_values(actor=actor, customer=customer, lead=lead))
    return Rendered(text=filled, missing=missing)


def _may_market(customer: Customer | None, lead: Lead | None) -> bool:
    """A marketing message: the customer's marketing consent in force; a lead not yet a customer came in
    with the person's consent (its contact basis)."""
    if customer is not None:
        return marketing_allowed(customer)
    return lead is not None and lead.basis == LeadBasis.CONSENT


@dataclass(frozen=True)
class MessageInput:
    text: str
    purpose: str = UsePurpose.ANSWER
    customer: Any = None
    lead: Any = None
    script: Any = None


@dataclass(frozen=True)
class Sent:
    use: ScriptUse | None
    warnings: list[dict[str, Any]]


def message_send(*, actor: User, data: MessageInput) -> Sent:
    """发送消息 to a customer or a lead by SMS (see the module's docstring for the rules)."""
    customer, lead = _conversation(actor, data.customer, data.lead)
    if data.purpose not in UsePurpose.values:
        raise _invalid("message_purpose_unknown", _("消息用途无效。"), "purpose")
    text = (data.text or "").strip()
    if not text:
        raise _invalid("message_text_required", _("请填写消息内容。"), "text")
    if len(text) > MESSAGE_MAX:
        raise _invalid("message_too_long", _("消息不能超过 %(n)s 个字。") % {"n": MESSAGE_MAX}, "text")
    unfilled = placeholders.used(text)
    if unfilled:
        raise _invalid(
            "message_placeholder_unfilled",
            _("请先填写：%(names)s。") % {"names": "、".join("{" + n + "}" for n in unfilled)},
            "text",
        )
    phone = (customer.phone if customer is not None else "") or (lead.phone if lead is not None else "")
    if not phone:
        raise _invalid("message_no_phone", _("没有登记手机号码，无法发送短信。"), "customer")
    if data.purpose == UsePurpose.MARKETING and not _may_market(customer, lead):
        raise _invalid(
            "message_marketing_consent_missing",
            _("营销推介须有客户有效的营销授权（《广告法》第四十三条）。"),
            "purpose",
        )
    script = None
    if data.script not in (None, ""):
        script, _content = _script_in_use(data.script)
    target = f"lead:{lead.pk}" if lead is not None else f"customer:{customer.pk}" if customer else ""
    result = compliance_enforce(actor=actor, text=text, channel=GUARD_CHANNEL[data.purpose], target=target)
    use = _send(
        actor=actor, customer=customer, lead=lead, script=script, text=text, purpose=data.purpose, phone=phone
    )
    return Sent(use=use, warnings=[f.as_dict() for f in result.warnings])


@transaction.atomic(durable=True)
def _send(
    *,
    actor: User,
    customer: Customer | None,
    lead: Lead | None,
    script: ReplyScript | None,
    text: str,
    purpose: str,
    phone: str,
) -> ScriptUse | None:
    now = timezone.now()
    outbox_put(
        recipient=None,
        event=Event.CUSTOMER_MESSAGE,
        title=_("客户消息"),
        body=text,
        channels=(MessageChannel.SMS,),
        dedupe_key=f"message:{uuid.uuid4().hex}",
        address=phone,
    )
    use = None
    if script is not None:
        assert script.approved_version is not None
        use = ScriptUse.objects.create(
            script=script,
            version=script.approved_version,
            actor=actor,
            customer=customer,
            lead=lead,
            purpose=purpose,
            stage_at_use=lead.stage if lead is not None else "",
        )
    if lead is not None and lead.is_open:
        lead_activity_record(
            actor=actor,
            lead_id=lead.pk,
            kind=ActivityKind.MESSAGE,
            outcome=ActivityOutcome.REACHED,
            happened_at=now,
            direction=ActivityDirection.OUTBOUND,
            notes=text,
            now=now,
        )
    audit_record(
        actor=actor,
        action="message.send",
        target=lead if lead is not None else customer,
        after={"purpose": purpose, "script": script.pk if script else None, "chars": len(text)},
    )
    return use
