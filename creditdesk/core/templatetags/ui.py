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


@register.filter
def percent(fraction: Any) -> str:
    """A rate fraction as a percent with two places: Decimal("0.0366") → "3.66%"."""
    from decimal import ROUND_HALF_UP, Decimal, localcontext

    if fraction in (None, ""):
        return ""
    with localcontext() as ctx:
        ctx.prec = 80  # an absurd fee can make the rate very large; show it, do not crash
        return f"{(Decimal(fraction) * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}%"


@register.filter
def money(value: Any) -> str:
    """An amount with thousands separators and two places: Decimal("5307.27") → "5,307.27" (exact)."""
    from decimal import ROUND_HALF_UP, Decimal

    if value in (None, ""):
        return ""
    return f"{Decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"
