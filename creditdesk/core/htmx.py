"""HTMX helpers."""

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """True for a request sent by htmx (it sets ``HX-Request: true``)."""
    return request.headers.get("HX-Request") == "true"
