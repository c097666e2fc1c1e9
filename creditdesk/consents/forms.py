"""Consent forms: they collect values; ``services`` validates (same rules as the API)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from creditdesk.consents.choices import CONSENT_PURPOSE_CHOICES, ConsentChannel, ConsentKind, Purpose


class DateInput(forms.DateInput):
    input_type = "date"


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(label=_("授权类型"), choices=ConsentKind.choices)
    purpose = forms.ChoiceField(
        label=_("授权用途（征信查询授权必填）"),
        choices=[("", "—"), *CONSENT_PURPOSE_CHOICES],
        required=False,
    )
    signed_on = forms.DateField(label=_("签署日期"), widget=DateInput)
    valid_until = forms.DateField(label=_("有效期至"), widget=DateInput)
    channel = forms.ChoiceField(label=_("签署方式"), choices=ConsentChannel.choices)
    evidence = forms.FileField(
        label=_("授权凭证（PDF / JPG / PNG，不超过 10 MB）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class InquiryForm(forms.Form):
    purpose = forms.ChoiceField(label=_("查询用途"), choices=Purpose.choices)
    exempt_reason = forms.CharField(
        label=_("免授权理由（仅贷后管理）"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    result_reference = forms.CharField(label=_("报告编号（可选）"), required=False, max_length=200)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("撤回说明"), required=False, max_length=200)
