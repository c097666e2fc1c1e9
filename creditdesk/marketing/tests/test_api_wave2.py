"""The marketing API's second wave end to end (issue 17 item 11): campaigns, partners and territories of the
branch; the results read for the person asking; surveys, feedback, offers, cases, education; follow-up
plans and scores on a lead — the happy path of each, and the refusals with their codes (nothing changes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from creditdesk.agenda.models import Task
from creditdesk.core.models import AuditEvent
from creditdesk.marketing import lead_scoring, services
from creditdesk.marketing.models import (
    Campaign,
    CaseStudy,
    Feedback,
    Lead,
    LeadScoring,
    OfferRecord,
    Partner,
    Survey,
    Territory,
)
from creditdesk.marketing.services import CampaignInput, LeadInput
from creditdesk.marketing.tests.conftest import customer_of, enter, marketing_consent
from creditdesk.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

HUGE = "长" * 100_000
CAMPAIGN = {
    "name": "高新区产业园地推",
    "channel": "offline",
    "starts_on": "2026-03-01",
    "ends_on": "2026-03-31",
    "cost": "9000",
}


def _as(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def _refused(response, status, code, details=None):
    assert (response.status_code, response.json()["code"]) == (status, code), response.json()
    if details is not None:
        assert list(response.json()["details"]) == details


@pytest.fixture
def zhang(org):
    """张三, cm_a's customer with a phone."""
    return customer_of(org.cm_a)


# --- campaigns, partners, territories -----------------------------------------------------------------------


def test_a_team_lead_registers_and_edits_a_campaign_the_branch_reads(api_client, org):
    client = _as(api_client, org.lead1)
    created = client.post("/api/v1/campaigns/", CAMPAIGN, format="json")
    assert created.status_code == 201
    campaign = Campaign.objects.get()
    body = created.json()
    assert (body["id"], body["name"], body["channel_display"], body["cost"], body["branch"]) == (
        campaign.pk,
        "高新区产业园地推",
        "线下",
        "9000.00",
        org.b1.pk,
    )
    patched = client.patch(f"/api/v1/campaigns/{campaign.pk}/", {"notes": "延长一周"}, format="json")
    assert patched.status_code == 200
    assert (patched.json()["notes"], patched.json()["cost"], patched.json()["ends_on"]) == (
        "延长一周",
        "9000.00",
        "2026-03-31",
    )
    replaced = client.put(
        f"/api/v1/campaigns/{campaign.pk}/", {**CAMPAIGN, "ends_on": "2026-04-07"}, format="json"
    )
    assert replaced.status_code == 200
    assert (replaced.json()["notes"], replaced.json()["ends_on"]) == ("", "2026-04-07")  # PUT replaces
    assert [row["id"] for row in _as(api_client, org.cm_c).get("/api/v1/campaigns/").json()["results"]] == [
        campaign.pk
    ]  # the whole branch reads it
    assert _as(api_client, org.cm_d).get(f"/api/v1/campaigns/{campaign.pk}/").status_code == 404
    assert _as(api_client, org.cm_d).get("/api/v1/campaigns/").json()["count"] == 0


def test_a_cm_may_not_register_or_change_a_campaign(api_client, org):
    campaign = services.campaign_save(
        actor=org.lead1, data=CampaignInput("地推", "offline", timezone.localdate(), timezone.localdate())
    )
    events = AuditEvent.objects.count()
    client = _as(api_client, org.cm_a)
    _refused(client.post("/api/v1/campaigns/", CAMPAIGN, format="json"), 403, "marketing_source_not_allowed")
    patched = client.patch(f"/api/v1/campaigns/{campaign.pk}/", {"name": "改名"}, format="json")
    _refused(patched, 403, "marketing_source_not_allowed")
    campaign.refresh_from_db()
    assert campaign.name == "地推" and Campaign.objects.count() == 1 and AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("body", "status", "code", "details"),
    [
        ({**CAMPAIGN, "ends_on": "2026-02-01"}, 400, "campaign_period_invalid", ["field"]),
        ({**CAMPAIGN, "cost": "很多"}, 400, "campaign_cost_invalid", ["field"]),
        ({**CAMPAIGN, "cost": -5}, 400, "campaign_cost_invalid", ["field"]),
        ({**CAMPAIGN, "partner": 999999}, 400, "campaign_partner_not_found", ["field"]),
        ({**CAMPAIGN, "channel": "tv"}, 400, "invalid", ["channel"]),
        ({**CAMPAIGN, "name": HUGE}, 400, "invalid", ["name"]),
        ({**CAMPAIGN, "notes": HUGE}, 400, "invalid", ["notes"]),
        ({"name": "地推"}, 400, "invalid", ["channel", "starts_on", "ends_on"]),
    ],
)
def test_bad_campaign_bodies_are_400_and_nothing_is_written(api_client, org, body, status, code, details):
    response = _as(api_client, org.lead1).post("/api/v1/campaigns/", body, format="json")
    _refused(response, status, code, details)
    assert Campaign.objects.count() == 0


def test_a_campaign_name_is_unique_in_the_branch(api_client, org):
    client = _as(api_client, org.lead1)
    assert client.post("/api/v1/campaigns/", CAMPAIGN, format="json").status_code == 201
    _refused(client.post("/api/v1/campaigns/", CAMPAIGN, format="json"), 409, "marketing_source_duplicate")
    assert Campaign.objects.count() == 1


def test_a_partner_never_shows_its_contacts_phone_in_clear(api_client, org):
    client = _as(api_client, org.head1)
    created = client.post(
        "/api/v1/partners/",
        {
            "name": "链家高新店",
            "kind": "real_estate",
            "contact_name": "王经理",
            "contact_phone": "13900139018",
        },
        format="json",
    )
    assert created.status_code == 201
    partner = Partner.objects.get()
    assert created.json()["contact_phone_masked"] == "139****9018"
    assert "13900139018" not in created.content.decode()
    listed = _as(api_client, org.cm_a).get("/api/v1/partners/")
    assert [row["id"] for row in listed.json()["results"]] == [partner.pk]
    assert "13900139018" not in listed.content.decode() and "contact_phone" not in listed.json()["results"][0]
    patched = _as(api_client, org.head1).patch(
        f"/api/v1/partners/{partner.pk}/", {"active": False}, format="json"
    )
    assert (patched.status_code, patched.json()["active"], patched.json()["contact_phone_masked"]) == (
        200,
        False,
        "139****9018",
    )
    partner.refresh_from_db()
    assert partner.contact_phone == "13900139018"  # kept when not given
    bad = api_client.patch(f"/api/v1/partners/{partner.pk}/", {"contact_phone": "12345"}, format="json")
    _refused(bad, 400, "phone_invalid")
    _refused(
        api_client.post("/api/v1/partners/", {"name": "x", "kind": "bank"}, format="json"),
        400,
        "invalid",
        ["kind"],
    )


def test_a_territory_its_leads_and_its_report(api_client, org, zhang):
    client = _as(api_client, org.lead1)
    created = client.post(
        "/api/v1/territories/",
        {"name": "高新区创业园", "kind": "park", "keywords": "创业园，创业路,创业园"},
        format="json",
    )
    assert created.status_code == 201
    territory = Territory.objects.get()
    assert (created.json()["keywords"], created.json()["kind_display"]) == ("创业园,创业路", "产业园区")
    intake = _as(api_client, org.cm_a).post(
        "/api/v1/leads/",
        {"name": "赵六", "phone": "13900139018", "channel": "offline", "territory": territory.pk},
        format="json",
    )
    assert intake.status_code == 201
    assert intake.json()["lead"]["territory"] == territory.pk
    assert Lead.objects.get().territory == territory
    report = api_client.get(f"/api/v1/territories/{territory.pk}/report/")
    assert report.status_code == 200
    body = report.json()
    assert (body["territory"]["id"], body["open_leads"], body["customers"], body["loan_penetration"]) == (
        territory.pk,
        1,
        0,
        None,
    )
    assert {"label": "新线索", "count": 1} in body["leads_by_stage"]
    _refused(
        _as(api_client, org.lead1).post(
            "/api/v1/territories/", {"name": "某市场", "kind": "market", "keywords": "市"}, format="json"
        ),
        400,
        "territory_keywords_invalid",
    )
    other = _as(api_client, org.cm_a).post(
        "/api/v1/leads/", {"name": "钱七", "phone": "13900139028", "territory": 999999}, format="json"
    )
    _refused(other, 400, "lead_territory_not_found")
    assert _as(api_client, org.lead3).get(f"/api/v1/territories/{territory.pk}/report/").status_code == 404


# --- the results --------------------------------------------------------------------------------------------


def test_source_results_are_read_for_the_viewer(api_client, org):
    campaign = services.campaign_save(
        actor=org.lead1,
        data=CampaignInput("地推", "offline", timezone.localdate(), timezone.localdate(), cost="900"),
    )
    enter(org.cm_a, campaign=campaign.pk)
    enter(org.cm_b, campaign=campaign.pk)
    client = _as(api_client, org.cm_a)
    rows = client.get("/api/v1/marketing/source-results/", {"group": "campaign"}).json()["results"]
    assert [(r["key"], r["label"], r["leads"], r["cost"], r["volume"]) for r in rows] == [
        (str(campaign.pk), "地推", 1, "450.00", "0.00")  # cm_a sees his lead: half the cost
    ]
    team = _as(api_client, org.lead1).get("/api/v1/marketing/source-results/").json()["results"]
    assert [(r["key"], r["leads"], r["conversion_rate"]) for r in team] == [("offline", 2, 0.0)]
    _refused(
        client.get("/api/v1/marketing/source-results/", {"group": "weather"}), 400, "source_group_unknown"
    )
    for path in ("source-results", "referrers", "satisfaction"):
        inverted = client.get(f"/api/v1/marketing/{path}/", {"start": "2026-03-02", "end": "2026-03-01"})
        _refused(inverted, 400, "source_period_invalid")
    _refused(client.get("/api/v1/marketing/referrers/", {"start": "yesterday"}), 400, "invalid", ["start"])


def test_top_referrers_count_the_referred_leads(api_client, org, zhang):
    enter(org.cm_a, referrer_customer=zhang.pk)
    rows = _as(api_client, org.cm_a).get("/api/v1/marketing/referrers/").json()["results"]
    assert [(r["kind"], r["referrer_id"], r["name"], r["leads"], r["reward"]) for r in rows] == [
        ("customer", zhang.pk, "张三", 1, "0.00")
    ]


# --- surveys ------------------------------------------------------------------------------------------------


def test_a_survey_is_sent_then_answered_once_by_someone_other_than_the_cm(api_client, org, zhang):
    sent = _as(api_client, org.cm_a).post(
        "/api/v1/surveys/", {"customer": zhang.pk, "kind": "nps", "trigger_key": "repayment:1"}, format="json"
    )
    assert sent.status_code == 201
    survey = Survey.objects.get()
    assert (sent.json()["owner"], sent.json()["customer_name"], sent.json()["status"]) == (
        org.cm_a.pk,
        "张三",
        "sent",
    )
    again = api_client.post(
        "/api/v1/surveys/", {"customer": zhang.pk, "kind": "nps", "trigger_key": "repayment:1"}, format="json"
    )
    _refused(again, 409, "survey_duplicate")
    own = api_client.post(f"/api/v1/surveys/{survey.pk}/answer/", {"score": 10}, format="json")
    _refused(own, 403, "survey_record_not_allowed")  # the CM measured may not record his own score
    survey.refresh_from_db()
    assert (survey.status, survey.score) == ("sent", None)
    client = _as(api_client, org.lead1)
    answered = client.post(
        f"/api/v1/surveys/{survey.pk}/answer/", {"score": 9, "comment": "很好"}, format="json"
    )
    assert answered.status_code == 200
    assert (answered.json()["status"], answered.json()["score"], answered.json()["recorded_by"]) == (
        "answered",
        9,
        org.lead1.pk,
    )
    events = AuditEvent.objects.count()
    twice = client.post(f"/api/v1/surveys/{survey.pk}/answer/", {"score": 3}, format="json")
    _refused(twice, 409, "survey_already_answered")
    survey.refresh_from_db()
    assert survey.score == 9 and AuditEvent.objects.count() == events
    assert [
        row["id"] for row in client.get("/api/v1/surveys/", {"customer": zhang.pk}).json()["results"]
    ] == [survey.pk]
    satisfaction = client.get("/api/v1/marketing/satisfaction/").json()["results"]
    assert [(r["owner_id"], r["answered"], r["nps"]) for r in satisfaction] == [(org.cm_a.pk, 1, 100.0)]
    assert _as(api_client, org.cm_c).get("/api/v1/surveys/").json()["count"] == 0


def test_survey_scores_out_of_range(api_client, org, zhang):
    csat = services.survey_send(actor=org.cm_a, customer_id=zhang.pk, kind="csat", trigger_key="service:1")
    client = _as(api_client, org.lead1)
    _refused(
        client.post(f"/api/v1/surveys/{csat.pk}/answer/", {"score": 0}, format="json"),
        400,
        "survey_score_invalid",
    )
    _refused(
        client.post(f"/api/v1/surveys/{csat.pk}/answer/", {"score": 11}, format="json"),
        400,
        "invalid",
        ["score"],
    )
    _refused(
        client.post(f"/api/v1/surveys/{csat.pk}/answer/", {"score": 4, "comment": HUGE}, format="json"),
        400,
        "invalid",
        ["comment"],
    )
    csat.refresh_from_db()
    assert csat.status == "sent"


# --- feedback -----------------------------------------------------------------------------------------------


def test_a_complaint_is_closed_by_the_team_lead_not_the_cm(api_client, org, zhang):
    client = _as(api_client, org.cm_a)
    recorded = client.post(
        "/api/v1/feedback/", {"customer": zhang.pk, "kind": "complaint", "text": "放款太慢"}, format="json"
    )
    assert recorded.status_code == 201
    feedback = Feedback.objects.get()
    task = Task.objects.get(pk=recorded.json()["task"])
    assert (task.owner, task.due_date) == (org.cm_a, timezone.localdate() + timedelta(days=1))
    refused = client.post(f"/api/v1/feedback/{feedback.pk}/close/", {"resolution": "已致歉"}, format="json")
    _refused(refused, 403, "complaint_close_not_allowed")
    feedback.refresh_from_db()
    assert feedback.status == "open"
    lead = _as(api_client, org.lead1)
    closed = lead.post(
        f"/api/v1/feedback/{feedback.pk}/close/", {"resolution": "已致歉并加急"}, format="json"
    )
    assert (closed.status_code, closed.json()["status"], closed.json()["resolution"]) == (
        200,
        "closed",
        "已致歉并加急",
    )
    _refused(
        lead.post(f"/api/v1/feedback/{feedback.pk}/close/", {"resolution": "再次"}, format="json"),
        409,
        "feedback_closed",
    )
    assert [row["id"] for row in lead.get("/api/v1/feedback/").json()["results"]] == [feedback.pk]


def test_bad_feedback_bodies(api_client, org, zhang):
    client = _as(api_client, org.cm_a)
    huge = client.post(
        "/api/v1/feedback/", {"customer": zhang.pk, "kind": "praise", "text": HUGE}, format="json"
    )
    _refused(huge, 400, "invalid", ["text"])
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    later = client.post(
        "/api/v1/feedback/",
        {"customer": zhang.pk, "kind": "praise", "text": "好", "received_on": future},
        format="json",
    )
    _refused(later, 400, "feedback_in_future")
    other = customer_of(org.cm_c, name="王五", phone="13800138001")
    _refused(
        client.post(
            "/api/v1/feedback/", {"customer": other.pk, "kind": "praise", "text": "好"}, format="json"
        ),
        404,
        "not_found",
    )
    assert Feedback.objects.count() == 0 and Task.objects.count() == 0


# --- offers -------------------------------------------------------------------------------------------------


def test_no_offer_without_a_marketing_consent(api_client, org, zhang):
    client = _as(api_client, org.cm_a)
    ranked = client.get("/api/v1/offers/next/", {"customer": zhang.pk})
    assert ranked.status_code == 200
    body = ranked.json()
    assert body["customer"] == zhang.pk and body["marketing_consent"] is False
    assert body["offers"] and all(offer["consent_missing"] for offer in body["offers"])
    refused = client.post("/api/v1/offers/", {"customer": zhang.pk, "category": "deposits"}, format="json")
    _refused(refused, 400, "offer_consent_missing")
    assert OfferRecord.objects.count() == 0


def test_an_offer_made_and_accepted_counts_as_fee_income(api_client, org, zhang):
    marketing_consent(zhang)
    client = _as(api_client, org.cm_a)
    offers = {
        o["category"]: o for o in client.get("/api/v1/offers/next/", {"customer": zhang.pk}).json()["offers"]
    }
    deposits = offers["deposits"]
    assert (deposits["eligible"], deposits["consent_missing"], deposits["open_offer"], deposits["label"]) == (
        True,
        False,
        None,
        "存款",
    )
    assert deposits["reasons"]
    made = client.post("/api/v1/offers/", {"customer": zhang.pk, "category": "deposits"}, format="json")
    assert made.status_code == 201
    offer = OfferRecord.objects.get()
    assert (made.json()["outcome"], made.json()["fee_income"], made.json()["customer_name"]) == (
        "offered",
        f"{offer.fee_income:.2f}",
        "张三",
    )
    again = client.post("/api/v1/offers/", {"customer": zhang.pk, "category": "deposits"}, format="json")
    _refused(again, 409, "offer_already_open")
    waiting = client.get("/api/v1/offers/next/", {"customer": zhang.pk}).json()["offers"]
    assert next(o for o in waiting if o["category"] == "deposits")["open_offer"] == offer.pk
    accepted = client.post(f"/api/v1/offers/{offer.pk}/outcome/", {"outcome": "accepted"}, format="json")
    assert (accepted.status_code, accepted.json()["outcome"]) == (200, "accepted")
    _refused(
        client.post(f"/api/v1/offers/{offer.pk}/outcome/", {"outcome": "declined"}, format="json"),
        409,
        "offer_decided",
    )
    _refused(
        client.post(f"/api/v1/offers/{offer.pk}/outcome/", {"outcome": "offered"}, format="json"),
        400,
        "invalid",
        ["outcome"],
    )
    income = _as(api_client, org.lead1).get("/api/v1/marketing/fee-income/").json()["results"]
    assert [(r["owner_id"], r["offered"], r["accepted"], r["fee_income"]) for r in income] == [
        (org.cm_a.pk, 1, 1, f"{offer.fee_income:.2f}")
    ]
    assert [
        row["id"] for row in api_client.get("/api/v1/offers/", {"customer": zhang.pk}).json()["results"]
    ] == [offer.pk]


def test_next_offers_need_a_customer_in_scope(api_client, org, zhang):
    _refused(_as(api_client, org.cm_c).get("/api/v1/offers/next/", {"customer": zhang.pk}), 404, "not_found")
    _refused(api_client.get("/api/v1/offers/next/"), 400, "invalid", ["customer"])


# --- cases, education, plans, scores ------------------------------------------------------------------------

CASE = {
    "title": "餐饮店主续贷加增额",
    "outcome": "won",
    "customer_kind": "individual_business",
    "industry": "餐饮",
    "need": "开第二家店",
    "solution": "续贷并增额",
    "lessons": "提前三个月联系",
    "tags": "续贷 增额",
}


def test_a_case_is_shared_with_the_team_and_searched(api_client, org):
    written = _as(api_client, org.cm_a).post("/api/v1/cases/", CASE, format="json")
    assert written.status_code == 201
    case = CaseStudy.objects.get()
    assert (written.json()["team"], written.json()["author"]) == (org.t1.pk, org.cm_a.pk)
    client = _as(api_client, org.cm_b)
    assert [row["id"] for row in client.get("/api/v1/cases/", {"q": "续贷 餐饮"}).json()["results"]] == [
        case.pk
    ]
    assert client.get("/api/v1/cases/", {"q": "抵押"}).json()["count"] == 0
    assert client.get(f"/api/v1/cases/{case.pk}/").json()["lessons"] == "提前三个月联系"
    assert _as(api_client, org.cm_c).get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert _as(api_client, org.head1).get("/api/v1/cases/").json()["count"] == 1
    _refused(_as(api_client, org.cm_c).get("/api/v1/cases/", {"q": HUGE}), 400, "invalid", ["q"])


def test_bad_cases_are_refused(api_client, org):
    client = _as(api_client, org.cm_a)
    _refused(
        client.post("/api/v1/cases/", {**CASE, "need": "客户电话 13800138000"}, format="json"),
        400,
        "case_personal_data",
    )
    _refused(
        client.post("/api/v1/cases/", {**CASE, "solution": HUGE}, format="json"), 400, "invalid", ["solution"]
    )
    _refused(
        _as(api_client, org.head1).post("/api/v1/cases/", CASE, format="json"), 403, "lead_create_not_allowed"
    )
    assert CaseStudy.objects.count() == 0


def test_education_is_sent_to_a_customer_the_cm_works(api_client, org, zhang):
    client = _as(api_client, org.cm_a)
    articles = client.get("/api/v1/education/").json()["results"]
    assert articles and {"id", "topic", "title", "summary", "source"} <= set(articles[0])
    article = articles[0]["id"]
    sent = client.post(f"/api/v1/education/{article}/send/", {"customer": zhang.pk}, format="json")
    assert sent.status_code == 200 and sent.json()["customer"] == zhang.pk
    client.post(f"/api/v1/education/{article}/send/", {"customer": zhang.pk}, format="json")
    (message,) = OutboxMessage.objects.filter(event="customer_education")  # once per customer and article
    assert message.dedupe_key.startswith(f"education:{article}:customer:{zhang.pk}")
    _refused(
        _as(api_client, org.head1).post(
            f"/api/v1/education/{article}/send/", {"customer": zhang.pk}, format="json"
        ),
        403,
        "customer_read_only",
    )
    assert (
        _as(api_client, org.cm_a).post("/api/v1/education/999999/send/", {"customer": zhang.pk}).status_code
        == 404
    )


def test_a_plan_puts_its_steps_on_the_owners_agenda(api_client, org, lead):
    client = _as(api_client, org.cm_a)
    plans = client.get("/api/v1/activity-plans/").json()["results"]
    plan = plans[0]
    assert plan["steps"] and {"offset_days", "kind", "kind_display", "title"} == set(plan["steps"][0])
    applied = client.post(f"/api/v1/leads/{lead.pk}/plan/", {"plan": plan["id"]}, format="json")
    assert applied.status_code == 201
    tasks = applied.json()
    assert len(tasks) == len(plan["steps"]) == Task.objects.filter(owner=org.cm_a).count()
    first = plan["steps"][0]
    assert tasks[0]["title"] == f"{first['title']}（李四）"
    assert tasks[0]["due_date"] == (timezone.localdate() + timedelta(days=first["offset_days"])).isoformat()
    _refused(
        client.post(f"/api/v1/leads/{lead.pk}/plan/", {"plan": 999999}, format="json"),
        400,
        "lead_plan_unknown",
    )
    pooled = services.lead_create(
        actor=org.lead1, data=LeadInput(name="王五", phone="13900139019"), to_pool=True
    ).lead
    _refused(
        _as(api_client, org.lead1).post(
            f"/api/v1/leads/{pooled.pk}/plan/", {"plan": plan["id"]}, format="json"
        ),
        409,
        "lead_unassigned",
    )
    _refused(
        _as(api_client, org.head1).post(
            f"/api/v1/leads/{lead.pk}/plan/", {"plan": plan["id"]}, format="json"
        ),
        403,
        "lead_read_only",
    )


def test_a_score_is_null_without_a_model_then_explained(api_client, org, lead):
    client = _as(api_client, org.cm_a)
    assert client.get(f"/api/v1/leads/{lead.pk}/score/").json() == {"lead": lead.pk, "score": None}
    examples = [({"channel": "转介绍"}, True)] * 20 + [({"channel": "线下"}, False)] * 20
    model = lead_scoring.fit(examples)
    LeadScoring.objects.create(
        team=org.t1, basis="team", fitted_at=timezone.now(), disbursed=20, lost=20, data=model.as_data()
    )
    score = client.get(f"/api/v1/leads/{lead.pk}/score/").json()["score"]
    assert 0 <= score["points"] <= 100 and 0 < score["probability"] < 1
    top = score["factors"][0]
    assert (top["feature"], top["feature_label"], top["value"]) == ("channel", "获客渠道", "线下")
    assert top["weight"] < 0 and top["label"].startswith("获客渠道：线下 -")
