"""The customer-request app in the generated access matrix (``creditdesk/core/testing/access.py``): its
pages (``access_pages.py``) and its API (``access_api.py``)."""

from __future__ import annotations

from creditdesk.servicedesk import services
from creditdesk.servicedesk.tests.access_api import API_DECLARATIONS
from creditdesk.servicedesk.tests.access_pages import PAGE_DECLARATIONS


def build(w) -> None:
    """A question 张三 (``w.customer``, cm_a's) asked by phone: tiered 客户经理, routed to cm_a."""
    w.service_request = services.request_record(
        actor=w.cm_a, customer_id=w.customer.pk, text="请问我的还款日是哪天？", channel="phone"
    )


DECLARATIONS = [*PAGE_DECLARATIONS, *API_DECLARATIONS]
