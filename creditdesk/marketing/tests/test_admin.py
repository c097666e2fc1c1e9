"""The marketing rules in the audited admin: the demo administrator edits stage rules and lost reasons,
each change an audit row, a rule that breaks ``pipeline.deadlines`` refused; capacities read-only; no
lead (nor its phone) in the admin."""

from __future__ import annotations

import pytest

from creditdesk.accounts import seed as accounts_seed
from creditdesk.accounts.models import User
from creditdesk.core.models import AuditEvent
from creditdesk.marketing.models import LostReason, StageRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(client):
    accounts_seed.run()
    person = User.objects.get(username="admin")
    client.force_login(person)
    return person


def rule_form(rule: StageRule, **changes):
    values = {
        "stage": rule.stage,
        "tier": rule.tier,
        "requirements": rule.requirements,
        "max_idle_days": rule.max_idle_days,
        "recycle_days": rule.recycle_days or "",
        "source": rule.source,
    }
    return {**values, **changes}


def test_the_demo_administrator_edits_a_stage_rule_audited(client, admin_user):
    assert not admin_user.is_superuser
    rule = StageRule.objects.get(stage="contacted", tier="mass")
    url = f"/admin/marketing/stagerule/{rule.pk}/change/"
    assert client.get("/admin/marketing/stagerule/").status_code == 200
    response = client.post(url, rule_form(rule, recycle_days=28))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.recycle_days == 28
    event = AuditEvent.objects.get(action="admin.stagerule.update")
    assert (event.before, event.after) == ({"recycle_days": 21}, {"recycle_days": 28})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"recycle_days": 3}, "不少于阶段最长停留天数"),
        ({"max_idle_days": 0}, "不小于 1 的整数"),
        ({"requirements": "contact_loged"}, "未知的阶段要求"),
    ],
)
def test_a_broken_rule_is_refused_and_nothing_changes(client, admin_user, changes, message):
    rule = StageRule.objects.get(stage="contacted", tier="mass")
    before = (rule.requirements, rule.max_idle_days, rule.recycle_days)
    response = client.post(f"/admin/marketing/stagerule/{rule.pk}/change/", rule_form(rule, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    rule.refresh_from_db()
    assert (rule.requirements, rule.max_idle_days, rule.recycle_days) == before
    assert not AuditEvent.objects.filter(action__startswith="admin.stagerule").exists()


def test_lost_reasons_are_added_and_retired_audited(client, admin_user):
    response = client.post(
        "/admin/marketing/lostreason/add/",
        {"code": "moved_away", "label": "客户迁居外地", "active": "on", "position": 7},
    )
    assert response.status_code == 302
    reason = LostReason.objects.get(code="moved_away")
    assert AuditEvent.objects.filter(action="admin.lostreason.create", target_id=str(reason.pk)).exists()
    response = client.post(
        f"/admin/marketing/lostreason/{reason.pk}/change/",
        {"code": "moved_away", "label": "客户迁居外地", "position": 7},  # active unticked
    )
    assert response.status_code == 302
    reason.refresh_from_db()
    assert reason.active is False
    assert AuditEvent.objects.get(action="admin.lostreason.update").after == {"active": False}


def test_capacities_are_read_only_and_leads_are_not_in_the_admin(client, org):
    from creditdesk.accounts.choices import Role
    from creditdesk.accounts.tests.factories import make_person
    from creditdesk.marketing import services

    client.force_login(make_person(Role.ADMIN, username="root", is_superuser=True))
    admin_client = client
    row = services.lead_capacity_set(actor=org.lead1, person=org.cm_a, weight=3, daily_quota=12)
    assert admin_client.get("/admin/marketing/leadcapacity/").status_code == 200
    assert admin_client.get("/admin/marketing/leadcapacity/add/").status_code == 403
    admin_client.post(f"/admin/marketing/leadcapacity/{row.pk}/change/", {"weight": 9, "daily_quota": 99})
    row.refresh_from_db()
    assert (row.weight, row.daily_quota) == (3, 12)
    assert admin_client.get("/admin/marketing/lead/").status_code == 404
    assert admin_client.get("/admin/marketing/leadactivity/").status_code == 404
