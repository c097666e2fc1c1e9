"""Django choices derived from the pure cores' enumerations (``core.enums.LabelledEnum``).

An enumeration is written once, in the pure core that owns it, with its Chinese labels; this module
turns it into what Django wants, each label wrapped in ``gettext_lazy`` so pages show it translated.

``text_choices`` builds a real ``models.TextChoices`` from it (Django's functional enum API) rather than
a plain list of pairs: everything that used a hand-written ``TextChoices`` keeps working unchanged —
members (``RepaymentMethod.EQUAL_INSTALLMENT`` as a model default), ``.choices`` / ``.values``, a
member's translated ``.label``, ``get_FOO_display()``, and drf-spectacular's ``ENUM_NAME_OVERRIDES``,
which name the class by its import path. The members equal the pure core's (both are the value
string), so services may compare either. ``django_choices`` is the plain list, for a form field whose
choices are a subset or have an extra entry.
"""

from __future__ import annotations

import sys
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from creditdesk.core.enums import LabelledEnum


def django_choices(enum: type[LabelledEnum]) -> list[tuple[str, Promise]]:
    """``[(value, lazily translated label), …]`` in declaration order."""
    return [(member.value, gettext_lazy(member.label)) for member in enum]


def text_choices(enum: type[LabelledEnum], name: str | None = None) -> Any:
    """A ``TextChoices`` with ``enum``'s members, values and (translatable) labels.

    ``name`` is the class name (``enum``'s by default); the class belongs to the calling module, so
    assign it to a variable of that name there: ``RepaymentMethod = text_choices(Method,
    "RepaymentMethod")``. Typed ``Any``: its members exist only at run time, so a type checker cannot
    see them.
    """
    name = name or enum.__name__
    module = sys._getframe(1).f_globals["__name__"]
    members = [(member.name, (member.value, gettext_lazy(member.label))) for member in enum]
    # Django's functional enum API (``TextChoices(name, members)``), which django-stubs does not describe
    choices: type[models.TextChoices] = models.TextChoices(  # type: ignore[call-overload]
        name, members, module=module, qualname=name
    )
    choices.__doc__ = enum.__doc__
    return choices
