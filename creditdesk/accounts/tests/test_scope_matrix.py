"""The scope matrix (PRODUCT.md "Users and what each may see"): role × relation → allow or 404.

Tasks are owned by cm_a ("own" for cm_a), cm_b (same team as cm_a), cm_c (other team, same branch) and
cm_d (other branch). Each viewer is asked through the selector, the page and the API; a row outside the
scope must answer 404 everywhere, never 403 (which would leak that it exists).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from creditdesk.accounts import scope
from creditdesk.agenda.models import Task
from creditdesk.agenda.selectors import task_list_visible_to

OWNERS = {"own": "cm_a", "same_team": "cm_b", "other_team": "cm_c", "other_branch": "cm_d"}

# viewer → the relations it may SEE
SEES = {
    "cm_a": {"own"},
    "lead1": {"own", "same_team"},
    "head1": {"own", "same_team", "other_team"},
    "risk1": {"own", "same_team", "other_team"},
    "approver1": set(),
    "admin": set(),
}
# viewer → the relations it may CHANGE (a subset of what it sees)
CHANGES = {
    "cm_a": {"own"},
    "lead1": {"own", "same_team"},
    "head1": set(),
    "risk1": set(),
    "approver1": set(),
    "admin": set(),
}
MATRIX = [(viewer, relation) for viewer in SEES for relation in OWNERS]


@pytest.fixture
def tasks(org):
    today = timezone.localdate()
    return {
        relation: Task.objects.create(
            owner=getattr(org, owner),
            created_by=getattr(org, owner),
            title=f"回访 {owner}",
            due_date=today + dt.timedelta(days=1),
        )
        for relation, owner in OWNERS.items()
    }


def test_matrix_is_complete():
    assert len(MATRIX) == 24
    for viewer, changes in CHANGES.items():
        assert changes <= SEES[viewer], viewer


@pytest.mark.parametrize("viewer", list(SEES))
def test_selector_lists_exactly_the_scope(org, tasks, viewer):
    user = getattr(org, viewer)
    listed = set(task_list_visible_to(user=user).values_list("pk", flat=True))
    assert listed == {tasks[r].pk for r in SEES[viewer]}


@pytest.mark.parametrize("viewer", list(SEES))
def test_changeable_is_exactly_the_change_scope(org, tasks, viewer):
    user = getattr(org, viewer)
    changeable = set(scope.changeable(user, Task.objects.all()).values_list("pk", flat=True))
    assert changeable == {tasks[r].pk for r in CHANGES[viewer]}


@pytest.mark.parametrize(("viewer", "relation"), MATRIX)
def test_api_detail(api_client, org, tasks, viewer, relation):
    api_client.force_authenticate(getattr(org, viewer))
    response = api_client.get(f"/api/v1/tasks/{tasks[relation].pk}/")
    if relation in SEES[viewer]:
        assert response.status_code == 200
        assert response.json()["id"] == tasks[relation].pk
    else:
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(("viewer", "relation"), MATRIX)
def test_page_change(client, org, tasks, viewer, relation):
    """Completing a task: allowed → redirect and done; read-only → 403; out of scope → 404."""
    task = tasks[relation]
    client.force_login(getattr(org, viewer))
    response = client.post(f"/agenda/{task.pk}/status/done/")
    task.refresh_from_db()
    if relation in CHANGES[viewer]:
        assert response.status_code == 302
        assert task.status == "done"
    else:
        assert response.status_code == (403 if relation in SEES[viewer] else 404)
        assert task.status == "open"


@pytest.mark.parametrize(("viewer", "relation"), MATRIX)
def test_api_change(api_client, org, tasks, viewer, relation):
    task = tasks[relation]
    api_client.force_authenticate(getattr(org, viewer))
    response = api_client.post(f"/api/v1/tasks/{task.pk}/status/", {"status": "done"}, format="json")
    task.refresh_from_db()
    if relation in CHANGES[viewer]:
        assert response.status_code == 200
        assert task.status == "done"
    elif relation in SEES[viewer]:
        assert response.status_code == 403
        assert response.json()["code"] == "task_read_only"
        assert task.status == "open"
    else:
        assert response.status_code == 404
        assert task.status == "open"


def test_anonymous_sees_nothing(client, api_client, tasks):
    task = tasks["own"]
    assert client.get(f"/agenda/{task.pk}/").status_code == 302  # to the login page
    response = api_client.get(f"/api/v1/tasks/{task.pk}/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_inactive_user_sees_nothing(org, tasks):
    org.cm_a.is_active = False
    assert not task_list_visible_to(user=org.cm_a).exists()


# --- The staff directory follows the same rules --------------------------------------------------

STAFF_SEES = {
    "cm_a": {"cm_a"},
    "lead1": {"lead1", "cm_a", "cm_b"},
    "head1": {"head1", "risk1", "approver1", "lead1", "lead2", "cm_a", "cm_b", "cm_c"},
    "admin": None,  # everyone: administrators manage people
}


@pytest.mark.parametrize("viewer", list(STAFF_SEES))
def test_staff_directory_scope(client, org, viewer):
    client.force_login(getattr(org, viewer))
    response = client.get("/accounts/staff/")
    assert response.status_code == 200
    shown = {person.username for person in response.context["staff"]}
    expected = STAFF_SEES[viewer]
    if expected is None:
        from creditdesk.accounts.models import User

        expected = set(User.objects.values_list("username", flat=True))
    assert shown == expected
