"""Consent forms: they collect values; ``services`` validates (same rules as the API)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from creditdesk.consents.choices import CONSENT_PURPOSE_CHOICES, ConsentChannel, ConsentKind
from creditdesk.core.forms import DateFormField, Form


class ConsentForm(Form):
    kind = forms.ChoiceField(label=_("授权类型"), choices=ConsentKind.choices)
    purpose = forms.ChoiceField(
        label=_("授权用途（征信查询授权必填）"),
        choices=[("", "—"), *CONSENT_PURPOSE_CHOICES],
        required=False,
    )
    signed_on = DateFormField(label=_("签署日期"))
    valid_until = DateFormField(label=_("有效期至"))
    channel = forms.ChoiceField(
        label=_("签署方式"),
        choices=ConsentChannel.choices,
        help_text=_("征信查询授权须为书面授权（纸质或电子签）；录音仅可用于营销授权。"),
    )
    evidence = forms.FileField(
        label=_("授权凭证（PDF / JPG / PNG，不超过 10 MB）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class InquiryForm(Form):
    # 贷后管理 (the exemption) is not offered: it applies only to an existing loan of the customer, and
    # there is no loan book yet (issue 15); the page says so next to the form.
    purpose = forms.ChoiceField(label=_("查询用途"), choices=CONSENT_PURPOSE_CHOICES)
    result_reference = forms.CharField(label=_("报告编号（可选）"), required=False, max_length=200)


class RevokeForm(Form):
    reason = forms.CharField(label=_("撤回说明"), required=False, max_length=200)


YES_NO = [("no", _("否")), ("yes", _("是"))]


class ReportSummaryForm(Form):
    """征信报告摘要 of one inquiry: values only; ``report.parse_summary`` (through the service) checks
    them."""

    report_date = DateFormField(label=_("报告日期"))
    current_overdue = forms.TypedChoiceField(
        label=_("当前是否逾期"), choices=YES_NO, coerce=lambda value: value == "yes", empty_value=None
    )
    current_overdue_amount = forms.CharField(label=_("当前逾期金额（元）"), required=False, max_length=30)
    status_24m = forms.CharField(
        label=_("近 24 个月还款状态"),
        max_length=60,
        help_text=_(
            "24 个字符，由早到晚、最后一个为报告当月：N 正常、* 无还款义务、/ 无记录、C 结清、1–7 逾期期数。"
        ),
    )
    inquiries_6m = forms.IntegerField(label=_("近 6 个月查询次数（硬查询）"), min_value=0, max_value=999)
    debt_count = forms.IntegerField(label=_("未结清负债笔数"), min_value=0, max_value=999)
    debt_balance = forms.CharField(label=_("负债余额合计（元）"), max_length=30)
    monthly_obligation = forms.CharField(
        label=_("月还款额合计（元，报告有则填）"), required=False, max_length=30
    )
    revolving_limit = forms.CharField(
        label=_("信用卡及循环额度授信总额（元，报告有则填）"), required=False, max_length=30
    )
    revolving_used = forms.CharField(label=_("信用卡及循环额度已用额度（元）"), required=False, max_length=30)
