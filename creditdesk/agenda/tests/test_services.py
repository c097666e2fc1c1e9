"""Agenda services: who may give whom a task, the status moves, and refusals that change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from creditdesk.agenda import services
from creditdesk.agenda.models import Task
from creditdesk.core.exceptions import Conflict, DomainError, NotAllowed, NotFound
from creditdesk.core.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


def soon(days=1):
    return timezone.localdate() + dt.timedelta(days=days)


def test_a_person_creates_a_task_for_themself(org):
    task = services.task_create(
        actor=org.cm_a, owner=org.cm_a, title="  回访张总  ", due_date=soon(), kind="visit"
    )
    assert (task.owner, task.created_by, task.title, task.kind, task.status) == (
        org.cm_a,
        org.cm_a,
        "回访张总",
        "visit",
        "open",
    )


def test_a_team_lead_assigns_to_the_team_only(org):
    task = services.task_create(actor=org.lead1, owner=org.cm_b, title="补充银行流水", due_date=soon())
    assert task.owner == org.cm_b
    with pytest.raises(NotAllowed):
        services.task_create(actor=org.lead1, owner=org.cm_c, title="x", due_date=soon())
    with pytest.raises(NotAllowed):
        services.task_create(actor=org.cm_a, owner=org.cm_b, title="x", due_date=soon())
    assert Task.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"title": "  "}, "task_title_required"),
        ({"title": "长" * 121}, "task_title_too_long"),
        ({"kind": "party"}, "task_kind_unknown"),
        ({"notes": "字" * 2001}, "task_notes_too_long"),
        ({"due_date": "past"}, "task_due_in_past"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(org, fields, code):
    values = {"title": "回访", "kind": "follow_up", "notes": "", "due_date": soon()}
    values.update(fields)
    if values["due_date"] == "past":
        values["due_date"] = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        services.task_create(actor=org.cm_a, owner=org.cm_a, **values)
    assert refused.value.code == code
    assert not Task.objects.exists()
    assert not AuditEvent.objects.exists()


def test_status_moves(org):
    task = services.task_create(actor=org.cm_a, owner=org.cm_a, title="回访", due_date=soon())
    done = services.task_set_status(actor=org.cm_a, task_id=task.pk, status="done")
    assert done.status == "done" and done.completed_at is not None
    with pytest.raises(Conflict):
        services.task_set_status(actor=org.cm_a, task_id=task.pk, status="cancelled")
    reopened = services.task_set_status(actor=org.cm_a, task_id=task.pk, status="open")
    assert reopened.status == "open" and reopened.completed_at is None


def test_status_change_outside_scope_is_not_found(org):
    task = services.task_create(actor=org.cm_d, owner=org.cm_d, title="回访", due_date=soon())
    with pytest.raises(NotFound):
        services.task_set_status(actor=org.cm_a, task_id=task.pk, status="done")
    with pytest.raises(NotAllowed):
        services.task_set_status(actor=org.head2, task_id=task.pk, status="done")  # sees, may not change
    task.refresh_from_db()
    assert task.status == "open"


def test_reassign_by_the_team_lead_within_the_team(org):
    task = services.task_create(actor=org.cm_a, owner=org.cm_a, title="回访", due_date=soon())
    moved = services.task_reassign(actor=org.lead1, task_id=task.pk, owner=org.cm_b)
    assert moved.owner == org.cm_b
    event = AuditEvent.objects.get(action="task.reassign")
    assert (event.before, event.after) == ({"owner": org.cm_a.pk}, {"owner": org.cm_b.pk})
    with pytest.raises(NotAllowed):
        services.task_reassign(actor=org.lead1, task_id=task.pk, owner=org.cm_c)
    with pytest.raises(NotAllowed):
        services.task_reassign(actor=org.cm_b, task_id=task.pk, owner=org.cm_a)
    task.refresh_from_db()
    assert task.owner == org.cm_b


def test_the_page_creates_and_shows_a_task(client, org):
    client.force_login(org.cm_a)
    response = client.post(
        "/agenda/new/", {"title": "上门核实经营场所", "kind": "visit", "due_date": soon().isoformat()}
    )
    task = Task.objects.get()
    assert response["Location"] == f"/agenda/{task.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "上门核实经营场所" in page and "实地走访" in page


def test_the_page_shows_a_refusal_in_chinese(client, org):
    client.force_login(org.cm_a)
    past = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    response = client.post("/agenda/new/", {"title": "x", "kind": "visit", "due_date": past})
    assert response.status_code == 200
    assert "截止日期不能早于今天" in response.content.decode()
    assert not Task.objects.exists()


def test_htmx_completion_returns_the_row(client, org):
    task = services.task_create(actor=org.cm_a, owner=org.cm_a, title="回访", due_date=soon())
    client.force_login(org.cm_a)
    response = client.post(f"/agenda/{task.pk}/status/done/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="task-{task.pk}"' in response.content.decode()
    task.refresh_from_db()
    assert task.status == "done"


def test_api_create_list_and_filter(api_client, org):
    api_client.force_authenticate(org.cm_a)
    created = api_client.post(
        "/api/v1/tasks/", {"title": "回访", "due_date": soon().isoformat()}, format="json"
    )
    assert created.status_code == 201
    assert created.json()["owner"] == org.cm_a.pk
    api_client.post(
        "/api/v1/tasks/", {"title": "走访", "kind": "visit", "due_date": soon(2).isoformat()}, format="json"
    )
    listed = api_client.get("/api/v1/tasks/", {"kind": "visit"}).json()
    assert listed["count"] == 1
    assert [t["title"] for t in listed["results"]] == ["走访"]
