"""拦截记录 — what the guard stopped, and the warnings senders saw and sent anyway: reviewed by team leads
(their team's senders), branch heads and risk managers (their branch's); anyone else 403. The text is shown
as the masked excerpt the log keeps."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from creditdesk.compliance import selectors
from creditdesk.compliance.filtersets import ComplianceCheckFilterSet
from creditdesk.compliance.views.common import nav, query_string
from creditdesk.core.paging import paginate
from creditdesk.core.views.errors import refusals_as_http


@login_required
@require_GET
def check_list(request: HttpRequest) -> HttpResponse:
    """拦截记录 newest first, filtered by result, channel, origin, rule and period; 50 a page."""
    with refusals_as_http():
        checks = selectors.checks_visible_to(user=request.user)
    filterset = ComplianceCheckFilterSet(request.GET or None, queryset=checks)
    rows = filterset.qs if not filterset.is_bound or filterset.is_valid() else checks.none()
    page = paginate(request, rows)
    names = selectors.rule_names()
    items = [
        {
            "check": check,
            "rules": [names.get(code, code) for code in check.rules.split(",") if code],
            "findings": check.findings if isinstance(check.findings, list) else [],
        }
        for check in page.object_list
    ]
    context = {
        "filter": filterset,
        "page": page,
        "items": items,
        "query_string": query_string(request),
        **nav(request.user),
    }
    return render(request, "compliance/check_list.html", context)
