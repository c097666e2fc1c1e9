"""The scope layer: the one place that answers "which rows of X may this person see / change".

PRODUCT.md, "Users and what each may see":

| role          | sees                                   | changes                   |
|---------------|----------------------------------------|---------------------------|
| manager       | own rows                               | own rows                  |
| team lead     | the team's rows                        | the team's rows           |
| branch head   | the branch's rows                      | nothing (reads, reports)  |
| risk manager  | the branch's rows                      | only where the model says |
| approver      | rows routed to them (``approver``)     | only where the model says |
| admin         | nothing, unless the model is configuration-like (``admin_sees_all``) | same |

A scoped model declares how its rows hang off the organisation with a ``scope_paths`` class attribute
(``ScopePaths``). Every selector calls ``visible()`` / ``changeable()``; views turn "not in scope" into
404 with ``get_visible_or_404()``, so nobody learns that an object outside their scope exists.

This module lives in ``accounts`` rather than ``core`` because it is built on the organisation (roles,
teams, branches), and ``core`` imports nothing from the apps above it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from creditdesk.accounts.roles import Role  # a pure enum: this module still imports no models
from creditdesk.core.actions import Action, require
from creditdesk.core.exceptions import NotAllowed, NotFound

M = TypeVar("M", bound=models.Model)

# The roles that change the rows they see, unless a model says otherwise (``ScopePaths.change_roles``):
# the customer manager (own rows) and the team lead (the team's).
CHANGE_ROLES: frozenset[str] = frozenset({Role.MANAGER, Role.TEAM_LEAD})

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class ScopePaths:
    """How a model's rows relate to the organisation, as ORM lookup paths.

    ``owner``: the customer manager who owns the row (``"pk"`` for the User model itself);
    ``team`` / ``branch``: the row's team and branch; ``approver``: the person the row is routed to.
    ``change_roles``: roles that may change rows they can see. ``admin_sees_all``: configuration-like
    data administrators manage (never customer data).
    """

    owner: str | None
    team: str | None
    branch: str | None
    approver: str | None = None
    change_roles: frozenset[str] = field(default_factory=lambda: CHANGE_ROLES)
    admin_sees_all: bool = False


def _paths(model: type[models.Model]) -> ScopePaths:
    paths = getattr(model, "scope_paths", None)
    if not isinstance(paths, ScopePaths):
        raise TypeError(f"{model.__name__} has no scope_paths: it cannot be shown to people")
    return paths


def _eq(path: str | None, value: Any) -> Q:
    if path is None or value is None:
        return NOTHING
    return Q(**{path: value})


def visible_q(user: Any, paths: ScopePaths) -> Q:
    """The filter for the rows ``user`` may see, following the table in the module docstring."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    role = getattr(user, "role", None)
    if role == Role.MANAGER:
        return _eq(paths.owner, user.pk)
    if role == Role.TEAM_LEAD:
        return _eq(paths.team, user.team_id) | _eq(paths.owner, user.pk)
    if role in (Role.BRANCH_HEAD, Role.RISK_MANAGER):
        return _eq(paths.branch, user.branch_id) | _eq(paths.owner, user.pk)
    if role == Role.APPROVER:
        return _eq(paths.approver, user.pk) | _eq(paths.owner, user.pk)
    if role == Role.ADMIN:
        return Q() if paths.admin_sees_all else _eq(paths.owner, user.pk)
    return NOTHING


def team_shared_q(user: Any, *, team: str, branch: str) -> Q:
    """The filter for rows a team keeps in common rather than per owner (e.g. competitor quotes, which
    every member may use): a customer manager or team lead sees their team's, a branch head or risk
    manager their branch's, nobody else any. ``team`` / ``branch``: the rows' ORM lookup paths."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    role = getattr(user, "role", None)
    if role in (Role.MANAGER, Role.TEAM_LEAD):
        return _eq(team, user.team_id)
    if role in (Role.BRANCH_HEAD, Role.RISK_MANAGER):
        return _eq(branch, user.branch_id)
    return NOTHING


def led_group_q(user: Any, *, team: str, branch: str) -> Q:
    """The filter for the rows of the group ``user`` leads — a team lead's team, a branch head's branch —
    for what a leader does across owners (e.g. a customer handover); nothing for anyone else."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    role = getattr(user, "role", None)
    if role == Role.TEAM_LEAD:
        return _eq(team, user.team_id)
    if role == Role.BRANCH_HEAD:
        return _eq(branch, user.branch_id)
    return NOTHING


def visible_by_owner(user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    """The same rows as ``visible()``, written as ``owner IN (the people in scope)`` where the scope is a
    set of owners — a team's or a branch's customers are their members' customers.

    Same answer, different plan: with the owners listed, a database can read an ``(owner, column)``
    index once per owner and keep its order, instead of joining every matching row of the table to
    its owner to test the team or branch (at a million customers the difference between a few
    milliseconds and half a second for a branch head's search). Falls back to ``visible()`` for a
    model whose team or branch is not its owner's, and for roles whose scope is not a set of owners.
    """
    from django.contrib.auth import get_user_model

    paths = _paths(queryset.model)
    role = getattr(user, "role", None)
    by_owner = paths.owner is not None and (paths.team, paths.branch) == (
        f"{paths.owner}__team",
        f"{paths.owner}__branch",
    )
    if not by_owner or role not in (Role.TEAM_LEAD, Role.BRANCH_HEAD, Role.RISK_MANAGER):
        return visible(user, queryset)
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return queryset.none()
    group = Q(team_id=user.team_id) if role == Role.TEAM_LEAD else Q(branch_id=user.branch_id)
    group_id = user.team_id if role == Role.TEAM_LEAD else user.branch_id
    members = get_user_model().objects.filter(group).values_list("pk", flat=True) if group_id else []
    owners = sorted({user.pk, *members})
    return queryset.filter(**{f"{paths.owner}__in": owners})


def visible(user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    """``queryset`` narrowed to the rows ``user`` may see.

    Scope paths follow to-one relations only (owner, team, branch), so the filter never duplicates rows
    and needs no DISTINCT — which also keeps ``select_for_update()`` possible on PostgreSQL.
    """
    return queryset.filter(visible_q(user, _paths(queryset.model)))


def changeable(user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    """``queryset`` narrowed to the rows ``user`` may change: visible, and the role may change."""
    paths = _paths(queryset.model)
    role = getattr(user, "role", None)
    allowed = role in paths.change_roles or (role == Role.ADMIN and paths.admin_sees_all)
    if not allowed:
        return queryset.none()
    return visible(user, queryset)


def get_visible_or_404(user: Any, queryset: QuerySet[M], **lookup: Any) -> M:
    """The one row matching ``lookup`` that ``user`` may see, or 404 (also when it exists elsewhere)."""
    try:
        return visible(user, queryset).get(**lookup)
    except (ObjectDoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404("not found") from exc


def get_for_change(
    user: Any,
    queryset: QuerySet[M],
    pk: Any,
    *,
    missing: str,
    action: Action | None = None,
    code: str = "read_only",
    message: str = "",
) -> M:
    """The row ``pk`` of ``queryset``, locked (``select_for_update``) for the caller's transaction, for a
    service about to change it (or attach something to it) — the one "take it to change it" of every app.

    Not in ``user``'s scope (or no such row): ``NotFound`` with ``missing`` (nobody learns that it
    exists, the 404 of the pages). In scope: with ``action``, the policy's refusal for it
    (``core.actions.require``, with the row); without, ``NotAllowed(code, message)`` unless the row is
    ``changeable()`` by ``user`` (the 403). Callers pass a plain queryset: a join would lock more rows."""
    try:
        row = visible(user, queryset.filter(pk=pk)).select_for_update().first()
    except (ValidationError, ValueError, TypeError):  # a malformed id names no row
        row = None
    if row is None:
        raise NotFound("not_found", missing)
    if action is not None:
        require(user, action, row)
    elif not can_change(user, row):
        raise NotAllowed(code, message)
    return row


def can_see(user: Any, obj: models.Model) -> bool:
    """Whether ``obj`` is in ``user``'s scope."""
    return visible(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def can_change(user: Any, obj: models.Model) -> bool:
    """Whether ``user`` may change ``obj`` (a row they can already see)."""
    return changeable(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()
