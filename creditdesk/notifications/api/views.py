"""Notifications for programs: ``/api/v1/notifications/`` — the person's own, with the same selectors,
filters and services as the pages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from creditdesk.notifications import selectors, services
from creditdesk.notifications.filtersets import NotificationFilterSet
from creditdesk.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    event_display = serializers.CharField(source="get_event_display", read_only=True)
    is_read = serializers.SerializerMethodField(help_text=_("是否已读"))

    class Meta:
        model = Notification
        fields = ["id", "event", "event_display", "title", "body", "link", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_is_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("本次标为已读的通知条数"))
    unread = serializers.IntegerField(help_text=_("此后仍未读的条数"))


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The signed-in person's notifications, unread first; anyone else's are 404."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet

    def get_queryset(self) -> Any:
        return selectors.notification_list_visible_to(user=self.request.user)

    def get_object(self) -> Notification:
        return selectors.notification_get_visible(user=self.request.user, notification_id=self.kwargs["pk"])

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        """Mark the notification read (again: no change, it keeps its first read time)."""
        notification = services.notification_mark_read(actor=request.user, notification_id=pk)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=ReadAllSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        """Mark every unread notification of the person read."""
        marked = services.notification_mark_all_read(actor=request.user)
        return Response({"marked": marked, "unread": selectors.unread_count(user=request.user)})
