"""The notifications app in the generated access matrix (``creditdesk/core/testing/access.py``)."""

from __future__ import annotations

from creditdesk.accounts.tests.grids import EVERYONE
from creditdesk.core.testing.access import Grid, api, page
from creditdesk.notifications import services
from creditdesk.notifications.models import Notification

RECIPIENT_ONLY = Grid.parse(
    """
                    own   same_team   other_team   other_branch
    manager          A        N           N             N
    team_lead        -        N           N             N
    approver         -        -           N             N
    risk_manager     -        -           N             N
    branch_head      -        -           N             N
    admin            -        -           -             N
    """,
    why=(
        "a notification is its recipient's alone, whatever the role: not even their team lead or branch "
        "head sees it (it may be about an approval routed to that one person); anyone else: 404"
    ),
)


def build(w) -> None:
    """An in-app notification of cm_a (an approval routed to him), put and delivered."""
    [message] = services.outbox_put(
        recipient=w.cm_a,
        event="approval_routed",
        title="张三的贷款申请待您审批",
        body="申请金额 30 万元",
        link="/agenda/",
        dedupe_key="access:approval_routed:cm_a",
    )
    services.outbox_deliver(message_ids=[message.pk])
    w.notification = Notification.objects.get(message=message)


DECLARATIONS = [
    page(
        "notifications:list",
        RECIPIENT_ONLY.as_list(),
        subject="notification",
        listed=lambda w: f'id="notification-{w.notification.pk}"',
    ),
    page("notifications:read", RECIPIENT_ONLY, method="POST", subject="notification"),
    page("notifications:read_all", EVERYONE, method="POST"),  # each marks their own
    api("GET /api/v1/notifications/", RECIPIENT_ONLY.as_list(), subject="notification", listed=True),
    api("GET /api/v1/notifications/{id}/", RECIPIENT_ONLY, subject="notification"),
    api("POST /api/v1/notifications/{id}/read/", RECIPIENT_ONLY, subject="notification"),
    api("POST /api/v1/notifications/read-all/", EVERYONE),  # each marks their own
]
