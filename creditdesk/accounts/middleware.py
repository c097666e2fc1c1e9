"""Idle session timeout: a session unused for CREDITDESK_IDLE_TIMEOUT_MINUTES is ended."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

LAST_SEEN_KEY = "creditdesk_last_seen"
# Refresh the stored "last seen" time at most once a minute, so that reads do not write the session.
REFRESH_AFTER_SECONDS = 60


class IdleSessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            idle_limit = settings.CREDITDESK_IDLE_TIMEOUT_MINUTES * 60
            if last_seen is not None and now - int(last_seen) > idle_limit:
                logout(request)
                messages.warning(request, _("您已长时间未操作，会话已过期，请重新登录。"))
            elif last_seen is None or now - int(last_seen) >= REFRESH_AFTER_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
