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
from creditdesk.finance.prepayment import KeepOption
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


# --- prepayment, restructuring, write-off (提前还款、展期、借新还旧、核销) -----------------------------

REASON_MAX = 300  # ``loans.services.restructuring.REASON_MAX``


def _reason_field(label: str | Any, help_text: str | Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
    )


def _new_key(form: forms.Form) -> None:
    """A key drawn when the form is shown: the same page submitted twice posts once."""
    if not form.is_bound:
        form.initial.setdefault("idempotency_key", uuid.uuid4().hex)


class QuoteDateForm(ProjectForm):
    """提前结清试算: the date to quote for (the business date when left blank)."""

    date = DateFormField(label=_("试算日期"), required=False)


class PrepaymentForm(ProjectForm):
    """提前还款: an amount of principal, or 全部结清; the customer keeps the term or the payment."""

    full = forms.BooleanField(label=_("全部结清"), required=False)
    amount = AmountFormField(
        label=_("提前归还本金（元）"),
        required=False,
        help_text=_("部分提前还款时填写；勾选“全部结清”时不填。利息和违约金另计。"),
    )
    keep = forms.ChoiceField(
        label=_("提前还款后"),
        choices=[(value, _(label)) for value, label in KeepOption.pairs()],
        widget=forms.RadioSelect,
        initial=KeepOption.TERM.value,
    )
    idempotency_key = forms.CharField(max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _new_key(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("full"):
            data["amount"] = None
        elif data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("请输入提前归还的本金，或勾选“全部结清”。"))
        return data


class ExtensionMonthsForm(ProjectForm):
    """展期试算: the months to add (a read, by GET)."""

    months = forms.IntegerField(label=_("展期月数"), min_value=1, max_value=600)


class ExtensionForm(ProjectForm):
    """展期: the months added, why, and whether the borrower is in financial difficulty (then a
    restructuring under observation)."""

    months = forms.IntegerField(label=_("展期月数"), min_value=1, max_value=600)
    reason = _reason_field(_("展期原因"))
    financial_difficulty = forms.BooleanField(
        label=_("借款人财务困难"),
        required=False,
        help_text=_("因借款人财务困难展期属于重组：进入观察期，观察期内分类最高为“关注”。"),
    )


class WriteOffForm(ProjectForm):
    """核销申请: why the loan cannot be recovered."""

    reason = _reason_field(_("核销理由"), _("如：借款人失联，诉讼终结无可执行财产。"))


APPROVE, REJECT = "approve", "reject"


class WriteOffDecisionForm(ProjectForm):
    """核销审批: approve or reject."""

    decision = forms.ChoiceField(
        label=_("审批意见"),
        choices=[(APPROVE, _("同意核销")), (REJECT, _("否决"))],
        widget=forms.RadioSelect,
    )

    def approved(self) -> bool:
        return self.cleaned_data["decision"] == APPROVE


class RecoveryForm(ProjectForm):
    """核销后收回: money received on a written-off loan."""

    amount = AmountFormField(label=_("收回金额（元）"))
    idempotency_key = forms.CharField(max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _new_key(self)


class RefinanceForm(ProjectForm):
    """借新还旧: the new loan's term and method (``methods``: the product's, as (value, label)), why,
    and whether the borrower is in financial difficulty."""

    term_months = forms.IntegerField(label=_("新贷款期限（月）"), min_value=1, max_value=600)
    method = forms.ChoiceField(label=_("还款方式"))
    reason = _reason_field(_("借新还旧原因"))
    financial_difficulty = forms.BooleanField(
        label=_("借款人财务困难"),
        required=False,
        help_text=_("因借款人财务困难借新还旧属于重组：新贷款进入观察期，观察期内分类最高为“关注”。"),
    )

    def __init__(self, *args: Any, methods: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = methods
