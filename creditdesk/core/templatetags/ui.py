"""Small template helpers for the Bootstrap-based shell."""

from __future__ import annotations

from typing import Any

from django import forms, template

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
