"""factory_boy factories for the organisation."""

from __future__ import annotations

from decimal import Decimal

import factory

from creditdesk.accounts.choices import ManagerLevel, Role
from creditdesk.accounts.models import Branch, Team, User

TEST_PASSWORD = "correct-horse-battery-42"


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    code = factory.Sequence(lambda n: f"B{n:03d}")
    name = factory.Sequence(lambda n: f"测试支行{n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    branch = factory.SubFactory(BranchFactory)
    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.Sequence(lambda n: f"测试团队{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"员工{n}")
    role = Role.MANAGER
    manager_level = ManagerLevel.JUNIOR
    team = factory.SubFactory(TeamFactory)
    branch = factory.LazyAttribute(lambda o: o.team.branch if o.team else None)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_person(role: str, *, team: Team | None = None, branch: Branch | None = None, **kwargs) -> User:
    """A valid person of ``role`` placed in ``team`` (CM, lead) or ``branch`` (the others)."""
    fields: dict = {"role": role, "manager_level": "", "team": None, "branch": branch}
    if role in (Role.MANAGER, Role.TEAM_LEAD):
        fields.update(team=team, branch=team.branch if team else None)
    if role == Role.MANAGER:
        fields["manager_level"] = ManagerLevel.JUNIOR
    if role == Role.APPROVER:
        fields["approval_authority"] = Decimal("500000.00")
    if role == Role.ADMIN:
        fields.update(branch=None, is_staff=True)
    fields.update(kwargs)
    return UserFactory(**fields)
