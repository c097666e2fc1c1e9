"""Product-library and needs forms: they collect values; ``services`` validates (same rules as the API)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from creditdesk.core.forms import AmountFormField, Form
from creditdesk.customers.choices import RateSensitivity
from creditdesk.products.choices import CollateralType, LoanPurpose
from creditdesk.rates.choices import RepaymentMethod


def parse_json(text: str) -> Any:
    """JSON with exact numbers (a number with a fraction becomes a Decimal, never a float)."""

    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not a number")

    return json.loads(text, parse_float=Decimal, parse_constant=refuse)


def dump_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


class SpecForm(Form):
    """The product definition as JSON (the pure core's ``ProductSpec.to_dict`` form) and why it changed."""

    spec = forms.CharField(
        label=_("产品定义（JSON）"),
        widget=forms.Textarea(attrs={"rows": 28, "class": "font-monospace small", "spellcheck": "false"}),
        help_text=_('金额、比例写成字符串（如 "0.55"），基点和月数写成整数；保存前按产品规则逐项校验。'),
    )
    note = forms.CharField(label=_("变更说明"), max_length=500, required=False)

    def clean_spec(self) -> Any:
        text = self.cleaned_data["spec"]
        try:
            return parse_json(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("JSON 格式错误：第 %(line)s 行第 %(column)s 列（%(reason)s）。"),
                params={"line": exc.lineno, "column": exc.colno, "reason": exc.msg},
            ) from exc
        except ValueError as exc:
            raise forms.ValidationError(_("JSON 中不能使用 NaN 或 Infinity。")) from exc


class ActiveForm(Form):
    active = forms.BooleanField(required=False)


class EvaluateForm(Form):
    customer = forms.TypedChoiceField(label=_("客户"), coerce=int, choices=())

    def __init__(self, *args: Any, customers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].choices = [("", "—"), *customers]  # type: ignore[attr-defined]


def _money(label: Any, *, required: bool = False) -> AmountFormField:
    """An amount as typed ("300,000", "30万"), read by ``core.money.parse_amount``."""
    return AmountFormField(label=label, required=required)


class NeedForm(Form):
    purpose = forms.ChoiceField(label=_("贷款用途"), choices=LoanPurpose.choices)
    amount = _money(_("需求金额（元）"), required=True)
    term_months = forms.IntegerField(label=_("期限（月）"))
    repayment_preference = forms.ChoiceField(
        label=_("还款方式偏好"), choices=[("", _("无偏好")), *RepaymentMethod.choices], required=False
    )
    rate_sensitivity = forms.ChoiceField(
        label=_("利率敏感度"), choices=RateSensitivity.choices, initial=RateSensitivity.MEDIUM
    )
    collateral_type = forms.ChoiceField(
        label=_("可提供的抵质押物"), choices=CollateralType.choices, initial=CollateralType.NONE
    )
    collateral_value = _money(_("抵质押物评估价值（元）"))
    has_guarantor = forms.BooleanField(label=_("可提供保证人"), required=False)
    has_co_borrower = forms.BooleanField(label=_("有共同借款人"), required=False)
    co_borrower_monthly_income = _money(_("共同借款人月收入（元，扣除其自身月供）"))
    monthly_income = _money(_("月收入（元，税后，不含经营）"), required=True)
    monthly_debt_payments = _money(_("现有月还款额（元）"))
    monthly_revenue = _money(_("月经营收入（元，经营者填写）"))
    monthly_costs = _money(_("月经营成本（元，经营者填写）"))
    note = forms.CharField(
        label=_("备注"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def need_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
