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

M = TypeVar("M", bound=models.Model)

# Role values, repeated here as plain strings so that this module does not import models.
MANAGER = "manager"
TEAM_LEAD = "team_lead"
APPROVER = "approver"
RISK_MANAGER = "risk_manager"
BRANCH_HEAD = "branch_head"
ADMIN = "admin"

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
    change_roles: frozenset[str] = field(default_factory=lambda: frozenset({MANAGER, TEAM_LEAD}))
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
    if role == MANAGER:
        return _eq(paths.owner, user.pk)
    if role == TEAM_LEAD:
        return _eq(paths.team, user.team_id) | _eq(paths.owner, user.pk)
    if role in (BRANCH_HEAD, RISK_MANAGER):
        return _eq(paths.branch, user.branch_id) | _eq(paths.owner, user.pk)
    if role == APPROVER:
        return _eq(paths.approver, user.pk) | _eq(paths.owner, user.pk)
    if role == ADMIN:
        return Q() if paths.admin_sees_all else _eq(paths.owner, user.pk)
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
    if not by_owner or role not in (TEAM_LEAD, BRANCH_HEAD, RISK_MANAGER):
        return visible(user, queryset)
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return queryset.none()
    group = Q(team_id=user.team_id) if role == TEAM_LEAD else Q(branch_id=user.branch_id)
    group_id = user.team_id if role == TEAM_LEAD else user.branch_id
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
    allowed = role in paths.change_roles or (role == ADMIN and paths.admin_sees_all)
    if not allowed:
        return queryset.none()
    return visible(user, queryset)


def get_visible_or_404(user: Any, queryset: QuerySet[M], **lookup: Any) -> M:
    """The one row matching ``lookup`` that ``user`` may see, or 404 (also when it exists elsewhere)."""
    try:
        return visible(user, queryset).get(**lookup)
    except (ObjectDoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404("not found") from exc


def can_change(user: Any, obj: models.Model) -> bool:
    """Whether ``user`` may change ``obj`` (a row they can already see)."""
    return changeable(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()
