"""The 话术库 in the generated access matrix (``creditdesk/core/testing/access.py``): its pages
(``access_pages.py``) and its API (``access_api.py``)."""

from __future__ import annotations

from creditdesk.replies import services
from creditdesk.replies.services import MessageInput, ScriptInput
from creditdesk.replies.tests.access_api import API_DECLARATIONS
from creditdesk.replies.tests.access_pages import PAGE_DECLARATIONS


def build(w) -> None:
    """cm_a's scripts: ``w.script`` in use (approved by risk1), ``w.draft`` not submitted, ``w.pending``
    awaiting review; ``w.use``: ``w.script`` sent to his lead 李四 (``w.lead``, marketing's)."""
    w.script = services.script_save(
        actor=w.cm_a,
        data=ScriptInput(
            category="faq",
            question="能不能用手机银行还款",
            variants="手机上能还贷款吗",
            answer="{客户称呼}，可以在手机银行的“贷款”页面主动还款，也可以在还款日前存足金额自动扣款。",
            response_tier="cm",
        ),
    )
    services.script_submit(actor=w.cm_a, script_id=w.script.pk)
    services.script_review(actor=w.risk1, script_id=w.script.pk, approve=True)
    w.script.refresh_from_db()
    w.draft = services.script_save(
        actor=w.cm_a,
        data=ScriptInput(
            category="faq",
            question="提前还款要提前多久申请",
            answer="{客户称呼}，提前还款请至少提前 3 个工作日告诉我，我帮您预约。",
            response_tier="cm",
        ),
    )
    w.pending = services.script_save(
        actor=w.cm_a,
        data=ScriptInput(
            category="faq",
            question="贷款到账后能转给别人吗",
            answer="{客户称呼}，贷款资金须按合同约定的用途使用，大额支付由银行受托支付给您的交易对手。",
            response_tier="cm",
        ),
    )
    services.script_submit(actor=w.cm_a, script_id=w.pending.pk)
    w.pending.refresh_from_db()
    sent = services.message_send(
        actor=w.cm_a,
        data=MessageInput(
            text="李先生您好，可以在手机银行的“贷款”页面主动还款，也可以在还款日前存足金额自动扣款。",
            lead=w.lead.pk,
            script=w.script.pk,
        ),
    )
    w.use = sent.use


DECLARATIONS = [*PAGE_DECLARATIONS, *API_DECLARATIONS]
