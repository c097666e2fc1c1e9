"""Form fields shared by every app for what a person types as money: an amount in yuan and a rate.

Both read through ``core.money`` (``parse_amount``, ``parse_rate``), the one reader of the pages, the API
and the import, so that "30万" means the same everywhere. The inputs are text with ``inputmode="decimal"``:
a ``type="number"`` input would refuse "30万" or "300,000" in the browser before the server could read it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.forms.utils import pretty_name
from django.utils.functional import Promise
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


# --- One set of validation messages ------------------------------------------------------------------
# Django's own messages ("这个字段是必填项。", "确保该变量包含不超过 100 字符") name neither the field nor
# what to type. Every form of the apps derives from ``Form`` below, which gives each field the project's
# sentence with the field's label; a message a field sets itself is kept.


def _label_of(name: str, field: forms.Field) -> str:
    return str(field.label or pretty_name(name))


def _defaults(field: forms.Field) -> dict[str, Any]:
    messages: dict[str, Any] = {}
    for cls in reversed(type(field).__mro__):
        messages.update(getattr(cls, "default_error_messages", {}))
    return messages


_WITH_PARAMS = frozenset({"max_length", "min_length", "invalid_choice", "max_value", "min_value"})


def _project_messages(field: forms.Field, label: str) -> dict[str, str]:
    # Django formats a message with its params ("%(limit_value)d") when it raises one of these codes: a
    # "%" of the label (年利率（%）) is doubled in those, and only in those.
    escaped = label.replace("%", "%%")

    def say(text: str | Promise, code: str = "") -> str:
        return str(text).replace("{label}", escaped if code in _WITH_PARAMS else label)

    choice = isinstance(field, forms.ChoiceField | forms.ModelChoiceField)
    messages = {
        "required": say(_("请选择「{label}」。") if choice else _("请填写「{label}」。")),
        "max_length": say(
            _("「{label}」最多 %(limit_value)d 个字，现在是 %(show_value)d 个。"), "max_length"
        ),
        "min_length": say(
            _("「{label}」至少 %(limit_value)d 个字，现在是 %(show_value)d 个。"), "min_length"
        ),
        "invalid_choice": say(_("「{label}」的选项无效，请从列表中选择。"), "invalid_choice"),
        "invalid_list": say(_("「{label}」的选项无效，请从列表中选择。")),
        "max_value": say(_("「{label}」不能大于 %(limit_value)s。"), "max_value"),
        "min_value": say(_("「{label}」不能小于 %(limit_value)s。"), "min_value"),
    }
    if isinstance(field, forms.DateField):
        messages["invalid"] = say(_("「{label}」请按 YYYY-MM-DD 填写日期，如 2025-03-31。"))
    elif isinstance(field, forms.DecimalField | forms.FloatField):  # before IntegerField, their base
        messages["invalid"] = say(_("「{label}」请填写数字，如 12.5。"))
    elif isinstance(field, forms.IntegerField):
        messages["invalid"] = say(_("「{label}」请填写整数，如 12。"))
    if isinstance(field, forms.FileField):
        messages["required"] = say(_("请选择要上传的「{label}」文件。"))
        messages["empty"] = say(_("「{label}」文件是空的，请重新选择。"))
    if isinstance(field, forms.BooleanField):
        messages["required"] = say(_("请勾选「{label}」。"))
    return messages


def apply_project_messages(form: forms.BaseForm) -> None:
    """Give every field of ``form`` the project's messages, naming its label (kept: a field's own)."""
    for name, field in form.fields.items():
        defaults = _defaults(field)
        label = _label_of(name, field)
        for code, message in _project_messages(field, label).items():
            current = field.error_messages.get(code)
            if current is None or current is defaults.get(code):
                field.error_messages[code] = message


class ProjectMessagesMixin:
    """For a form that cannot derive from ``Form`` (Django's own, e.g. the login form)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_project_messages(self)  # type: ignore[arg-type]


class Form(ProjectMessagesMixin, forms.Form):
    """The base of every form of the apps: Django's form with the project's validation messages."""


# --- Dates: typed and shown as YYYY-MM-DD ------------------------------------------------------------
# ``<input type=date>`` shows the browser's locale (mm/dd/yyyy on an English system): a text input with
# the ISO format as placeholder shows the same thing on every machine.
DATE_FORMAT = "%Y-%m-%d"


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={
                "placeholder": "YYYY-MM-DD",
                "pattern": r"\d{4}-\d{2}-\d{2}",
                "inputmode": "numeric",
                "maxlength": "10",
                "autocomplete": "off",
                **(attrs or {}),
            },
            format=DATE_FORMAT,
        )


class DateFormField(forms.DateField):
    """A date typed as YYYY-MM-DD (also read: 2025/3/31, 2025.3.31, 20250331)."""

    widget = DateInput
    input_formats = [DATE_FORMAT, "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"]
