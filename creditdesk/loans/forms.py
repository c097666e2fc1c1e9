"""Forms of the loans app: the disbursement (放款), a repayment (还款登记), its reversal (冲正), a manual
classification (人工认定五级分类) and a by-hand end-of-day run (日终). The services check the rules: a form
only reads what was typed."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from creditdesk.core.forms import AmountFormField, DateFormField
from creditdesk.core.forms import Form as ProjectForm
from creditdesk.loans.choices import RepaymentChannel, RiskClassChoice
from creditdesk.loans.models import PaymentMode

# the classification form's choice that withdraws a risk manager's judgement (``risk_class=None``)
WITHDRAW = "withdraw"


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


class RepaymentForm(ProjectForm):
    """还款登记. The idempotency key is drawn when the form is shown: the same page submitted twice
    posts one repayment (the second submission finds the first)."""

    amount = AmountFormField(label=_("还款金额（元）"))
    value_date = DateFormField(label=_("起息日"), help_text=_("资金实际到账日，不能晚于当前营业日。"))
    channel = forms.ChoiceField(label=_("还款渠道"), choices=RepaymentChannel.choices)
    reference = forms.CharField(label=_("交易流水号"), max_length=64, required=False)
    idempotency_key = forms.CharField(max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
            self.initial.setdefault("channel", RepaymentChannel.COUNTER)


class ReversalForm(ProjectForm):
    """冲正 a repayment: why (kept on the repayment and in the audit trail)."""

    reason = forms.CharField(
        label=_("冲正原因"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如：款项误入本笔贷款，应退回或转入其他贷款。"),
    )


class ClassifyForm(ProjectForm):
    """人工认定五级分类: a class at or below the rules' floor, or the judgement withdrawn."""

    risk_class = forms.ChoiceField(label=_("认定分类"))
    reason = forms.CharField(label=_("认定理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["risk_class"].choices = [
            *RiskClassChoice.choices,
            (WITHDRAW, _("撤销人工认定（恢复为规则下限）")),
        ]

    def chosen_class(self) -> str | None:
        value = self.cleaned_data["risk_class"]
        return None if value == WITHDRAW else value


class EodRunForm(ProjectForm):
    """Run the end of day for one business date (by hand: the scheduler normally does it)."""

    business_date = DateFormField(label=_("营业日"))
