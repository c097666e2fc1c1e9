from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from creditdesk.accounts.models import Branch, Team, User


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("用户名"), max_length=150)
    password = serializers.CharField(label=_("密码"), max_length=128, style={"input_type": "password"})


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class BranchSerializer(serializers.ModelSerializer):
    class Meta:
        model = Branch
        fields = ["id", "code", "name"]


class TeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "code", "name"]


class MeSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    manager_level_display = serializers.CharField(source="get_manager_level_display", read_only=True)
    team = TeamSerializer(read_only=True, allow_null=True, help_text="不属于团队时为 null")
    branch = BranchSerializer(read_only=True, allow_null=True, help_text="不属于支行时为 null")
    approval_authority = serializers.DecimalField(
        max_digits=17,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="元；只有审批人有，其他人为 null",
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "employee_no",
            "role",
            "role_display",
            "manager_level",
            "manager_level_display",
            "approval_authority",
            "team",
            "branch",
        ]
