"""Serializer fields every marketing endpoint shares: text with its length (the schema says it, so a
schema-valid body is refused only by a business rule), an optional id, an amount typed as text, and a
choice stored blank but answered ``null``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from creditdesk.core.api.ids import IdField


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice stored blank when unknown, answered ``null`` (a blank string is not one of the enum)."""

    def to_representation(self, value: Any) -> Any:
        return super().to_representation(value) or None


@extend_schema_field(
    {"oneOf": [{"type": "string", "maxLength": 20}, {"type": "integer", "minimum": 0, "maximum": 10**20 - 1}]}
)
class AmountText(serializers.CharField):
    """An amount in yuan as text (``"300000"``, ``"30万"``) or a whole JSON number; the service checks it
    (``lead_amount_invalid``, ``campaign_cost_invalid``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(max_length=20, allow_blank=True, **kwargs)


def text(max_length: int, **kwargs: Any) -> serializers.CharField:
    """Optional text of at most ``max_length`` characters, blank by default."""
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default="", **kwargs
    )


def optional_id(help_text: Any) -> IdField:
    """An optional id in a body (``null`` or left out: none)."""
    return IdField(required=False, allow_null=True, default=None, help_text=help_text)


def money(**kwargs: Any) -> serializers.DecimalField:
    """An amount in yuan as the API answers it: a string with two decimals (``"9000.00"``)."""
    return serializers.DecimalField(max_digits=20, decimal_places=2, read_only=True, **kwargs)
