from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.models import Branch, Team, User
from creditdesk.core.admin_audit import AuditedModelAdmin

admin.site.site_header = _("CreditDesk 系统管理")
admin.site.site_title = _("CreditDesk 系统管理")
admin.site.index_title = _("组织、人员与参数")


@admin.register(Branch)
class BranchAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "address", "is_active"]
    search_fields = ["code", "name"]
    list_filter = ["is_active"]


@admin.register(Team)
class TeamAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "branch", "is_active"]
    list_filter = ["branch", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["branch"]


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "manager_level", "team", "branch", "is_active"]
    list_filter = ["role", "branch", "team", "is_active"]
    search_fields = ["username", "full_name", "employee_no"]
    list_select_related = ["team__branch", "branch"]
    ordering = ["username"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("full_name", "employee_no", "email")}),
        (_("岗位"), {"fields": ("role", "manager_level", "approval_authority", "branch", "team")}),
        (_("状态与权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "role",
                    "manager_level",
                    "approval_authority",
                    "branch",
                    "team",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_superuser")  # only a superuser may create another
        return fields
