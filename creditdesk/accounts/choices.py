"""Roles and levels of the people who use CreditDesk (PRODUCT.md, "Users and what each may see")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MANAGER = "manager", _("客户经理")
    TEAM_LEAD = "team_lead", _("团队主管")
    APPROVER = "approver", _("审批人")
    RISK_MANAGER = "risk_manager", _("风险经理")
    BRANCH_HEAD = "branch_head", _("支行行长")
    ADMIN = "admin", _("系统管理员")


class ManagerLevel(models.TextChoices):
    JUNIOR = "junior", _("初级")
    INTERMEDIATE = "intermediate", _("中级")
    SENIOR = "senior", _("高级")


# Roles that belong to a team; every other role except admin belongs to a branch only.
TEAM_ROLES = frozenset({Role.MANAGER, Role.TEAM_LEAD})
BRANCH_ROLES = frozenset({Role.APPROVER, Role.RISK_MANAGER, Role.BRANCH_HEAD})
