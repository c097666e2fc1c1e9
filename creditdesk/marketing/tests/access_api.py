"""The marketing API in the access matrix (see ``access.py``): ``w.lead`` is cm_a's lead 李四 (team T1),
``w.pool_lead`` 王五 in team T1's pool. A write a gate refuses (409) counts as let in."""

from __future__ import annotations

from creditdesk.accounts.tests.grids import CHANGES, CUSTOMER_WORKERS, EVERYONE, SEES
from creditdesk.core.testing.access import ALLOW, FORBIDDEN, Grid, api

TEAM_LEADS = Grid.by_role(
    FORBIDDEN,
    team_lead=ALLOW,
    why=(
        "assignment by rule and capacities are set by the team lead (issue 17, 'Assignment'; PRODUCT.md §2); "
        "a CM, branch head, risk manager, approver or administrator is refused (lead_owner_not_allowed)"
    ),
)

ASSIGN = CHANGES.but(
    manager="FNNN",
    why=(
        "only a team lead gives a lead to someone (a CM works their own leads but does not hand them on: "
        "lead_owner_not_allowed)"
    ),
)

POOL = SEES.as_list().but(
    manager="AAHH",
    why="a team's pool (线索池) is shared: every member of the team sees its leads nobody owns",
)

CLAIM = CHANGES.but(
    manager="AANN",
    why=(
        "a lead in the team's pool is claimed by any member of the team (CM or team lead); the branch "
        "head and risk managers read the pool but do not work leads (lead_claim_not_allowed)"
    ),
)


def _new_lead(w, me) -> dict:
    return {"name": "赵六", "phone": "13900139018", "channel": "online"}


API_DECLARATIONS = [
    api("GET /api/v1/leads/", SEES.as_list(), subject="lead", listed=True),
    api("POST /api/v1/leads/", CUSTOMER_WORKERS, body=_new_lead),
    api("GET /api/v1/leads/{id}/", SEES, subject="lead"),
    api("POST /api/v1/leads/{id}/stage/", CHANGES, subject="lead", body={"stage": "contacted"}),  # 409 gate
    api("POST /api/v1/leads/{id}/need/", CHANGES, subject="lead", body={"need_amount": "30万"}),
    api("GET /api/v1/leads/{id}/activities/", SEES, subject="lead"),
    api(
        "POST /api/v1/leads/{id}/activities/",
        CHANGES,
        subject="lead",
        body={"kind": "call", "outcome": "reached"},
    ),
    api(
        "POST /api/v1/leads/{id}/customer/",
        CHANGES,
        subject="lead",
        body=lambda w, me: {"customer": w.customer.pk},  # cm_a's 张三: the lead's owner sees him
    ),
    api("POST /api/v1/leads/{id}/assign/", ASSIGN, subject="lead", body=lambda w, me: {"owner": w.cm_b.pk}),
    api("POST /api/v1/leads/{id}/claim/", CLAIM, subject="pool_lead"),
    api("GET /api/v1/leads/pool/", POOL, subject="pool_lead", listed=True),
    api("POST /api/v1/leads/auto-assign/", TEAM_LEADS, body={"method": "round_robin"}),
    api("GET /api/v1/lead-capacities/", EVERYONE),  # a team lead their team's, a CM their own row
    api(
        "POST /api/v1/lead-capacities/",
        TEAM_LEADS,
        body=lambda w, me: {"person": w.cm_a.pk, "weight": 3, "daily_quota": 10, "accepting": True},
    ),
]


# --- the second wave (issue 17 item 11): sources, results, care, offers, cases, education, plans ----------
# ``w.campaign``, ``w.partner`` and ``w.territory`` are branch B1's (kept by lead1); ``w.survey``,
# ``w.feedback`` (a suggestion) and ``w.offer`` hang off cm_a's 张三; ``w.case`` is cm_a's (team T1).

BRANCH = Grid.parse(
    """
                    own   same_team   other_team   other_branch
    manager          A        A           A             N
    team_lead        -        A           A             N
    approver         -        -           A             N
    risk_manager     -        -           A             N
    branch_head      -        -           A             N
    admin            -        -           -             N
    """,
    why=(
        "a branch's campaigns, partners and territories are its marketing records, read by everyone of the "
        "branch (PRODUCT.md §7; issue 17 item 4); another branch's (and an administrator, of no branch): 404"
    ),
)

SOURCE_KEEPERS = Grid.parse(
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
        "a branch's campaigns (with their cost), partners and territories are kept by its team leads and "
        "branch head (marketing_source_not_allowed); the rest of the branch reads them (403)"
    ),
)

SOURCE_CREATE = Grid.by_role(
    FORBIDDEN,
    team_lead=ALLOW,
    branch_head=ALLOW,
    why="only a team lead or the branch head registers the branch's campaigns, partners and territories",
)

SURVEY_RECORD = SEES.but(
    manager="FNNN",
    why=(
        "an answer counts for the CM measured, so it is recorded by someone else who sees the customer — "
        "the team lead, branch head or a risk manager — never by the CM (survey_record_not_allowed)"
    ),
)

FEEDBACK_RECORD = SEES.but(
    why=(
        "whoever the customer speaks to among those who see the customer logs the feedback — risk managers "
        "and the branch head included (issue 17 item 7)"
    ),
)

TEAM_SHARED = Grid.parse(
    """
                    own   same_team   other_team   other_branch
    manager          A        A           N             N
    team_lead        -        A           N             N
    approver         -        -           N             N
    risk_manager     -        -           A             N
    branch_head      -        -           A             N
    admin            -        -           -             N
    """,
    why=(
        "a case names no customer and is the team's shared knowledge: every member of the author's team "
        "reads it, the branch head and risk managers their branch's; nobody else"
    ),
)


def _article(w, me) -> int:
    from creditdesk.marketing.selectors import education_articles

    return education_articles().first().pk


def _plan(w, me) -> dict:
    from creditdesk.marketing.selectors import activity_plans

    return {"plan": activity_plans().first().pk}


CAMPAIGN = {
    "name": "高新区产业园地推",
    "channel": "offline",
    "starts_on": "2026-03-01",
    "ends_on": "2026-03-31",
    "cost": "9000",
}

API_DECLARATIONS += [
    api("GET /api/v1/campaigns/", BRANCH.as_list(), subject="campaign", listed=True),
    api("POST /api/v1/campaigns/", SOURCE_CREATE, body={**CAMPAIGN, "name": "抖音本地推广"}),
    api("GET /api/v1/campaigns/{id}/", BRANCH, subject="campaign"),
    api("PUT /api/v1/campaigns/{id}/", SOURCE_KEEPERS, subject="campaign", body=CAMPAIGN),
    api("PATCH /api/v1/campaigns/{id}/", SOURCE_KEEPERS, subject="campaign", body={"notes": "延长一周"}),
    api("GET /api/v1/partners/", BRANCH.as_list(), subject="partner", listed=True),
    api("POST /api/v1/partners/", SOURCE_CREATE, body={"name": "高新区商会", "kind": "chamber"}),
    api("GET /api/v1/partners/{id}/", BRANCH, subject="partner"),
    api(
        "PUT /api/v1/partners/{id}/",
        SOURCE_KEEPERS,
        subject="partner",
        body={"name": "链家高新店", "kind": "real_estate"},
    ),
    api("PATCH /api/v1/partners/{id}/", SOURCE_KEEPERS, subject="partner", body={"active": False}),
    api("GET /api/v1/territories/", BRANCH.as_list(), subject="territory", listed=True),
    api(
        "POST /api/v1/territories/",
        SOURCE_CREATE,
        body={"name": "万达商圈", "kind": "district", "keywords": "万达广场"},
    ),
    api("GET /api/v1/territories/{id}/", BRANCH, subject="territory"),
    api(
        "PUT /api/v1/territories/{id}/",
        SOURCE_KEEPERS,
        subject="territory",
        body={"name": "高新区创业园", "kind": "park", "keywords": "创业园,创业路"},
    ),
    api("PATCH /api/v1/territories/{id}/", SOURCE_KEEPERS, subject="territory", body={"notes": "每周二走访"}),
    api("GET /api/v1/territories/{id}/report/", BRANCH, subject="territory"),
    # the results: every signed-in person, each over their own scope
    api("GET /api/v1/marketing/source-results/", EVERYONE, query={"group": "campaign"}),
    api("GET /api/v1/marketing/referrers/", EVERYONE),
    api("GET /api/v1/marketing/satisfaction/", EVERYONE),
    api("GET /api/v1/marketing/fee-income/", EVERYONE),
    # care: through the customer 张三
    api("GET /api/v1/surveys/", SEES.as_list(), subject="survey", listed=True),
    api(
        "POST /api/v1/surveys/",
        CHANGES,
        subject="customer",
        body=lambda w, me: {"customer": w.customer.pk, "kind": "nps", "trigger_key": "service:2"},
    ),
    api("POST /api/v1/surveys/{id}/answer/", SURVEY_RECORD, subject="survey", body={"score": 4}),
    api("GET /api/v1/feedback/", SEES.as_list(), subject="feedback", listed=True),
    api(
        "POST /api/v1/feedback/",
        FEEDBACK_RECORD,
        subject="customer",
        body=lambda w, me: {"customer": w.customer.pk, "kind": "praise", "text": "服务很周到"},
    ),
    api(
        "POST /api/v1/feedback/{id}/close/",
        CHANGES,
        subject="feedback",
        body={"resolution": "已开通手机银行还款"},
    ),
    # offers
    api("GET /api/v1/offers/", SEES.as_list(), subject="offer", listed=True),
    api(
        "POST /api/v1/offers/",
        CHANGES,
        subject="customer",
        body=lambda w, me: {"customer": w.customer.pk, "category": "insurance"},
    ),
    api("POST /api/v1/offers/{id}/outcome/", CHANGES, subject="offer", body={"outcome": "accepted"}),
    api(
        "GET /api/v1/offers/next/",
        SEES,
        subject="customer",
        query=lambda w, me: {"customer": w.customer.pk},
    ),
    # the case library, education, follow-up plans
    api("GET /api/v1/cases/", TEAM_SHARED.as_list(), subject="case", listed=True),
    api(
        "POST /api/v1/cases/",
        CUSTOMER_WORKERS,
        body={
            "title": "个体户首贷",
            "outcome": "lost",
            "customer_kind": "individual_business",
            "need": "进货周转",
            "solution": "经营贷",
            "lessons": "利率高于同业报价",
        },
    ),
    api("GET /api/v1/cases/{id}/", TEAM_SHARED, subject="case"),
    api("GET /api/v1/education/", EVERYONE),
    api(
        "POST /api/v1/education/{id}/send/",
        CHANGES,
        subject="customer",
        params={"id": _article},
        body=lambda w, me: {"customer": w.customer.pk},
    ),
    api("GET /api/v1/activity-plans/", EVERYONE),
    api("POST /api/v1/leads/{id}/plan/", CHANGES, subject="lead", body=_plan),
    api("GET /api/v1/leads/{id}/score/", SEES, subject="lead"),
]
