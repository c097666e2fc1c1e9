"""The customers app in the generated access matrix (``creditdesk/core/testing/access.py``; the grids
in ``accounts/tests/grids.py``)."""

from __future__ import annotations

from creditdesk.accounts.tests.grids import CHANGES, CUSTOMER_WORKERS, EVERYONE, SEES
from creditdesk.core.testing.access import FORBIDDEN, Grid, api, page
from creditdesk.customers import services
from creditdesk.customers.services import CustomerInput


def build(w) -> None:
    """张三, a customer of cm_a with the profile the small catalogue's tests use (so that matching and
    proposals work for him), 张三丰 (cm_a, a likely duplicate to merge) and a relationship between them."""
    w.customer = services.customer_create(
        actor=w.cm_a,
        data=CustomerInput(
            kind="individual",
            name="张三",
            id_number="110105199003071239",
            phone="13800138000",
            monthly_income="30000",
            monthly_debt_payments="2000",
            profile={"industry": "教育"},
            credit_current_overdue="0",
            credit_worst_overdue_days="0",
            credit_inquiries_6m="2",
        ),
    )
    w.customer2 = services.customer_create(
        actor=w.cm_a, data=CustomerInput(kind="individual", name="张三丰", phone="13800138001")
    )
    w.relationship = services.relationship_add(
        actor=w.cm_a,
        from_customer_id=w.customer.pk,
        to_customer_id=w.customer2.pk,
        kind="guarantor",
    )


def _new_owner(w, me):
    """A customer manager the person could hand over to: one of their own team, else of their branch."""
    if me is None:
        return w.cm_b
    if me.team_id == w.t2.pk:
        return w.cm_c
    return w.cm_d if me.branch_id == w.b2.pk else w.cm_b


def _handover(w, me) -> dict:
    return {"customer_ids": [w.customer.pk], "new_owner": _new_owner(w, me).pk, "reason": "岗位调整"}


def _merge(w, me) -> dict:
    return {"duplicate": w.customer2.pk, "reason": "同一客户重复建档"}


UNMASK = Grid.parse(
    """
                    own   same_team   other_team   other_branch
    manager          A        N           N             N
    team_lead        -        A           N             N
    approver         -        -           N             N
    risk_manager     -        -           A             N
    branch_head      -        -           F             N
    admin            -        -           -             N
    """,
    why=(
        "查看明文 (Action.SENSITIVE_UNMASK): the owner CM, the team lead and the branch's risk manager, "
        "whose work on the customer needs the clear value; the branch head sees the customer but not in "
        "clear (403); outside the scope 404 — the administrator sees no customer data"
    ),
)
HANDOVER = Grid.parse(
    """
                    own   same_team   other_team   other_branch
    manager          F        F           F             F
    team_lead        -        A           N             N
    approver         -        -           F             F
    risk_manager     -        -           F             F
    branch_head      -        -           A             N
    admin            -        -           -             F
    """,
    why=(
        "客户移交: a team lead within the team, a branch head within the branch (a customer outside the "
        "scope: 404); nobody else hands customers over (403, whichever customer)"
    ),
)
DUPLICATE_LIST = EVERYONE.but(
    manager=FORBIDDEN,
    approver=FORBIDDEN,
    risk_manager=FORBIDDEN,
    admin=FORBIDDEN,
    why="the likely-duplicates list is the team lead's (team) and the branch head's (branch) to clean up",
)
NEW_CUSTOMER = {"kind": "individual", "name": "王五"}
NEW_CUSTOMER_FORM = {
    **NEW_CUSTOMER,
    "quality_segment": "standard",
    "value_segment": "mass",
    "source": "new",
    "channel": "offline",
}
DECLARATIONS = [
    page(
        "customers:list", SEES.as_list(), subject="customer", listed=lambda w: f"/customers/{w.customer.pk}/"
    ),
    page("customers:export", EVERYONE),  # the list as the person sees it (empty outside any scope)
    page("customers:create", CUSTOMER_WORKERS),
    page("customers:create", CUSTOMER_WORKERS, method="POST", data=NEW_CUSTOMER_FORM),
    # GB/T 4754 reference data for the form's industry picker: every signed-in person.
    page("customers:industries", EVERYONE, query={"q": "cy"}),
    page("customers:import", CUSTOMER_WORKERS),
    page("customers:import", CUSTOMER_WORKERS, method="POST"),
    page("customers:duplicates", DUPLICATE_LIST),
    page("customers:handover", HANDOVER, method="POST", subject="customer", data=_handover),
    page("customers:detail", SEES, subject="customer"),
    page("customers:update", CHANGES, subject="customer"),
    page("customers:update", CHANGES, method="POST", subject="customer"),
    page(
        "customers:unmask",
        UNMASK,
        method="POST",
        subject="customer",
        data={"field": "id_number", "reason": "核实身份信息"},
    ),
    page("customers:merge", CHANGES, method="POST", subject="customer", data=_merge),
    page("customers:unmerge", CHANGES, method="POST", subject="customer", data={"reason": "误合并，撤销"}),
    page(
        "customers:relationship_add",
        CHANGES,
        method="POST",
        subject="customer",
        data=lambda w, me: {"direction": "outgoing", "kind": "household", "other": w.customer2.pk},
    ),
    page("customers:relationship_candidates", SEES, subject="customer", query={"q": "张"}),
    page("customers:relationship_remove", CHANGES, method="POST", subject="customer"),
    api("GET /api/v1/customers/", SEES.as_list(), subject="customer", listed=True),
    api("POST /api/v1/customers/", CUSTOMER_WORKERS, body=NEW_CUSTOMER),
    api("GET /api/v1/industries/", EVERYONE, query={"q": "餐饮"}),
    api("POST /api/v1/customers/handover/", HANDOVER, subject="customer", body=_handover),
    api("GET /api/v1/customers/{id}/", SEES, subject="customer"),
    api(
        "PUT /api/v1/customers/{id}/",
        CHANGES,
        subject="customer",
        body={"kind": "individual", "name": "张三"},
    ),
    api("GET /api/v1/customers/{id}/duplicates/", SEES, subject="customer"),
    api("POST /api/v1/customers/{id}/merge/", CHANGES, subject="customer", body=_merge),
    api("POST /api/v1/customers/{id}/unmerge/", CHANGES, subject="customer", body={"reason": "误合并，撤销"}),
    api(
        "POST /api/v1/customers/{id}/unmask/",
        UNMASK,
        subject="customer",
        body={"field": "phone", "reason": "核实身份信息"},
    ),
    api("GET /api/v1/customers/{id}/relationships/", SEES, subject="customer"),
    api(
        "POST /api/v1/customers/{id}/relationships/",
        CHANGES,
        subject="customer",
        body=lambda w, me: {"other_customer": w.customer2.pk, "kind": "household"},
    ),
    api("DELETE /api/v1/customers/{id}/relationships/{relationship_id}/", CHANGES, subject="customer"),
]
