"""The API's router: DRF's, with Django path converters, so that an integer key is ``<id:pk>``
(``core.api.ids``): a path id the database cannot hold does not match and is answered 404."""

from __future__ import annotations

from typing import Any

from rest_framework.routers import DefaultRouter

from creditdesk.core.api import ids  # noqa: F401 — registers the `id` path converter


class ApiRouter(DefaultRouter):
    """A viewset looked up by ``pk``/``id`` gets ``<id:…>``; another lookup (a product code, a date)
    names its converter in ``lookup_value_converter`` (default ``str``)."""

    include_root_view = False
    # No `.json` twins of every route: the API speaks JSON only, and a suffix route passed `format=` to
    # handlers that take no such argument (500).
    include_format_suffixes = False

    def __init__(self) -> None:
        super().__init__(trailing_slash=True, use_regex_path=False)

    def get_lookup_regex(self, viewset: Any, lookup_prefix: str = "") -> str:
        lookup_field = getattr(viewset, "lookup_field", "pk")
        lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
        converter = getattr(viewset, "lookup_value_converter", None) or (
            "id" if lookup_field in ("pk", "id") else "str"
        )
        return f"<{converter}:{lookup_prefix}{lookup_url_kwarg}>"
