"""The notifications API end to end: a person's own notifications, 404 for anyone else's, read and
read-all."""

from __future__ import annotations

import pytest

from creditdesk.core.models import AuditEvent
from creditdesk.notifications.models import Notification
from creditdesk.notifications.tests.factories import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_cm_a(api_client, org):
    api_client.force_authenticate(org.cm_a)
    return api_client


def test_the_list_is_ones_own_unread_first(as_cm_a, org):
    read = notify(org.cm_a, key="r", title="已读的")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    unread = notify(org.cm_a, key="u", title="待审批", link="/agenda/")
    notify(org.cm_b, key="b", title="别人的")
    response = as_cm_a.get("/api/v1/notifications/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [(r["id"], r["title"], r["is_read"]) for r in body["results"]] == [
        (unread.pk, "待审批", False),
        (read.pk, "已读的", True),
    ]
    first = body["results"][0]
    assert (first["event"], first["event_display"], first["link"], first["read_at"]) == (
        "approval_routed",
        "待审批",
        "/agenda/",
        None,
    )
    unread_only = as_cm_a.get("/api/v1/notifications/?state=unread").json()
    assert [r["id"] for r in unread_only["results"]] == [unread.pk]


def test_read_marks_it_and_answers_it(as_cm_a, org):
    notification = notify(org.cm_a, key="n")
    response = as_cm_a.post(f"/api/v1/notifications/{notification.pk}/read/")
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["is_read"]) == (notification.pk, True)
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert as_cm_a.get(f"/api/v1/notifications/{notification.pk}/").json()["is_read"] is True


def test_another_persons_notification_is_404_and_stays_unread(api_client, org):
    notification = notify(org.cm_a, key="n")
    api_client.force_authenticate(org.cm_b)
    for response in (
        api_client.get(f"/api/v1/notifications/{notification.pk}/"),
        api_client.post(f"/api/v1/notifications/{notification.pk}/read/"),
    ):
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    notification.refresh_from_db()
    assert notification.read_at is None
    assert not AuditEvent.objects.filter(action__startswith="notification.").exists()


def test_read_all_marks_ones_own(as_cm_a, org):
    notify(org.cm_a, key="a")
    notify(org.cm_a, key="b")
    theirs = notify(org.cm_b, key="c")
    response = as_cm_a.post("/api/v1/notifications/read-all/")
    assert (response.status_code, response.json()) == (200, {"marked": 2, "unread": 0})
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_is_401(api_client, org):
    notification = notify(org.cm_a, key="n")
    assert api_client.get("/api/v1/notifications/").status_code == 401
    assert api_client.post(f"/api/v1/notifications/{notification.pk}/read/").status_code == 401
