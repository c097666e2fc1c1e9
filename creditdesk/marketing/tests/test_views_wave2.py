"""The marketing pages of issue 17's second wave, end to end through the Django test client: results per
source (with the chart's data and the definitions), referrals, territories, satisfaction and the answers
awaiting a recorder, the branch's campaigns / partners / territories kept by team leads and branch heads,
the customer 360 panel (feedback, offers — refused without a marketing consent —, education, surveys), the
case library and customer education, and on a lead's page its score and follow-up plan.

Each refusal is shown with the service's sentence on the form, and nothing changes."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from creditdesk.agenda.models import Task
from creditdesk.core.models import AuditEvent
from creditdesk.loans.models import Loan
from creditdesk.loans.tests.conftest import book_loan, xyd  # noqa: F401 — fixtures
from creditdesk.marketing import lead_scoring, services
from creditdesk.marketing.models import (
    ActivityPlan,
    Campaign,
    CaseStudy,
    EducationArticle,
    Feedback,
    Lead,
    LeadScoring,
    OfferRecord,
    Partner,
    Survey,
    Territory,
)
from creditdesk.marketing.services import CampaignInput, LeadInput, PartnerInput, TerritoryInput
from creditdesk.marketing.tests.conftest import customer_of, enter, marketing_consent
from creditdesk.solutions.tests.conftest import LI_ID, li, small_catalogue  # noqa: F401 — fixtures

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def audits(prefix: str) -> int:
    return AuditEvent.objects.filter(action__startswith=prefix).count()


def campaign(org, name="高新区产业园地推", **fields):
    values = {"starts_on": date(2026, 3, 1), "ends_on": date(2026, 3, 31), "cost": "9000", **fields}
    return services.campaign_save(actor=org.lead1, data=CampaignInput(name, "offline", **values))


def chart_of(response) -> dict:
    page = response.content.decode()
    start = page.index('<script id="chart-data" type="application/json">') + len(
        '<script id="chart-data" type="application/json">'
    )
    return json.loads(page[start : page.index("</script>", start)])


# --- 获客来源 --------------------------------------------------------------------------------------------


def test_sources_show_each_channel_with_its_loans_quality_chart_and_definitions(client, org, li, xyd):  # noqa: F811
    park = campaign(org)
    services.lead_create(
        actor=org.cm_a, data=LeadInput(name="李四", phone="13900139555", id_number=LI_ID, campaign=park.pk)
    )
    enter(org.cm_a, channel="online")
    loan = book_loan(org, li, xyd)
    Loan.objects.filter(pk=loan.pk).update(status="overdue", max_dpd=45, risk_class="substandard")
    client.force_login(org.cm_a)

    response = client.get("/marketing/sources/")
    assert response.status_code == 200
    rows = {row.key: row for row in response.context["rows"]}
    assert (rows["offline"].leads, rows["offline"].loans, rows["offline"].volume) == (
        1,
        1,
        Decimal("100000.00"),
    )
    assert (rows["online"].leads, rows["online"].loans) == (1, 0)
    page = response.content.decode()
    assert "100,000.00" in page and "9,000.00" in page  # the volume and the campaign's cost
    assert "统计口径" in page and "末次触达" in page  # the definitions under the table
    chart = chart_of(response)["charts"][0]
    assert chart["labels"] == ["线下", "线上"]
    assert chart["bars"]["data"] == [10.0, 0.0]  # 万元
    assert chart["line"]["data"] == [1.0, None]  # NPL by balance: nothing lent online
    assert 'src="/static/js/marketing-charts.js"' in page

    by_campaign = client.get("/marketing/sources/?group=campaign&start=2026-01-01")
    assert [row.label for row in by_campaign.context["rows"]] == ["高新区产业园地推", "（未关联营销活动）"]
    assert 'href="?start=2026-01-01&amp;group=partner"' in by_campaign.content.decode()  # the period kept


def test_a_bad_period_is_refused_on_the_form(client, org):
    enter(org.cm_a)
    client.force_login(org.cm_a)
    response = client.get("/marketing/sources/?start=2026-05-01&end=2026-04-01")
    assert response.status_code == 200
    assert response.context["form"].errors["end"] == ["结束日期不能早于开始日期。"]
    assert response.context["rows"] == [] and response.context["chart"] is None
    assert "请先修正查询条件。" in response.content.decode()


def test_the_reports_are_the_front_lines(client, org):
    client.force_login(org.approver1)
    for url in ("/marketing/sources/", "/marketing/referrals/", "/marketing/territories/"):
        assert client.get(url).status_code == 403


# --- campaigns, partners, territories --------------------------------------------------------------------


def test_a_team_lead_registers_a_campaign_and_a_duplicate_is_refused_on_its_name(client, org):
    client.force_login(org.lead1)
    form = {
        "name": "春季地推",
        "channel": "offline",
        "starts_on": "2026-03-01",
        "ends_on": "2026-03-31",
        "cost": "1.2万",
        "notes": "",
    }
    response = client.post("/marketing/campaigns/new/", form)
    assert response.status_code == 302 and response["Location"] == "/marketing/campaigns/"
    saved = Campaign.objects.get()
    assert (saved.name, saved.cost, saved.branch) == ("春季地推", Decimal("12000.00"), org.b1)
    assert "春季地推" in client.get("/marketing/campaigns/").content.decode()

    before = (Campaign.objects.count(), audits("campaign."))
    again = client.post("/marketing/campaigns/new/", form)
    assert again.status_code == 409
    assert again.context["form"].errors["name"] == ["本支行已有同名记录。"]
    assert (Campaign.objects.count(), audits("campaign.")) == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cost", "一些", "活动成本须为不小于 0、小于 10 亿、最多两位小数的金额。"),
        ("ends_on", "2026-02-01", "结束日期不能早于开始日期。"),
    ],
)
def test_a_bad_campaign_is_refused_with_the_services_sentence(client, org, field, value, message):
    park = campaign(org)
    client.force_login(org.head1)
    form = {"name": "改名", "channel": "offline", "starts_on": "2026-03-01", "ends_on": "2026-03-31"}
    response = client.post(f"/marketing/campaigns/{park.pk}/edit/", form | {"cost": "9000", field: value})
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    park.refresh_from_db()
    assert (park.name, park.cost) == ("高新区产业园地推", Decimal("9000.00"))


def test_campaigns_are_edited_by_the_branchs_leaders_only(client, org):
    park = campaign(org)
    client.force_login(org.head1)
    page = client.get(f"/marketing/campaigns/{park.pk}/edit/")
    assert page.status_code == 200 and page.context["form"].initial["cost"] == "9000.00"
    client.force_login(org.cm_a)
    assert client.get(f"/marketing/campaigns/{park.pk}/edit/").status_code == 403
    assert client.get("/marketing/campaigns/new/").status_code == 403
    assert 'data-testid="source-new"' not in client.get("/marketing/campaigns/").content.decode()
    client.force_login(org.lead3)  # another branch
    assert client.get(f"/marketing/campaigns/{park.pk}/edit/").status_code == 404


def test_a_partners_bad_phone_is_refused_and_the_list_masks_the_phone(client, org):
    client.force_login(org.lead1)
    bad = client.post(
        "/marketing/partners/new/", {"name": "链家高新店", "kind": "real_estate", "contact_phone": "123"}
    )
    assert bad.status_code == 400 and "contact_phone" in bad.context["form"].errors
    assert not Partner.objects.exists()
    good = client.post(
        "/marketing/partners/new/",
        {
            "name": "链家高新店",
            "kind": "real_estate",
            "contact_name": "王经理",
            "contact_phone": "13900139000",
        }
        | {"active": "on"},
    )
    assert good.status_code == 302
    page = client.get("/marketing/partners/").content.decode()
    assert "王经理" in page and "139****9000" in page and "13900139000" not in page


def test_territories_keywords_overview_and_detail(client, org):
    client.force_login(org.lead1)
    bad = client.post("/marketing/territories/new/", {"name": "东门", "kind": "market", "keywords": "东,门"})
    assert bad.status_code == 400
    assert bad.context["form"].errors["keywords"] == ["请填写地址关键词，每个至少 2 个字，用逗号分隔。"]
    assert not Territory.objects.exists()
    assert (
        client.post(
            "/marketing/territories/new/",
            {"name": "高新区创业园", "kind": "park", "keywords": "创业园，创业路"},
        ).status_code
        == 302
    )
    area = Territory.objects.get()
    assert area.keywords == "创业园,创业路"
    customer_of(org.cm_a, profile={"address_business": "高新区创业园 3 栋"})
    enter(org.cm_a, territory=area.pk)

    client.force_login(org.cm_a)
    overview = client.get("/marketing/territories/")
    assert overview.status_code == 200
    [report] = overview.context["reports"]
    assert (report.customers, report.with_loan, report.open_leads) == (1, 0, 1)
    assert chart_of(overview)["charts"][0]["bars"]["data"] == [1]
    detail = client.get(f"/marketing/territories/{area.pk}/")
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "您团队登记的他行报价" in page  # the competitors are the team's recorded quotes
    assert 'data-testid="by-industry"' in page and "未分类" in page
    assert "修改片区" not in page  # a CM reads it
    client.force_login(org.cm_d)
    assert client.get(f"/marketing/territories/{area.pk}/").status_code == 404


# --- 转介绍 ---------------------------------------------------------------------------------------------


def test_the_referrers_table_names_the_customer_who_referred(client, org):
    zhang = customer_of(org.cm_a)
    enter(org.cm_a, referrer_customer=zhang.pk)
    client.force_login(org.cm_a)
    response = client.get("/marketing/referrals/")
    assert response.status_code == 200
    [item] = response.context["rows"]
    assert (item["kind"], item["row"].name, item["row"].leads, item["row"].loans) == ("客户", "张三", 1, 0)
    assert "张三" in response.content.decode()


# --- 满意度 ---------------------------------------------------------------------------------------------


def test_satisfaction_and_the_answers_a_team_lead_records(client, org):
    zhang = customer_of(org.cm_a)
    survey = services.survey_send(actor=org.cm_a, customer_id=zhang.pk, kind="csat", trigger_key="service:1")
    client.force_login(org.lead1)
    page = client.get("/marketing/satisfaction/")
    assert page.status_code == 200
    [row] = page.context["rows"]
    assert (row.name, row.sent, row.answered) == (org.cm_a.get_full_name(), 1, 0)
    assert [item["survey"].pk for item in page.context["awaiting"]] == [survey.pk]

    before = audits("survey.answer")
    bad = client.post(f"/marketing/surveys/{survey.pk}/answer/", {"score": "9", "comment": ""})
    assert bad.status_code == 400
    assert bad.context["awaiting"][0]["form"].errors["score"] == ["评分须为 1 至 5 的整数。"]
    assert 'data-testid="error-score"' in bad.content.decode()
    survey.refresh_from_db()
    assert (survey.status, survey.score, audits("survey.answer")) == ("sent", None, before)

    done = client.post(f"/marketing/surveys/{survey.pk}/answer/", {"score": "5", "comment": "很耐心"})
    assert done.status_code == 302
    survey.refresh_from_db()
    assert (survey.status, survey.score, survey.recorded_by) == ("answered", 5, org.lead1)


def test_the_cm_measured_does_not_record_the_answer(client, org):
    zhang = customer_of(org.cm_a)
    survey = services.survey_send(actor=org.cm_a, customer_id=zhang.pk, kind="nps", trigger_key="loan:1")
    client.force_login(org.cm_a)
    page = client.get("/marketing/satisfaction/")
    assert page.status_code == 200 and page.context["awaiting"] == []
    assert client.post(f"/marketing/surveys/{survey.pk}/answer/", {"score": "10"}).status_code == 403
    survey.refresh_from_db()
    assert survey.status == "sent"


# --- the customer 360 panel -----------------------------------------------------------------------------


def test_the_panel_lists_offers_with_their_reasons_and_a_consent_missing_warning(client, org):
    zhang = customer_of(org.cm_a)
    client.force_login(org.cm_a)
    response = client.get(f"/marketing/customers/{zhang.pk}/panel/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="consent-missing"' in page
    assert "客户未授权营销联系（可答复客户主动咨询，不得主动推荐）" in page  # what blocks each offer
    assert 'data-testid="offer-make"' not in page  # nothing may be offered

    marketing_consent(zhang)
    page = client.get(f"/marketing/customers/{zhang.pk}/panel/").content.decode()
    assert 'data-testid="consent-missing"' not in page
    assert 'data-testid="offer-make"' in page and "归集日常资金，享受存款利息" in page  # deposits' reason


def test_an_offer_without_consent_is_refused_with_the_sentence_and_nothing_is_recorded(client, org):
    zhang = customer_of(org.cm_a)
    client.force_login(org.cm_a)
    before = (OfferRecord.objects.count(), audits("offer."))
    response = client.post(f"/marketing/customers/{zhang.pk}/offers/", {"category": "deposits"}, **HX)
    assert response.status_code == 400  # htmx swaps a 400 into the panel (data-swap-refusals)
    page = response.content.decode()
    assert 'data-testid="offer-error"' in page
    assert "客户未授权营销联系，不能主动推荐产品。请先取得客户的营销授权。" in page
    assert (OfferRecord.objects.count(), audits("offer.")) == before
    plain = client.post(f"/marketing/customers/{zhang.pk}/offers/", {"category": "deposits"})
    assert plain.status_code == 400  # without JavaScript: the panel on a page of its own
    assert "客户未授权营销联系，不能主动推荐产品" in plain.content.decode()
    assert "返回客户 360 视图" in plain.content.decode()


def test_an_offer_is_made_and_its_answer_recorded(client, org):
    zhang = customer_of(org.cm_a)
    marketing_consent(zhang)
    client.force_login(org.cm_a)
    made = client.post(f"/marketing/customers/{zhang.pk}/offers/", {"category": "deposits"}, **HX)
    assert made.status_code == 200
    record = OfferRecord.objects.get()
    assert (record.category, record.outcome, record.reason) == (
        "deposits",
        "offered",
        "归集日常资金，享受存款利息",
    )
    page = made.content.decode()
    assert "已推荐：存款。" in page and "已推荐，待客户答复" in page
    assert f'action="/marketing/offers/{record.pk}/outcome/"' in page

    twice = client.post(f"/marketing/customers/{zhang.pk}/offers/", {"category": "deposits"})
    assert twice.status_code == 409 and "该产品已推荐、尚待客户答复。" in twice.content.decode()
    answered = client.post(
        f"/marketing/offers/{record.pk}/outcome/", {"outcome": "accepted", "note": "当场开户"}
    )
    assert answered.status_code == 302 and answered["Location"] == f"/customers/{zhang.pk}/"
    record.refresh_from_db()
    assert (record.outcome, record.note) == ("accepted", "当场开户")


def test_feedback_is_recorded_refused_in_the_future_and_a_complaint_closed_by_the_team_lead(client, org):
    zhang = customer_of(org.cm_a)
    client.force_login(org.cm_a)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    refused = client.post(
        f"/marketing/customers/{zhang.pk}/feedback/",
        {"kind": "complaint", "text": "等了很久", "received_on": tomorrow},
        **HX,
    )
    assert refused.status_code == 400
    assert refused.context["feedback_form"].errors["received_on"] == ["收到日期不能晚于今天。"]
    assert (Feedback.objects.count(), Task.objects.count()) == (0, 0)

    done = client.post(
        f"/marketing/customers/{zhang.pk}/feedback/", {"kind": "complaint", "text": "等了很久"}
    )
    assert done.status_code == 302
    complaint = Feedback.objects.get()
    assert (complaint.kind, complaint.status, complaint.task.owner) == ("complaint", "open", org.cm_a)
    page = client.get(f"/marketing/customers/{zhang.pk}/panel/").content.decode()
    assert "等了很久" in page and "投诉由团队主管或支行行长办结。" in page
    assert (
        client.post(f"/marketing/feedback/{complaint.pk}/close/", {"resolution": "已致歉"}).status_code == 403
    )

    client.force_login(org.lead1)
    empty = client.post(f"/marketing/feedback/{complaint.pk}/close/", {"resolution": ""}, **HX)
    assert empty.status_code == 400 and "resolution" in empty.context["feedback"][0]["form"].errors
    closed = client.post(
        f"/marketing/feedback/{complaint.pk}/close/", {"resolution": "已致歉并加开窗口"}, **HX
    )
    assert closed.status_code == 200 and "反馈已办结。" in closed.content.decode()
    complaint.refresh_from_db()
    assert (complaint.status, complaint.resolution) == ("closed", "已致歉并加开窗口")


def test_education_and_a_survey_are_sent_and_a_duplicate_survey_is_refused(client, org):
    zhang = customer_of(org.cm_a)
    article = EducationArticle.objects.filter(active=True).first()
    assert article is not None  # the data migration's articles
    client.force_login(org.cm_a)
    sent = client.post(f"/marketing/customers/{zhang.pk}/education/", {"article": article.pk}, **HX)
    assert sent.status_code == 200 and "已安排短信发送金融知识。" in sent.content.decode()
    assert audits("education.send") == 1

    form = {"kind": "csat", "trigger_key": "还款咨询-2026-03-01"}
    assert client.post(f"/marketing/customers/{zhang.pk}/surveys/", form).status_code == 302
    again = client.post(f"/marketing/customers/{zhang.pk}/surveys/", form, **HX)
    assert again.status_code == 400
    assert again.context["survey_form"].errors["trigger_key"] == ["该事件已发送过此类调查。"]
    assert Survey.objects.count() == 1


def test_a_branch_head_reads_the_panel_without_its_forms(client, org):
    zhang = customer_of(org.cm_a)
    marketing_consent(zhang)
    client.force_login(org.head1)
    page = client.get(f"/marketing/customers/{zhang.pk}/panel/").content.decode()
    assert 'data-testid="offers"' in page
    for form in ("offer-make", "education-form", "survey-form"):
        assert f'data-testid="{form}"' not in page
    assert 'data-testid="feedback-form"' in page  # the customer may speak to the branch head too
    assert (
        client.post(f"/marketing/customers/{zhang.pk}/offers/", {"category": "deposits"}).status_code == 403
    )


# --- 案例库 and 金融知识 ---------------------------------------------------------------------------------


CASE = {
    "title": "餐饮店主续贷加增额",
    "outcome": "won",
    "customer_kind": "individual_business",
    "industry": "餐饮",
    "need": "开第二家店",
    "solution": "续贷并增额",
    "lessons": "提前三个月联系",
    "tags": "续贷,餐饮",
}


def test_a_case_with_a_phone_number_is_refused_and_a_good_one_is_shared_with_the_team(client, org):
    client.force_login(org.cm_a)
    refused = client.post("/marketing/cases/new/", CASE | {"need": "客户电话 13900139017，想开第二家店"})
    assert refused.status_code == 400
    assert refused.context["form"].errors["need"] == [
        "案例会在团队内共享，请删去手机号码、证件号码等个人信息。"
    ]
    assert not CaseStudy.objects.exists()

    saved = client.post("/marketing/cases/new/", CASE)
    case = CaseStudy.objects.get()
    assert saved["Location"] == f"/marketing/cases/{case.pk}/"
    assert "提前三个月联系" in client.get(saved["Location"]).content.decode()

    client.force_login(org.cm_b)  # same team
    assert [c.pk for c in client.get("/marketing/cases/?q=餐饮").context["page"]] == [case.pk]
    assert list(client.get("/marketing/cases/?outcome=lost").context["page"]) == []
    client.force_login(org.cm_c)  # another team
    assert list(client.get("/marketing/cases/").context["page"]) == []
    assert client.get(f"/marketing/cases/{case.pk}/").status_code == 404
    client.force_login(org.head1)
    assert client.get("/marketing/cases/new/").status_code == 403


def test_a_case_is_written_from_a_closed_lead(client, org):
    lead = enter(org.cm_a)
    services.lead_move(actor=org.cm_a, lead_id=lead.pk, stage="lost", lost_reason="rate_too_high")
    client.force_login(org.cm_a)
    assert (
        f"/marketing/cases/new/?lead={lead.pk}" in client.get(f"/marketing/leads/{lead.pk}/").content.decode()
    )
    form = client.get(f"/marketing/cases/new/?lead={lead.pk}")
    assert form.context["form"].initial == {"lead": lead.pk, "outcome": "lost", "customer_kind": "individual"}
    client.post("/marketing/cases/new/", CASE | {"outcome": "lost", "lead": lead.pk})
    assert CaseStudy.objects.get().lead == lead


def test_the_education_page_shows_each_article_with_its_source(client, org):
    client.force_login(org.cm_a)
    response = client.get("/marketing/education/")
    articles = list(EducationArticle.objects.filter(active=True))
    assert response.status_code == 200 and len(response.context["articles"]) == len(articles) > 0
    page = response.content.decode()
    assert all(article.title in page and article.source in page for article in articles)


# --- a lead: score, plan, sources ------------------------------------------------------------------------


def _scoring_model(team) -> None:
    model = lead_scoring.LeadScoreModel(
        disbursed=40, lost=60, counts={"channel": {"线下": (30, 10), "线上": (10, 50)}}
    )
    LeadScoring.objects.create(
        team=team,
        basis="team",
        fitted_at=timezone.now(),
        disbursed=40,
        lost=60,
        data=model.as_data(),
    )


def test_a_lead_shows_its_score_or_says_there_are_too_few_samples(client, org):
    lead = enter(org.cm_a, channel="offline")
    client.force_login(org.cm_a)
    assert "样本不足，暂不评分" in client.get(f"/marketing/leads/{lead.pk}/").content.decode()

    _scoring_model(org.t1)
    response = client.get(f"/marketing/leads/{lead.pk}/")
    expected = services.lead_score(lead)
    assert expected is not None and response.context["score"] == expected
    page = response.content.decode()
    assert f'data-testid="score-points">{expected.points}<' in page
    assert "获客渠道：线下 +" in page  # the top factor's label
    board = client.get("/marketing/board/").content.decode()
    assert f'data-testid="card-score">{expected.points}<' in board
    rows = client.get("/marketing/leads/").content.decode()
    assert f'data-testid="row-score">{expected.points}<' in rows


def test_a_plan_puts_its_steps_on_the_owners_agenda_and_a_pool_lead_is_refused(client, org):
    plan = ActivityPlan.objects.filter(active=True).prefetch_related("steps").first()
    assert plan is not None  # the data migration's plans
    lead = enter(org.cm_a)
    client.force_login(org.cm_a)
    done = client.post(f"/marketing/leads/{lead.pk}/plan/", {"plan": plan.pk}, follow=True)
    steps = plan.steps.count()
    assert Task.objects.filter(owner=org.cm_a).count() == steps > 0
    assert f"已按“{plan.name}”安排 {steps} 项跟进待办。" in done.content.decode()

    pool_lead = services.lead_create(
        actor=org.lead1, data=LeadInput(name="王五", phone="13900139019"), to_pool=True
    ).lead
    client.force_login(org.lead1)
    before = Task.objects.count()
    refused = client.post(f"/marketing/leads/{pool_lead.pk}/plan/", {"plan": plan.pk})
    assert refused.status_code == 409
    assert refused.context["plan_form"].errors["plan"] == ["线索在线索池中，请先分配给客户经理。"]
    assert Task.objects.count() == before


def test_a_new_lead_records_its_campaign_territory_and_referrers(client, org):
    park = campaign(org)
    area = services.territory_save(
        actor=org.lead1, data=TerritoryInput(name="高新区创业园", kind="park", keywords="创业园")
    )
    zhang = customer_of(org.cm_a)
    client.force_login(org.cm_a)
    page = client.get("/marketing/leads/new/").content.decode()
    assert "高新区产业园地推" in page and "高新区创业园" in page and 'data-testid="referrer-search"' in page
    form = {
        "name": "赵六",
        "phone": "13900139023",
        "kind": "individual",
        "channel": "online",
        "basis": "request",
        "value_segment": "mass",
        "campaign": park.pk,
        "territory": area.pk,
        "referrer_customer": zhang.pk,
        "referrer_staff": org.cm_b.pk,
    }
    assert client.post("/marketing/leads/new/", form).status_code == 302
    lead = Lead.objects.get()
    assert (lead.channel, lead.campaign, lead.territory, lead.referrer_customer, lead.referrer_staff) == (
        "offline",
        park,
        area,
        zhang,
        org.cm_b,
    )


def test_a_referrer_the_enterer_does_not_see_is_refused_on_its_field(client, org):
    other = customer_of(org.cm_c, name="别人的客户", phone="13800138001")
    partner = services.partner_save(actor=org.lead1, data=PartnerInput(name="市餐饮商会", kind="chamber"))
    client.force_login(org.cm_a)
    form = {"name": "赵六", "phone": "13900139023", "kind": "individual", "channel": "online"}
    form |= {
        "basis": "request",
        "value_segment": "mass",
        "partner": partner.pk,
        "referrer_customer": other.pk,
    }
    response = client.post("/marketing/leads/new/", form)
    assert response.status_code == 400
    assert response.context["form"].errors["referrer_customer"] == ["推荐客户不存在或不在您的权限范围内。"]
    assert "别人的客户" not in response.content.decode()  # the choice is not shown back
    assert not Lead.objects.exists()
