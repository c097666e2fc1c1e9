"""The lead API end to end: intake (routed, duplicates), the stage gate as a 409 with what is missing, a
follow-up then a move, assignment by hand and by rule, claiming from the pool, capacities, and bodies the
API refuses with their codes."""

from __future__ import annotations

import pytest

from creditdesk.core.models import AuditEvent
from creditdesk.marketing import services
from creditdesk.marketing.models import Lead, LeadActivity, LeadEvent
from creditdesk.marketing.services import LeadInput
from creditdesk.marketing.tests.conftest import customer_of, enter

pytestmark = pytest.mark.django_db


def _as(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def _pool_lead(org, phone):
    return services.lead_create(actor=org.lead1, data=LeadInput(name="王五", phone=phone), to_pool=True).lead


def test_a_cm_enters_a_lead_and_reads_it_masked(api_client, org):
    response = _as(api_client, org.cm_a).post(
        "/api/v1/leads/",
        {"name": "李四", "phone": "13900139018", "channel": "online", "need_amount": "30万"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    lead = Lead.objects.get()
    assert (body["id"], body["routed"]) == (lead.pk, False)
    shown = body["lead"]
    assert (shown["name"], shown["phone_masked"], shown["stage"], shown["owner"], shown["team"]) == (
        "李四",
        "139****9018",
        "new",
        org.cm_a.pk,
        org.t1.pk,
    )
    assert shown["need_amount"] == "300000.00" and shown["stalled"] is False
    assert shown["next_stage"] == {
        "stage": "contacted",
        "label": "已联系",
        "missing": [{"key": "contact_logged", "label": "已记录有效联系"}],
    }
    assert "13900139018" not in response.content.decode()  # never the clear phone
    detail = api_client.get(f"/api/v1/leads/{lead.pk}/").json()
    assert detail["phone_masked"] == "139****9018" and "phone" not in detail
    listed = api_client.get("/api/v1/leads/").json()
    assert [row["id"] for row in listed["results"]] == [lead.pk] and listed["count"] == 1
    assert "phone_masked" not in listed["results"][0]


def test_a_lead_for_another_cms_customer_is_routed_and_not_shown(api_client, org):
    zhang = customer_of(org.cm_c, phone="13800138000")
    response = _as(api_client, org.cm_a).post(
        "/api/v1/leads/", {"name": "张三", "phone": "13800138000"}, format="json"
    )
    assert response.status_code == 201
    lead = Lead.objects.get()
    assert response.json() == {"id": lead.pk, "routed": True, "lead": None}  # cm_a no longer sees it
    assert (lead.owner, lead.customer) == (org.cm_c, zhang)
    assert api_client.get(f"/api/v1/leads/{lead.pk}/").status_code == 404


def test_the_same_person_twice_is_409_lead_duplicate(api_client, org):
    first = enter(org.cm_a, phone="13900139018")
    before = (Lead.objects.count(), LeadEvent.objects.count(), AuditEvent.objects.count())
    response = _as(api_client, org.cm_a).post(
        "/api/v1/leads/", {"name": "李四", "phone": "139 0013 9018"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "lead_duplicate"
    assert response.json()["details"] == {"field": "phone", "lead_id": first.pk}
    assert (Lead.objects.count(), LeadEvent.objects.count(), AuditEvent.objects.count()) == before


def test_a_gate_refusal_is_409_with_what_is_missing_and_nothing_changes(api_client, org, lead):
    before = (LeadEvent.objects.count(), AuditEvent.objects.count())
    response = _as(api_client, org.cm_a).post(
        f"/api/v1/leads/{lead.pk}/stage/", {"stage": "contacted"}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "lead_stage_gate"
    assert body["details"] == {"missing": ["contact_logged"], "labels": ["已记录有效联系"]}
    lead.refresh_from_db()
    assert lead.stage == "new"
    assert (LeadEvent.objects.count(), AuditEvent.objects.count()) == before


def test_a_follow_up_then_the_move(api_client, org, lead):
    client = _as(api_client, org.cm_a)
    logged = client.post(
        f"/api/v1/leads/{lead.pk}/activities/",
        {"kind": "call", "outcome": "interested", "notes": "想贷 30 万周转"},
        format="json",
    )
    assert logged.status_code == 201
    activity = LeadActivity.objects.get()
    assert logged.json()["id"] == activity.pk and logged.json()["created_by"] == org.cm_a.pk
    assert [a["id"] for a in client.get(f"/api/v1/leads/{lead.pk}/activities/").json()["results"]] == [
        activity.pk
    ]
    moved = client.post(f"/api/v1/leads/{lead.pk}/stage/", {"stage": "contacted"}, format="json")
    assert moved.status_code == 200
    assert moved.json()["stage"] == "contacted"
    assert moved.json()["next_stage"]["missing"] == [
        {"key": "need_recorded", "label": "已记录融资需求（用途与金额）"}
    ]
    need = client.post(
        f"/api/v1/leads/{lead.pk}/need/",
        {"need_purpose": "business_working_capital", "need_amount": 300000},
        format="json",
    )
    assert need.status_code == 200
    assert (need.json()["need_purpose"], need.json()["need_amount"]) == (
        "business_working_capital",
        "300000.00",
    )
    assert need.json()["next_stage"]["missing"] == []
    lead.refresh_from_db()
    assert lead.stage == "contacted"


def test_a_lost_move_needs_a_known_reason(api_client, org, lead):
    client = _as(api_client, org.cm_a)
    response = client.post(f"/api/v1/leads/{lead.pk}/stage/", {"stage": "lost"}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "lead_lost_reason_required")
    response = client.post(
        f"/api/v1/leads/{lead.pk}/stage/", {"stage": "lost", "lost_reason": "nope"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (400, "lead_lost_reason_unknown")
    response = client.post(
        f"/api/v1/leads/{lead.pk}/stage/", {"stage": "lost", "lost_reason": "unreachable"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["stage"], response.json()["lost_reason"]) == ("lost", "unreachable")
    assert response.json()["next_stage"] is None


def test_the_team_lead_assigns_within_the_team_only(api_client, org, lead):
    client = _as(api_client, org.lead1)
    refused = client.post(f"/api/v1/leads/{lead.pk}/assign/", {"owner": org.cm_c.pk}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "lead_owner_not_allowed"
    lead.refresh_from_db()
    assert lead.owner == org.cm_a
    given = client.post(f"/api/v1/leads/{lead.pk}/assign/", {"owner": org.cm_b.pk}, format="json")
    assert given.status_code == 200 and given.json()["owner"] == org.cm_b.pk
    again = client.post(f"/api/v1/leads/{lead.pk}/assign/", {"owner": org.cm_b.pk}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "lead_owner_unchanged")
    pooled = client.post(f"/api/v1/leads/{lead.pk}/assign/", {"owner": None}, format="json")
    assert pooled.status_code == 200 and pooled.json()["owner"] is None


def test_a_cm_may_not_assign(api_client, org, lead):
    response = _as(api_client, org.cm_a).post(
        f"/api/v1/leads/{lead.pk}/assign/", {"owner": org.cm_b.pk}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "lead_owner_not_allowed")


def test_auto_assign_shares_the_pool_within_quotas(api_client, org):
    pool = [_pool_lead(org, f"1390013920{i}") for i in range(5)]
    client = _as(api_client, org.lead1)
    capped = client.post(
        "/api/v1/lead-capacities/",
        {"person": org.cm_b.pk, "weight": 1, "daily_quota": 1, "accepting": True},
        format="json",
    )
    assert capped.status_code == 200
    assert capped.json() == {
        "person": org.cm_b.pk,
        "username": "cm_b",
        "name": org.cm_b.get_full_name(),
        "weight": 1,
        "daily_quota": 1,
        "accepting": True,
        "assigned_today": 0,
    }
    client.post(
        "/api/v1/lead-capacities/",
        {"person": org.cm_a.pk, "weight": 1, "daily_quota": 2, "accepting": True},
        format="json",
    )
    response = client.post("/api/v1/leads/auto-assign/", {"method": "round_robin"}, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "method": "round_robin",
        "assigned": {str(org.cm_a.pk): 2, str(org.cm_b.pk): 1},
        "left_in_pool": 2,
    }
    owners = [Lead.objects.get(pk=lead.pk).owner_id for lead in pool]
    assert owners.count(org.cm_a.pk) == 2 and owners.count(org.cm_b.pk) == 1 and owners.count(None) == 2
    assert [row["id"] for row in client.get("/api/v1/leads/pool/").json()["results"]] == [
        lead.pk for lead in pool if Lead.objects.get(pk=lead.pk).owner_id is None
    ]
    capacities = {row["username"]: row for row in client.get("/api/v1/lead-capacities/").json()["results"]}
    assert (capacities["cm_a"]["assigned_today"], capacities["cm_b"]["assigned_today"]) == (2, 1)
    assert set(capacities) == {"cm_a", "cm_b"}  # the team's CMs


def test_capacities_a_cm_reads_their_own_and_may_not_set(api_client, org):
    client = _as(api_client, org.cm_a)
    rows = client.get("/api/v1/lead-capacities/").json()["results"]
    assert [(row["username"], row["weight"], row["daily_quota"]) for row in rows] == [("cm_a", 1, 20)]
    response = client.post(
        "/api/v1/lead-capacities/", {"person": org.cm_a.pk, "weight": 5, "daily_quota": 5}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "lead_owner_not_allowed")
    assert _as(api_client, org.head1).get("/api/v1/lead-capacities/").json()["results"] == []


def test_a_cm_claims_a_lead_of_the_team_pool(api_client, org):
    pooled = _pool_lead(org, "13900139018")
    client = _as(api_client, org.cm_b)
    assert [row["id"] for row in client.get("/api/v1/leads/pool/").json()["results"]] == [pooled.pk]
    assert client.get(f"/api/v1/leads/{pooled.pk}/").status_code == 200  # the team's pool is shared
    claimed = client.post(f"/api/v1/leads/{pooled.pk}/claim/")
    assert claimed.status_code == 200
    assert claimed.json()["owner"] == org.cm_b.pk
    assert client.get("/api/v1/leads/pool/").json()["results"] == []
    other = _as(api_client, org.cm_c).post(f"/api/v1/leads/{pooled.pk}/claim/")
    assert other.status_code == 404  # another team's lead: not seen


def test_linking_a_customer(api_client, org, lead):
    zhang = customer_of(org.cm_a)
    response = _as(api_client, org.cm_a).post(
        f"/api/v1/leads/{lead.pk}/customer/", {"customer": zhang.pk}, format="json"
    )
    assert response.status_code == 200 and response.json()["customer"] == zhang.pk
    again = api_client.post(f"/api/v1/leads/{lead.pk}/customer/", {"customer": zhang.pk}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "lead_customer_already_linked")


def test_a_branch_head_reads_but_may_not_work_a_lead(api_client, org, lead):
    client = _as(api_client, org.head1)
    assert client.get(f"/api/v1/leads/{lead.pk}/").status_code == 200
    response = client.post(f"/api/v1/leads/{lead.pk}/need/", {"notes": "x"}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "lead_read_only")
    assert _as(api_client, org.cm_b).get(f"/api/v1/leads/{lead.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("stage/", {"stage": "won"}, "stage"),
        ("activities/", {"kind": "telepathy", "outcome": "reached"}, "kind"),
        ("customer/", {"customer": "abc"}, "customer"),
    ],
)
def test_bad_bodies_on_a_lead_are_400_naming_the_field(api_client, org, lead, path, body, field):
    response = _as(api_client, org.cm_a).post(f"/api/v1/leads/{lead.pk}/{path}", body, format="json")
    assert response.status_code == 400
    assert (response.json()["code"], list(response.json()["details"])) == ("invalid", [field])


def test_bad_bodies_are_400_and_nothing_is_written(api_client, org):
    client = _as(api_client, org.lead1)
    too_long = client.post("/api/v1/leads/", {"name": "名" * 100_000, "phone": "13900139018"}, format="json")
    assert (too_long.status_code, too_long.json()["code"]) == (400, "invalid")
    assert list(too_long.json()["details"]) == ["name"]
    bad_phone = client.post("/api/v1/leads/", {"name": "李四", "phone": "12345"}, format="json")
    assert (bad_phone.status_code, bad_phone.json()["code"]) == (400, "phone_invalid")
    weight = client.post(
        "/api/v1/lead-capacities/",
        {"person": org.cm_a.pk, "weight": "heavy", "daily_quota": 5},
        format="json",
    )
    assert (weight.status_code, weight.json()["code"], list(weight.json()["details"])) == (
        400,
        "invalid",
        ["weight"],
    )
    method = client.post("/api/v1/leads/auto-assign/", {"method": "lottery"}, format="json")
    assert (method.status_code, list(method.json()["details"])) == (400, ["method"])
    assert Lead.objects.count() == 0 and not AuditEvent.objects.filter(action__startswith="lead.").exists()


def test_the_list_filters(api_client, org):
    mine = enter(org.cm_a, name="李四", phone="13900139018")
    enter(org.cm_b, name="王五", phone="13900139028")
    client = _as(api_client, org.lead1)
    assert client.get("/api/v1/leads/", {"owner": org.cm_a.pk}).json()["count"] == 1
    assert [r["id"] for r in client.get("/api/v1/leads/", {"q": "9018"}).json()["results"]] == [mine.pk]
    assert client.get("/api/v1/leads/", {"stage": "lost"}).json()["count"] == 0
    assert client.get("/api/v1/leads/", {"stage": "won"}).status_code == 400
