"""我的工作台 — the first page after sign-in: who I am, my day list, the applications waiting for my
decision and the approvals past their SLA that I see (as the approver, or as the CM or lead who waits)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from creditdesk.accounts.selectors import reporting_line
from creditdesk.agenda.selectors import agenda_for
from creditdesk.applications.selectors.application import approval_queue, overdue_steps_visible_to
from creditdesk.core.navigation import navigation_for

WORKBENCH_APPROVALS = 5  # applications waiting for me, and levels past their SLA, shown on the home page
# The areas a person reaches for most, shown as buttons above the day list when their role has them.
SHORTCUT_KEYS = ("customers", "calculator", "products", "applications", "audit")


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    user = request.user
    context = {
        "today": today,
        "agenda": agenda_for(user=user, today=today),
        "reports_to": reporting_line(user),
        "waiting": list(approval_queue(user=user)[:WORKBENCH_APPROVALS]),
        "overdue_approvals": list(overdue_steps_visible_to(user=user)[:WORKBENCH_APPROVALS]),
        "shortcuts": [
            entry
            for group in navigation_for(user, request.path)
            for entry in group["entries"]
            if entry["key"] in SHORTCUT_KEYS
        ],
    }
    return render(request, "workbench/home.html", context)
