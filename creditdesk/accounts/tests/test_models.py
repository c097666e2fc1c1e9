"""Where each role sits in the organisation (User.clean) and the reporting line."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from creditdesk.accounts.choices import Role
from creditdesk.accounts.models import User
from creditdesk.accounts.selectors import reporting_line

pytestmark = pytest.mark.django_db


def build(**fields) -> User:
    return User(username="new_person", full_name="新员工", **fields)


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"role": Role.MANAGER, "manager_level": "junior"}, "team"),
        ({"role": Role.TEAM_LEAD}, "team"),
        ({"role": Role.RISK_MANAGER}, "branch"),
        ({"role": Role.BRANCH_HEAD}, "branch"),
        ({"role": Role.APPROVER}, "branch"),
    ],
)
def test_roles_need_their_place(org, fields, error_field):
    with pytest.raises(ValidationError) as refused:
        build(**fields).full_clean()
    assert error_field in refused.value.message_dict


def test_manager_needs_a_level(org):
    with pytest.raises(ValidationError) as refused:
        build(role=Role.MANAGER, team=org.t1, branch=org.b1).full_clean()
    assert "manager_level" in refused.value.message_dict


def test_team_must_belong_to_the_branch(org):
    with pytest.raises(ValidationError) as refused:
        build(role=Role.MANAGER, manager_level="junior", team=org.t3, branch=org.b1).full_clean()
    assert "team" in refused.value.message_dict


def test_approver_needs_an_authority_and_only_approvers_have_one(org):
    with pytest.raises(ValidationError) as refused:
        build(role=Role.APPROVER, branch=org.b1).full_clean()
    assert "approval_authority" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        build(role=Role.RISK_MANAGER, branch=org.b1, approval_authority=Decimal("1.00")).full_clean()
    assert "approval_authority" in refused.value.message_dict
    build(role=Role.APPROVER, branch=org.b1, approval_authority=Decimal("500000.00")).full_clean(
        exclude=["password"]
    )


def test_admin_sits_outside_branches(org):
    with pytest.raises(ValidationError):
        build(role=Role.ADMIN, branch=org.b1).full_clean(exclude=["password"])


def test_team_member_branch_follows_the_team(org):
    person = build(role=Role.MANAGER, manager_level="junior", team=org.t3)
    person.set_unusable_password()
    person.save()
    assert person.branch == org.b2


def test_reporting_line(org):
    assert reporting_line(org.cm_a) == [org.lead1, org.head1]
    assert reporting_line(org.lead1) == [org.head1]
    assert reporting_line(org.risk1) == [org.head1]
    assert reporting_line(org.head1) == []
    assert reporting_line(org.admin) == []


def test_approval_authority_is_exact_money(org):
    org.approver1.approval_authority = Decimal("1234567.89")
    org.approver1.save()
    org.approver1.refresh_from_db()
    assert org.approver1.approval_authority == Decimal("1234567.89")
    assert User.objects.filter(approval_authority__gte=Decimal("1234567.89")).get() == org.approver1


def test_createsuperuser_makes_a_valid_administrator(db):
    admin = User.objects.create_superuser("root", "root@example.com", "a-long-admin-passphrase")
    assert (admin.role, admin.is_staff, admin.is_superuser, admin.branch, admin.team) == (
        Role.ADMIN,
        True,
        True,
        None,
        None,
    )
    admin.full_clean()
