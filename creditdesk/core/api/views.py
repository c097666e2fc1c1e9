"""The audit trail for programs: same filters and same visibility as the page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, serializers, viewsets

from creditdesk.core.filtersets import AuditEventFilterSet
from creditdesk.core.models import AuditEvent
from creditdesk.core.selectors import AUDIT_READER_ROLES, audit_events_visible_to


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "actor_username",
            "action",
            "target_type",
            "target_id",
            "target_repr",
            "before",
            "after",
            "request_id",
            "ip",
        ]


class IsAuditReader(permissions.BasePermission):
    message = _("只有系统管理员和风险经理可以查阅审计日志。")

    def has_permission(self, request: Any, view: Any) -> bool:
        return getattr(request.user, "role", None) in AUDIT_READER_ROLES


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    permission_classes = [permissions.IsAuthenticated, IsAuditReader]

    def get_queryset(self) -> Any:
        return audit_events_visible_to(user=self.request.user)
