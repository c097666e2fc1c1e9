"""Forms of the solutions pages: they collect values; ``services`` validates (the same rules as the API)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creditdesk.core.forms import AmountFormField, AmountInput, DateFormField, Form
from creditdesk.rates.choices import RepaymentMethod
from creditdesk.solutions.models import Answer, ChargeKind, CollateralNeed, QuoteKind


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
    daily_rate = _rate(
        _("日息（%/日，按剩余本金）"),
        help_text=_(
            "报价方式为“日息”时填写：每天按剩余本金计息，如 万3、日息万分之3、0.03（即每日 0.03%）；"
            "按一年 360 天折成年利率"
        ),
    )
    monthly_rate = _rate(
        _("月息（%/月，按剩余本金）"),
        help_text=_(
            "报价方式为“月息（按剩余本金）”时填写：每月按剩余本金计息，"
            "如 月息5厘（0.5%）、月息1分（1%）、0.5；单写“5厘”分不清日息、月息、年息，会被拒绝"
        ),
    )
    monthly_flat_rate = _rate(
        _("分期手续费（%/月，按原始本金）"),
        help_text=_(
            "报价方式为“分期手续费”时填写：每月按原始（借款时）本金收取的比例，如 0.5、0.5%；"
            "与按剩余本金计息的月息不同，实际年化高得多"
        ),
    )
    monthly_payment = _decimal(_("每期还款额（元）"), help_text=_("报价方式为“每期还款额”时填写"))
    total_repayment = _decimal(_("总还款额（元）"), help_text=_("报价方式为“总还款额”时填写"))
    upfront_fee = _decimal(
        _("放款时收取的手续费（元）"), help_text=_("其他费用、砍头息、保证金请在下方逐项填写")
    )
    approval_days = forms.IntegerField(
        label=_("审批时间（天）"),
        min_value=0,
        max_value=365,
        required=False,
        help_text=_("从申请到放款约几天"),
    )
    documents = forms.CharField(label=_("所需材料"), max_length=500, required=False)
    prepayment_terms = forms.CharField(
        label=_("提前还款条件"), max_length=300, required=False, help_text=_("如：满 6 个月后可提前还款")
    )
    prepayment_penalty = forms.CharField(
        label=_("提前还款违约金（%，按提前归还本金）"),
        max_length=20,
        required=False,
        widget=AmountInput,
        help_text=_("如 1 或 1%；不收填 0，不清楚留空"),
    )
    collateral = forms.ChoiceField(
        label=_("抵押担保要求"),
        choices=CollateralNeed.choices,
        initial=CollateralNeed.UNKNOWN,
        required=False,
    )
    entrusted_payment = forms.ChoiceField(
        label=_("受托支付"),
        choices=Answer.choices,
        initial=Answer.UNKNOWN,
        required=False,
        help_text=_("放款是否须由银行直接付给交易对手"),
    )
    quoted_on = DateFormField(label=_("报价日期"), initial=timezone.localdate)
    note = forms.CharField(
        label=_("备注"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CompetitorChargeForm(Form):
    """One fee or deduction at drawdown (名称, 金额或本金的百分比, 收取方式); a blank row is skipped."""

    name = forms.CharField(label=_("费用名称"), max_length=50, required=False)
    kind = forms.ChoiceField(label=_("收取方式"), choices=ChargeKind.choices, initial=ChargeKind.DEDUCTED)
    amount = _decimal(_("金额（元）"))
    percent = forms.CharField(
        label=_("或本金的百分比（%）"), max_length=20, required=False, widget=AmountInput
    )


CompetitorChargeFormSet = forms.formset_factory(CompetitorChargeForm, extra=3, max_num=10, validate_max=True)


class PrepayForm(Form):
    """提前还款测算: in which month, and how much (blank: everything outstanding)."""

    month = forms.IntegerField(label=_("第几个月提前还款"), min_value=1, max_value=600)
    amount = _decimal(_("提前还款金额（元，不填为全部结清）"))
