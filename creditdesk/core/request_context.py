"""Who is asking, from where, in which request: set once per request, read by the audit writer."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str | None


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "creditdesk_request_context", default=None
)


def set_current(ctx: RequestContext | None) -> contextvars.Token[RequestContext | None]:
    return _current.set(ctx)


def reset_current(token: contextvars.Token[RequestContext | None]) -> None:
    _current.reset(token)


def current() -> RequestContext | None:
    return _current.get()
