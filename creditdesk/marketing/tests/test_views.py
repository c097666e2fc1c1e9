"""The marketing pages end to end through the Django test client: a new lead (and a refused duplicate on
the form), the board, moves refused by a gate and allowed after a call, 已流失 with its reason, the pool
(claiming, assignment by rule, capacity) and the customer 360 page's panel."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from creditdesk.core.models import AuditEvent
from creditdesk.marketing import services
from creditdesk.marketing.models import Lead, LeadActivity, LeadCapacity, LeadEvent
from creditdesk.marketing.services import LeadInput
from creditdesk.marketing.tests.conftest import customer_of, enter

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def stage_url(lead):
    return f"/marketing/leads/{lead.pk}/stage/"


def written(lead):
    lead.refresh_from_db()
    return (
        lead.stage,
        LeadEvent.objects.filter(lead=lead).count(),
        AuditEvent.objects.filter(action__startswith="lead.").count(),
    )


def call(actor, lead, outcome="reached"):
    return services.lead_activity_log(
        actor=actor, lead_id=lead.pk, kind="call", outcome=outcome, happened_at=timezone.now()
    )


# --- a new lead -------------------------------------------------------------------------------------------


def test_a_cm_enters_a_lead_through_the_form(client, org):
    client.force_login(org.cm_a)
    form = client.get("/marketing/leads/new/")
    assert form.status_code == 200
    assert 'name="owner"' not in form.content.decode()  # a CM's lead is their own
    response = client.post(
        "/marketing/leads/new/",
        {
            "name": "李四",
            "phone": "139 0013 9017",
            "kind": "individual",
            "channel": "offline",
            "channel_detail": "产业园地推",
            "basis": "request",
            "value_segment": "mass",
            "need_purpose": "",
            "need_amount": "30万",
        },
    )
    lead = Lead.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/marketing/leads/{lead.pk}/"
    assert (lead.name, lead.phone, lead.owner, lead.channel_detail, str(lead.need_amount)) == (
        "李四",
        "13900139017",
        org.cm_a,
        "产业园地推",
        "300000.00",
    )
    page = client.get(response["Location"]).content.decode()
    assert "已录入线索：李四" in page
    assert "139****9017" in page and "13900139017" not in page  # masked


def test_a_duplicate_is_refused_on_the_phone_field_and_nothing_is_written(client, org):
    first = enter(org.cm_a, phone="13900139017")
    before = (Lead.objects.count(), AuditEvent.objects.filter(action="lead.create").count())
    client.force_login(org.cm_a)
    response = client.post(
        "/marketing/leads/new/",
        {
            "name": "李四",
            "phone": "13900139017",
            "kind": "individual",
            "channel": "online",
            "basis": "request",
        }
        | {"value_segment": "mass"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["phone"] == [f"已有在跟进的该客户线索（{org.cm_a.get_full_name()}），请勿重复录入。"]
    assert 'data-testid="error-phone"' in response.content.decode()
    assert (Lead.objects.count(), AuditEvent.objects.filter(action="lead.create").count()) == before
    assert Lead.objects.get() == first


def test_a_lead_for_another_teams_customer_is_routed_and_the_page_says_so(client, org):
    customer_of(org.cm_c, phone="13800138000")
    client.force_login(org.cm_a)
    response = client.post(
        "/marketing/leads/new/",
        {"name": "张三", "phone": "13800138000", "kind": "individual", "channel": "referral"}
        | {"basis": "request", "value_segment": "mass"},
        follow=True,
    )
    lead = Lead.objects.get()
    assert lead.owner == org.cm_c
    assert response.redirect_chain == [("/marketing/leads/", 302)]  # cm_a cannot see cm_c's lead
    assert "该客户已是本行客户，线索已转交其客户经理跟进。" in response.content.decode()


def test_a_team_lead_puts_a_new_lead_in_the_pool(client, org):
    client.force_login(org.lead1)
    page = client.get("/marketing/leads/new/").content.decode()
    assert "放入线索池" in page and org.cm_b.get_full_name() in page
    response = client.post(
        "/marketing/leads/new/",
        {"name": "王五", "phone": "13900139019", "kind": "individual", "channel": "online"}
        | {"basis": "request", "value_segment": "mass", "owner": "pool"},
    )
    lead = Lead.objects.get()
    assert (lead.owner, lead.team) == (None, org.t1)
    assert response["Location"] == f"/marketing/leads/{lead.pk}/"


def test_the_form_is_403_for_those_who_do_not_enter_leads(client, org):
    client.force_login(org.head1)
    assert client.get("/marketing/leads/new/").status_code == 403


# --- the board and the list -------------------------------------------------------------------------------


def test_the_board_shows_counts_and_cards_per_stage(client, org):
    li = enter(org.cm_a, name="李四", need_amount="30万")
    wang = enter(org.cm_a, name="王五")
    call(org.cm_a, wang)
    services.lead_move(actor=org.cm_a, lead_id=wang.pk, stage="contacted")
    zhao = enter(org.cm_a, name="赵六")
    services.lead_move(actor=org.cm_a, lead_id=zhao.pk, stage="lost", lost_reason="unreachable")
    enter(org.cm_b, name="别人的")
    client.force_login(org.cm_a)
    response = client.get("/marketing/board/")
    assert response.status_code == 200
    columns = {entry["column"].stage.value: entry["column"] for entry in response.context["columns"]}
    assert list(columns) == [
        "new",
        "contacted",
        "need_confirmed",
        "proposal_offered",
        "applying",
        "disbursed",
        "lost",
    ]
    assert {stage: column.count for stage, column in columns.items()} == {
        "new": 1,
        "contacted": 1,
        "need_confirmed": 0,
        "proposal_offered": 0,
        "applying": 0,
        "disbursed": 0,
        "lost": 1,
    }
    assert [card.lead for card in columns["new"].cards] == [li]
    assert [m.value for m in columns["new"].cards[0].next.missing] == ["contact_logged"]
    page = response.content.decode()
    assert "别人的" not in page
    assert "300,000.00" in page and f"尾号 {li.phone_tail}" in page
    assert "进入“已联系”须：已记录有效联系" in page
    assert 'src="/static/vendor/sortablejs/Sortable.min.js"' in page and "<script>" not in page


def test_a_column_shows_its_latest_cards_and_links_to_the_rest(client, org, settings):
    for i in range(3):
        enter(org.cm_a, name=f"线索{i}")
    client.force_login(org.cm_a)
    from creditdesk.marketing import selectors

    columns = selectors.board_columns(user=org.cm_a, per_column=2)
    new = columns[0]
    assert (new.count, [c.lead.name for c in new.cards], new.more) == (3, ["线索2", "线索1"], True)


def test_the_board_is_read_only_for_a_branch_head(client, org):
    enter(org.cm_a, name="李四")
    client.force_login(org.head1)
    page = client.get("/marketing/board/").content.decode()
    assert "李四" in page
    assert "data-move-form" not in page and "board.js" not in page


def test_the_list_filters_by_stage_and_stalled(client, org):
    li = enter(org.cm_a, name="李四")
    wang = enter(org.cm_a, name="王五")
    Lead.objects.filter(pk=wang.pk).update(stalled_after=timezone.now() - timezone.timedelta(days=1))
    client.force_login(org.cm_a)
    names = lambda q: [c.lead.name for c in client.get(f"/marketing/leads/{q}").context["cards"]]  # noqa: E731
    assert sorted(names("")) == ["李四", "王五"]
    assert names("?stalled=true") == ["王五"]
    assert names("?stalled=false") == ["李四"]
    assert names("?stage=contacted") == []
    assert names(f"?q={li.phone_tail}") == ["李四"]
    assert "停滞" in client.get("/marketing/leads/").content.decode()


# --- moves ------------------------------------------------------------------------------------------------


def test_a_move_refused_by_the_gate_answers_409_with_the_sentence_and_changes_nothing(client, org, lead):
    client.force_login(org.cm_a)
    before = written(lead)
    response = client.post(stage_url(lead), {"stage": "contacted"}, **JSON)
    assert response.status_code == 409
    assert response.json() == {
        "code": "lead_stage_gate",
        "message": "进入“已联系”前须完成：已记录有效联系。",
    }
    assert written(lead) == before
    page = client.post(stage_url(lead), {"stage": "contacted"})  # the lead's page's button
    assert page.status_code == 409
    assert "进入“已联系”前须完成：已记录有效联系。" in page.content.decode()
    assert written(lead) == before


def test_after_a_call_the_move_succeeds_and_the_card_comes_back(client, org, lead):
    client.force_login(org.cm_a)
    response = client.post(
        f"/marketing/leads/{lead.pk}/activities/",
        {
            "kind": "call",
            "direction": "outbound",
            "outcome": "interested",
            "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "notes": "客户有经营周转需求",
        },
    )
    assert response.status_code == 302
    assert LeadActivity.objects.get(lead=lead).notes == "客户有经营周转需求"
    response = client.post(stage_url(lead), {"stage": "contacted"}, **JSON)
    assert response.status_code == 200
    data = json.loads(response.content)
    assert (data["stage"], data["label"]) == ("contacted", "已联系")
    assert f'data-lead="{lead.pk}"' in data["card"] and 'data-stage="contacted"' in data["card"]
    assert "进入“需求确认”须：已记录融资需求（用途与金额）" in data["card"]
    lead.refresh_from_db()
    assert lead.stage == "contacted"


def test_a_visit_without_notes_is_refused_on_the_form(client, org, lead):
    client.force_login(org.cm_a)
    response = client.post(
        f"/marketing/leads/{lead.pk}/activities/",
        {
            "kind": "visit",
            "direction": "outbound",
            "outcome": "reached",
            "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    assert response.context["activity_form"].errors["notes"] == ["实地走访须填写走访记录和地点。"]
    assert not LeadActivity.objects.exists()


def test_lost_needs_a_reason(client, org, lead):
    client.force_login(org.cm_a)
    before = written(lead)
    refused = client.post(stage_url(lead), {"stage": "lost"}, **JSON)
    assert (refused.status_code, refused.json()["code"]) == (400, "lead_lost_reason_required")
    on_page = client.post(stage_url(lead), {"stage": "lost", "lost_reason": ""})
    assert on_page.status_code == 400
    assert on_page.context["lost_form"].errors["lost_reason"] == ["请选择「流失原因」。"]
    assert written(lead) == before
    response = client.post(
        stage_url(lead), {"stage": "lost", "lost_reason": "rate_too_high", "lost_note": "嫌贵"}
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.stage, lead.lost_reason.code, lead.lost_note) == ("lost", "rate_too_high", "嫌贵")


def test_the_need_form_records_the_need_for_the_next_gate(client, org, lead):
    client.force_login(org.cm_a)
    response = client.post(
        f"/marketing/leads/{lead.pk}/need/",
        {"need_purpose": "business_working_capital", "need_amount": "50万", "notes": ""},
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.need_purpose, str(lead.need_amount)) == ("business_working_capital", "500000.00")
    bad = client.post(
        f"/marketing/leads/{lead.pk}/need/",
        {"need_purpose": "business_working_capital", "need_amount": "很多"},
    )
    assert bad.status_code == 400
    assert "意向金额须为" in bad.context["need_form"].errors["need_amount"][0]


def test_a_branch_head_reads_a_lead_but_may_not_move_it(client, org, lead):
    client.force_login(org.head1)
    page = client.get(f"/marketing/leads/{lead.pk}/").content.decode()
    assert "李四" in page and 'data-testid="move-forward"' not in page
    assert client.post(stage_url(lead), {"stage": "contacted"}).status_code == 403
    client.force_login(org.cm_c)
    assert client.get(f"/marketing/leads/{lead.pk}/").status_code == 404


def test_linking_a_customer(client, org, lead):
    zhang = customer_of(org.cm_a, phone="13800138001")
    client.force_login(org.cm_a)
    response = client.post(f"/marketing/leads/{lead.pk}/customer/", {"customer": zhang.pk})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.customer == zhang


# --- the pool ---------------------------------------------------------------------------------------------


def pool_lead(org, name="王五", phone=None):
    data = LeadInput(name=name, phone=phone or f"139001391{LeadEvent.objects.count():02d}")
    return services.lead_create(actor=org.lead1, data=data, to_pool=True).lead


def test_a_cm_claims_a_lead_from_the_pool(client, org):
    wang = pool_lead(org)
    client.force_login(org.cm_b)
    page = client.get("/marketing/pool/")
    assert page.status_code == 200
    assert "王五" in page.content.decode() and "按规则分配" not in page.content.decode()
    response = client.post(f"/marketing/leads/{wang.pk}/claim/")
    assert response["Location"] == f"/marketing/leads/{wang.pk}/"
    wang.refresh_from_db()
    assert wang.owner == org.cm_b
    client.force_login(org.cm_c)  # another team's pool: nothing to claim
    assert client.post(f"/marketing/leads/{wang.pk}/claim/").status_code == 404


def test_a_team_lead_assigns_the_pool_by_rule_and_sets_capacity(client, org):
    leads = [pool_lead(org, name=f"池{i}", phone=f"1390013920{i}") for i in range(3)]
    client.force_login(org.lead1)
    page = client.get("/marketing/pool/").content.decode()
    assert "按规则分配线索池中的线索" in page and org.cm_a.get_full_name() in page
    response = client.post(
        f"/marketing/capacity/{org.cm_b.pk}/",
        {
            f"p{org.cm_b.pk}-weight": "3",
            f"p{org.cm_b.pk}-daily_quota": "0",
            f"p{org.cm_b.pk}-accepting": "on",
        },
    )
    assert response.status_code == 302
    row = LeadCapacity.objects.get(person=org.cm_b)
    assert (row.weight, row.daily_quota, row.accepting) == (3, 0, True)
    response = client.post("/marketing/pool/assign/", {"method": "round_robin"}, follow=True)
    assert "已分配 3 条线索，线索池剩余 0 条。" in response.content.decode()
    assert {lead.owner for lead in Lead.objects.filter(pk__in=[x.pk for x in leads])} == {org.cm_a}  # cm_b: 0


def test_the_pool_assignment_and_capacity_are_the_team_leads(client, org):
    client.force_login(org.cm_a)
    assert client.post("/marketing/pool/assign/", {"method": "round_robin"}).status_code == 403
    assert client.post(f"/marketing/capacity/{org.cm_b.pk}/", {}).status_code == 403
    client.force_login(org.lead2)
    assert client.post(f"/marketing/capacity/{org.cm_b.pk}/", {}).status_code == 404  # not lead2's team
    client.force_login(org.head1)
    assert client.get("/marketing/pool/").status_code == 403


def test_a_team_lead_assigns_a_lead_by_hand(client, org, lead):
    client.force_login(org.lead1)
    response = client.post(f"/marketing/leads/{lead.pk}/assign/", {"owner": str(org.cm_b.pk)})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.owner == org.cm_b
    client.force_login(org.cm_b)
    assert client.post(f"/marketing/leads/{lead.pk}/assign/", {"owner": "pool"}).status_code == 403


# --- the customer 360 page --------------------------------------------------------------------------------


def test_the_customer_panel_lists_the_customers_leads_and_contacts(client, org):
    zhang = customer_of(org.cm_a, phone="13800138000")
    intake = services.lead_create(actor=org.cm_a, data=LeadInput(name="张三", phone="13800138000"))
    services.lead_activity_log(
        actor=org.cm_a,
        lead_id=intake.lead.pk,
        kind="call",
        outcome="interested",
        happened_at=timezone.now(),
        notes="想了解经营贷",
    )
    client.force_login(org.cm_a)
    response = client.get(f"/marketing/customers/{zhang.pk}/panel/")
    assert response.status_code == 200
    text = response.content.decode()
    assert f"/marketing/leads/{intake.lead.pk}/" in text and "想了解经营贷" in text
    assert client.get(f"/customers/{zhang.pk}/").status_code == 200  # the 360 page draws the panel
    client.force_login(org.cm_c)
    assert client.get(f"/marketing/customers/{zhang.pk}/panel/").status_code == 404
