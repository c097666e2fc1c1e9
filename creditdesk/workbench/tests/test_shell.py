"""The application shell: the workbench, the navigation for every role (built areas only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from creditdesk.agenda.models import Task
from creditdesk.core.navigation import NAVIGATION, navigation_for

pytestmark = pytest.mark.django_db

ROLES = ["cm_a", "lead1", "approver1", "risk1", "head1", "admin"]


def test_workbench_shows_who_i_am_and_an_empty_agenda(client, org):
    client.force_login(org.cm_a)
    response = client.get("/")
    text = response.content.decode()
    assert response.status_code == 200
    assert org.cm_a.full_name in text
    assert "客户经理" in text
    assert "一组" in text and "一号支行" in text
    assert "今天没有待办事项" in text
    assert org.lead1.full_name in text  # reports to the team lead


def test_workbench_agenda_splits_overdue_today_upcoming(client, org):
    today = timezone.localdate()
    for title, offset in [("逾期事项", -2), ("今天事项", 0), ("三天后事项", 3), ("下月事项", 30)]:
        Task.objects.create(
            owner=org.cm_a, created_by=org.cm_a, title=title, due_date=today + dt.timedelta(days=offset)
        )
    Task.objects.create(owner=org.cm_b, created_by=org.cm_b, title="别人的事项", due_date=today)
    client.force_login(org.cm_a)
    agenda = client.get("/").context["agenda"]
    assert [t.title for t in agenda.overdue] == ["逾期事项"]
    assert [t.title for t in agenda.today] == ["今天事项"]
    assert [t.title for t in agenda.upcoming] == ["三天后事项"]


@pytest.mark.parametrize("viewer", ROLES)
def test_every_navigation_entry_opens(client, org, viewer):
    user = getattr(org, viewer)
    client.force_login(user)
    groups = navigation_for(user, "/")
    entries = [e for g in groups for e in g["entries"]]
    assert entries, viewer
    for entry in entries:
        if entry["key"] == "admin":
            continue  # Django admin: covered below
        response = client.get(entry["url"])
        assert response.status_code == 200, (viewer, entry["url"])


def test_navigation_depends_on_role(org):
    def keys(user):
        return {e["key"] for g in navigation_for(user, "/") for e in g["entries"]}

    assert "audit" not in keys(org.cm_a) and "admin" not in keys(org.cm_a)
    assert "audit" in keys(org.risk1)
    assert {"audit", "admin"} <= keys(org.admin)
    assert "customers" not in keys(org.admin)  # no customer data for administrators
    assert "customers" not in keys(org.approver1)
    assert "products" in keys(org.approver1)  # the lending areas the approver shares


def test_navigation_of_a_manager_lists_only_built_areas(client, org):
    """No "即将推出" entries: an area that is not built is not shown, and there is no coming-soon page."""
    shown = [e["key"] for g in navigation_for(org.cm_a, "/") for e in g["entries"]]
    built = [
        "workbench",
        "agenda",
        "customers",
        "marketing",
        "assessment",
        "products",
        "calculator",
        "applications",
        "loans",
        "service_requests",
        "scripts",
        "staff",
        "api",
    ]
    assert shown == built
    assert not {e.key for e in NAVIGATION if not e.built} & set(shown)
    client.force_login(org.cm_a)
    page = client.get("/").content.decode()
    assert "即将推出" not in page and "/soon/" not in page
    assert client.get("/soon/warnings/").status_code == 404


def test_admin_site_for_the_administrator_only(client, org):
    client.force_login(org.admin)
    assert client.get("/admin/").status_code == 200
    client.force_login(org.cm_a)
    assert client.get("/admin/").status_code == 302  # not staff → admin login


def test_mobile_viewport_and_menu_button(client, org):
    client.force_login(org.cm_a)
    text = client.get("/").content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in text
    assert 'data-bs-target="#cd-nav"' in text


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_an_area_is_marked_active_on_its_other_paths_too(org):
    def active(path):
        return [e["key"] for g in navigation_for(org.cm_a, path) for e in g["entries"] if e["active"]]

    assert active("/products/") == ["products"]
    assert active("/solutions/customers/1/") == ["products"]  # matching and proposals belong to 产品与方案
    assert active("/scoring/") == ["assessment"]
    assert active("/customers/") == ["customers"]
    assert active("/marketing/leads/") == ["marketing"]  # the board is the entry; list and pool belong to it
