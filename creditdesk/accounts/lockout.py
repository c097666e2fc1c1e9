"""What a locked-out login sees (django-axes calls this after too many failures)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _("登录失败次数过多，该账号已被暂时锁定。请 %(minutes)s 分钟后再试，或联系系统管理员解锁。") % {
        "minutes": minutes
    }


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "account_locked", "message": lockout_message(), "details": {}},
            status=403,
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "accounts/locked.html", {"message": lockout_message()}, status=403)
