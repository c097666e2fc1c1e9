"""Forms of the solutions pages: they collect values; ``services`` validates (the same rules as the API)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creditdesk.rates.choices import RepaymentMethod
from creditdesk.solutions.models import QuoteKind


def _decimal(
    label: str, *, places: int = 2, required: bool = False, help_text: str = ""
) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, min_value=0, max_digits=15, decimal_places=places, help_text=help_text
    )


class CompetitorOfferForm(forms.Form):
    institution = forms.CharField(label=_("机构"), max_length=100)
    product_name = forms.CharField(label=_("产品名称"), max_length=100)
    kind = forms.ChoiceField(label=_("报价方式"), choices=QuoteKind.choices, initial=QuoteKind.FLAT_MONTHLY)
    amount = _decimal(_("贷款金额（元）"), required=True)
    term_months = forms.IntegerField(label=_("期限（月）"), min_value=1, max_value=360)
    annual_rate = _decimal(_("年利率（%）"), places=4, help_text=_("报价方式为“年利率”时填写，如 3.85"))
    method = forms.ChoiceField(
        label=_("还款方式"),
        choices=[c for c in RepaymentMethod.choices if c[0] != RepaymentMethod.REVOLVING],
        initial=RepaymentMethod.EQUAL_INSTALLMENT,
        help_text=_("报价方式为“年利率”时适用"),
    )
    monthly_flat_rate = _decimal(
        _("月息（%）"), places=4, help_text=_("报价方式为“月息”时填写：每月按原始本金收取的比例，如 0.5")
    )
    monthly_payment = _decimal(_("每期还款额（元）"), help_text=_("报价方式为“每期还款额”时填写"))
    total_repayment = _decimal(_("总还款额（元）"), help_text=_("报价方式为“总还款额”时填写"))
    upfront_fee = _decimal(_("放款时收取的手续费（元）"))
    quoted_on = forms.DateField(
        label=_("报价日期"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("备注"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PrepayForm(forms.Form):
    """提前还款测算: in which month, and how much (blank: everything outstanding)."""

    month = forms.IntegerField(label=_("第几个月提前还款"), min_value=1, max_value=600)
    amount = _decimal(_("提前还款金额（元，不填为全部结清）"))
