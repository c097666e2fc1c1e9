"""One error shape for every API failure: ``{"code", "message", "details"}``.

``code`` is stable for programs, ``message`` is a sentence for people (Chinese by default, following
Accept-Language), ``details`` carries field errors or context such as the request id.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from creditdesk.core.exceptions import DomainError

# DRF's own exception → (stable code, Chinese message) when DRF gives no better message.
_DEFAULTS: dict[type[exceptions.APIException], tuple[str, str | Promise]] = {
    exceptions.ParseError: ("malformed_request", _("请求内容不是有效的 JSON。")),
    exceptions.NotAuthenticated: (
        "not_authenticated",
        _("未登录或未提供令牌：请先获取令牌，并在请求头中携带 Authorization: Token <令牌>。"),
    ),
    exceptions.AuthenticationFailed: ("authentication_failed", _("身份验证失败。")),
    exceptions.PermissionDenied: ("permission_denied", _("您没有权限执行此操作。")),
    exceptions.NotFound: ("not_found", _("资源不存在，或不在您的权限范围内。")),
    exceptions.MethodNotAllowed: ("method_not_allowed", _("不支持该请求方法。")),
    exceptions.NotAcceptable: ("not_acceptable", _("无法按请求的格式返回。")),
    exceptions.UnsupportedMediaType: (
        "unsupported_media_type",
        _("不支持的内容类型，请使用 application/json。"),
    ),
    exceptions.Throttled: ("throttled", _("请求过于频繁，请稍后再试。")),
    exceptions.ValidationError: ("invalid", _("提交的数据有误，请按 details 中的说明修改。")),
}


def _body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details if details is not None else {}}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    request = context.get("request")
    request_id = getattr(getattr(request, "_request", request), "request_id", "")

    if isinstance(exc, DomainError):
        return Response(_body(exc.code, exc.message, exc.extra), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        field_errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(field_errors)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # unexpected: Django's handler500 answers with the same shape, without a trace
    assert isinstance(exc, exceptions.APIException)

    code, message = _classify(exc)  # message may be replaced below by a case-specific one
    details: Any = {"request_id": request_id}
    if isinstance(exc, exceptions.ValidationError):
        details = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
    elif isinstance(exc, exceptions.ParseError):
        details = {"reason": str(exc.detail), "request_id": request_id}
    elif isinstance(exc, exceptions.MethodNotAllowed):
        details = {"method": request.method if request else "", "request_id": request_id}
    else:
        specific = exc.get_codes()
        if isinstance(specific, str) and specific != "error":
            code = specific  # e.g. token_expired, invalid_credentials, account_locked
        if isinstance(exc.detail, str) and str(exc.detail) != str(exc.default_detail):
            message = str(exc.detail)  # a message written for this case (Chinese from our code or DRF's)
    response.data = _body(code, str(message), details)
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = "Token"
    return response


def _classify(exc: exceptions.APIException) -> tuple[str, str | Promise]:
    for klass, pair in _DEFAULTS.items():
        if isinstance(exc, klass):
            return pair
    return ("error", str(exc.detail))
