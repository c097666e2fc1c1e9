"""The customer-request API in the access matrix (see ``access.py`` and ``grids.py``). A write a state rule
refuses (409) counts as let in."""

from __future__ import annotations

from creditdesk.accounts.tests.grids import EVERYONE, SEES
from creditdesk.core.testing.access import api
from creditdesk.servicedesk.tests.grids import ESCALATE, FRONT_LINE, HANDLE


def _new(w, me) -> dict:
    return {"customer": w.customer.pk, "channel": "phone", "text": "我最近失业了，下个月可能还不上"}


API_DECLARATIONS = [
    api("GET /api/v1/service-requests/", SEES.as_list(), subject="service_request", listed=True),
    # a customer out of scope is not found, whoever asks (an approver or administrator sees none)
    api("POST /api/v1/service-requests/", SEES, subject="customer", body=_new),
    api("GET /api/v1/service-requests/{id}/", SEES, subject="service_request"),
    api(
        "POST /api/v1/service-requests/{id}/respond/",
        HANDLE,
        subject="service_request",
        body={"response": "您好，您的还款日为每月 15 日。"},
    ),
    api(
        "POST /api/v1/service-requests/{id}/close/",
        HANDLE,
        subject="service_request",
        body={"resolution": "已答复"},
    ),
    api("POST /api/v1/service-requests/{id}/escalate/", ESCALATE, subject="service_request", body={}),
    api("POST /api/v1/service-requests/suggest/", FRONT_LINE, body={"text": "请删除我的个人信息"}),
    api("GET /api/v1/tier-rules/", EVERYONE),  # reference data: the tier matrix
]
