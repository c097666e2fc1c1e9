"""The disbursement form (放款): which part, the value date, the payment mode and the payee."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from creditdesk.core.forms import DateFormField
from creditdesk.core.forms import Form as ProjectForm
from creditdesk.loans.models import PaymentMode


class DisburseForm(ProjectForm):
    """放款. ``parts``: the application's parts not yet disbursed, as (id, label). The idempotency key is
    drawn when the form is shown: submitting the same page twice books one loan (the second submission
    finds the first and shows it)."""

    part = forms.TypedChoiceField(label=_("贷款品种"), coerce=int)
    value_date = DateFormField(label=_("放款日（起息日）"))
    mode = forms.ChoiceField(label=_("支付方式"), choices=PaymentMode.choices, widget=forms.RadioSelect)
    payee_name = forms.CharField(
        label=_("收款人（交易对手）"),
        max_length=100,
        required=False,
        help_text=_("受托支付时必填；自主支付时付至借款人本人账户。"),
    )
    payee_account = forms.CharField(
        label=_("收款账号"), max_length=64, help_text=_("8–32 位数字，可含空格。")
    )
    payee_bank = forms.CharField(label=_("收款行"), max_length=100, required=False)
    payment_reference = forms.CharField(
        label=_("交易合同 / 发票号"),
        max_length=200,
        required=False,
        help_text=_("受托支付时必填：本次支付所对应的交易合同或发票。"),
    )
    idempotency_key = forms.CharField(max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args: Any, parts: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["part"].choices = parts
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
