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
