"""Reads about people and the organisation, always through the scope layer."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from creditdesk.accounts import scope
from creditdesk.accounts.choices import Role
from creditdesk.accounts.models import User


def staff_visible_to(*, user: User, role: str | None = None, search: str | None = None) -> QuerySet[User]:
    """The colleagues ``user`` may see (themself, their team, their branch — see ``scope``)."""
    qs = scope.visible(user, User.objects.filter(is_active=True).select_related("team", "branch"))
    if role:
        qs = qs.filter(role=role)
    if search:
        qs = qs.filter(Q(full_name__icontains=search) | Q(username__icontains=search))
    return qs.order_by("branch__code", "team__code", "role", "username")


def reporting_line(user: User) -> list[User]:
    """Whom ``user`` reports to, nearest first: a CM → team lead(s) → branch head(s)."""
    line: list[User] = []
    active = User.objects.filter(is_active=True).order_by("username")
    if user.role == Role.MANAGER and user.team_id:
        line.extend(active.filter(role=Role.TEAM_LEAD, team_id=user.team_id))
    if user.role != Role.BRANCH_HEAD and user.branch_id:
        line.extend(active.filter(role=Role.BRANCH_HEAD, branch_id=user.branch_id))
    return line
