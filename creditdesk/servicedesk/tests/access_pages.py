"""The customer-request pages in the access matrix (see ``access.py`` and ``grids.py``). A POST the view
takes but a rule refuses (a form error: 400) counts as let in."""

from __future__ import annotations

from creditdesk.accounts.tests.grids import SEES
from creditdesk.core.testing.access import FORBIDDEN, page
from creditdesk.servicedesk.tests.grids import ESCALATE, FRONT_LINE, HANDLE


def _link(w) -> str:
    return f"/servicedesk/{w.service_request.pk}/"


ID = {"request_id": lambda w, me: w.service_request.pk}


def _new(w, me) -> dict:
    return {"customer": w.customer.pk, "channel": "wechat", "text": "提前还款要手续费吗？"}


PAGE_DECLARATIONS = [
    page(
        "servicedesk:list",
        SEES.as_list().but(
            approver=FORBIDDEN,
            admin=FORBIDDEN,
            why="the list is the front line's (CUSTOMER_AREAS_OPEN): an approver or administrator 403",
        ),
        subject="service_request",
        listed=_link,
    ),
    page("servicedesk:create", FRONT_LINE),
    page("servicedesk:create", FRONT_LINE, method="POST", data=_new),
    page("servicedesk:suggest", FRONT_LINE, method="POST", data={"text": "我要投诉"}),
    page("servicedesk:detail", SEES, subject="service_request", params=ID),
    page(
        "servicedesk:respond",
        HANDLE,
        method="POST",
        subject="service_request",
        params=ID,
        data={"response": "您好，您的还款日为每月 15 日。"},
    ),
    page(
        "servicedesk:close",
        HANDLE,
        method="POST",
        subject="service_request",
        params=ID,
        data={"resolution": "已答复"},
    ),
    page(
        "servicedesk:escalate",
        ESCALATE,
        method="POST",
        subject="service_request",
        params=ID,
        data={"note": ""},
    ),
    page("servicedesk:customer_panel", SEES, subject="customer"),  # the 360 page's 客户诉求 panel
]
