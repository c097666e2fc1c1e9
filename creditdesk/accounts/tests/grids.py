"""The access rules of PRODUCT.md ("Users and what each may see") as grids of the generated matrix.

Each app's ``tests/access.py`` declares its endpoints with one of these kinds, or with one of them
changed for a rule of its own (``Grid.but(..., why=...)``). Columns: the relation of the object to the
person (see ``creditdesk/core/testing/access.py``); ``-`` where the organisation has nobody in that
relation (a team lead owns no customer of the world, an administrator belongs to no team or branch).
Letters: ``A`` allowed, ``N`` 404 (out of scope), ``F`` 403 (visible, may not do this).
"""

from __future__ import annotations

from creditdesk.core.testing.access import ALLOW, FORBIDDEN, Grid

SEES = Grid.parse(
    """
                    own   same_team   other_team   other_branch
    manager          A        N           N             N
    team_lead        -        A           N             N
    approver         -        -           N             N
    risk_manager     -        -           A             N
    branch_head      -        -           A             N
    admin            -        -           -             N
    """,
    why=(
        "reading a customer's data: the owner, the team lead, the branch head and risk managers of the "
        "branch; an approver only what is routed to them (nothing yet), an administrator no customer "
        "data; outside the scope 404, never 403"
    ),
)

CHANGES = Grid.parse(
    """
                    own   same_team   other_team   other_branch
    manager          A        N           N             N
    team_lead        -        A           N             N
    approver         -        -           N             N
    risk_manager     -        -           F             N
    branch_head      -        -           F             N
    admin            -        -           -             N
    """,
    why=(
        "changing a customer's data: the owner and the team lead; the branch head and risk managers read "
        "it (403); outside the scope 404"
    ),
)

EVERYONE = Grid.by_role(
    ALLOW, why="no object: every signed-in person (a list shows each person their own scope)"
)

CUSTOMER_WORKERS = Grid.by_role(
    FORBIDDEN,
    manager=ALLOW,
    team_lead=ALLOW,
    why=(
        "work on customers (new records, imports, competitor quotes) is done by customer managers and "
        "team leads"
    ),
)

LIBRARY_KEEPERS = Grid.by_role(
    FORBIDDEN,
    risk_manager=ALLOW,
    admin=ALLOW,
    why="the product library and its admission rules are maintained by risk managers and administrators",
)

MODEL_KEEPERS = Grid.by_role(
    FORBIDDEN,
    risk_manager=ALLOW,
    why="scorecard versions are approved by risk managers (another than the one who registered them)",
)

AUDIT_READERS = Grid.by_role(
    FORBIDDEN,
    risk_manager=ALLOW,
    admin=ALLOW,
    why="the audit trail is read by administrators (all of it) and risk managers (their branch's people)",
)

# An audit event belongs to its actor: cm_a's events are read by risk1 (same branch) and admin.
AUDIT_EVENT = Grid.parse(
    """
                    own   same_team   other_team   other_branch
    manager          F        F           F             F
    team_lead        -        F           F             F
    approver         -        -           F             F
    risk_manager     -        -           A             N
    branch_head      -        -           F             F
    admin            -        -           -             A
    """,
    why=(
        "an audit event: administrators read every event, a risk manager those of their branch's people "
        "(another branch's: 404); anyone else may not read the trail at all (403, whatever the event)"
    ),
)
