"""Demo organisation: one bank, two branches, four teams, ~20 customer managers and the people around them.

Idempotent: everything is found by a stable key (branch/team code, username) and created only when
missing, so running the seed again changes nothing. The fixed demo logins form one line:
``manager1`` is in ``lead1``'s team, in ``head1``'s branch, where ``approver1`` and ``risk1`` also work.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from faker import Faker

from creditdesk.accounts.choices import ManagerLevel, Role
from creditdesk.accounts.models import Branch, Team, User
from creditdesk.core.audit import audit_record

DEFAULT_DEMO_PASSWORD = "creditdesk-demo"  # noqa: S105 - a documented demo password, never in production

BRANCHES = [
    ("B01", "城东支行", "东城区建国路 88 号"),
    ("B02", "高新区支行", "高新区科技大道 1 号"),
]
TEAMS = [
    ("T01", "B01", "小微金融一组"),
    ("T02", "B01", "个人信贷一组"),
    ("T03", "B02", "科创企业组"),
    ("T04", "B02", "个人信贷二组"),
]
MANAGERS_PER_TEAM = 5
# Approvers with different authorities (元): two per branch.
APPROVERS = [
    ("approver1", "B01", Decimal("500000.00")),
    ("approver2", "B01", Decimal("3000000.00")),
    ("approver3", "B02", Decimal("1000000.00")),
    ("approver4", "B02", Decimal("10000000.00")),
]
LEVELS = [
    ManagerLevel.SENIOR,
    ManagerLevel.INTERMEDIATE,
    ManagerLevel.INTERMEDIATE,
    ManagerLevel.JUNIOR,
    ManagerLevel.JUNIOR,
]
ADMIN_GROUP = "系统管理员"
ADMIN_PERMISSIONS = [
    ("rates", "lprrate"),
    ("rates", "providentrate"),
    ("accounts", "branch"),
    ("accounts", "team"),
    ("accounts", "user"),
    ("auth", "group"),
    # the approval matrices (credit policy; the audited admin of the applications app)
    ("applications", "routingrule"),
    ("applications", "concessionlimit"),
    ("applications", "exposurelimit"),
    # the lead pipeline's rules (stage gates and idle times, lost reasons; audited admin of marketing)
    ("marketing", "stagerule"),
    ("marketing", "lostreason"),
    # …and the other marketing data: activity plans, referral rewards, the cross-sell catalogue, the care
    # templates, the education articles
    ("marketing", "activityplan"),
    ("marketing", "planstep"),
    ("marketing", "referralreward"),
    ("marketing", "crosssellproduct"),
    ("marketing", "caretemplate"),
    ("marketing", "educationarticle"),
    # the tier matrix of customer requests (分级响应) and the compliance guard's rules
    ("servicedesk", "tierrule"),
    ("compliance", "compliancerule"),
]


def demo_password() -> str:
    return os.environ.get("CREDITDESK_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def demo_logins() -> list[tuple[str, str]]:
    """The fixed demo logins, one per role, as printed by `creditdesk demo`."""
    return [
        ("manager1", Role.MANAGER.label),
        ("lead1", Role.TEAM_LEAD.label),
        ("approver1", Role.APPROVER.label),
        ("risk1", Role.RISK_MANAGER.label),
        ("head1", Role.BRANCH_HEAD.label),
        ("admin", Role.ADMIN.label),
    ]


def _person(username: str, faker: Faker, created: list[str], password: str, **fields: Any) -> User:
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    user = User(username=username, full_name=faker.name(), **fields)
    user.set_password(password)
    user.full_clean()
    user.save()
    created.append(username)
    return user


def _admin_group() -> Group:
    group, _ = Group.objects.get_or_create(name=ADMIN_GROUP)
    wanted = Q(content_type__app_label="core", codename="view_auditevent")
    for app, model in ADMIN_PERMISSIONS:
        wanted |= Q(content_type__app_label=app, content_type__model=model)
    perms = Permission.objects.filter(wanted)
    group.permissions.add(*perms)
    return group


def run(*, stdout: Any = None) -> dict[str, int]:
    """Create the demo organisation where missing; returns how many people were created."""
    faker = Faker("zh_CN")
    faker.seed_instance(20261122)
    password = demo_password()
    created: list[str] = []
    with transaction.atomic():
        branches = {}
        for code, name, address in BRANCHES:
            branches[code], _ = Branch.objects.get_or_create(
                code=code, defaults={"name": name, "address": address}
            )
        teams = {}
        for code, branch_code, name in TEAMS:
            teams[code], _ = Team.objects.get_or_create(
                code=code, defaults={"branch": branches[branch_code], "name": name}
            )

        manager_no = 0
        for index, team in enumerate(teams.values(), start=1):
            _person(
                f"lead{index}",
                faker,
                created,
                password,
                role=Role.TEAM_LEAD,
                team=team,
                employee_no=f"E{1000 + index}",
            )
            for position in range(MANAGERS_PER_TEAM):
                manager_no += 1
                _person(
                    f"manager{manager_no}",
                    faker,
                    created,
                    password,
                    role=Role.MANAGER,
                    team=team,
                    manager_level=LEVELS[position],
                    employee_no=f"E{2000 + manager_no}",
                )
        for index, branch in enumerate(branches.values(), start=1):
            _person(
                f"head{index}",
                faker,
                created,
                password,
                role=Role.BRANCH_HEAD,
                branch=branch,
                employee_no=f"E{3000 + index}",
            )
            _person(
                f"risk{index}",
                faker,
                created,
                password,
                role=Role.RISK_MANAGER,
                branch=branch,
                employee_no=f"E{4000 + index}",
            )
        for index, (username, branch_code, authority) in enumerate(APPROVERS, start=1):
            _person(
                username,
                faker,
                created,
                password,
                role=Role.APPROVER,
                branch=branches[branch_code],
                approval_authority=authority,
                employee_no=f"E{5000 + index}",
            )

        admin = _person(
            "admin", faker, created, password, role=Role.ADMIN, is_staff=True, employee_no="E0001"
        )
        admin.groups.add(_admin_group())
        if created:
            audit_record(actor=None, action="seed.organisation", after={"created_users": len(created)})
    if stdout is not None:
        stdout.write(f"组织与人员：新建 {len(created)} 人（共 {User.objects.count()} 人）")
    return {"created_users": len(created)}
