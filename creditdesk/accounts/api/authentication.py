"""API token authentication with expiry (CREDITDESK_API_TOKEN_TTL_HOURS)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def token_is_expired(token: Any) -> bool:
    return token.created < timezone.now() - timedelta(hours=settings.CREDITDESK_API_TOKEN_TTL_HOURS)


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``; a token older than the TTL is refused (ask for a new one)."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if token_is_expired(token):
            raise exceptions.AuthenticationFailed(_("令牌已过期，请重新获取。"), code="token_expired")
        return user, token
