"""Shell pages that belong to no business area."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from creditdesk.core.navigation import allowed, entry_for


@login_required
@require_GET
def coming_soon(request: HttpRequest, key: str) -> HttpResponse:
    """即将推出 — a plain page for an area of PRODUCT.md that is not built yet."""
    entry = entry_for(key)
    if entry is None or entry.url_name is not None or not allowed(entry, request.user):
        raise Http404
    return render(request, "core/coming_soon.html", {"entry": entry})


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database reachability for load balancers; reveals nothing else."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
