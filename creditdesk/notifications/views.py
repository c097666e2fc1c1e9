"""通知 pages: the list of a person's notifications, and the 已读 / 查看 / 全部已读 buttons (HTMX-aware)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from creditdesk.core.htmx import is_htmx
from creditdesk.core.paging import paginate
from creditdesk.core.views.errors import refusals_as_http
from creditdesk.notifications import selectors, services
from creditdesk.notifications.filtersets import NotificationFilterSet
from creditdesk.notifications.forms import NotificationReadForm


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """The person's own notifications, unread first; filter by read/unread and event."""
    filterset = NotificationFilterSet(
        request.GET or None, queryset=selectors.notification_list_visible_to(user=request.user)
    )
    notifications = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": paginate(request, notifications),
        "query_string": query.urlencode(),
        "unread": selectors.unread_count(user=request.user),
    }
    return render(request, "notifications/notification_list.html", context)


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """已读 (and 查看: ``follow`` — marked read, then on to the page it is about). Someone else's
    notification: 404. From htmx: the row again, read, and the badge's new count; or, following, the
    page to open (``HX-Redirect``)."""
    form = NotificationReadForm(request.POST)
    form.is_valid()  # both fields optional: what is not valid is left out of cleaned_data
    data = form.cleaned_data
    with refusals_as_http():
        notification = services.notification_mark_read(actor=request.user, notification_id=notification_id)
    target = notification.link if data.get("follow") and _safe(request, notification.link) else ""
    if is_htmx(request):
        if target:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return render(request, "notifications/_notification_read.html", {"notification": notification})
    if target:
        return redirect(target)
    return _back(request, data.get("next", ""))


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    """全部已读: every unread notification of the person."""
    marked = services.notification_mark_all_read(actor=request.user)
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": marked})
    return _back(request, request.POST.get("next", ""))


def _safe(request: HttpRequest, target: str) -> bool:
    return bool(target) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _back(request: HttpRequest, target: str) -> HttpResponse:
    """Back to the page the button was on (``next``, same site only), else the notification list."""
    if _safe(request, target):
        return redirect(target)
    return redirect("notifications:list")
