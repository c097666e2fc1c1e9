"""The access rules of customer requests as grids of the generated matrix (shared by the pages and the
API). ``w.service_request`` is a question of cm_a's customer 张三, routed to cm_a (team T1 of lead1,
branch B1 of head1 and risk1)."""

from __future__ import annotations

from creditdesk.accounts.tests.grids import CHANGES
from creditdesk.core.testing.access import ALLOW, FORBIDDEN, Grid

FRONT_LINE = Grid.by_role(
    FORBIDDEN,
    manager=ALLOW,
    team_lead=ALLOW,
    risk_manager=ALLOW,
    branch_head=ALLOW,
    why=(
        "customer requests are recorded by whoever the customer reaches among the front line — CMs, team "
        "leads, branch heads and risk managers (SERVICE_REQUEST_RECORD); an approver or administrator sees "
        "no customer and records nothing (403)"
    ),
)

HANDLE = CHANGES.but(
    branch_head="--AN",
    why=(
        "a request is answered or closed by its assignee (here cm_a), or taken over by the team lead or "
        "branch head who see it (SERVICE_REQUEST_HANDLE, issue 18 item 5); a risk manager of the branch "
        "reads it (403) unless it is routed to them"
    ),
)

ESCALATE = CHANGES.but(
    team_lead="-FNN",
    branch_head="--FN",
    why=(
        "only the assignee hands a request up by hand (service_request_escalate_not_assignee): the team "
        "lead and branch head above cm_a may answer or close it, not escalate it on cm_a's behalf (403)"
    ),
)
