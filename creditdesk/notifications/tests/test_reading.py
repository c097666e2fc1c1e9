"""Marking notifications read, and what each person's list and count hold: their own, nobody else's."""

from __future__ import annotations

import pytest

from creditdesk.core.exceptions import NotFound
from creditdesk.core.models import AuditEvent
from creditdesk.notifications import selectors, services
from creditdesk.notifications.models import Notification
from creditdesk.notifications.tests.factories import notify

pytestmark = pytest.mark.django_db


def test_the_recipient_marks_a_notification_read_once(org):
    notification = notify(org.cm_a, key="n1")
    read = services.notification_mark_read(actor=org.cm_a, notification_id=notification.pk)
    assert read.read_at is not None
    first_read = read.read_at
    again = services.notification_mark_read(actor=org.cm_a, notification_id=notification.pk)
    assert again.read_at == first_read
    notification.refresh_from_db()
    assert notification.read_at == first_read
    events = AuditEvent.objects.filter(action__startswith="notification.")
    assert list(events.values_list("action", "actor__username", "target_id")) == [
        ("notification.read", "cm_a", str(notification.pk))
    ]


@pytest.mark.parametrize("who", ["cm_b", "lead1", "head1", "risk1", "approver1", "admin"])
def test_nobody_else_marks_it_read_and_nothing_changes(org, who):
    notification = notify(org.cm_a, key="n1")
    with pytest.raises(NotFound) as refused:
        services.notification_mark_read(actor=getattr(org, who), notification_id=notification.pk)
    assert (refused.value.code, refused.value.message) == ("not_found", "通知不存在，或不是发给您的。")
    notification.refresh_from_db()
    assert notification.read_at is None
    assert not AuditEvent.objects.filter(action__startswith="notification.").exists()


def test_a_missing_or_malformed_id_is_not_found(org):
    for bad in (999999, "abc"):
        with pytest.raises(NotFound):
            services.notification_mark_read(actor=org.cm_a, notification_id=bad)


def test_every_role_marks_its_own_read(org):
    for who in ("approver1", "head1", "risk1", "lead1", "admin"):
        person = getattr(org, who)
        notification = notify(person, key=f"own-{who}")
        assert services.notification_mark_read(actor=person, notification_id=notification.pk).read_at


def test_mark_all_read_marks_only_ones_own_unread(org):
    mine = [notify(org.cm_a, key=f"a{i}") for i in range(3)]
    services.notification_mark_read(actor=org.cm_a, notification_id=mine[0].pk)
    theirs = notify(org.cm_b, key="b1")
    assert services.notification_mark_all_read(actor=org.cm_a) == 2
    assert Notification.objects.filter(recipient=org.cm_a, read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
    last = AuditEvent.objects.filter(action="notification.read_all").get()
    assert (last.actor, last.after["count"]) == (org.cm_a, 2)


def test_mark_all_read_with_nothing_unread_writes_no_audit_row(org):
    assert services.notification_mark_all_read(actor=org.cm_a) == 0
    assert not AuditEvent.objects.filter(action="notification.read_all").exists()


def test_the_list_holds_ones_own_unread_first_then_newest(org):
    notify(org.cm_a, key="old", title="旧")
    read = notify(org.cm_a, key="read", title="已读的")
    notify(org.cm_a, key="new", title="新")
    notify(org.cm_b, key="other", title="别人的")
    services.notification_mark_read(actor=org.cm_a, notification_id=read.pk)
    listed = selectors.notification_list_visible_to(user=org.cm_a)
    assert [n.title for n in listed] == ["新", "旧", "已读的"]
    assert [n.unread for n in listed] == [True, True, False]
    assert selectors.unread_count(user=org.cm_a) == 2
    assert selectors.unread_count(user=org.cm_b) == 1
    assert selectors.unread_count(user=org.lead1) == 0  # a team lead does not see the team's
    assert [n.pk for n in selectors.notification_list_visible_to(user=org.lead1)] == []
