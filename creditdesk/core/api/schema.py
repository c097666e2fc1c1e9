"""The OpenAPI schema describes the errors too: every operation documents 400/401/403/404 with the one
error shape (``Error``: ``{code, message, details}``, written by ``core.api.errors``), and 409 where its
service can refuse for the object's state (a handler marked ``@may_conflict``).

An outside client reads in the schema every status it can receive; a status not there is a bug that
``core/tests/test_api_contract.py`` reports.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

F = TypeVar("F", bound=Callable[..., Any])

ERROR_RESPONSES: dict[int, str] = {
    400: (
        "请求无效：请求体或查询参数不符合要求（`details` 按字段列出原因），"
        "或业务规则拒绝（`code` 说明是哪条）。"
    ),
    401: "未登录、令牌无效或已过期（响应头 `WWW-Authenticate: Token`）。",
    403: "已登录，但无权执行此操作。",
    404: "资源不存在，或不在您的权限范围内（二者不加区分）。",
}
CONFLICT_RESPONSE = (409, "对象当前的状态不允许此操作（如重复撤回、已合并、未启用模型）。")


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API."""

    code = serializers.CharField(
        help_text="稳定的错误代码，供程序判断（如 not_found、invalid、no_valid_consent）"
    )
    message = serializers.CharField(help_text="给人看的一句话（默认中文，随 Accept-Language）")
    details = serializers.DictField(help_text="字段错误（字段名 → 原因列表）或上下文（如 request_id、field）")


def may_conflict(handler: F) -> F:
    """Marks an API handler whose service can answer 409 (``core.exceptions.Conflict``)."""
    handler.may_conflict = True  # type: ignore[attr-defined]
    return handler


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema with the error responses added to every operation (a response the
    view documents itself is kept)."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        statuses = dict(ERROR_RESPONSES)
        if self._may_conflict():
            statuses[CONFLICT_RESPONSE[0]] = CONFLICT_RESPONSE[1]
        self._empty_filter_values_allowed(operation)
        responses = operation.setdefault("responses", {})
        for status, description in statuses.items():
            response: dict[str, Any] = {
                "content": {"application/json": {"schema": error}},
                "description": description,
            }
            if status == 401:
                response["headers"] = {
                    "WWW-Authenticate": {"schema": {"type": "string"}, "description": "Token"}
                }
            responses.setdefault(str(status), response)
        return operation

    def _empty_filter_values_allowed(self, operation: dict[str, Any]) -> None:
        """``?status=`` is no filter (a page's "all" choice), not an invalid status: say so."""
        filterset = getattr(self.view, "filterset_class", None)
        if filterset is None or self.method != "GET":
            return
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "query" and parameter.get("name") in filterset.base_filters:
                parameter["allowEmptyValue"] = True

    def _may_conflict(self) -> bool:
        action = getattr(self.view, "action", None)
        handler = getattr(self.view, action or self.method.lower(), None)
        return bool(getattr(handler, "may_conflict", False))
