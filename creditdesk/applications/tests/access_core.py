"""The application's own pages and endpoints in the generated access matrix: 张三's (cm_a's) draft
application ``w.application``, another one submitted and waiting for lead1's recommendation
(``w.routed_application``), and a signed one with its contract (``w.signed_application``)."""

from __future__ import annotations

from django.utils import timezone

from creditdesk.accounts.tests.grids import CHANGES, EVERYONE, SEES
from creditdesk.applications.models import ApprovalStep, Contract
from creditdesk.applications.tests.factories import make_application
from creditdesk.core.testing.access import Grid, api, page

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def build(w) -> None:
    version = w.product.current_version
    w.application = make_application(customer=w.customer, product_version=version)
    w.routed_application = make_application(customer=w.customer, product_version=version, status="submitted")
    now = timezone.now()
    ApprovalStep.objects.create(
        application=w.routed_application, position=1, level="team_lead", assigned_to=w.lead1, started_at=now
    )
    w.routed_application.assigned_to = w.lead1
    w.routed_application.current_level = 1
    w.routed_application.save()
    w.signed_application = make_application(
        customer=w.customer, product_version=version, status="contract_signed"
    )
    Contract.objects.create(
        application=w.signed_application,
        number=f"HT-ACCESS-{w.signed_application.pk}",
        value_date=timezone.localdate(),
        content={"parts": []},
        pdf=PDF,
        pdf_sha256="0" * 64,
        signed_by=w.cm_a,
        signed_at=now,
        place="营业部",
    )


def _create_body(w, me) -> dict:
    return {
        "customer": w.customer.pk,
        "purpose": "renovation",
        "parts": [{"product": "NOPE", "amount": "1.00", "term_months": 12, "method": "equal_installment"}],
    }


DECIDES = Grid.parse(
    """
                    own   same_team   other_team   other_branch
    manager          F        N           N             N
    team_lead        -        A           N             N
    approver         -        -           N             N
    risk_manager     -        -           F             N
    branch_head      -        -           F             N
    admin            -        -           -             N
    """,
    why=(
        "审贷分离: a level is decided by the person it is routed to (here lead1), never by the CM who "
        "made it; the branch's risk managers and head see it but do not decide it; approvers see only "
        "what is routed to them"
    ),
)

VOTES = SEES.but(
    manager="FNNN",
    team_lead="-FNN",
    risk_manager="--AN",
    branch_head="--AN",
    why=(
        "贷审会: the branch's risk managers, head and approvers vote (the draft is refused for its state, "
        "409, after the access check); the CM and the team lead never vote; approvers see an application "
        "only at a committee level or when routed to them"
    ),
)

CHECKS = SEES.but(
    manager="FNNN",
    team_lead="-FNN",
    branch_head="--FN",
    why="放款审核 is a risk manager's of the branch, never the CM's or the team's (审贷分离)",
)

CONTRACT = SEES.but(
    why="the signed contract is read by whoever sees the application (the CM, the team, the branch)",
)

DECLARATIONS = [
    page("applications:list", SEES.as_list(), subject="application", listed=lambda w: w.application.number),
    page("applications:create", CHANGES, subject="customer", query=lambda w, me: {"customer": w.customer.pk}),
    page(
        "applications:create",
        CHANGES,
        method="POST",
        subject="customer",
        query=lambda w, me: {"customer": w.customer.pk},
        data={"product": "NOPE"},
    ),
    page("applications:queue", EVERYONE),
    page("applications:customer_panel", SEES, subject="customer"),  # the 360 page's 申请 panel
    page("applications:detail", SEES, subject="application"),
    page("applications:investigation", CHANGES, method="POST", subject="application"),
    page("applications:identity_check", CHANGES, method="POST", subject="application"),
    page("applications:interview", CHANGES, method="POST", subject="application"),
    page("applications:submit", CHANGES, method="POST", subject="application"),
    page(
        "applications:decide",
        DECIDES,
        method="POST",
        subject="routed_application",
        params={"application_id": lambda w, me: w.routed_application.pk},
    ),
    page("applications:vote", VOTES, method="POST", subject="application"),
    page("applications:conditions", CHECKS, method="POST", subject="application"),
    page("applications:sign", CHANGES, method="POST", subject="application"),
    page("applications:withdraw", CHANGES, method="POST", subject="application"),
    page(
        "applications:contract_pdf",
        CONTRACT,
        subject="signed_application",
        params={"application_id": lambda w, me: w.signed_application.pk},
    ),
    api("GET /api/v1/applications/", SEES.as_list(), subject="application", listed=True),
    api("POST /api/v1/applications/", CHANGES, subject="customer", body=_create_body),
    api("GET /api/v1/applications/{id}/", SEES, subject="application"),
    api("POST /api/v1/applications/{id}/investigation/", CHANGES, subject="application", body={}),
    api("POST /api/v1/applications/{id}/identity-checks/", CHANGES, subject="application", body={}),
    api("POST /api/v1/applications/{id}/interviews/", CHANGES, subject="application", body={}),
    api("POST /api/v1/applications/{id}/submit/", CHANGES, subject="application", body={}),
    api("POST /api/v1/applications/{id}/decisions/", DECIDES, subject="routed_application", body={}),
    api("POST /api/v1/applications/{id}/votes/", VOTES, subject="application", body={}),
    api("POST /api/v1/applications/{id}/condition-checks/", CHECKS, subject="application", body={}),
    api("POST /api/v1/applications/{id}/contract/", CHANGES, subject="application", body={}),
    api("GET /api/v1/applications/{id}/contract/pdf/", CONTRACT, subject="signed_application"),
    api("POST /api/v1/applications/{id}/withdraw/", CHANGES, subject="application", body={}),
    api("GET /api/v1/approval-queue/", EVERYONE),
]
