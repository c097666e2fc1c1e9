"""The compliance app in the generated access matrix (``creditdesk/core/testing/access.py``): its pages
(``access_pages.py``) and its API (``access_api.py``)."""

from __future__ import annotations

import contextlib

from creditdesk.compliance import services
from creditdesk.compliance.models import ComplianceCheck, ComplianceRule
from creditdesk.compliance.tests.access_api import API_DECLARATIONS
from creditdesk.compliance.tests.access_pages import PAGE_DECLARATIONS


def build(w) -> None:
    """The seeded rule 承诺审批结果 (``w.compliance_rule``) and a text of cm_a's (team T1, branch B1) the
    guard stopped (``w.compliance_check``: a promise in financial-education content)."""
    w.compliance_rule = ComplianceRule.objects.get(code="promise_approval")
    with contextlib.suppress(services.ComplianceBlocked):
        services.compliance_enforce(actor=w.cm_a, text="本周申请，包过！", channel="education")
    w.compliance_check = ComplianceCheck.objects.filter(actor=w.cm_a).latest("id")


DECLARATIONS = [*PAGE_DECLARATIONS, *API_DECLARATIONS]
