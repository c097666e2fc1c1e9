"""The 话术库 pages in the access matrix (see ``access.py``): ``w.script`` is cm_a's script in use,
``w.draft`` his draft, ``w.pending`` his script awaiting review; ``w.use`` his use of ``w.script`` for his
lead 李四 (``w.lead``); 张三 (``w.customer``) is his customer."""

from __future__ import annotations

from creditdesk.accounts.tests.grids import CHANGES, EVERYONE, SEES
from creditdesk.core.testing.access import page
from creditdesk.replies.tests.grids import (
    DRAFT_READ,
    KEEPERS,
    RETIRE,
    REVIEW,
    REVIEWERS,
    SUBMITTERS,
    WRITERS,
)


def _id_of(name: str):
    return {"script_id": lambda w, me: getattr(w, name).pk}


SCRIPT_ID = _id_of("script")
SCRIPT = {
    "category": "faq",
    "response_tier": "cm",
    "question": "可以用微信还款吗",
    "variants": "微信能还贷款吗",
    "answer": "{客户称呼}，目前还款通过您的还款账户自动扣款，请在还款日前存足金额。",
    "disclosures": "",
    "source": "",
    "then": "save",
}


def _lead(w, me) -> dict:
    return {"lead": w.lead.pk}


PAGE_DECLARATIONS = [
    # the library: search (posted: a pasted chat is longer than a URL may be) and browse — everyone
    page("replies:home", EVERYONE),
    page("replies:home", EVERYONE, method="POST", data={"q": "手机上能还贷款吗"}),
    page("replies:results", EVERYONE),  # each over their own scope of uses
    page("replies:detail", DRAFT_READ, subject="draft", params=_id_of("draft")),
    page("replies:script_create", WRITERS),
    page("replies:script_create", WRITERS, method="POST", data=SCRIPT),
    page("replies:script_edit", KEEPERS, subject="script", params=SCRIPT_ID),
    page(
        "replies:script_edit", KEEPERS, method="POST", subject="script", params=_id_of("script"), data=SCRIPT
    ),
    page("replies:script_submit", SUBMITTERS, method="POST", subject="draft", params=_id_of("draft")),
    page(
        "replies:script_review",
        REVIEW,
        method="POST",
        subject="pending",
        params=_id_of("pending"),
        data={"decision": "approve"},
    ),
    page("replies:script_retire", RETIRE, method="POST", subject="script", params=SCRIPT_ID),
    page("replies:review_queue", REVIEWERS),
    # writing to a lead: whoever works the lead (LEAD_WORK); a branch head or risk manager reads it (403)
    page("replies:compose", CHANGES, subject="lead", query=_lead),
    page(
        "replies:compose",
        CHANGES,
        method="POST",
        subject="lead",
        data=lambda w, me: {"lead": w.lead.pk, "purpose": "answer", "text": "李先生您好，材料清单已发您。"},
    ),
    page(
        "replies:compose_search",
        CHANGES,
        method="POST",
        subject="lead",
        data=lambda w, me: {"lead": w.lead.pk, "q": "手机上能还贷款吗"},
    ),
    # what the scripts produced: the uses in one's scope; the outcome by who used it or their team lead
    page("replies:uses", SEES.as_list(), subject="use", listed=lambda w: f'data-use="{w.use.pk}"'),
    page("replies:use_outcome", CHANGES, method="POST", subject="use", data={"outcome": "resolved"}),
    page("replies:customer_panel", SEES, subject="customer"),  # the 360 page's 消息与话术 panel
]
