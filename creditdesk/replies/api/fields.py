"""Serializer fields of the 话术库 API: a choice documented as an enum component of its own, text with its
length, an optional id.

The field names ``category``, ``status``, ``purpose`` and ``outcome`` already name other apps' choice sets in
the schema, and drf-spectacular names an enum after its field: each choice set here is given its own
component (``ReplyCategoryEnum`` …) by a field extension, so that no name collides and no other app's
naming changes."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

from creditdesk.core.api.ids import IdField


class NamedChoiceField(serializers.ChoiceField):
    """A ChoiceField whose enum is the schema component ``enum_name``."""

    def __init__(self, *, enum_name: str, **kwargs: Any) -> None:
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        field: NamedChoiceField = self.target
        values = list(field.choices)
        description = "\n".join(f"* `{value}` - {label}" for value, label in field.choices.items())
        component = ResolvedComponent(
            name=field.enum_name,
            type=ResolvedComponent.SCHEMA,
            object=field.enum_name,
            schema={"type": "string", "enum": values, "description": description},
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


def choice(choices: Any, *, enum_name: str, **kwargs: Any) -> NamedChoiceField:
    """A choice of ``choices`` (Django ``choices`` pairs), its enum named ``enum_name`` in the schema."""
    return NamedChoiceField(choices=choices, enum_name=enum_name, **kwargs)


def text(max_length: int, **kwargs: Any) -> serializers.CharField:
    """Text of at most ``max_length`` characters, blank allowed (the service says what is required)."""
    kwargs.setdefault("required", False)
    if not kwargs["required"]:
        kwargs.setdefault("default", "")
    return serializers.CharField(max_length=max_length, allow_blank=True, **kwargs)


def optional_id(help_text: Any) -> IdField:
    return IdField(required=False, allow_null=True, default=None, help_text=help_text)
