"""Forms of the solutions pages: they collect values; ``services`` validates (the same rules as the API)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creditdesk.core.forms import AmountFormField, AmountInput, DateFormField, Form
from creditdesk.rates.choices import RepaymentMethod
from creditdesk.solutions.models import QuoteKind


def _decimal(label: str, *, required: bool = False, help_text: str = "") -> AmountFormField:
    """An amount in yuan as typed ("300,000", "30万"): ``core.money.parse_amount``."""
    return AmountFormField(label=label, required=required, help_text=help_text)


def _rate(label: str, *, help_text: str) -> forms.CharField:
    """A rate as typed: the service reads it with ``core.money.parse_rate`` (one reader for page and API)."""
    return forms.CharField(
        label=label, required=False, max_length=30, help_text=help_text, widget=AmountInput
    )


class CompetitorOfferForm(Form):
    institution = forms.CharField(label=_("机构"), max_length=100)
    product_name = forms.CharField(label=_("产品名称"), max_length=100)
    kind = forms.ChoiceField(label=_("报价方式"), choices=QuoteKind.choices, initial=QuoteKind.FLAT_MONTHLY)
    amount = _decimal(_("贷款金额（元）"), required=True)
    term_months = forms.IntegerField(label=_("期限（月）"), min_value=1, max_value=360)
    annual_rate = _rate(
        _("年利率（%）"),
        help_text=_(
            "报价方式为“年利率”时填写，如 3.85、3.85%、385bp，也可写日息“万3”或“月息5厘”（按单利折成年利率）"
        ),
    )
    method = forms.ChoiceField(
        label=_("还款方式"),
        choices=[c for c in RepaymentMethod.choices if c[0] != RepaymentMethod.REVOLVING],
        initial=RepaymentMethod.EQUAL_INSTALLMENT,
        help_text=_("报价方式为“年利率”时适用"),
    )
    monthly_flat_rate = _rate(
        _("月息（%）"),
        help_text=_("报价方式为“月息”时填写：每月按原始本金收取的比例，如 0.5、0.5%、月息5厘、0.5分"),
    )
    monthly_payment = _decimal(_("每期还款额（元）"), help_text=_("报价方式为“每期还款额”时填写"))
    total_repayment = _decimal(_("总还款额（元）"), help_text=_("报价方式为“总还款额”时填写"))
    upfront_fee = _decimal(_("放款时收取的手续费（元）"))
    quoted_on = DateFormField(label=_("报价日期"), initial=timezone.localdate)
    note = forms.CharField(
        label=_("备注"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PrepayForm(Form):
    """提前还款测算: in which month, and how much (blank: everything outstanding)."""

    month = forms.IntegerField(label=_("第几个月提前还款"), min_value=1, max_value=600)
    amount = _decimal(_("提前还款金额（元，不填为全部结清）"))
