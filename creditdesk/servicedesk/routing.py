"""Who answers a request (分派) and who is above them (升级): the people of the customer's manager's team and
branch, read from the organisation. Active people only; among several, the first by id (a team has one
team lead, a branch one head) — a specialist is the branch's risk manager with the fewest open requests,
so that personal-information requests are shared."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from creditdesk.accounts.choices import Role
from creditdesk.accounts.models import User
from creditdesk.servicedesk.choices import RequestStatus, Tier


@dataclass(frozen=True)
class Route:
    """The person a request goes to, and a sentence when it is not the one the tier names (nobody holds
    that role: the next one up takes it)."""

    person: User
    note: str = ""


def _active(role: str, **where: object) -> User | None:
    return User.objects.filter(role=role, is_active=True, **where).order_by("pk").first()


def team_lead_of(person: User) -> User | None:
    """The active team lead of ``person``'s team (none for someone without a team)."""
    if person.team_id is None:
        return None
    return _active(Role.TEAM_LEAD, team_id=person.team_id)


def branch_head_of(person: User) -> User | None:
    if person.branch_id is None:
        return None
    return _active(Role.BRANCH_HEAD, branch_id=person.branch_id)


def specialist_of(person: User) -> User | None:
    """The active risk manager of ``person``'s branch with the fewest open requests (then the first by id)."""
    if person.branch_id is None:
        return None
    return (
        User.objects.filter(role=Role.RISK_MANAGER, is_active=True, branch_id=person.branch_id)
        .annotate(load=Count("service_requests", filter=Q(service_requests__status=RequestStatus.OPEN)))
        .order_by("load", "pk")
        .first()
    )


def route(owner: User, tier: str) -> Route:
    """The person who answers a request of ``tier`` about a customer of ``owner``: the owner (客户经理); the
    team lead of the owner's team, else the branch head (团队主管); a risk manager of the owner's branch,
    else the branch head (专员). When nobody holds the role the request still goes to someone — the branch
    head, else the owner — and the note says so."""
    if tier == Tier.CM:
        if owner.is_active:
            return Route(owner)
        lead = team_lead_of(owner) or branch_head_of(owner)
        if lead is not None:
            return Route(lead, _("客户经理已停用：由其上级处理。"))
        return Route(owner)
    if tier == Tier.TEAM_LEAD:
        if owner.role == Role.TEAM_LEAD and owner.is_active:
            return Route(owner)
        lead = team_lead_of(owner)
        if lead is not None:
            return Route(lead)
        head = branch_head_of(owner)
        if head is not None:
            return Route(head, _("团队没有在岗的团队主管：由支行行长处理。"))
        return Route(owner, _("团队没有在岗的团队主管，支行也没有行长：由客户经理处理。"))
    specialist = specialist_of(owner)
    if specialist is not None:
        return Route(specialist)
    head = branch_head_of(owner)
    if head is not None:
        return Route(head, _("支行没有在岗的风险经理：由支行行长处理。"))
    return Route(owner, _("支行没有在岗的风险经理和行长：由客户经理处理。"))


def next_up(person: User) -> User | None:
    """Who a late request goes to from ``person``: a customer manager's team lead (else the branch head);
    a team lead's or a specialist's branch head; nobody above a branch head."""
    if person.role == Role.BRANCH_HEAD:
        return None
    if person.role == Role.MANAGER:
        lead = team_lead_of(person)
        if lead is not None:
            return lead
    head = branch_head_of(person)
    return head if head is not None and head.pk != person.pk else None
