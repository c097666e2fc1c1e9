"""Sign-in for programs (`POST /api/v1/auth/token/`) and `GET /api/v1/me/`."""

from __future__ import annotations

from datetime import timedelta

from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from creditdesk.accounts import services
from creditdesk.accounts.api.serializers import MeSerializer, TokenRequestSerializer, TokenResponseSerializer
from creditdesk.accounts.lockout import lockout_message


class AccountLocked(exceptions.PermissionDenied):
    default_code = "account_locked"


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (expires after the configured hours).

    Failures count towards the same lockout as the sign-in page.
    """

    authentication_classes: list[type] = []
    permission_classes = [permissions.AllowAny]

    def get_authenticate_header(self, request: Request) -> str:
        # Without authentication classes DRF would turn a 401 into 403; a bad password is a 401.
        return "Token"

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer}, tags=["auth"])
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = authenticate(
                request._request,
                username=serializer.validated_data["username"],
                password=serializer.validated_data["password"],
            )
        except AxesBackendPermissionDenied as exc:
            raise AccountLocked(lockout_message()) from exc
        if getattr(request._request, "axes_locked_out", False):
            raise AccountLocked(lockout_message())
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed(_("用户名或密码错误。"), code="invalid_credentials")
        token = services.api_token_issue(actor=user)
        expires_at = token.created + timedelta(hours=settings.CREDITDESK_API_TOKEN_TTL_HOURS)
        return Response(TokenResponseSerializer({"token": token.key, "expires_at": expires_at}).data)


class MeView(APIView):
    """The signed-in person: role, level, team, branch."""

    @extend_schema(responses=MeSerializer, tags=["auth"])
    def get(self, request: Request) -> Response:
        user = request.user
        return Response(MeSerializer(user).data)
