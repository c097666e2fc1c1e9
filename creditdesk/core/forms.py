"""Form fields shared by every app for what a person types as money: an amount in yuan and a rate.

Both read through ``core.money`` (``parse_amount``, ``parse_rate``), the one reader of the pages, the API
and the import, so that "30万" means the same everywhere. The inputs are text with ``inputmode="decimal"``:
a ``type="number"`` input would refuse "30万" or "300,000" in the browser before the server could read it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from creditdesk.core.money import (
    RATE_FORMS,
    AmbiguousRate,
    NegativeAmount,
    NotWholeFen,
    ParsedRate,
    parse_amount,
    parse_rate,
)


class AmountInput(forms.TextInput):
    """A text input for an amount: the phone shows a numeric keypad, and "30万" can still be typed."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class AmountFormField(forms.CharField):
    """An amount in yuan as a customer manager types it ("300,000", "30万", "1.5万元"), cleaned to an exact
    ``Decimal`` by ``core.money.parse_amount``; ``None`` when left blank and not required."""

    widget = AmountInput
    max_text = 30  # checked on the text: CharField's max_length validator would run on the Decimal

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "maxlength": str(self.max_text)}

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        if len(text) > self.max_text:
            raise forms.ValidationError(_("请输入金额，如 300,000 或 30万"), code="amount_invalid")
        try:
            return parse_amount(text)
        except NegativeAmount:
            raise forms.ValidationError(_("金额不能为负数。"), code="amount_negative") from None
        except NotWholeFen:
            raise forms.ValidationError(_("金额最多精确到分（两位小数）。"), code="amount_fen") from None
        except ValueError:
            raise forms.ValidationError(_("请输入金额，如 300,000 或 30万"), code="amount_invalid") from None


class RateFormField(forms.CharField):
    """An interest rate as typed ("3.5%", "350bp", "万3", "月息5厘", "0.5分"), cleaned to a
    ``core.money.ParsedRate`` (``.value`` the annual fraction, ``.description`` what was understood);
    ``bare`` says what a plain number means ("annual" percent, or "monthly" for a monthly field)."""

    widget = AmountInput
    max_text = 30

    def __init__(self, *, bare: str = "annual", **kwargs: Any) -> None:
        self.bare = bare
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "maxlength": str(self.max_text)}

    def to_python(self, value: Any) -> ParsedRate | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        if len(text) > self.max_text:
            raise forms.ValidationError(
                _("请输入利率，如 %(forms)s"), code="rate_invalid", params={"forms": RATE_FORMS}
            )
        try:
            return parse_rate(text, bare=self.bare)
        except AmbiguousRate:
            raise forms.ValidationError(
                _("“%(text)s”没有说明是月息还是年息，请写成“月息%(text)s”或“年息%(text)s”。"),
                code="rate_ambiguous",
                params={"text": text},
            ) from None
        except ValueError:
            raise forms.ValidationError(
                _("请输入利率，如 %(forms)s"), code="rate_invalid", params={"forms": RATE_FORMS}
            ) from None
