"""Serializer fields of the compliance API whose schema says more than the serializer checks: the service
refuses what the schema forbids with its own code (an empty or too long text, an unknown channel), so a
client reads one stable code whatever it sent.

The names of these choices (kind, channel, severity) are shared with other apps' choice sets, and
drf-spectacular names an enum component after its field: a set used in more than one component would
collide. So an enum appears only in the one request body that writes it (a rule's ``kind``, ``severity``,
``channels``); elsewhere the schema says the same with a ``pattern`` of the values (``one_of``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from creditdesk.compliance import guard
from creditdesk.compliance.choices import Channel


def _values(choices: Sequence[tuple[str, Any]]) -> list[str]:
    return [value for value, _label in choices]


@extend_schema_field({"type": "string", "minLength": 1, "maxLength": guard.MAX_TEXT})
class CheckedText(serializers.Field):
    """The text to check, as the sender would send it (never trimmed: the findings point into it); the
    service refuses an empty one (``compliance_text_empty``) or one over ``MAX_TEXT`` characters
    (``compliance_text_too_long``)."""

    default_error_messages = {
        "invalid": _("须为文本。"),
        "null_characters_not_allowed": _("文本不能含空字符（\\x00）。"),
    }

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        if "\x00" in data:
            self.fail("null_characters_not_allowed")
        return data

    def to_representation(self, value: Any) -> str:
        return str(value)


def one_of(choices: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """A string that is one of ``choices``' values, as a pattern (no enum component)."""
    return {"type": "string", "pattern": "^(" + "|".join(re.escape(v) for v in _values(choices)) + ")$"}


@extend_schema_field({**one_of(Channel.choices), "default": str(Channel.MESSAGE)})
class ChannelName(serializers.Field):
    """A channel's value; the service refuses an unknown one (``compliance_channel_unknown``)."""

    default_error_messages = {"invalid": _("须为文本。")}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return data

    def to_representation(self, value: Any) -> str:
        return str(value)


def choice(choices: Sequence[tuple[str, Any]], **kwargs: Any) -> serializers.ChoiceField:
    """A ChoiceField whose schema is ``one_of`` its values (see the module docstring)."""

    @extend_schema_field(one_of(choices))
    class OneOf(serializers.ChoiceField):
        pass

    return OneOf(choices=choices, **kwargs)


def optional_text(max_length: int, **kwargs: Any) -> serializers.CharField:
    """Optional text of at most ``max_length`` characters, blank by default."""
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default="", **kwargs
    )
