"""The customer 360 page's 客户诉求 panel (loaded by htmx): the customer's latest requests with their status
and target (the late ones in red), and the links to register one or see them all."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from creditdesk.accounts import policy
from creditdesk.core.actions import Action
from creditdesk.customers.selectors import customer_get_visible
from creditdesk.servicedesk import selectors
from creditdesk.servicedesk.choices import RequestStatus

PANEL_ROWS = 5


@login_required
@require_GET
def customer_panel(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = customer_get_visible(user=request.user, customer_id=customer_id)
    rows = selectors.requests_visible_to(user=request.user, customer_id=customer.pk)
    items = list(rows[: PANEL_ROWS + 1])
    context = {
        "customer": customer,
        "items": items[:PANEL_ROWS],
        "more": len(items) > PANEL_ROWS,
        "open_count": rows.filter(status=RequestStatus.OPEN).count(),
        "now": timezone.now(),
        "can_record": policy.can(request.user, Action.SERVICE_REQUEST_RECORD, customer),
    }
    return render(request, "servicedesk/_customer_panel.html", context)
