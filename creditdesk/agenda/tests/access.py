"""The agenda app in the generated access matrix (``creditdesk/core/testing/access.py``)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from creditdesk.accounts.tests.grids import CHANGES, EVERYONE, SEES
from creditdesk.agenda import services
from creditdesk.core.testing.access import api, page


def build(w) -> None:
    """A follow-up task of cm_a, due tomorrow."""
    w.task = services.task_create(
        actor=w.cm_a,
        owner=w.cm_a,
        title="回访张三",
        kind="follow_up",
        due_date=timezone.localdate() + timedelta(days=1),
        notes="",
    )


def _tomorrow(w, me) -> dict:
    return {"title": "回访", "due_date": (timezone.localdate() + timedelta(days=1)).isoformat()}


REASSIGN = CHANGES.but(
    manager="FNNN",
    why=(
        "only a team lead gives a task to someone else (a customer manager changes only the status of "
        "their own tasks)"
    ),
)

DECLARATIONS = [
    page("agenda:list", SEES.as_list(), subject="task", listed=lambda w: f"/agenda/{w.task.pk}/"),
    page("agenda:create", EVERYONE),  # everyone keeps their own day list
    page("agenda:create", EVERYONE, method="POST", data=_tomorrow),
    page("agenda:detail", SEES, subject="task"),
    page("agenda:customer_panel", SEES, subject="customer"),  # the 360 page's 待办 panel
    page("agenda:customer_candidates", EVERYONE, query={"q": "张"}),  # each finds within their scope
    page("agenda:status", CHANGES, method="POST", subject="task", params={"status": "done"}),
    page(
        "agenda:customer",
        CHANGES,
        method="POST",
        subject="task",
        data=lambda w, me: {"customer": w.customer.pk},
    ),
    api("GET /api/v1/tasks/", SEES.as_list(), subject="task", listed=True),
    api("POST /api/v1/tasks/", EVERYONE, body=_tomorrow),
    api("GET /api/v1/tasks/{id}/", SEES, subject="task"),
    api("POST /api/v1/tasks/{id}/status/", CHANGES, subject="task", body={"status": "done"}),
    api(
        "POST /api/v1/tasks/{id}/customer/",
        CHANGES,
        subject="task",
        body=lambda w, me: {"customer": w.customer.pk},  # cm_a's 张三: the task's owner sees him
    ),
    api(
        "POST /api/v1/tasks/{id}/reassign/", REASSIGN, subject="task", body=lambda w, me: {"owner": w.cm_b.pk}
    ),
]
