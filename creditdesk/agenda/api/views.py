"""Tasks for programs: `/api/v1/tasks/` — the same selectors, filters and services as the pages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.agenda import selectors, services
from creditdesk.agenda.choices import TaskKind, TaskStatus
from creditdesk.agenda.filtersets import TaskFilterSet
from creditdesk.agenda.models import Task
from creditdesk.core.api.ids import IdField
from creditdesk.core.api.schema import may_conflict


class TaskCustomerSerializer(serializers.Serializer):
    """The customer a task is about: its id and name."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class TaskSerializer(serializers.ModelSerializer):
    customer = TaskCustomerSerializer(
        read_only=True, allow_null=True, help_text=_("待办涉及的客户；不涉及具体客户时为 null。")
    )
    owner_username = serializers.CharField(source="owner.username", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "title",
            "kind",
            "kind_display",
            "due_date",
            "notes",
            "status",
            "status_display",
            "owner",
            "owner_username",
            "customer",
            "created_at",
            "completed_at",
        ]
        read_only_fields = ["status", "owner", "created_at", "completed_at"]


class TaskCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=TaskKind.choices, default=TaskKind.FOLLOW_UP)
    due_date = serializers.DateField()
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        pk_field=IdField(),
        required=False,
        help_text=_("默认为自己；团队主管可指定本团队成员。"),
    )
    customer = IdField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "待办涉及的客户编号（可不填）。须在您的权限范围内（否则 400 task_customer_not_found），"
            "且负责人也能看到该客户（否则 400 task_customer_not_visible_to_owner）。"
        ),
    )


class TaskStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=TaskStatus.choices)


class TaskReassignSerializer(serializers.Serializer):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), pk_field=IdField()
    )


class TaskCustomerChangeSerializer(serializers.Serializer):
    customer = IdField(
        allow_null=True,
        help_text=_(
            "待办涉及的客户编号；null 表示不再关联客户。"
            "规则同新建：须在您的权限范围内，且负责人也能看到该客户。"
        ),
    )


class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = TaskSerializer
    filterset_class = TaskFilterSet

    def get_queryset(self) -> Any:
        return selectors.task_list_visible_to(user=self.request.user).order_by("due_date", "id")

    @extend_schema(request=TaskCreateSerializer, responses={201: TaskSerializer})
    def create(self, request: Request) -> Response:
        data = TaskCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        task = services.task_create(
            actor=request.user,
            owner=values.get("owner") or request.user,
            title=values["title"],
            kind=values["kind"],
            due_date=values["due_date"],
            notes=values.get("notes", ""),
            customer_id=values.get("customer"),
        )
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TaskStatusSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    @may_conflict
    def status(self, request: Request, pk: str) -> Response:
        """Change the status: open → done/cancelled, done/cancelled → open."""
        task = self.get_object()
        data = TaskStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.task_set_status(
            actor=request.user, task_id=task.pk, status=data.validated_data["status"]
        )
        return Response(TaskSerializer(task).data)

    @extend_schema(request=TaskReassignSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request: Request, pk: str) -> Response:
        """Give the task to another member of the team (team lead only)."""
        task = self.get_object()
        data = TaskReassignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.task_reassign(actor=request.user, task_id=task.pk, owner=data.validated_data["owner"])
        return Response(TaskSerializer(task).data)

    @extend_schema(request=TaskCustomerChangeSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def customer(self, request: Request, pk: str) -> Response:
        """Link the task to a customer, to another one, or to none (the task's owner or team lead)."""
        task = self.get_object()
        data = TaskCustomerChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.task_set_customer(
            actor=request.user, task_id=task.pk, customer_id=data.validated_data["customer"]
        )
        return Response(TaskSerializer(task).data)

    def get_object(self) -> Task:
        return scope.get_visible_or_404(self.request.user, self.get_queryset(), pk=self.kwargs["pk"])
