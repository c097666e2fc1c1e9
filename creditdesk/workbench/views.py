"""我的工作台 — the first page after sign-in: who I am, my day list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from creditdesk.accounts.selectors import reporting_line
from creditdesk.agenda.selectors import agenda_for
from creditdesk.core.navigation import navigation_for

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
        "shortcuts": [
            entry
            for group in navigation_for(user, request.path)
            for entry in group["entries"]
            if entry["key"] in SHORTCUT_KEYS
        ],
    }
    return render(request, "workbench/home.html", context)
