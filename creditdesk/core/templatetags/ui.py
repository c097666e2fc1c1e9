"""Small template helpers for the Bootstrap-based shell."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms, template
from django.utils.html import format_html, format_html_join

from creditdesk.core.money import D, format_rate, format_yuan

register = template.Library()


@register.filter
def bs(field: Any) -> Any:
    """Render a bound form field's widget with the Bootstrap class its type needs."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return _choice_boxes(field)
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


def _choice_boxes(field: Any) -> str:
    """One Bootstrap ``form-check`` per choice: a "form-control" class on a checkbox hides its tick
    (Bootstrap sets ``appearance: none`` on it), so a ticked box looked unticked."""
    css = "form-check-input is-invalid" if field.errors else "form-check-input"
    boxes = []
    for box in field.subwidgets:
        box.data["attrs"] = {**box.data["attrs"], "class": css}
        boxes.append((box.tag(), box.id_for_label, box.choice_label))
    return format_html(
        '<div id="{}">{}</div>',
        field.auto_id,
        format_html_join(
            "",
            '<div class="form-check">{}<label class="form-check-label" for="{}">{}</label></div>',
            boxes,
        ),
    )


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
