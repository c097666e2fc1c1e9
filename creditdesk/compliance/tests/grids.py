"""The compliance app's grids (see ``creditdesk/accounts/tests/grids.py`` for the kinds): the rules are kept
by risk managers and administrators; the log is read by team leads, branch heads and risk managers, each
in their scope of senders; the checker is everyone's."""

from __future__ import annotations

from creditdesk.core.testing.access import ALLOW, FORBIDDEN, Grid

RULE_KEEPERS = Grid.by_role(
    FORBIDDEN,
    risk_manager=ALLOW,
    admin=ALLOW,
    why=(
        "the guard's rules are the bank's compliance configuration, kept by risk managers (风险合规) and "
        "administrators (COMPLIANCE_RULE_MANAGE); everyone else is checked by them and may not read or "
        "edit them (403)"
    ),
)

LOG_READERS = Grid.parse(
    """
                    own   same_team   other_team   other_branch
    manager          F        F           F             F
    team_lead        -        A           H             H
    approver         -        -           F             F
    risk_manager     -        -           A             H
    branch_head      -        -           A             H
    admin            -        -           -             F
    """,
    why=(
        "拦截记录 of cm_a's text: reviewed by the sender's team lead, the branch head and the branch's risk "
        "managers (COMPLIANCE_LOG_READ), each seeing the senders of their scope (another team's or "
        "branch's rows are left out); a CM sees their findings when sending, never the log, and approvers "
        "and administrators do not review it (403)"
    ),
)
