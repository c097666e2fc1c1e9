"""The marketing app in the generated access matrix (``creditdesk/core/testing/access.py``): its pages
(``access_pages.py``) and its API (``access_api.py``)."""

from __future__ import annotations

from creditdesk.marketing import services
from creditdesk.marketing.services import LeadInput
from creditdesk.marketing.tests.access_api import API_DECLARATIONS
from creditdesk.marketing.tests.access_pages import PAGE_DECLARATIONS


def build(w) -> None:
    """李四, a prospect who asked cm_a about a loan (cm_a's, team T1); and 王五 in team T1's pool."""
    w.lead = services.lead_create(
        actor=w.cm_a, data=LeadInput(name="李四", phone="13900139017", basis="request", channel="offline")
    ).lead
    w.pool_lead = services.lead_create(
        actor=w.lead1, data=LeadInput(name="王五", phone="13900139019", channel="online"), to_pool=True
    ).lead


DECLARATIONS = [*PAGE_DECLARATIONS, *API_DECLARATIONS]
