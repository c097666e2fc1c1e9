"""Small template helpers for the Bootstrap-based shell."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms, template

from creditdesk.core.money import D, format_rate, format_yuan

register = template.Library()


@register.filter
def bs(field: Any) -> Any:
    """Render a bound form field's widget with the Bootstrap class its type needs."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()})


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else D(str(value))


@register.filter
def percent(fraction: Any) -> str:
    """A rate fraction as ``core.money.format_rate`` prints it: Decimal("0.0366") → "3.66%"."""
    if fraction in (None, ""):
        return ""
    return format_rate(_decimal(fraction))


@register.filter
def money(value: Any) -> str:
    """An amount as ``core.money.format_yuan`` prints it: Decimal("5307.27") → "5,307.27" (exact)."""
    if value in (None, ""):
        return ""
    return format_yuan(_decimal(value))
