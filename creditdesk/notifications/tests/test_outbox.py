"""Putting messages in the outbox: inside the caller's transaction, once per event and channel, and
refused — changing nothing — when the caller asks for something that cannot be delivered."""

from __future__ import annotations

import pytest
from django.db import transaction

from creditdesk.core.exceptions import DomainError
from creditdesk.notifications import services
from creditdesk.notifications.models import Notification, OutboxMessage


def put(recipient, /, **fields):
    values = {
        "recipient": recipient,
        "event": "decision_made",
        "title": "贷款申请已批准",
        "body": "张三的经营贷 30 万元已批准。",
        "link": "/agenda/",
        "dedupe_key": "application:1:decision",
    }
    values.update(fields)
    return services.outbox_put(**values)


@pytest.mark.django_db
def test_a_committed_change_puts_one_message_per_channel_and_delivers_it_after_commit(
    org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        messages = put(org.cm_a, channels=("in_app", "sms"), address="13812345678")
        assert Notification.objects.count() == 0  # nothing is delivered before the commit
    assert len(callbacks) == 1
    assert [(m.channel, m.dedupe_key, m.address) for m in messages] == [
        ("in_app", "application:1:decision:in_app", "13812345678"),
        ("sms", "application:1:decision:sms", "13812345678"),
    ]
    rows = OutboxMessage.objects.order_by("pk").values_list("channel", "status", "attempts")
    assert list(rows) == [("in_app", "sent", 1), ("sms", "sent", 1)]
    notification = Notification.objects.get()
    assert (notification.recipient, notification.title, notification.link, notification.read_at) == (
        org.cm_a,
        "贷款申请已批准",
        "/agenda/",
        None,
    )


@pytest.mark.django_db
def test_a_rolled_back_change_puts_nothing_and_delivers_nothing(org, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        put(org.cm_a)
        raise RuntimeError("the approval failed after the message was put")
    assert callbacks == []
    assert OutboxMessage.objects.count() == 0
    assert Notification.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_on_a_real_database_commit_the_rollback_sends_nothing_and_the_commit_delivers(org):
    with pytest.raises(RuntimeError), transaction.atomic():
        put(org.cm_a, dedupe_key="rolled-back")
        raise RuntimeError("business change fails")
    assert OutboxMessage.objects.count() == 0
    with transaction.atomic():
        put(org.cm_a, dedupe_key="committed")
    assert list(OutboxMessage.objects.values_list("dedupe_key", "status")) == [("committed:in_app", "sent")]
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["cm_a"]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_refuses_to_put_anything(org):
    with pytest.raises(services.OutboxOutsideTransaction):
        put(org.cm_a)
    assert OutboxMessage.objects.count() == 0


@pytest.mark.django_db
def test_the_same_event_twice_puts_one_message(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as delivering_first, transaction.atomic():
        first = put(org.cm_a)
    with django_capture_on_commit_callbacks(execute=True) as delivering_second, transaction.atomic():
        second = put(org.cm_a, title="又一次")
    assert (len(delivering_first), len(delivering_second)) == (1, 0)  # the sent message is not sent again
    assert [m.pk for m in second] == [m.pk for m in first]
    assert list(OutboxMessage.objects.values_list("dedupe_key", "title", "status")) == [
        ("application:1:decision:in_app", "贷款申请已批准", "sent")
    ]
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_a_new_channel_for_a_known_event_adds_only_that_channel(org):
    with transaction.atomic():
        put(org.cm_a)
    with transaction.atomic():
        messages = put(org.cm_a, channels=("in_app", "wechat"), address="o-openid-1")
    assert [m.channel for m in messages] == ["in_app", "wechat"]
    assert sorted(OutboxMessage.objects.values_list("dedupe_key", flat=True)) == [
        "application:1:decision:in_app",
        "application:1:decision:wechat",
    ]


@pytest.mark.django_db
def test_a_repeated_channel_is_put_once(org):
    with transaction.atomic():
        messages = put(org.cm_a, channels=("in_app", "in_app"))
    assert [m.channel for m in messages] == ["in_app"]
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"channels": ()}, "notification_channels_required"),
        ({"channels": ("in_app", "fax")}, "notification_channel_unknown"),
        ({"event": "party"}, "notification_event_unknown"),
        ({"recipient": None}, "notification_recipient_required"),
        ({"title": "   "}, "notification_title_required"),
        ({"title": "长" * 201}, "notification_title_too_long"),
        ({"body": "字" * 2001}, "notification_body_too_long"),
        ({"link": "https://evil.example/"}, "notification_link_invalid"),
        ({"link": "//evil.example/"}, "notification_link_invalid"),
        ({"address": "1" * 201, "channels": ("sms",)}, "notification_address_too_long"),
        ({"dedupe_key": " "}, "notification_dedupe_key_required"),
        ({"dedupe_key": "k" * 194}, "notification_dedupe_key_too_long"),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_put(org, fields, code):
    with pytest.raises(DomainError) as refused, transaction.atomic():
        put(org.cm_a, **fields)
    assert refused.value.code == code
    assert refused.value.message  # a sentence for the person who reads the log
    assert OutboxMessage.objects.count() == 0


@pytest.mark.django_db
def test_the_longest_key_that_fits_is_taken(org):
    with transaction.atomic():
        [message] = put(org.cm_a, dedupe_key="k" * 193)  # + ":in_app" = 200
    assert len(message.dedupe_key) == 200


@pytest.mark.django_db
def test_an_sms_to_a_customer_needs_no_staff_recipient(org):
    with transaction.atomic():
        [message] = put(None, event="repayment_due", channels=("sms",), address="13812345678")
    assert (message.recipient, message.channel, message.address, message.status) == (
        None,
        "sms",
        "13812345678",
        "pending",
    )


@pytest.mark.django_db
def test_an_external_address_is_sealed_at_rest_and_opened_for_delivery():
    """A customer's phone in the outbox is personal information: the column holds a sealed token, the
    sender gets the number (both ways of putting a message in the outbox)."""
    from django.db import connection

    with transaction.atomic():
        services.outbox_queue(
            [
                services.Message(
                    recipient=None,
                    event="repayment_due",
                    title="还款提醒",
                    body="请按时还款。",
                    channels=("sms",),
                    address="13800138000",
                    dedupe_key="sealed:1",
                )
            ]
        )
        services.outbox_put(
            recipient=None,
            event="repayment_due",
            title="还款提醒",
            body="请按时还款。",
            channels=("sms",),
            address="13900139000",
            dedupe_key="sealed:2",
            deliver_now=False,
        )
    for key, phone in (("sealed:1:sms", "13800138000"), ("sealed:2:sms", "13900139000")):
        message = OutboxMessage.objects.get(dedupe_key=key)
        assert message.address == phone
        with connection.cursor() as cursor:
            cursor.execute("SELECT address FROM notifications_outboxmessage WHERE id = %s", [message.pk])
            stored = cursor.fetchone()[0]
        assert stored.startswith("v1.") and phone not in stored
