"""The small organisation of the permission tests (the ``org`` fixture, and the access matrix's world).

Branch B1 with teams T1 (lead1, cm_a, cm_b) and T2 (lead2, cm_c), plus head1, risk1, approver1; branch B2
with team T3 (lead3, cm_d), head2, risk2; and an administrator.
"""

from __future__ import annotations

from types import SimpleNamespace

from creditdesk.accounts.choices import Role


def build_org() -> SimpleNamespace:
    from creditdesk.accounts.tests.factories import BranchFactory, TeamFactory, make_person

    b1, b2 = BranchFactory(name="一号支行"), BranchFactory(name="二号支行")
    t1, t2, t3 = (
        TeamFactory(branch=b1, name="一组"),
        TeamFactory(branch=b1, name="二组"),
        TeamFactory(branch=b2, name="三组"),
    )
    return SimpleNamespace(
        b1=b1,
        b2=b2,
        t1=t1,
        t2=t2,
        t3=t3,
        cm_a=make_person(Role.MANAGER, team=t1, username="cm_a"),
        cm_b=make_person(Role.MANAGER, team=t1, username="cm_b"),
        cm_c=make_person(Role.MANAGER, team=t2, username="cm_c"),
        cm_d=make_person(Role.MANAGER, team=t3, username="cm_d"),
        lead1=make_person(Role.TEAM_LEAD, team=t1, username="lead1"),
        lead2=make_person(Role.TEAM_LEAD, team=t2, username="lead2"),
        lead3=make_person(Role.TEAM_LEAD, team=t3, username="lead3"),
        head1=make_person(Role.BRANCH_HEAD, branch=b1, username="head1"),
        head2=make_person(Role.BRANCH_HEAD, branch=b2, username="head2"),
        risk1=make_person(Role.RISK_MANAGER, branch=b1, username="risk1"),
        risk2=make_person(Role.RISK_MANAGER, branch=b2, username="risk2"),
        approver1=make_person(Role.APPROVER, branch=b1, username="approver1"),
        admin=make_person(Role.ADMIN, username="admin"),
    )
