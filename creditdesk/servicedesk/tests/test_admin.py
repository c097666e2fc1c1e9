"""The tier matrix in the audited admin: an administrator edits a row (an audit row with before and after)
and the next request is tiered by it; the unique cell and the hours' bounds hold; requests are not in the
admin."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from creditdesk.accounts.models import User
from creditdesk.core.models import AuditEvent
from creditdesk.servicedesk.models import TierRule
from creditdesk.servicedesk.tests.conftest import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client):
    person = User.objects.create_superuser("root", password="x")
    client.force_login(person)
    return person


def form(rule: TierRule, **changes) -> dict:
    values = {
        "kind": rule.kind,
        "urgency": rule.urgency,
        "complexity": rule.complexity,
        "tier": rule.tier,
        "response_hours": rule.response_hours,
        "source": rule.source,
    }
    return {**values, **changes}


def test_an_edited_row_is_audited_and_tiers_the_next_request(client, superuser, org, zhang):
    rule = TierRule.objects.get(kind="hardship", urgency="", complexity="")
    assert client.get("/admin/servicedesk/tierrule/").status_code == 200
    response = client.post(f"/admin/servicedesk/tierrule/{rule.pk}/change/", form(rule, response_hours=3))
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.tierrule.update")
    assert (event.before, event.after) == ({"response_hours": 4}, {"response_hours": 3})
    assert record(org.cm_a, zhang, "失业了，还不上").response_hours == 3


def test_the_hours_are_bounded(client, superuser):
    rule = TierRule.objects.get(kind="other")
    for hours in (0, 201):
        response = client.post(
            f"/admin/servicedesk/tierrule/{rule.pk}/change/", form(rule, response_hours=hours)
        )
        assert response.status_code == 200  # the form again, with its error
    assert TierRule.objects.get(kind="other").response_hours == 8


def test_one_row_per_cell():
    with pytest.raises(IntegrityError), transaction.atomic():
        TierRule.objects.create(kind="other", urgency="", complexity="", tier="cm", response_hours=2)


def test_the_seeded_matrix_says_where_it_comes_from():
    rows = {(r.kind, r.urgency, r.complexity): (r.tier, r.response_hours) for r in TierRule.objects.all()}
    assert rows == {
        ("complaint", "", ""): ("team_lead", 4),
        ("complaint", "high", ""): ("team_lead", 2),
        ("hardship", "", ""): ("team_lead", 4),
        ("data_request", "", ""): ("specialist", 16),
        ("question", "", "simple"): ("cm", 8),
        ("question", "high", "simple"): ("cm", 2),
        ("question", "", "complex"): ("team_lead", 8),
        ("other", "", ""): ("cm", 8),
    }
    for rule in TierRule.objects.all():
        assert "seeds/003" in rule.source and "示例参数，以本行服务标准为准" in rule.source


def test_requests_are_not_in_the_admin(client, superuser):
    assert client.get("/admin/servicedesk/servicerequest/").status_code == 404
