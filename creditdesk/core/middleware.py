"""Request-scoped context: a request id (echoed as X-Request-ID) and the client IP for the audit."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from creditdesk.core import request_context
from creditdesk.core.views.errors import error_response

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def client_ip(request: HttpRequest) -> str | None:
    """The client address. X-Forwarded-For is trusted only behind a configured proxy."""
    if settings.CREDITDESK_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:45] or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_context.set_current(
            request_context.RequestContext(request_id=request_id, ip=client_ip(request))
        )
        try:
            response = self.get_response(request)
        finally:
            request_context.reset_current(token)
        if response.status_code == 405 and not response.content and not request.path.startswith("/api/"):
            # Django's require_http_methods answers 405 with an empty body; people get a page instead.
            allow = response.get("Allow", "")
            response = error_response(request, 405)
            response["Allow"] = allow
        response["X-Request-ID"] = request_id
        return response
