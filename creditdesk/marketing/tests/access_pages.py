"""The marketing pages in the access matrix (see ``access.py``): ``w.lead`` is cm_a's 李四 (team T1),
``w.pool_lead`` team T1's 王五 in the pool (no owner). A POST the view takes but a rule refuses (a stage
gate: 409, a form error: 400) counts as let in."""

from __future__ import annotations

from django.utils import timezone

from creditdesk.accounts.tests.grids import CHANGES, CUSTOMER_WORKERS, SEES
from creditdesk.core.testing.access import ALLOW, FORBIDDEN, Grid, page


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
    page("marketing:customer_panel", SEES, subject="customer"),  # the 360 page's 线索与联系记录 panel
]
