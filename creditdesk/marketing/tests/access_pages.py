"""The marketing pages in the access matrix (see ``access.py``): ``w.lead`` is cm_a's 李四 (team T1),
``w.pool_lead`` team T1's 王五 in the pool (no owner); branch B1's ``w.campaign``, ``w.partner`` and
``w.territory``; 张三's (``w.customer``, cm_a's) ``w.survey``, ``w.feedback`` (a suggestion) and
``w.offer`` (deposits, awaiting his answer); cm_a's ``w.case``. A POST the view takes but a rule refuses
(a stage gate: 409, a form error: 400) counts as let in."""

from __future__ import annotations

from django.utils import timezone

from creditdesk.accounts.tests.grids import CHANGES, CUSTOMER_WORKERS, SEES
from creditdesk.core.testing.access import ALLOW, FORBIDDEN, Grid, page
from creditdesk.marketing.models import ActivityPlan, EducationArticle


def _lead_link(w) -> str:
    return f"/marketing/leads/{w.lead.pk}/"


def _call(w, me) -> dict:
    return {
        "kind": "call",
        "direction": "outbound",
        "outcome": "reached",
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }


def _new_lead(w, me) -> dict:
    return {
        "name": "赵六",
        "phone": "13900139023",
        "kind": "individual",
        "channel": "online",
        "basis": "request",
        "value_segment": "mass",
    }


ASSIGN = CHANGES.but(
    manager="FNNN",
    why="only a team lead gives a lead to someone else or returns it to the pool (a CM works their own)",
)

CLAIM = CHANGES.but(
    manager="AANN",
    why=(
        "a pool lead has no owner: every CM and the team lead of its team may take it (线索池); another "
        "team's pool is out of scope; the branch head and risk managers read it but do not take leads"
    ),
)


def _plan(w, me) -> dict:
    return {"plan": ActivityPlan.objects.filter(active=True).values_list("pk", flat=True).first() or ""}


def _article(w, me) -> dict:
    return {
        "article": EducationArticle.objects.filter(active=True).values_list("pk", flat=True).first() or ""
    }


def _case(w, me) -> dict:
    return {
        "title": "个体户首贷",
        "outcome": "won",
        "customer_kind": "individual_business",
        "need": "进货周转",
        "solution": "信用贷",
        "lessons": "先看流水",
    }


CAMPAIGN = {
    "name": "高新区产业园地推",
    "channel": "offline",
    "starts_on": "2026-03-01",
    "ends_on": "2026-03-31",
    "cost": "9000",
}
PARTNER = {"name": "链家高新店", "kind": "real_estate", "active": "on"}
TERRITORY = {"name": "高新区创业园", "kind": "park", "keywords": "创业园,创业路"}

FRONT_LINE = Grid.by_role(
    FORBIDDEN,
    manager=ALLOW,
    team_lead=ALLOW,
    risk_manager=ALLOW,
    branch_head=ALLOW,
    why=(
        "the marketing reports, the case library and customer education are the front line's: each reads "
        "what their scope holds (a CM their own leads, a team lead the team's, a branch head and risk "
        "managers the branch's); an approver or administrator sees no customer's business"
    ),
)

SOURCE_KEEPERS = Grid.by_role(
    FORBIDDEN,
    team_lead=ALLOW,
    branch_head=ALLOW,
    why="campaigns, partners and territories are the branch's, kept by its team leads and branch head",
)

BRANCH_SOURCE = Grid.parse(
    """
                    own   same_team   other_team   other_branch
    manager          F        F           F             N
    team_lead        -        A           A             N
    approver         -        -           F             N
    risk_manager     -        -           F             N
    branch_head      -        -           A             N
    admin            -        -           -             N
    """,
    why=(
        "a campaign, partner or territory of branch B1: kept by the branch's team leads (either team) and "
        "branch head; read by the rest of the branch (403 to change); another branch's: 404"
    ),
)

BRANCH_READ = BRANCH_SOURCE.but(
    manager="AAAN",
    risk_manager="--AN",
    why="a territory's report is read by the branch's front line (an approver: 403)",
)

TEAM_SHARED = SEES.but(
    manager="AANN",
    why="a case is the team's shared knowledge (it names no customer): every member of the team reads it",
)

SURVEY_RECORDERS = SEES.but(
    manager="FNNN",
    why=(
        "a satisfaction answer is recorded by someone other than the CM whose service it measures (the team "
        "lead, the branch head, a risk manager who see the customer): the CM measured is refused (403)"
    ),
)

TEAM_LEADS = Grid.by_role(
    FORBIDDEN,
    team_lead=ALLOW,
    why="the team lead hands the team pool's leads out by rule and sets each member's capacity (issue 17)",
)

PAGE_DECLARATIONS = [
    page("marketing:lead_list", SEES.as_list(), subject="lead", listed=_lead_link),
    page("marketing:board", SEES.as_list(), subject="lead", listed=_lead_link),
    page("marketing:lead_create", CUSTOMER_WORKERS),  # leads are entered by the front line that sells
    page("marketing:lead_create", CUSTOMER_WORKERS, method="POST", data=_new_lead),
    page("marketing:lead_detail", SEES, subject="lead"),
    page("marketing:lead_stage", CHANGES, method="POST", subject="lead", data={"stage": "contacted"}),
    page(
        "marketing:lead_update",
        CHANGES,
        method="POST",
        subject="lead",
        data={"need_purpose": "business_working_capital", "need_amount": "30万", "notes": ""},
    ),
    page("marketing:lead_activity", CHANGES, method="POST", subject="lead", data=_call),
    page(
        "marketing:lead_customer",
        CHANGES,
        method="POST",
        subject="lead",
        data=lambda w, me: {"customer": w.customer.pk},  # cm_a's 张三: the lead's owner sees him
    ),
    page("marketing:lead_assign", ASSIGN, method="POST", subject="lead", data={"owner": "pool"}),
    page(
        "marketing:lead_claim",
        CLAIM,
        method="POST",
        subject="pool_lead",
        params={"lead_id": lambda w, me: w.pool_lead.pk},
    ),
    page("marketing:pool", CUSTOMER_WORKERS),  # each sees their own team's pool
    page("marketing:pool_assign", TEAM_LEADS, method="POST", data={"method": "round_robin"}),
    page(
        "marketing:capacity",
        TEAM_LEADS,
        method="POST",
        params={"person_id": lambda w, me: w.cm_a.pk},  # a member of team T1 (lead1's)
        data=lambda w, me: {f"p{w.cm_a.pk}-weight": "2", f"p{w.cm_a.pk}-daily_quota": "10"},
    ),
    page("marketing:customer_panel", SEES, subject="customer"),  # the 360 page's 营销与客户关怀 panel
    # where the business comes from
    page("marketing:sources", FRONT_LINE),
    page("marketing:referrals", FRONT_LINE),
    page("marketing:territories", FRONT_LINE),
    page("marketing:territory_detail", BRANCH_READ, subject="territory"),
    page("marketing:campaign_list", FRONT_LINE),
    page("marketing:campaign_create", SOURCE_KEEPERS),
    page("marketing:campaign_create", SOURCE_KEEPERS, method="POST", data=CAMPAIGN | {"name": "春季地推"}),
    page("marketing:campaign_edit", BRANCH_SOURCE, subject="campaign"),
    page("marketing:campaign_edit", BRANCH_SOURCE, method="POST", subject="campaign", data=CAMPAIGN),
    page("marketing:partner_list", FRONT_LINE),
    page("marketing:partner_create", SOURCE_KEEPERS),
    page("marketing:partner_create", SOURCE_KEEPERS, method="POST", data=PARTNER | {"name": "市餐饮商会"}),
    page("marketing:partner_edit", BRANCH_SOURCE, subject="partner"),
    page("marketing:partner_edit", BRANCH_SOURCE, method="POST", subject="partner", data=PARTNER),
    page("marketing:territory_list", FRONT_LINE),
    page("marketing:territory_create", SOURCE_KEEPERS),
    page("marketing:territory_create", SOURCE_KEEPERS, method="POST", data=TERRITORY | {"name": "东门市场"}),
    page("marketing:territory_edit", BRANCH_SOURCE, subject="territory"),
    page("marketing:territory_edit", BRANCH_SOURCE, method="POST", subject="territory", data=TERRITORY),
    # customer care on the 360 panel, satisfaction
    page(
        "marketing:feedback_record",
        SEES,  # whoever the customer speaks to among those who see them (FEEDBACK_RECORD)
        method="POST",
        subject="customer",
        data={"kind": "praise", "text": "办理很快"},
    ),
    page(
        "marketing:feedback_close",
        CHANGES,  # a suggestion: whoever may change the customer (a complaint: COMPLAINT_CLOSE)
        method="POST",
        subject="feedback",
        data={"resolution": "已开通手机银行还款"},
    ),
    page("marketing:offer_make", CHANGES, method="POST", subject="customer", data={"category": "insurance"}),
    page("marketing:offer_outcome", CHANGES, method="POST", subject="offer", data={"outcome": "accepted"}),
    page("marketing:education_send", CHANGES, method="POST", subject="customer", data=_article),
    page(
        "marketing:survey_send",
        CHANGES,
        method="POST",
        subject="customer",
        data={"kind": "nps", "trigger_key": "service:matrix"},
    ),
    page("marketing:satisfaction", FRONT_LINE),
    page(
        "marketing:survey_answer",
        SURVEY_RECORDERS,
        method="POST",
        subject="survey",
        data={"score": "4", "comment": ""},
    ),
    # the lead's follow-up plan
    page("marketing:lead_plan", CHANGES, method="POST", subject="lead", data=_plan),
    # the case library and customer education
    page(
        "marketing:case_list",
        TEAM_SHARED.as_list().but(
            approver=FORBIDDEN, admin=FORBIDDEN, why="the library is the front line's (an approver: 403)"
        ),
        subject="case",
        listed=lambda w: f"/marketing/cases/{w.case.pk}/",
    ),
    page("marketing:case_detail", TEAM_SHARED, subject="case"),
    page("marketing:case_create", CUSTOMER_WORKERS),  # cases are written by those who sell (LEAD_CREATE)
    page("marketing:case_create", CUSTOMER_WORKERS, method="POST", data=_case),
    page("marketing:education", FRONT_LINE),
]
