"""Model fields shared by every app: exact money and exact rates on every database.

SQLite keeps a ``DecimalField`` as a float, so values and sums in SQL would not be exact there. These
fields store a Decimal as a scaled integer instead (fen for money, 1/10,000 percent for rates): exact
on SQLite and PostgreSQL alike, ``Sum()`` included. Python code only ever sees ``Decimal``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.expressions import Combinable
from django.utils.translation import gettext_lazy as _

from creditdesk.core.money import D


class ScaledDecimalField(models.BigIntegerField):
    """A Decimal with ``places`` decimal places stored as an integer; more places are refused."""

    # what the type checker's Django plugin reads as the attribute's types: a Decimal in Python, whatever
    # the column holds (without these it takes the integer column's)
    _pyi_private_set_type: Decimal | int | str | Combinable  # type: ignore[assignment]
    _pyi_private_get_type: Decimal  # type: ignore[assignment]

    places = 2
    invalid_message: Any = _("数值格式不正确")  # str or lazy translation
    too_precise_message: Any = _("小数位数过多")
    float_message: Any = _("不能用浮点数表示")

    @property
    def _scale(self) -> Decimal:
        return Decimal(10) ** self.places

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / self._scale).quantize(Decimal(1) / self._scale)

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        if isinstance(value, float):
            raise ValidationError(self.float_message, code="invalid")
        try:
            return D(str(value))
        except (TypeError, ValueError) as exc:
            raise ValidationError(self.invalid_message, code="invalid") from exc

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        self.get_prep_value(value)  # refuses more decimal places than the field keeps

    def get_prep_value(self, value: Any) -> int | None:
        value = self.to_python(value)
        if value is None:
            return None
        scaled = value * self._scale
        if scaled != scaled.to_integral_value():
            raise ValidationError(self.too_precise_message, code="invalid")
        return int(scaled)

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        defaults: dict[str, Any] = {
            "form_class": forms.DecimalField,
            "max_digits": 17,
            "decimal_places": self.places,
        }
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)


class AmountField(ScaledDecimalField):
    """An amount of money in yuan with two places, stored as integer fen."""

    description = _("金额（元，按分存储）")
    places = 2
    invalid_message = _("金额格式不正确")
    too_precise_message = _("金额最多两位小数")
    float_message = _("金额不能用浮点数表示")


class PercentRateField(ScaledDecimalField):
    """A rate in percent with up to four places (``Decimal("3.4500")`` is 3.45%)."""

    description = _("利率（%，四位小数）")
    places = 4
    invalid_message = _("利率格式不正确")
    too_precise_message = _("利率最多四位小数")
    float_message = _("利率不能用浮点数表示")
