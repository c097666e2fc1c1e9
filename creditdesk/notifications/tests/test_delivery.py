"""Delivering the outbox: exactly once, through the channel's sender, retried with a growing wait and
given up after the last attempt — and the command a scheduler runs."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from creditdesk.notifications import senders, services
from creditdesk.notifications.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db

SENT_TO = []


class BrokenSender:
    """A gateway that never answers."""

    def send(self, message):
        raise ConnectionError("短信网关超时")


class RecordingSender:
    def send(self, message):
        SENT_TO.append((message.channel, message.address, message.title))


def put(recipient, *, channels=("in_app",), address="", key="application:7:routed:approver1"):
    with transaction.atomic():  # no on_commit delivery here: each test delivers when it says
        return services.outbox_put(
            recipient=recipient,
            event="approval_routed",
            title="张三的贷款申请待您审批",
            body="申请金额 30 万元",
            link="/agenda/",
            channels=channels,
            dedupe_key=key,
            address=address,
        )


def counts(**given):
    return {"sent": 0, "retrying": 0, "failed": 0, "withdrawn": 0, "skipped": 0, **given}


def test_in_app_delivery_writes_one_notification_even_when_run_twice(org):
    [message] = put(org.approver1)
    now = message.next_attempt_at
    assert services.deliver_due(now=now).as_dict() == counts(sent=1)
    assert services.deliver_due(now=now + timedelta(minutes=5)).as_dict() == counts()
    assert services.outbox_deliver(message_ids=[message.pk], now=now).as_dict() == counts(skipped=1)
    notification = Notification.objects.get()
    assert (notification.recipient, notification.message_id, notification.event, notification.body) == (
        org.approver1,
        message.pk,
        "approval_routed",
        "申请金额 30 万元",
    )
    message.refresh_from_db()
    assert (message.status, message.attempts, message.sent_at, message.last_error) == ("sent", 1, now, "")


def test_a_message_not_yet_due_waits(org):
    [message] = put(org.cm_a)
    early = message.next_attempt_at - timedelta(seconds=1)
    assert services.deliver_due(now=early).as_dict() == counts()
    assert services.outbox_deliver(message_ids=[message.pk], now=early).as_dict() == counts(skipped=1)
    assert Notification.objects.count() == 0


def test_a_pass_takes_at_most_limit_messages_the_longest_waiting_first(org):
    first = put(org.cm_a, key="a")[0]
    put(org.cm_b, key="b")
    later = first.next_attempt_at + timedelta(minutes=1)
    assert services.deliver_due(now=later, limit=1).as_dict() == counts(sent=1)
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["cm_a"]


def test_a_failing_sender_is_retried_after_1_2_4_minutes_and_given_up_after_8_attempts(org, settings):
    settings.CREDITDESK_NOTIFICATION_SENDERS = {"sms": f"{__name__}.BrokenSender"}
    [message] = put(None, channels=("sms",), address="13812345678")
    start = now = message.next_attempt_at
    waits = []
    for attempt in range(1, 8):
        assert services.deliver_due(now=now).as_dict() == counts(retrying=1)
        message.refresh_from_db()
        assert (message.status, message.attempts, message.last_error) == ("pending", attempt, "短信网关超时")
        waits.append(message.next_attempt_at - now)
        # not due a second before its time
        assert services.deliver_due(now=message.next_attempt_at - timedelta(seconds=1)).as_dict() == counts()
        now = message.next_attempt_at
    assert [w // timedelta(minutes=1) for w in waits] == [1, 2, 4, 8, 16, 32, 60]
    assert now == start + timedelta(minutes=123)
    assert services.deliver_due(now=now).as_dict() == counts(failed=1)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error, message.sent_at) == (
        "failed",
        8,
        "短信网关超时",
        None,
    )
    assert services.deliver_due(now=now + timedelta(days=1)).as_dict() == counts()  # never tried again


def test_the_backoff_is_capped_at_an_hour():
    assert [services.backoff(n) for n in (1, 2, 3, 7, 8, 20)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(minutes=60),
        timedelta(minutes=60),
        timedelta(minutes=60),
    ]


@pytest.mark.parametrize(
    ("channel", "reason"),
    [
        ("sms", "短信没有接收号码（外部地址为空），无法发送。"),
        ("wechat", "微信消息没有接收人（外部地址为空，应为 OpenID），无法发送。"),
    ],
)
def test_a_message_out_without_an_address_fails_at_once_with_the_reason(org, settings, channel, reason):
    settings.CREDITDESK_NOTIFICATION_SENDERS = {channel: f"{__name__}.RecordingSender"}
    SENT_TO.clear()
    [message] = put(None, channels=(channel,), address="  ")
    assert services.deliver_due(now=message.next_attempt_at).as_dict() == counts(failed=1)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("failed", 1, reason)
    assert SENT_TO == []


def test_a_configured_sender_sends_external_channels(org, settings):
    settings.CREDITDESK_NOTIFICATION_SENDERS = {"wechat": f"{__name__}.RecordingSender"}
    SENT_TO.clear()
    messages = put(org.cm_a, channels=("in_app", "wechat"), address="o-openid-1")
    assert services.deliver_due(now=messages[0].next_attempt_at).as_dict() == counts(sent=2)
    assert SENT_TO == [("wechat", "o-openid-1", "张三的贷款申请待您审批")]
    assert Notification.objects.count() == 1


def test_the_default_sender_logs_the_masked_address_and_not_the_text(org, caplog):
    [message] = put(None, channels=("sms",), address="13812345678")
    with caplog.at_level(logging.INFO, logger="creditdesk.notifications.senders"):
        assert services.deliver_due(now=message.next_attempt_at).as_dict() == counts(sent=1)
    assert caplog.messages == [
        f"notification {message.pk} (sms, approval_routed) to 138****5678 not sent outside: logging sender"
    ]


def test_a_sender_that_does_not_import_is_a_failed_attempt_retried_later(org, settings):
    settings.CREDITDESK_NOTIFICATION_SENDERS = {"sms": "creditdesk.nowhere.Sender"}
    [message] = put(None, channels=("sms",), address="13812345678")
    assert services.deliver_due(now=message.next_attempt_at).as_dict() == counts(retrying=1)
    message.refresh_from_db()
    assert message.status == "pending"
    assert message.last_error.startswith(
        "sender 'creditdesk.nowhere.Sender' for channel 'sms' does not import"
    )


def test_the_settings_override_only_the_channels_they_name(settings):
    settings.CREDITDESK_NOTIFICATION_SENDERS = {"sms": f"{__name__}.RecordingSender"}
    assert senders.sender_paths() == {
        "sms": f"{__name__}.RecordingSender",
        "wechat": "creditdesk.notifications.senders.LoggingSender",
    }
    assert isinstance(senders.sender_for("wechat"), senders.LoggingSender)
    with pytest.raises(senders.NoSender):
        senders.sender_for("in_app")


def test_the_command_delivers_what_is_due_and_prints_the_counts(org):
    put(org.cm_a, key="a")
    put(org.cm_b, key="b")
    out = StringIO()
    call_command("deliver_notifications", stdout=out)
    assert json.loads(out.getvalue()) == counts(sent=2)
    assert OutboxMessage.objects.filter(status="sent").count() == 2
    out = StringIO()
    call_command("deliver_notifications", "--limit", "5", stdout=out)
    assert json.loads(out.getvalue()) == counts()


def test_support_reads_the_outbox_in_the_admin_without_its_text(client, org):
    org.admin.is_staff = org.admin.is_superuser = True
    org.admin.save()
    client.force_login(org.admin)
    [message] = put(None, channels=("sms",), address="13812345678")
    changelist = client.get("/admin/notifications/outboxmessage/")
    detail = client.get(f"/admin/notifications/outboxmessage/{message.pk}/change/")
    assert (changelist.status_code, detail.status_code) == (200, 200)
    assert "13812345678" not in detail.content.decode()
    assert "申请金额 30 万元" not in detail.content.decode()


# --- messages written when they are sent (composers) ---------------------------------------------------


def _queue_keys(event: str, *pks: int) -> int:
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    from creditdesk.accounts.models import User

    keys = User.objects.filter(pk__in=pks).values(
        key=Concat(Value("user:"), Cast("pk", CharField()), output_field=CharField())
    )
    with transaction.atomic():
        return services.outbox_queue_keys(event=event, channel="sms", keys=keys)


def test_keys_given_as_a_list_are_queued_once_each(org):
    keys = [f"user:{org.cm_a.pk}", 'user:0:含中文与"引号"', "user:0:a,b{c}"]
    with transaction.atomic():
        assert services.outbox_queue_keys(event="repayment_due", channel="sms", keys=keys) == 3
        assert services.outbox_queue_keys(event="repayment_due", channel="sms", keys=keys[:1]) == 0
        assert services.outbox_queue_keys(event="repayment_due", channel="sms", keys=[]) == 0
        with pytest.raises(TypeError):
            services.outbox_queue_keys(event="repayment_due", channel="sms", keys="user:1")
    queued = OutboxMessage.objects.filter(event="repayment_due").order_by("dedupe_key")
    assert sorted(queued.values_list("dedupe_key", flat=True)) == sorted(f"{key}:sms" for key in keys)
    assert {(m.status, m.body, m.address) for m in queued} == {("pending", "", "")}


def test_keys_are_queued_in_one_statement_and_written_by_the_composer_when_sent(org, monkeypatch, settings):
    from creditdesk.notifications import composers

    settings.CREDITDESK_NOTIFICATION_SENDERS = {"sms": f"{__name__}.RecordingSender"}
    said = {org.cm_a.pk: composers.Composed("13800000001", "到期提示", "您好"), org.cm_b.pk: None}
    monkeypatch.setitem(composers._COMPOSERS, "loan_overdue", lambda m: said[int(m.dedupe_key.split(":")[1])])
    assert _queue_keys("loan_overdue", org.cm_a.pk, org.cm_b.pk) == 2
    assert _queue_keys("loan_overdue", org.cm_a.pk) == 0  # a key already queued is not queued again
    queued = OutboxMessage.objects.filter(event="loan_overdue").order_by("dedupe_key")
    assert [(m.dedupe_key, m.title, m.body, m.address, m.status) for m in queued] == sorted(
        (f"user:{pk}:sms", "", "", "", "pending") for pk in (org.cm_a.pk, org.cm_b.pk)
    )
    SENT_TO.clear()
    counts = services.deliver_due()
    assert (counts.sent, counts.withdrawn) == (1, 1)
    assert SENT_TO == [("sms", "13800000001", "到期提示")]
    sent = OutboxMessage.objects.get(dedupe_key=f"user:{org.cm_a.pk}:sms")
    assert (sent.status, sent.address, sent.title, sent.body) == ("sent", "13800000001", "到期提示", "您好")
    assert OutboxMessage.objects.get(dedupe_key=f"user:{org.cm_b.pk}:sms").status == "withdrawn"


def test_keys_of_an_event_without_a_composer_are_refused(org):
    with pytest.raises(ValueError, match="no composer"):
        _queue_keys("approval_routed", org.cm_a.pk)
    assert not OutboxMessage.objects.exists()
