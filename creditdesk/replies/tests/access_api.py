"""The 话术库 API in the access matrix (see ``access.py`` for the world's scripts and use)."""

from __future__ import annotations

from creditdesk.accounts.tests.grids import CHANGES, EVERYONE, SEES
from creditdesk.core.testing.access import api
from creditdesk.replies.tests.grids import (
    DRAFT_READ,
    KEEPERS,
    LIBRARY_READ,
    RETIRE,
    REVIEW,
    SUBMITTERS,
    WRITERS,
)

SCRIPT = {
    "category": "faq",
    "question": "可以用微信还款吗",
    "answer": "{客户称呼}，目前还款通过您的还款账户自动扣款，请在还款日前存足金额。",
    "response_tier": "cm",
    "variants": ["微信能还贷款吗"],
}

API_DECLARATIONS = [
    api(  # narrowed to the world's script: the library holds more than a page
        "GET /api/v1/scripts/",
        LIBRARY_READ.as_list(),
        subject="script",
        query={"q": "手机银行还款"},
        listed=True,
    ),
    api("POST /api/v1/scripts/", WRITERS, body=SCRIPT),
    api("GET /api/v1/scripts/search/", EVERYONE, query={"q": "手机上能还贷款吗"}),
    api("GET /api/v1/scripts/{id}/", DRAFT_READ, subject="draft"),
    api("PATCH /api/v1/scripts/{id}/", KEEPERS, subject="script", body={"source": "本行还款操作指引"}),
    api("POST /api/v1/scripts/{id}/submit/", SUBMITTERS, subject="draft"),
    api("POST /api/v1/scripts/{id}/review/", REVIEW, subject="pending", body={"approve": True}),
    api("POST /api/v1/scripts/{id}/retire/", RETIRE, subject="script", body={"note": "流程已变"}),
    api("GET /api/v1/scripts/{id}/render/", LIBRARY_READ, subject="script"),
    api(
        "POST /api/v1/messages/",
        CHANGES,
        subject="lead",
        body=lambda w, me: {"lead": w.lead.pk, "text": "李先生您好，材料清单已发您。"},
    ),
    api("GET /api/v1/script-uses/", SEES.as_list(), subject="use", listed=True),
    api("POST /api/v1/script-uses/{id}/outcome/", CHANGES, subject="use", body={"outcome": "resolved"}),
    api("GET /api/v1/script-results/", EVERYONE),
]
