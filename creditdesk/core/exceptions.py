"""Domain errors: one base class, a stable code for programs and a Chinese sentence for people."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business rule refused the operation.

    ``code`` is stable (API clients branch on it); ``message`` tells a person what to fix; ``extra``
    carries details (e.g. the field that is wrong). ``status`` is the HTTP status the API answers.
    """

    status = 400

    def __init__(self, code: str, message: str, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra or {}


class NotAllowed(DomainError):
    """The person may not do this to an object they can see (e.g. a read-only role)."""

    status = 403


class Conflict(DomainError):
    """The object is not in a state that allows the operation (e.g. completing a done task)."""

    status = 409


class NotFound(DomainError):
    """The object does not exist or is outside the person's scope (never say which)."""

    status = 404


class RateLimited(DomainError):
    """The person did this too often in a period; the message says when they may try again (HTTP 429)."""

    status = 429
