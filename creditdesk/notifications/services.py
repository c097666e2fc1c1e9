"""Writes of notifications: putting messages in the outbox, delivering them, marking them read.

The outbox (发件箱) is how every other app tells a person something: ``outbox_put`` is called *inside*
the caller's business transaction, so a message exists exactly when the change it announces commits —
a rolled-back approval tells nobody anything. After the commit the new messages are delivered at once
(``transaction.on_commit``); whatever fails then is retried by ``creditdesk deliver_notifications``
(``deliver_due``), which a scheduler runs every minute.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.core.audit import audit_record
from creditdesk.core.bulk import insert_rows, select_sql, texts_select
from creditdesk.core.exceptions import DomainError
from creditdesk.notifications import senders
from creditdesk.notifications.choices import EXTERNAL_CHANNELS, Channel, Event, OutboxStatus
from creditdesk.notifications.composers import composer_for
from creditdesk.notifications.models import Notification, OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # the 8th failed attempt gives a message up (status failed)
BACKOFF_CAP = timedelta(minutes=60)
DELIVER_LIMIT = 100  # messages one pass of ``deliver_due`` takes


def _max_length(name: str) -> int:
    return int(getattr(OutboxMessage._meta.get_field(name), "max_length", 0) or 0)


TITLE_MAX = _max_length("title")  # 200
BODY_MAX = _max_length("body")  # 2000
LINK_MAX = _max_length("link")  # 300
ADDRESS_MAX = 200  # a phone number, an OpenID (the column is sealed text)
KEY_MAX = _max_length("dedupe_key")  # 200
ERROR_MAX = _max_length("last_error")  # 500


class OutboxOutsideTransaction(RuntimeError):
    """``outbox_put`` was called outside ``transaction.atomic``: the message could outlive a change that
    rolls back, or be lost with one that commits."""


class Undeliverable(Exception):
    """A message that no retry can deliver (no recipient, no address): it fails at once."""


# --- putting messages in the outbox ---------------------------------------------------------------------


_CHANNELS = frozenset(Channel.values)  # read once: ``Choices.values`` builds a list at every call
_EVENTS = frozenset(Event.values)


def channel_key(dedupe_key: str, channel: str) -> str:
    """The outbox's unique key of one channel's message for the event ``dedupe_key``."""
    return f"{dedupe_key}:{channel}"


def _validated(
    *,
    recipient: User | None,
    event: str,
    title: str,
    body: str,
    link: str,
    channels: Iterable[str],
    dedupe_key: str,
    address: str,
) -> tuple[str, str, tuple[str, ...]]:
    chosen = tuple(dict.fromkeys(channels))  # each channel once, in the caller's order
    if not chosen:
        raise DomainError("notification_channels_required", _("请至少指定一个通知渠道。"))
    unknown = [c for c in chosen if c not in _CHANNELS]
    if unknown:
        raise DomainError(
            "notification_channel_unknown",
            _("通知渠道无效：%(channels)s。") % {"channels": "、".join(unknown)},
            {"channels": unknown},
        )
    if event not in _EVENTS:
        raise DomainError(
            "notification_event_unknown", _("通知事件无效：%(event)s。") % {"event": event}, {"event": event}
        )
    if Channel.IN_APP in chosen and recipient is None:
        raise DomainError("notification_recipient_required", _("站内通知须指定接收人。"))
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise DomainError("notification_title_required", _("通知标题不能为空。"), {"field": "title"})
    if len(title) > TITLE_MAX:
        raise DomainError(
            "notification_title_too_long",
            _("通知标题不能超过 %(n)s 个字。") % {"n": TITLE_MAX},
            {"field": "title"},
        )
    if len(body) > BODY_MAX:
        raise DomainError(
            "notification_body_too_long",
            _("通知内容不能超过 %(n)s 个字。") % {"n": BODY_MAX},
            {"field": "body"},
        )
    # A notification links to a page of CreditDesk only: following it (``views.notification_read``) must
    # never send a person to another site.
    if link and (not link.startswith("/") or link.startswith("//") or len(link) > LINK_MAX):
        raise DomainError(
            "notification_link_invalid", _("通知链接须为本系统内的页面地址。"), {"field": "link"}
        )
    if len(address or "") > ADDRESS_MAX:
        raise DomainError(
            "notification_address_too_long",
            _("外部地址不能超过 %(n)s 个字符。") % {"n": ADDRESS_MAX},
            {"field": "address"},
        )
    if not (dedupe_key or "").strip():
        raise DomainError("notification_dedupe_key_required", _("通知须有去重键。"), {"field": "dedupe_key"})
    longest = max(len(channel_key(dedupe_key, c)) for c in chosen)
    if longest > KEY_MAX:
        raise DomainError(
            "notification_dedupe_key_too_long",
            _("去重键过长（连同渠道名不能超过 %(n)s 个字符）。") % {"n": KEY_MAX},
            {"field": "dedupe_key"},
        )
    return title, body, chosen


def outbox_put(
    *,
    recipient: User | None,
    event: str,
    title: str,
    body: str,
    link: str = "",
    channels: Sequence[str] = (Channel.IN_APP,),
    dedupe_key: str,
    address: str = "",
    deliver_now: bool = True,
) -> list[OutboxMessage]:
    """Put one message per channel in the outbox, to be delivered once the caller's transaction commits.

    Not a transaction of its own: it must run inside the caller's (``OutboxOutsideTransaction``
    otherwise), so the messages commit or roll back with the change they announce. Rules: the same event
    is announced once — ``dedupe_key`` names it (``"application:42:routed:7"``), each channel's message is
    keyed ``<dedupe_key>:<channel>`` and a key already in the outbox puts nothing again; the in-app channel
    needs a ``recipient``; SMS and WeChat go to ``address`` (a phone number, an OpenID) — a message
    without one fails at delivery with the reason, it does not refuse the caller's change. ``link``: a
    page of CreditDesk (``/applications/42/``). Returns the messages of the event, one per channel, in
    the order of ``channels`` (those put before included). ``deliver_now`` False: leave delivery to
    `creditdesk deliver_notifications` (a batch putting thousands of reminders must not send them inline)."""
    if not transaction.get_connection().in_atomic_block:
        raise OutboxOutsideTransaction("outbox_put must run inside the caller's transaction.atomic")
    title, body, chosen = _validated(
        recipient=recipient,
        event=event,
        title=title,
        body=body,
        link=link,
        channels=channels,
        dedupe_key=dedupe_key,
        address=address,
    )
    now = timezone.now()
    keys = {channel: channel_key(dedupe_key, channel) for channel in chosen}
    # ignore_conflicts: a key already there (this event put before, or by a concurrent transaction that
    # committed first) is left as it is — the unique key, not a prior read, decides.
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                channel=channel,
                recipient=recipient,
                address=address or "",
                event=event,
                title=title,
                body=body,
                link=link or "",
                dedupe_key=key,
                next_attempt_at=now,
            )
            for channel, key in keys.items()
        ],
        ignore_conflicts=True,
    )
    by_key = {m.dedupe_key: m for m in OutboxMessage.objects.filter(dedupe_key__in=keys.values())}
    messages = [by_key[key] for key in keys.values()]
    due = [m.pk for m in messages if m.status == OutboxStatus.PENDING]
    if due and deliver_now:
        # robust: the caller's change has committed; a delivery problem is the retry's business, not an
        # error of the request that made the change.
        transaction.on_commit(partial(_deliver_after_commit, due), robust=True)
    return messages


@dataclass(frozen=True)
class Message:
    """One event to announce with ``outbox_queue`` (the arguments of ``outbox_put``)."""

    recipient: User | None
    event: str
    title: str
    body: str
    dedupe_key: str
    link: str = ""
    channels: tuple[str, ...] = (Channel.IN_APP,)
    address: str = ""


def outbox_queue(messages: Sequence[Message]) -> int:
    """Put many events in the outbox at once (a batch's reminders): each checked as ``outbox_put`` checks
    it, written with one insert (a key already there is left as it is), delivered later by
    `creditdesk deliver_notifications`, never inline. Inside the caller's transaction. Returns the number
    of messages offered."""
    if not transaction.get_connection().in_atomic_block:
        raise OutboxOutsideTransaction("outbox_queue must run inside the caller's transaction.atomic")
    now = timezone.now()
    rows = []
    sealed, connection = OutboxMessage._meta.get_field("address"), transaction.get_connection()
    for message in messages:
        title, body, chosen = _validated(
            recipient=message.recipient,
            event=message.event,
            title=message.title,
            body=message.body,
            link=message.link,
            channels=message.channels,
            dedupe_key=message.dedupe_key,
            address=message.address,
        )
        recipient = message.recipient.pk if message.recipient is not None else None
        address = sealed.get_db_prep_save(message.address or "", connection)  # as ``save`` would seal it
        rows.extend(
            (
                str(channel),
                recipient,
                address,
                str(message.event),
                str(title),
                str(body),
                message.link or "",
                channel_key(message.dedupe_key, channel),
                now,
            )
            for channel in chosen
        )
    # one insert, no model instance per row (``core.bulk``); a key already there is left as it is
    insert_rows(OutboxMessage, _QUEUED_COLUMNS, rows, ignore_conflicts=True)
    return len(rows)


_QUEUED_COLUMNS = (
    "channel",
    "recipient",
    "address",
    "event",
    "title",
    "body",
    "link",
    "dedupe_key",
    "next_attempt_at",
)


def outbox_queue_keys(*, event: str, channel: str, keys: QuerySet[Any] | Sequence[str]) -> int:
    """Queue one message of ``event`` on ``channel`` per key that ``keys`` selects (a queryset of one
    column of text named ``key``, or the keys themselves: each the event's ``dedupe_key``, the channel
    appended as ``channel_key`` does), written at delivery by the composer registered for ``event``
    (``composers``): one ``INSERT … SELECT`` in the database, the keys passed as one parameter. A key
    already in the outbox is left as it is. Inside the caller's transaction. Returns the number of
    messages added."""
    if not transaction.get_connection().in_atomic_block:
        raise OutboxOutsideTransaction("outbox_queue_keys must run inside the caller's transaction.atomic")
    if event not in _EVENTS:
        raise DomainError("notification_event_unknown", _("通知事件无效：%(event)s。") % {"event": event})
    if channel not in _CHANNELS:
        raise DomainError(
            "notification_channel_unknown", _("通知渠道无效：%(channels)s。") % {"channels": channel}
        )
    if composer_for(event) is None:
        raise ValueError(f"no composer is registered for {event!r}: its messages could not be written")
    connection = transaction.get_connection()
    qn = connection.ops.quote_name
    now = connection.ops.adapt_datetimefield_value(timezone.now())  # as the ORM stores it (SQLite: text)
    if isinstance(keys, QuerySet):
        compiled = select_sql(keys, connection)
        if compiled is None:
            return 0
        subquery, key_params = compiled
    elif isinstance(keys, str):
        raise TypeError("keys: a queryset or a sequence of keys, not one string")
    elif not keys:
        return 0
    else:
        subquery, key_params = texts_select("key", keys, connection)
    columns = {  # every column but the id: the message waits for its composer, empty until then
        "channel": channel,
        "recipient_id": None,
        "address": "",
        "event": event,
        "title": "",
        "body": "",
        "link": "",
        "status": OutboxStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": "",
        "created_at": now,
        "sent_at": None,
    }
    sql = (
        f"INSERT INTO {qn(OutboxMessage._meta.db_table)} "  # noqa: S608
        f"({', '.join(qn(name) for name in [*columns, 'dedupe_key'])}) "
        f"SELECT {', '.join(['%s'] * len(columns))}, k.{qn('key')} || %s FROM ({subquery}) k "
        "WHERE true ON CONFLICT DO NOTHING"  # WHERE: SQLite's parser needs it before an upsert clause
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*columns.values(), f":{channel}", *key_params])
        return int(cursor.rowcount)


def _deliver_after_commit(message_ids: list[int]) -> None:
    outbox_deliver(message_ids=message_ids)


# --- delivering -----------------------------------------------------------------------------------------


@dataclass
class DeliveryCounts:
    """What one delivery pass did: ``sent``; ``retrying`` (failed, tried again later); ``failed`` (given
    up); ``withdrawn`` (written at sending time, nothing to say any more); ``skipped`` (already sent, not
    due, or being delivered by another worker)."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    withdrawn: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4, 8 … minutes, at most ``BACKOFF_CAP``."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def deliver_due(*, now: datetime | None = None, limit: int = DELIVER_LIMIT) -> DeliveryCounts:
    """One pass over the outbox: every pending message whose ``next_attempt_at`` has come (at most
    ``limit``, the longest waiting first), each delivered as ``outbox_deliver`` says."""
    now = now or timezone.now()
    due = (
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return outbox_deliver(message_ids=list(due), now=now)


def outbox_deliver(*, message_ids: Iterable[int], now: datetime | None = None) -> DeliveryCounts:
    """Deliver the messages ``message_ids`` that are pending and due at ``now``, each in its own
    transaction.

    Rules: a message is delivered at most once — it is taken under a row lock that other workers skip
    (``select_for_update(skip_locked=True)``; SQLite, one writer at a time, has no row locks), and only
    while still pending, so a sent message is never sent again. The in-app channel writes the person's
    ``Notification`` (one per message: the one-to-one key); SMS and WeChat go through the channel's sender
    (``senders.py``). A failed attempt counts, waits ``backoff(attempts)`` and is tried again, until the
    ``MAX_ATTEMPTS``-th failure gives the message up (failed, with the last error); a message that no
    retry can deliver (no address, no recipient) fails at once."""
    now = now or timezone.now()
    counts = DeliveryCounts()
    for pk in message_ids:
        outcome = _deliver_one(pk, now)
        setattr(counts, outcome, getattr(counts, outcome) + 1)
    return counts


@transaction.atomic(durable=True)
def _deliver_one(pk: int, now: datetime) -> str:
    message = (
        OutboxMessage.objects.select_for_update(skip_locked=True)
        .filter(pk=pk, status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        .first()
    )
    if message is None:
        return "skipped"
    try:
        with transaction.atomic():  # a sender's failed query must not break the row's transaction
            if not _composed(message):
                message.status = OutboxStatus.WITHDRAWN
                message.save(update_fields=["status"])
                return "withdrawn"
            _send(message)
    except Exception as exc:
        return _attempt_failed(message, exc, now)
    message.status = OutboxStatus.SENT
    message.sent_at = now
    message.attempts += 1
    message.last_error = ""
    message.save(update_fields=["status", "sent_at", "attempts", "last_error", "address", "title", "body"])
    return "sent"


def _composed(message: OutboxMessage) -> bool:
    """A message queued without text (``outbox_queue_keys``) is written now by its event's composer —
    its address, title and text are kept on the row as what was sent; False when the composer has
    nothing to say any more (withdrawn). Messages written when queued are left as they are."""
    composer = composer_for(message.event)
    if message.title or composer is None:
        return True
    composed = composer(message)
    if composed is None:
        return False
    message.address, message.title, message.body = composed.address, composed.title, composed.body
    return True


def _send(message: OutboxMessage) -> None:
    if message.channel == Channel.IN_APP:
        if message.recipient_id is None:
            raise Undeliverable(_("站内通知没有接收人，无法送达。"))
        Notification.objects.get_or_create(
            message=message,
            defaults={
                "recipient_id": message.recipient_id,
                "event": message.event,
                "title": message.title,
                "body": message.body,
                "link": message.link,
            },
        )
        return
    if message.channel in EXTERNAL_CHANNELS and not message.address.strip():
        raise Undeliverable(
            _("短信没有接收号码（外部地址为空），无法发送。")
            if message.channel == Channel.SMS
            else _("微信消息没有接收人（外部地址为空，应为 OpenID），无法发送。")
        )
    senders.sender_for(message.channel).send(message)


def _attempt_failed(message: OutboxMessage, exc: Exception, now: datetime) -> str:
    message.attempts += 1
    message.last_error = (str(exc) or type(exc).__name__)[:ERROR_MAX]
    gave_up = isinstance(exc, Undeliverable) or message.attempts >= MAX_ATTEMPTS
    if gave_up:
        message.status = OutboxStatus.FAILED
    else:
        message.next_attempt_at = now + backoff(message.attempts)
    message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    logger.warning(
        "notification %s (%s) attempt %s failed%s: %s",
        message.pk,
        message.channel,
        message.attempts,
        ", given up" if gave_up else "",
        message.last_error,
    )
    return "failed" if gave_up else "retrying"


# --- reading --------------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def notification_mark_read(*, actor: User, notification_id: Any) -> Notification:
    """Mark one notification read. Rule: only its recipient — anyone else's notification does not exist
    for them (``NotFound``, the pages' 404). Marking a read one again changes nothing: it keeps the time
    it was first read and writes no audit row."""
    notification = scope.get_for_change(
        actor,
        Notification.objects.all(),
        notification_id,
        missing=_("通知不存在，或不是发给您的。"),
    )
    if notification.read_at is not None:
        return notification
    notification.read_at = timezone.now()
    notification.save(update_fields=["read_at"])
    audit_record(
        actor=actor,
        action="notification.read",
        target=notification,
        after={"read_at": notification.read_at},
    )
    return notification


@transaction.atomic(durable=True)
def notification_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of ``actor`` read (their own only: the scope); returns how many.
    One audit row with the count — none when there was nothing unread."""
    now = timezone.now()
    marked = scope.visible(actor, Notification.objects.filter(read_at__isnull=True)).update(read_at=now)
    if marked:
        audit_record(actor=actor, action="notification.read_all", after={"count": marked, "read_at": now})
    return marked
