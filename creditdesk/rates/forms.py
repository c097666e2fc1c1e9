"""The calculator form. It only collects strings; ``rates.calculator`` parses and validates them, so
the page refuses exactly what the API and the command line refuse, with the same messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from creditdesk.core.choices import django_choices
from creditdesk.core.forms import DateFormField, Form
from creditdesk.finance.prepayment import KeepOption
from creditdesk.finance.pricing import LprTenor
from creditdesk.finance.terms import FeeTiming, Frequency
from creditdesk.rates.calculator import PricingMode
from creditdesk.rates.choices import SCHEDULED_METHOD_CHOICES
from creditdesk.rates.provident import HomeOrder

METHOD_CHOICES = SCHEDULED_METHOD_CHOICES
FEE_WHEN_CHOICES = django_choices(FeeTiming)


class CalculatorForm(Form):
    principal = forms.CharField(label=_("贷款金额（元）"), initial="1000000")
    months = forms.CharField(label=_("期限（月）"), initial="360")
    pricing_mode = forms.ChoiceField(
        label=_("定价方式"), choices=django_choices(PricingMode), initial=PricingMode.FIXED
    )
    annual_rate = forms.CharField(label=_("年利率（%）"), required=False, initial="4.90")
    spread_bp = forms.CharField(label=_("加点（基点）"), required=False)
    lpr_tenor = forms.ChoiceField(
        label=_("LPR 期限"),
        choices=[("auto", _("按期限自动")), *django_choices(LprTenor)],
        required=False,
    )
    home_order = forms.ChoiceField(
        label=_("首套/二套"), choices=django_choices(HomeOrder), initial=HomeOrder.FIRST, required=False
    )
    pricing_date = DateFormField(label=_("定价日"), required=False)
    frequency = forms.ChoiceField(
        label=_("还款周期"), choices=django_choices(Frequency), initial=Frequency.MONTHLY
    )
    start_date = DateFormField(label=_("放款日"), required=False)
    fee_amount = forms.CharField(label=_("费用（元）"), required=False)
    fee_when = forms.ChoiceField(label=_("收费时点"), choices=FEE_WHEN_CHOICES, required=False)
    method = forms.ChoiceField(
        label=_("查看明细的还款方式"), choices=METHOD_CHOICES, initial="equal_installment"
    )

    def calculator_data(self) -> dict[str, Any]:
        """The cleaned strings in the shape ``calculator.parse_terms`` takes (the API's shape): the
        pricing fields of the chosen mode only (``calculator.MODE_FIELDS``), the others are not read."""
        data = self.cleaned_data
        mode = PricingMode(data.get("pricing_mode") or PricingMode.FIXED)
        pricing: dict[str, Any] = {"pricing_mode": mode}
        if mode == PricingMode.FIXED:
            pricing["annual_rate"] = data.get("annual_rate")
        elif mode == PricingMode.LPR:
            pricing |= {"spread_bp": data.get("spread_bp"), "lpr_tenor": data.get("lpr_tenor") or "auto"}
        else:
            pricing["home_order"] = data.get("home_order") or HomeOrder.FIRST
        if mode != PricingMode.FIXED:
            pricing["pricing_date"] = data.get("pricing_date")
        return {
            "method": data.get("method"),
            "principal": data.get("principal"),
            "months": data.get("months"),
            **pricing,
            "frequency": data.get("frequency"),
            "start_date": data.get("start_date"),
            "fees": [{"amount": data["fee_amount"], "when": data.get("fee_when") or "upfront"}]
            if data.get("fee_amount")
            else [],
        }


class CombinationForm(Form):
    """组合贷: one purchase, a 公积金 part and a commercial part (``rates.combination`` parses them)."""

    mode = forms.CharField(widget=forms.HiddenInput, initial="combo")
    home_order = forms.ChoiceField(label=_("首套/二套"), choices=django_choices(HomeOrder), initial="first")
    provident_amount = forms.CharField(label=_("公积金贷款金额（元）"), initial="600000")
    provident_months = forms.CharField(label=_("公积金贷款期限（月）"), initial="300")
    commercial_amount = forms.CharField(label=_("商业贷款金额（元）"), initial="400000")
    commercial_months = forms.CharField(label=_("商业贷款期限（月）"), initial="360")
    spread_bp = forms.CharField(label=_("商业贷款 LPR 加点（基点）"), initial="-45")
    method = forms.ChoiceField(label=_("还款方式"), choices=METHOD_CHOICES, initial="equal_installment")
    start_date = DateFormField(label=_("放款日"), required=False)
    pricing_date = DateFormField(label=_("定价日"), required=False)

    def combination_data(self) -> dict[str, Any]:
        """The cleaned strings in the API's shape (``combination.parse_combination``)."""
        data = self.cleaned_data
        keys = (
            "home_order",
            "provident_amount",
            "provident_months",
            "commercial_amount",
            "commercial_months",
            "spread_bp",
            "method",
            "start_date",
            "pricing_date",
        )
        return {key: data.get(key) for key in keys}


class PrepaymentForm(Form):
    prepayment_amount = forms.CharField(label=_("提前还款金额（元）"))
    prepayment_date = DateFormField(label=_("提前还款日"))
    keep = forms.ChoiceField(label=_("还款后"), choices=django_choices(KeepOption))
    penalty_percent = forms.CharField(label=_("违约金（提前还款本金的 %）"), required=False)

    def prepayment_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "prepayment_amount": data["prepayment_amount"],
            "prepayment_date": data["prepayment_date"],
            "keep": data["keep"],
            "penalty": {"percent_of_prepaid": data.get("penalty_percent") or None},
        }
