"""``Idempotency-Key`` for API writes that must happen once (submit, decide, disburse).

A client that does not know whether its request went through (a timeout, a lost connection) sends it
again with the same key: the first answer is returned again (status and body) and nothing is done twice.
The same key with a different body is refused (``idempotency_key_reused``, 422). Keys belong to one person
and one operation (``core.models.IdempotencyRecord``).

The business service still guards its own effect (a part is disbursed once, a step is decided once):
when two requests with the same key race, one does the work, the other is refused by the service, then
finds the first one's record and replays it.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from creditdesk.core.exceptions import DomainError
from creditdesk.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEY_MAX = 100
# For ``@extend_schema(parameters=[IDEMPOTENCY_PARAMETER])`` on an idempotent operation.
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="幂等键：同一人同一操作同一键只执行一次，重发返回首次的结果；同键不同请求体返回 422。",
)


class IdempotencyKeyReused(DomainError):
    status = 422


def request_key(request: Request) -> str | None:
    """The request's ``Idempotency-Key`` (stripped), None without one; a key longer than ``KEY_MAX``
    or with control characters is refused (``idempotency_key_invalid``)."""
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > KEY_MAX or not key.isprintable():
        raise DomainError(
            "idempotency_key_invalid",
            _("Idempotency-Key 须为 1–%(n)s 个可打印字符。") % {"n": KEY_MAX},
            {"field": HEADER},
        )
    return key


def required_key(request: Request, message: str) -> str:
    """The request's ``Idempotency-Key`` for an operation that cannot go without one (money received:
    the key is also the service's own, so a resend by anyone posts once); ``idempotency_key_required``
    (400) with ``message`` — saying which operation — when it is missing."""
    key = request_key(request)
    if key is None:
        raise DomainError("idempotency_key_required", message, {"field": HEADER})
    return key


def _fingerprint(request: Request, kwargs: dict[str, Any]) -> str:
    body = json.dumps({"path": kwargs, "data": request.data}, sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.request_hash != fingerprint:
        raise IdempotencyKeyReused(
            "idempotency_key_reused",
            _("该 Idempotency-Key 已用于另一个不同的请求，请换一个新的键。"),
            {"field": HEADER},
        )
    response = Response(record.response, status=record.status_code)
    response["Idempotent-Replay"] = "true"
    return response


def idempotent(operation: str) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Decorate a DRF handler ``(self, request, **kwargs) -> Response`` so that a request carrying an
    ``Idempotency-Key`` is done at most once per (person, ``operation``, key); a successful (2xx)
    answer is stored and replayed. Errors are not stored: a refused request may be corrected and sent
    again with the same key."""

    def decorate(handler: Callable[..., Response]) -> Callable[..., Response]:
        @functools.wraps(handler)
        def wrapper(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
            key = request_key(request)
            if key is None:
                return handler(self, request, *args, **kwargs)
            fingerprint = _fingerprint(request, kwargs)
            lookup = {"actor": request.user, "operation": operation, "key": key}
            record = IdempotencyRecord.objects.filter(**lookup).first()
            if record is not None:
                return _replay(record, fingerprint)
            try:
                response = handler(self, request, *args, **kwargs)
            except DomainError:
                raced = IdempotencyRecord.objects.filter(**lookup).first()
                if raced is not None:
                    return _replay(raced, fingerprint)
                raise
            if 200 <= response.status_code < 300:
                try:
                    with transaction.atomic():
                        IdempotencyRecord.objects.create(
                            **lookup,
                            request_hash=fingerprint,
                            status_code=response.status_code,
                            response=json.loads(json.dumps(response.data, default=str)),
                        )
                except IntegrityError:
                    return _replay(IdempotencyRecord.objects.get(**lookup), fingerprint)
            return response

        wrapper.idempotent_operation = operation  # type: ignore[attr-defined]
        return wrapper

    return decorate
