"""The organisation: branches, teams and the people in them."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.choices import BRANCH_ROLES, ROLE_CHOICES, TEAM_ROLES, ManagerLevel, Role
from creditdesk.accounts.scope import ScopePaths
from creditdesk.core.fields import AmountField


class StaffManager(UserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra_fields: object
    ) -> User:
        """`creditdesk createsuperuser` makes a system administrator (role admin, outside branches)."""
        extra_fields.setdefault("role", Role.ADMIN)
        extra_fields.setdefault("manager_level", "")
        extra_fields.setdefault("full_name", username)
        return super().create_superuser(username, email, password, **extra_fields)


class Branch(models.Model):
    """支行 — a branch of the bank; branch heads and risk managers see everything in theirs."""

    code = models.CharField(_("支行代码"), max_length=20, unique=True)
    name = models.CharField(_("支行名称"), max_length=100, unique=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("支行")
        verbose_name_plural = _("支行列表")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """团队 — a team of customer managers inside one branch, led by a team lead."""

    branch = models.ForeignKey(
        Branch, verbose_name=_("所属支行"), on_delete=models.PROTECT, related_name="teams"
    )
    code = models.CharField(_("团队代码"), max_length=20, unique=True)
    name = models.CharField(_("团队名称"), max_length=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("团队")
        verbose_name_plural = _("团队列表")
        ordering = ["branch__code", "code"]
        constraints = [models.UniqueConstraint(fields=["branch", "name"], name="team_name_unique_in_branch")]

    def __str__(self) -> str:
        return f"{self.branch.name} · {self.name}"


class User(AbstractUser):
    """员工 — a person who signs in: a customer manager, team lead, approver, risk manager, branch
    head or administrator.

    Customer managers and team leads belong to a team (and so to its branch); approvers, risk managers
    and branch heads to a branch; administrators to neither. An approver has an amount authority (审批
    权限): the largest loan they may approve alone.
    """

    full_name = models.CharField(_("姓名"), max_length=50)
    employee_no = models.CharField(_("工号"), max_length=20, unique=True, null=True, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=ROLE_CHOICES, default=Role.MANAGER.value)
    manager_level = models.CharField(
        _("客户经理等级"), max_length=20, choices=ManagerLevel.choices, blank=True
    )
    approval_authority = AmountField(_("审批权限（元）"), null=True, blank=True)
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("所属支行"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("所属团队"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )

    objects = StaffManager()

    # The staff directory is scoped like everything else: a CM sees themself, a lead the team, a
    # branch head or risk manager the branch; administrators manage everyone.
    scope_paths: ClassVar[ScopePaths] = ScopePaths(
        owner="pk", team="team", branch="branch", admin_sees_all=True
    )
    audit_sensitive_fields: ClassVar[tuple[str, ...]] = ("password",)

    class Meta:
        verbose_name = _("员工")
        verbose_name_plural = _("员工列表")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approval_authority__isnull=True) | models.Q(approval_authority__gt=0),
                name="user_approval_authority_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name or self.username}（{self.get_role_display()}）"

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        """A person's role decides where they sit in the organisation (see the class docstring)."""
        super().clean()
        errors: dict[str, str] = {}
        if self.role in TEAM_ROLES:
            if not self.team_id:
                errors["team"] = _("客户经理和团队主管必须属于一个团队")
            elif self.branch_id and self.team.branch_id != self.branch_id:
                errors["team"] = _("团队不属于所选支行")
        elif self.team_id:
            errors["team"] = _("该角色不属于团队，请清空团队")
        if self.role in BRANCH_ROLES and not self.branch_id:
            errors["branch"] = _("该角色必须属于一个支行")
        if self.role == Role.ADMIN and (self.branch_id or self.team_id):
            errors["branch"] = _("系统管理员不属于任何支行或团队")
        if self.role == Role.MANAGER and not self.manager_level:
            errors["manager_level"] = _("请选择客户经理等级")
        if self.role != Role.MANAGER and self.manager_level:
            errors["manager_level"] = _("只有客户经理有等级")
        if self.role == Role.APPROVER and not self.approval_authority:
            errors["approval_authority"] = _("审批人必须设置审批权限金额")
        if self.role != Role.APPROVER and self.approval_authority:
            errors["approval_authority"] = _("只有审批人有审批权限金额")
        if errors:
            raise ValidationError(errors)

    def save(self, *args: object, **kwargs: object) -> None:
        # A team member's branch is always the team's branch; keeping it stored makes branch scoping a
        # single join for every role.
        if self.team_id and self.role in TEAM_ROLES:
            self.branch_id = self.team.branch_id
        super().save(*args, **kwargs)  # type: ignore[arg-type]
