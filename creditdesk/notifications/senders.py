"""Channel senders: how a message leaves CreditDesk by SMS or WeChat.

A sender is any class with ``send(message) -> None`` that raises when the message did not go out
(``Sender``); delivery (``services.outbox_deliver``) then retries it later. Which class serves which
channel is a setting of dotted paths, so a bank plugs in its SMS gateway without touching this app::

    CREDITDESK_NOTIFICATION_SENDERS = {"sms": "bank.gateway.SmsSender"}

Channels the setting does not name keep the default, ``LoggingSender``, which only writes a log line (a
development or test installation sends nothing outside). The in-app channel has no sender: delivering it
is writing the ``Notification`` row, which ``services`` does itself.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from creditdesk.core.masking import mask_phone
from creditdesk.notifications.choices import Channel

if TYPE_CHECKING:
    from creditdesk.notifications.models import OutboxMessage

logger = logging.getLogger(__name__)

DEFAULT_SENDERS: dict[str, str] = {
    Channel.SMS: "creditdesk.notifications.senders.LoggingSender",
    Channel.WECHAT: "creditdesk.notifications.senders.LoggingSender",
}


class Sender(Protocol):
    def send(self, message: OutboxMessage) -> None:
        """Deliver ``message`` to ``message.address``; raise if it did not go out."""


class NoSender(LookupError):
    """No sender is configured for a channel (or its dotted path does not import)."""


class LoggingSender:
    """Writes one log line per message instead of sending it — the address masked, the text left out (a
    repayment reminder names a customer and an amount: the log is no place for them)."""

    def send(self, message: OutboxMessage) -> None:
        logger.info(
            "notification %s (%s, %s) to %s not sent outside: logging sender",
            message.pk,
            message.channel,
            message.event,
            mask_phone(message.address),
        )


def sender_paths() -> dict[str, str]:
    """Channel → dotted path of its sender class: the defaults, overridden by the setting."""
    return {**DEFAULT_SENDERS, **getattr(settings, "CREDITDESK_NOTIFICATION_SENDERS", {})}


def sender_for(channel: str) -> Sender:
    """A sender for ``channel``; ``NoSender`` when none is configured or its class does not import."""
    path = sender_paths().get(channel)
    if not path:
        raise NoSender(f"no sender configured for channel {channel!r}")
    try:
        sender_class = import_string(path)
    except ImportError as exc:
        raise NoSender(f"sender {path!r} for channel {channel!r} does not import: {exc}") from exc
    sender: Sender = sender_class()
    return sender
