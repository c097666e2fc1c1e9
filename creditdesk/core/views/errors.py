"""Error pages: a friendly Chinese page for people, the one JSON error shape under /api/."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from creditdesk.core.exceptions import DomainError, NotAllowed, NotFound

ERRORS: dict[int, tuple[str, Promise, Promise]] = {
    400: ("bad_request", _("请求无效"), _("提交的内容无法识别，请返回上一页检查后重试。")),
    403: (
        "permission_denied",
        _("无权访问"),
        _("您没有权限执行此操作。如需权限，请联系您的主管或系统管理员。"),
    ),
    405: (
        "method_not_allowed",
        _("操作方式不正确"),
        _("该页面不支持这种操作方式，请返回上一页，通过页面上的按钮操作。"),
    ),
    404: ("not_found", _("页面不存在"), _("您访问的页面或记录不存在，或不在您的权限范围内。")),
    500: (
        "server_error",
        _("系统繁忙"),
        _("系统处理时出现问题，已记录。请稍后重试；如仍有问题，请联系系统管理员并提供请求编号。"),
    ),
}


def error_response(request: HttpRequest, status: int, detail: str | Promise | None = None) -> HttpResponse:
    code, title, message = ERRORS[status]
    request_id = getattr(request, "request_id", "")
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": code, "message": str(detail or message), "details": {"request_id": request_id}},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    context = {"status": status, "title": title, "message": detail or message, "request_id": request_id}
    return render(request, "errors/error.html", context, status=status)


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return error_response(request, 403)


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return error_response(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_response(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_response(
        request, 403, _("页面已过期或来源无法验证（CSRF 校验失败）。请刷新页面后重新提交。")
    )


@contextmanager
def refusals_as_http() -> Iterator[None]:
    """For pages: a service's NotFound becomes 404 and its NotAllowed 403 (the scope rule: outside one's
    scope nothing exists). Other DomainErrors reach the view, which shows them next to the form."""
    try:
        yield
    except NotFound as exc:
        raise Http404 from exc
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc


def refusal_on_form(form: Any, exc: DomainError, field: str | None = None) -> None:
    """A service's refusal shown where the person typed: on the field it names (``field`` overrides,
    for a page whose form names it differently), or above the form when the form has no such field."""
    name = field if field is not None else exc.extra.get("field")
    form.add_error(name if name in form.fields else None, exc.message)
