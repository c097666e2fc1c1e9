"""The audit trail for programs: same filters and same visibility as the page."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions, serializers, viewsets

from creditdesk.core.actions import Action, require
from creditdesk.core.filtersets import AuditEventFilterSet
from creditdesk.core.models import AuditEvent
from creditdesk.core.selectors import audit_events_visible_to


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
    """The policy's ``Action.AUDIT_READ``; a refusal answers 403 with the policy's code and sentence."""

    def has_permission(self, request: Any, view: Any) -> bool:
        require(request.user, Action.AUDIT_READ)
        return True


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    permission_classes = [permissions.IsAuthenticated, IsAuditReader]

    def get_queryset(self) -> Any:
        return audit_events_visible_to(user=self.request.user)
