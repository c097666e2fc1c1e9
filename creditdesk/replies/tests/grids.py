"""The access rules of the 话术库 as grids (see ``creditdesk/accounts/tests/grids.py`` for the kinds).

Scripts are the bank's library, not a customer's data: a script in use is read by everyone; a draft by its
writer, the risk managers who review the library (of any branch) and administrators. The columns say how
the script's writer (cm_a) relates to the person."""

from __future__ import annotations

from creditdesk.core.testing.access import ALLOW, FORBIDDEN, Grid

LIBRARY_READ = Grid.parse(
    """
                    own   same_team   other_team   other_branch
    manager          A        A           A             A
    team_lead        -        A           A             A
    approver         -        -           A             A
    risk_manager     -        -           A             A
    branch_head      -        -           A             A
    admin            -        -           -             A
    """,
    why="a script in use is the bank's standard answer: every signed-in person reads it (PRODUCT.md §8)",
)

DRAFT_READ = Grid.parse(
    """
                    own   same_team   other_team   other_branch
    manager          A        N           N             N
    team_lead        -        N           N             N
    approver         -        -           N             N
    risk_manager     -        -           A             A
    branch_head      -        -           N             N
    admin            -        -           -             A
    """,
    why=(
        "a script not yet approved is read by its writer, by the risk managers who review the library (the "
        "bank's, whatever their branch) and by administrators; nobody else learns it exists (404)"
    ),
)

KEEPERS = Grid.parse(
    """
                    own   same_team   other_team   other_branch
    manager          A        F           F             F
    team_lead        -        F           F             F
    approver         -        -           F             F
    risk_manager     -        -           A             A
    branch_head      -        -           F             F
    admin            -        -           -             F
    """,
    why=(
        "a script in use is changed by its writer or a risk manager (script_edit_not_allowed); the others "
        "read it (403); approvers, branch heads and administrators write no scripts "
        "(script_write_not_allowed)"
    ),
)

SUBMITTERS = DRAFT_READ.but(
    admin="---F",
    why="an administrator reads a draft but does not submit it (only its writer or a risk manager does)",
)

REVIEW = Grid.parse(
    """
                    own   same_team   other_team   other_branch
    manager          F        N           N             N
    team_lead        -        N           N             N
    approver         -        -           N             N
    risk_manager     -        -           A             A
    branch_head      -        -           N             N
    admin            -        -           -             F
    """,
    why=(
        "a submitted script is approved or returned by a risk manager who neither wrote nor submitted it "
        "(maker-checker, script_review_not_allowed): its writer and administrators read it and are refused "
        "(403); to the rest it does not exist (404)"
    ),
)

RETIRE = Grid.parse(
    """
                    own   same_team   other_team   other_branch
    manager          F        F           F             F
    team_lead        -        F           F             F
    approver         -        -           F             F
    risk_manager     -        -           A             A
    branch_head      -        -           F             F
    admin            -        -           -             F
    """,
    why="only a risk manager takes a script out of use (script_retire_not_allowed); everyone reads it",
)

WRITERS = Grid.by_role(
    FORBIDDEN,
    manager=ALLOW,
    team_lead=ALLOW,
    risk_manager=ALLOW,
    why="scripts are written by the people who answer customers and by the risk managers who review them",
)

REVIEWERS = Grid.by_role(
    FORBIDDEN,
    risk_manager=ALLOW,
    why="the review queue is the compliance reviewers': the risk managers (script_review_not_allowed)",
)
