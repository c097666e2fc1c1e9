"""Ids as the database holds them: integers from 1 to 2⁶³−1 (a BIGINT key on PostgreSQL, SQLite's
INTEGER).

An id is refused where it comes in, never at the database — where 1e19 or 2⁶³ overflows (SQLite raises
OverflowError, PostgreSQL "out of range") and "abc" raises ValueError, both answered 500:

- in a path, ``<id:pk>`` (registered here, once): anything else does not match the URL, so 404;
- in a query, ``IdFilter`` (``?customer=``): 400 with the one error shape, the parameter named;
- in a body, ``IdField``: 400 likewise.

The OpenAPI schema says the same (``ID_SCHEMA``): an integer with these bounds.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

ID_MIN = 1
ID_MAX = 2**63 - 1
ID_SCHEMA: dict[str, Any] = {"type": "integer", "minimum": ID_MIN, "maximum": ID_MAX}
INVALID_ID = _("须为有效的编号（1 至 9223372036854775807 之间的整数）。")


def parse_id(value: Any) -> int:
    """The id in ``value`` (an int or its decimal digits), or ValueError."""
    text = str(value)
    if isinstance(value, bool) or not (isinstance(value, int) or (text.isascii() and text.isdigit())):
        raise ValueError(value)
    number = int(text)
    if not ID_MIN <= number <= ID_MAX:
        raise ValueError(value)
    return number


class IdConverter:
    """``<id:name>``: 1 to 19 digits within the range; otherwise the URL does not match (404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        return parse_id(value)

    def to_url(self, value: Any) -> str:
        return str(parse_id(value))


register_converter(IdConverter, "id")


class IdField(serializers.IntegerField):
    """An id in a request body (``"customer": 12``); out of range or not an integer is 400."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", ID_MIN)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)
        for key in ("invalid", "min_value", "max_value", "max_string_length"):
            self.error_messages[key] = INVALID_ID


class IdFormField(forms.IntegerField):
    """An id in a query string or a form; out of range or not an integer is invalid."""

    default_error_messages = {"invalid": INVALID_ID, "min_value": INVALID_ID, "max_value": INVALID_ID}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", ID_MIN)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


@extend_schema_field(ID_SCHEMA)
class IdFilter(django_filters.Filter):
    """``?customer=12``: filters on an id column; an invalid id is a 400 naming the parameter (the API)
    or an ignored field with its error (a page's filter form)."""

    field_class = IdFormField
