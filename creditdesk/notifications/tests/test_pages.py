"""The 通知 pages end to end: the list, 标为已读 (plain and htmx), 查看 (follows the link), 全部标为已读,
and the badge of the top bar."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from creditdesk.core.testing.queries import assert_same_queries
from creditdesk.notifications.models import Notification
from creditdesk.notifications.tests.factories import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def cm_a(client, org):
    client.force_login(org.cm_a)
    return client


def test_the_list_shows_ones_own_unread_first_with_the_count(cm_a, org):
    read = notify(org.cm_a, key="r", title="已看过的通知")
    read.read_at = read.created_at
    read.save()
    unread = notify(org.cm_a, key="u", title="张三的贷款申请待您审批")
    notify(org.cm_b, key="b", title="别人的通知")
    response = cm_a.get("/notifications/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(f'id="notification-{unread.pk}"') < html.index(f'id="notification-{read.pk}"')
    assert "别人的通知" not in html
    assert response.context["unread"] == 1
    assert [n.pk for n in response.context["page"]] == [unread.pk, read.pk]


def test_the_list_filters_read_and_unread_and_by_event(cm_a, org):
    read = notify(org.cm_a, key="r", title="已读")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    unread = notify(org.cm_a, key="u", title="未读", event="sla_overdue")
    assert [n.pk for n in cm_a.get("/notifications/?state=unread").context["page"]] == [unread.pk]
    assert [n.pk for n in cm_a.get("/notifications/?state=read").context["page"]] == [read.pk]
    assert [n.pk for n in cm_a.get("/notifications/?event=sla_overdue").context["page"]] == [unread.pk]


def test_the_list_runs_the_same_queries_for_one_row_and_many(cm_a, org):
    notify(org.cm_a, key="first")
    cm_a.get("/notifications/")  # the first request of a session also saves the session
    assert_same_queries(
        lambda: cm_a.get("/notifications/"),
        lambda: [notify(org.cm_a, key=f"more-{i}") for i in range(5)],
        at_most=7,  # + the unread badge of the top bar
        label="notification list",
    )


def test_mark_read_goes_back_to_the_list(cm_a, org):
    notification = notify(org.cm_a, key="n")
    response = cm_a.post(f"/notifications/{notification.pk}/read/", {"next": "/notifications/?state=unread"})
    assert (response.status_code, response["Location"]) == (302, "/notifications/?state=unread")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_read_never_goes_back_to_another_site(cm_a, org):
    notification = notify(org.cm_a, key="n")
    response = cm_a.post(f"/notifications/{notification.pk}/read/", {"next": "https://evil.example/"})
    assert response["Location"] == "/notifications/"


def test_open_marks_read_and_follows_the_link(cm_a, org):
    notification = notify(org.cm_a, key="n", link="/agenda/")
    response = cm_a.post(f"/notifications/{notification.pk}/read/", {"follow": "1"})
    assert (response.status_code, response["Location"]) == (302, "/agenda/")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_with_htmx_the_row_comes_back_read_with_the_new_count(cm_a, org):
    notification = notify(org.cm_a, key="n")
    notify(org.cm_a, key="still-unread")
    response = cm_a.post(f"/notifications/{notification.pk}/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="notification-{notification.pk}"' in html
    assert 'data-testid="notification-read"' not in html  # read: no 标为已读 button any more
    assert 'hx-swap-oob="true"' in html
    assert '<span class="badge text-bg-danger" data-testid="unread-count">1</span>' in html


def test_with_htmx_open_answers_the_page_to_go_to(cm_a, org):
    notification = notify(org.cm_a, key="n", link="/agenda/")
    response = cm_a.post(f"/notifications/{notification.pk}/read/", {"follow": "1"}, HTTP_HX_REQUEST="true")
    assert (response.status_code, response["HX-Redirect"]) == (204, "/agenda/")


def test_another_persons_notification_is_404_and_stays_unread(client, org):
    notification = notify(org.cm_a, key="n")
    client.force_login(org.lead1)
    assert client.post(f"/notifications/{notification.pk}/read/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read(cm_a, org):
    for i in range(3):
        notify(org.cm_a, key=f"a{i}")
    theirs = notify(org.cm_b, key="b")
    response = cm_a.post("/notifications/read-all/")
    assert (response.status_code, response["Location"]) == (302, "/notifications/")
    assert Notification.objects.filter(recipient=org.cm_a, read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
    htmx = cm_a.post("/notifications/read-all/", HTTP_HX_REQUEST="true")
    assert (htmx.status_code, htmx["HX-Refresh"]) == (204, "true")


def test_the_pages_answer_get_only_where_they_read(cm_a, org):
    notification = notify(org.cm_a, key="n")
    assert cm_a.get(f"/notifications/{notification.pk}/read/").status_code == 405
    assert cm_a.post("/notifications/").status_code == 405


def _badge(user):
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load notifications %}{% unread_notifications_badge %}").render(
        Context({"request": request})
    )


def test_the_badge_shows_the_unread_count(org):
    from django.contrib.auth.models import AnonymousUser

    assert 'data-testid="unread-count"' not in _badge(org.cm_a)
    assert "通知" in _badge(org.cm_a)
    notify(org.cm_a, key="a")
    notify(org.cm_a, key="b")
    notify(org.cm_b, key="c")
    assert '<span class="badge text-bg-danger" data-testid="unread-count">2</span>' in _badge(org.cm_a)
    assert 'href="/notifications/"' in _badge(org.cm_a)
    assert _badge(AnonymousUser()).strip() == ""
