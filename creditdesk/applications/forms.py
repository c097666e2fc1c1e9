"""Forms of the application pages: a new application, the investigation, identity checks, interviews,
submission, a decision, a committee vote, the 放款审核 and the signing. The forms read what was typed;
the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from creditdesk.applications.choices import (
    ApplicationKind,
    DecisionOutcome,
    Recommendation,
    RejectReason,
)
from creditdesk.applications.models import Application, CommitteeVote
from creditdesk.applications.models.identity import IdentityResult, InterviewKind
from creditdesk.core.api.ids import IdFormField
from creditdesk.core.forms import AmountFormField, DateFormField, RateFormField
from creditdesk.core.forms import Form as ProjectForm
from creditdesk.products.choices import LoanPurpose
from creditdesk.rates.choices import RepaymentMethod

HUNDRED = Decimal(100)
LINES_HELP = _("每行一项。")


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class PartFields(ProjectForm):
    """One loan asked for: product code, amount, term, method, and the rate offered (blank: the
    product's price for the grade on the day)."""

    product = forms.CharField(label=_("产品代码"), max_length=20)
    amount = AmountFormField(label=_("金额（元）"))
    term_months = forms.IntegerField(label=_("期限（月）"), min_value=1, max_value=360)
    method = forms.ChoiceField(label=_("还款方式"), choices=RepaymentMethod.choices)
    annual_rate = RateFormField(
        label=_("执行年利率"),
        required=False,
        help_text=_("不填则按产品当日定价；低于定价即为利率优惠，须审批。"),
    )

    def rate_percent(self) -> Decimal | None:
        rate = self.cleaned_data.get("annual_rate")
        return None if rate is None else (rate.value * HUNDRED).quantize(Decimal("0.0001"))


class ApplicationForm(PartFields):
    """发起贷款申请 for one customer: kind, purpose, one loan (a 组合贷's second part below)."""

    customer = IdFormField(label=_("客户编号"), widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("申请类型"),
        choices=[choice for choice in ApplicationKind.choices if choice[0] != ApplicationKind.REFINANCE],
        initial="new",
    )
    purpose = forms.ChoiceField(label=_("贷款用途"), choices=LoanPurpose.choices)
    purpose_detail = forms.CharField(label=_("用途说明"), max_length=300, required=False)
    second_product = forms.CharField(label=_("组合贷第二笔：产品代码"), max_length=20, required=False)
    second_amount = AmountFormField(label=_("第二笔金额（元）"), required=False)
    second_term_months = forms.IntegerField(
        label=_("第二笔期限（月）"), min_value=1, max_value=360, required=False
    )
    second_method = forms.ChoiceField(
        label=_("第二笔还款方式"), choices=[("", "—"), *RepaymentMethod.choices], required=False
    )
    co_borrower = IdFormField(label=_("共同借款人（客户编号）"), required=False)
    guarantor = IdFormField(label=_("保证人（客户编号）"), required=False)
    renews = IdFormField(label=_("续贷的原申请编号（内部 ID）"), required=False)
    credit_inquiry = IdFormField(label=_("征信查询记录（内部 ID）"), required=False)
    proposal = IdFormField(label=_("方案书（内部 ID）"), required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == "combination" and not data.get("second_product"):
            self.add_error("second_product", _("组合贷须填写第二笔贷款。"))
        return data


class InvestigationForm(ProjectForm):
    """贷前调查报告."""

    purpose_detail = forms.CharField(label=_("用途说明"), max_length=300, required=False)
    site_visit_notes = forms.CharField(
        label=_("实地调查情况"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    business_observations = forms.CharField(
        label=_("经营情况"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    cash_flow_analysis = forms.CharField(
        label=_("现金流分析"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    risk_points = forms.CharField(
        label=_("风险点"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    recommendation = forms.ChoiceField(
        label=_("调查结论"), choices=[("", "—"), *Recommendation.choices], required=False
    )
    investigation_text = forms.CharField(
        label=_("调查报告正文"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )

    @classmethod
    def for_application(cls, application: Application, data: Any = None) -> InvestigationForm:
        initial = {name: getattr(application, name) for name in cls.base_fields}
        return cls(data, initial=initial)


class IdentityCheckForm(ProjectForm):
    """联网核查结果."""

    customer = IdFormField(label=_("核查对象"), widget=forms.Select)
    result = forms.ChoiceField(label=_("核查结果"), choices=IdentityResult.choices)
    reference = forms.CharField(label=_("联网核查流水号"), max_length=100)
    id_expires_on = DateFormField(label=_("证件有效期至"), required=False)
    id_long_term = forms.BooleanField(label=_("长期有效"), required=False)

    def __init__(self, *args: Any, parties: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].widget.choices = parties or []


class InterviewForm(ProjectForm):
    """面签 / 双录."""

    customer = IdFormField(label=_("面签对象"), widget=forms.Select)
    kind = forms.ChoiceField(label=_("方式"), choices=InterviewKind.choices)
    held_at = forms.DateTimeField(
        label=_("面签时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("面签地点"), max_length=200)
    second_witness = forms.CharField(label=_("双人见证（另一位见证人）"), max_length=50, required=False)
    recording_reference = forms.CharField(label=_("录音录像编号"), max_length=100, required=False)

    def __init__(self, *args: Any, parties: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].widget.choices = parties or []


class SubmitForm(ProjectForm):
    concession_reason = forms.CharField(
        label=_("利率优惠理由"), max_length=500, required=False, help_text=_("执行利率低于产品定价时必填。")
    )


class DecisionForm(ProjectForm):
    """审批意见. Changes are given per part as "amount / rate / term" (blank: unchanged). ``outcomes``:
    the decisions the level offers (a recommendation before the last level, a decision at it)."""

    outcome = forms.ChoiceField(label=_("意见"), choices=DecisionOutcome.choices)

    def __init__(self, *args: Any, outcomes: tuple[str, ...] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if outcomes is not None:
            labels = dict(DecisionOutcome.choices)
            self.fields["outcome"].choices = [("", "—"), *((o, labels[o]) for o in outcomes)]

    comment = forms.CharField(
        label=_("审批意见说明"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    conditions = forms.CharField(
        label=_("放款条件"), required=False, help_text=LINES_HELP, widget=forms.Textarea(attrs={"rows": 2})
    )
    missing = forms.CharField(
        label=_("需补充的内容（退回时）"),
        required=False,
        help_text=LINES_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason_codes = forms.MultipleChoiceField(
        label=_("拒绝原因"), choices=RejectReason.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    part = IdFormField(label=_("调整的贷款品种"), required=False, widget=forms.HiddenInput)
    amount = AmountFormField(label=_("调整后金额（元）"), required=False)
    annual_rate = RateFormField(label=_("调整后年利率"), required=False)
    term_months = forms.IntegerField(label=_("调整后期限（月）"), min_value=1, max_value=360, required=False)
    concession_reason = forms.CharField(label=_("利率优惠理由"), max_length=500, required=False)

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        change: dict[str, Any] = {"part": data.get("part")}
        if data.get("amount") is not None:
            change["amount"] = str(data["amount"])
        if data.get("annual_rate") is not None:
            change["annual_rate"] = str((data["annual_rate"].value * HUNDRED).quantize(Decimal("0.0001")))
        if data.get("term_months"):
            change["term_months"] = data["term_months"]
        return {
            "outcome": data["outcome"],
            "comment": data.get("comment", ""),
            "conditions": _lines(data.get("conditions", "")),
            "missing": _lines(data.get("missing", "")),
            "reason_codes": data.get("reason_codes") or [],
            "changes": [change] if len(change) > 1 and change["part"] else [],
            "concession_reason": data.get("concession_reason", ""),
        }


class VoteForm(ProjectForm):
    vote = forms.ChoiceField(label=_("表决"), choices=CommitteeVote.Vote.choices)
    comment = forms.CharField(label=_("意见"), max_length=1000, required=False)


class ConditionCheckForm(ProjectForm):
    """放款审核: one checkbox and one note per condition of the approval."""

    def __init__(self, *args: Any, conditions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conditions = conditions
        for n, condition in enumerate(conditions):
            self.fields[f"met_{n}"] = forms.BooleanField(label=condition, required=False)
            self.fields[f"note_{n}"] = forms.CharField(label=_("说明"), max_length=500, required=False)

    def items(self) -> list[dict[str, Any]]:
        return [
            {
                "condition": c,
                "met": bool(self.cleaned_data.get(f"met_{n}")),
                "note": self.cleaned_data.get(f"note_{n}", ""),
            }
            for n, c in enumerate(self.conditions)
        ]


class SignForm(ProjectForm):
    value_date = DateFormField(label=_("计划放款日"))
    place = forms.CharField(label=_("签约地点"), max_length=200)


class WithdrawForm(ProjectForm):
    reason = forms.CharField(label=_("撤回原因"), max_length=500)
