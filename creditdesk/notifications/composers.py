"""Messages written when they are sent (发送时生成): the registry of composers.

A batch announcing tens of thousands of events a night (the repayment reminders) queues each as a key
only — no text, no copy of the customer's phone — with ``services.outbox_queue_keys``. When the message
is delivered, the composer registered for its event reads what the key names *then* and returns the
address, title and text, which the outbox keeps as what was sent; or ``None`` when there is nothing to
say any more (the instalment was paid in the meantime), and the message is withdrawn. The app that owns
the event registers its composer in ``AppConfig.ready`` (this app sits below it and never imports it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from creditdesk.notifications.models import OutboxMessage


@dataclass(frozen=True)
class Composed:
    """What a composer says for one message: where it goes and what it says."""

    address: str
    title: str
    body: str


Composer = Callable[[OutboxMessage], Composed | None]

_COMPOSERS: dict[str, Composer] = {}


def register_composer(event: str, composer: Composer) -> None:
    """Let ``composer`` write the messages of ``event`` queued without text (one composer per event)."""
    _COMPOSERS[str(event)] = composer


def composer_for(event: str) -> Composer | None:
    return _COMPOSERS.get(str(event))
