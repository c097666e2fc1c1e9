"""Model fields of the product library: an amount of money encrypted at rest.

RULES.md, "Personal information" (PIPL art. 28; JR/T 0171-2020 class C3): income and debts never sit in
the database in clear. ``EncryptedAmountField`` is ``core.crypto.EncryptedTextField`` (AES-256-GCM, the
column bound as associated data: ``<app_label>.<model_name>.<field name>``) whose Python value is a
``Decimal`` in yuan with two places, like ``core.fields.AmountField`` — so code that read the clear
column reads this one unchanged. The sealed text is the plain decimal ("8000.00", never an exponent).
Only ``__isnull`` can be queried: the ciphertext is random per row (no sums or ordering in SQL).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from creditdesk.core.crypto import EncryptedTextField

FEN = Decimal("0.01")


def amount_text(value: Decimal) -> str:
    """The text sealed for an amount: fixed-point with two places ("1000000.00")."""
    return format(value.quantize(FEN), "f")


class EncryptedAmountField(EncryptedTextField):
    """An amount in yuan (``Decimal``, two places) encrypted at rest; ``None`` stays ``NULL``."""

    description = _("加密金额（元）")

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:  # type: ignore[override]
        text = super().from_db_value(value, expression, connection)
        if text is None or text == "":
            return None
        return Decimal(text).quantize(FEN)

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or value == "":
            return None
        if isinstance(value, float):
            raise ValidationError(_("金额不能用浮点数表示"), code="invalid")
        try:
            number = value if isinstance(value, Decimal) else Decimal(str(value))
        except (InvalidOperation, ValueError) as exc:
            raise ValidationError(_("金额格式不正确"), code="invalid") from exc
        if not number.is_finite() or number != number.quantize(FEN):
            raise ValidationError(_("金额最多两位小数"), code="invalid")
        return number

    def get_prep_value(self, value: Any) -> Any:
        number = self.to_python(value)
        return None if number is None else amount_text(number)

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms
        from django.db import models

        defaults: dict[str, Any] = {"form_class": forms.DecimalField, "max_digits": 17, "decimal_places": 2}
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)
