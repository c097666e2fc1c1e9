from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from creditdesk.core.navigation import navigation_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """What every page of the application shell needs: the navigation and the institution's name."""
    user = getattr(request, "user", None)
    return {
        "institution_name": settings.CREDITDESK_INSTITUTION_NAME,
        "navigation": navigation_for(user, request.path) if user is not None else [],
    }
