"""审计日志 — the searchable audit trail for administrators and risk managers."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django_filters.views import FilterView

from creditdesk.core.actions import Action, require
from creditdesk.core.filtersets import AuditEventFilterSet
from creditdesk.core.selectors import audit_events_visible_to
from creditdesk.core.views.errors import refusals_as_http


class AuditEventListView(LoginRequiredMixin, FilterView):
    filterset_class = AuditEventFilterSet
    template_name = "core/audit_list.html"
    context_object_name = "events"
    paginate_by = 50

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            with refusals_as_http():
                require(request.user, Action.AUDIT_READ)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return audit_events_visible_to(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        return context
