"""Model fields shared by every app."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.core.money import D, from_fen, to_fen


class AmountField(models.BigIntegerField):
    """An amount of money in yuan, stored as integer fen.

    SQLite keeps ``DecimalField`` as a float, so sums in SQL would not be exact there; integer fen are
    exact on every database, ``Sum()`` included. Python code only ever sees ``Decimal`` with 2 places.
    """

    description = _("金额（元，按分存储）")

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        if value is None:
            return None
        return from_fen(int(value))

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        if isinstance(value, float):
            raise ValidationError(_("金额不能用浮点数表示"), code="invalid")
        try:
            return D(str(value))
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("金额格式不正确"), code="invalid") from exc

    def get_prep_value(self, value: Any) -> int | None:
        value = self.to_python(value)
        if value is None:
            return None
        try:
            return to_fen(value)
        except ValueError as exc:
            raise ValidationError(_("金额最多两位小数"), code="invalid") from exc

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        defaults: dict[str, Any] = {"form_class": forms.DecimalField, "max_digits": 17, "decimal_places": 2}
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)
