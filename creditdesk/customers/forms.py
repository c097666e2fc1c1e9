"""Customer forms: they collect strings; ``services`` validates (same rules as the API)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from creditdesk.core.forms import AmountInput, DateFormField, Form
from creditdesk.customers.choices import (
    Channel,
    CustomerKind,
    QualitySegment,
    RateSensitivity,
    RelationshipKind,
    Source,
    TaxCreditGrade,
    TermPreference,
    ValueSegment,
)
from creditdesk.customers.identity import mask_id, mask_phone
from creditdesk.customers.models import Customer
from creditdesk.customers.services import BUSINESS_AUDIT_FIELDS, PROFILE_FIELDS, CustomerInput
from creditdesk.customers.services.business import SENSITIVE_FIELDS as BUSINESS_SENSITIVE

YES_NO = [("", _("未登记")), ("yes", _("有")), ("no", _("无"))]
# Sensitive values (encrypted at rest): never put back into a form; left blank on the edit page = kept.
SENSITIVE_FIELDS = (
    "id_number",
    "phone",
    "monthly_income",
    "monthly_debt_payments",
    "property_value",
    "vehicle_value",
    "credit_current_overdue",
    "credit_worst_overdue_days",
    "credit_inquiries_6m",
)
NEW_SENSITIVE = SENSITIVE_FIELDS[3:]  # ``None`` in CustomerInput = keep
CREDIT_FIELDS = SENSITIVE_FIELDS[6:]
# What "清除" may empty, and the field whose typed value it conflicts with. Not the ID number: it is the
# customer's identity for KYC, consents and credit-report queries and the key of duplicate detection (its
# unique blind index) — blanking it would let the same person be registered twice. A wrong number is
# corrected by typing the right one. Asset values are cleared by answering "无" to 名下房产 / 名下车辆.
CLEARABLE = {
    "phone": ("phone", _("手机号码")),
    "monthly_income": ("monthly_income", _("月收入")),
    "monthly_debt_payments": ("monthly_debt_payments", _("月还款额")),
    "credit_report": ("credit_current_overdue", _("征信摘要")),
    "annual_revenue": ("annual_revenue", _("年营业收入")),
    "total_assets": ("total_assets", _("资产总额")),
    "provident_fund_base": ("provident_fund_base", _("公积金缴存基数")),
}
# 经营信息 / 公积金 shown back in the edit form (not sensitive); the amounts among them are not.
BUSINESS_SHOWN = tuple(f for f in BUSINESS_AUDIT_FIELDS if f not in BUSINESS_SENSITIVE)


def _industry_picker() -> forms.TextInput:
    """The industry code typed or picked: the box asks the page's search (name, pinyin, code) as one
    types and offers the matches in its datalist; the service checks the code whatever is typed."""
    return forms.TextInput(
        attrs={
            "list": "industry-options",
            "autocomplete": "off",
            "placeholder": _("输入名称、拼音或代码查找，如 餐饮、cy、6210"),
            "hx-get": reverse_lazy("customers:industries"),
            "hx-trigger": "input changed delay:250ms",
            "hx-target": "#industry-options",
            "hx-swap": "innerHTML",
            "data-testid": "industry-code",
        }
    )


class CustomerForm(Form):
    kind = forms.ChoiceField(label=_("客户类型"), choices=CustomerKind.choices)
    name = forms.CharField(label=_("名称"), max_length=100)
    id_number = forms.CharField(label=_("身份证号 / 统一社会信用代码"), required=False, max_length=30)
    phone = forms.CharField(label=_("手机号码"), required=False, max_length=20)
    monthly_income = forms.CharField(
        label=_("月收入（元）"), required=False, max_length=20, widget=AmountInput
    )
    occupation = forms.CharField(label=_("职业"), required=False, max_length=100)
    industry = forms.CharField(label=_("行业"), required=False, max_length=100)
    employer = forms.CharField(label=_("工作单位"), required=False, max_length=100)
    # 经营信息: enterprises and 个体工商户 only (the service refuses them on a person).
    founding_date = DateFormField(label=_("成立日期（企业 / 个体工商户）"), required=False)
    industry_code = forms.CharField(
        label=_("国民经济行业（GB/T 4754）"), required=False, max_length=20, widget=_industry_picker()
    )
    employees = forms.CharField(label=_("从业人员数（人）"), required=False, max_length=10)
    annual_revenue = forms.CharField(
        label=_("年营业收入（元）"), required=False, max_length=20, widget=AmountInput
    )
    total_assets = forms.CharField(
        label=_("资产总额（元）"), required=False, max_length=20, widget=AmountInput
    )
    tax_credit_grade = forms.ChoiceField(
        label=_("纳税信用等级"), choices=[("", "—"), *TaxCreditGrade.choices], required=False
    )
    # A person's 公积金 and payroll (the service refuses them on a business).
    provident_fund_months = forms.CharField(
        label=_("公积金连续缴存月数（个人）"), required=False, max_length=10
    )
    provident_fund_base = forms.CharField(
        label=_("公积金缴存基数（元/月）"), required=False, max_length=20, widget=AmountInput
    )
    payroll_with_bank = forms.ChoiceField(
        label=_("本行代发工资（个人）"),
        choices=[("", _("未登记")), ("yes", _("是")), ("no", _("否"))],
        required=False,
    )
    quality_segment = forms.ChoiceField(
        label=_("风险分层"), choices=QualitySegment.choices, initial=QualitySegment.STANDARD
    )
    value_segment = forms.ChoiceField(
        label=_("价值分层"), choices=ValueSegment.choices, initial=ValueSegment.MASS
    )
    source = forms.ChoiceField(label=_("客户来源"), choices=Source.choices, initial=Source.NEW)
    channel = forms.ChoiceField(label=_("获客渠道"), choices=Channel.choices, initial=Channel.OFFLINE)
    channel_detail = forms.CharField(label=_("渠道说明（合作方 / 推荐人）"), required=False, max_length=100)
    address_residential = forms.CharField(label=_("居住地址"), required=False, max_length=200)
    address_business = forms.CharField(label=_("经营 / 工作地址"), required=False, max_length=200)
    monthly_debt_payments = forms.CharField(
        label=_("月还款额（元）"),
        required=False,
        max_length=20,
        help_text=_("各类贷款、信用卡每月应还合计"),
        widget=AmountInput,
    )
    has_property = forms.ChoiceField(label=_("名下房产"), choices=YES_NO, required=False)
    property_value = forms.CharField(
        label=_("房产估值（元）"), required=False, max_length=20, widget=AmountInput
    )
    has_vehicle = forms.ChoiceField(label=_("名下车辆"), choices=YES_NO, required=False)
    vehicle_value = forms.CharField(
        label=_("车辆估值（元）"), required=False, max_length=20, widget=AmountInput
    )
    credit_current_overdue = forms.CharField(
        label=_("征信：当前逾期金额（元）"), required=False, max_length=20, widget=AmountInput
    )
    credit_worst_overdue_days = forms.CharField(
        label=_("征信：近 24 个月最长逾期天数"), required=False, max_length=10
    )
    credit_inquiries_6m = forms.CharField(label=_("征信：近 6 个月查询次数"), required=False, max_length=10)
    term_preference = forms.ChoiceField(
        label=_("期限偏好"), choices=[("", "—"), *TermPreference.choices], required=False
    )
    rate_sensitivity = forms.ChoiceField(
        label=_("利率敏感度"), choices=[("", "—"), *RateSensitivity.choices], required=False
    )
    tags = forms.CharField(
        label=_("标签"), required=False, max_length=1000, help_text=_("用逗号分隔，如：老客户，餐饮，有房")
    )
    notes = forms.CharField(
        label=_("备注"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def customer_input(self) -> CustomerInput:
        data: dict[str, Any] = self.cleaned_data
        return CustomerInput(
            kind=data["kind"],
            name=data["name"],
            id_number=data.get("id_number", ""),
            phone=data.get("phone", ""),
            monthly_income=data.get("monthly_income", ""),
            profile={field: data.get(field, "") for field in PROFILE_FIELDS},
            **{field: data.get(field, "") for field in NEW_SENSITIVE},
            **_business_typed(data),
            **{field: data.get(field) or "" for field in BUSINESS_SENSITIVE},
        )


def _business_typed(data: dict[str, Any]) -> dict[str, str]:
    """The 经营信息 / 公积金 values shown in the form, as the service reads them ("" = not recorded)."""
    values = {field: data.get(field) or "" for field in BUSINESS_SHOWN}
    founded = data.get("founding_date")
    values["founding_date"] = founded.isoformat() if founded else ""
    return values


class CustomerEditForm(CustomerForm):
    """修改客户资料: the record as it is, except the sensitive values, which are never sent back to the
    browser. Left blank they stay as they are; ticking one under "清除" empties it (through
    ``customer_update``, audited like any change). Only what is recorded is offered for clearing."""

    clear = forms.MultipleChoiceField(
        label=_("清除已登记的敏感信息"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(key, label) for key, (_field, label) in CLEARABLE.items()],
        help_text=_("勾选后保存即清空该项（记入审计日志）；证件号码不能清除，登记错误时请直接填写正确号码。"),
    )

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        initial = {
            "kind": customer.kind,
            "name": customer.name,
            **{field: getattr(customer, field) for field in PROFILE_FIELDS},
        }
        for flag in ("has_property", "has_vehicle", "payroll_with_bank"):
            initial[flag] = {True: "yes", False: "no", None: ""}[getattr(customer, flag)]
        for field in BUSINESS_SHOWN:
            if field != "payroll_with_bank":
                value = getattr(customer, field)
                initial[field] = "" if value is None else value
        super().__init__(*args, initial=initial, **kwargs)
        self.customer = customer
        kept = _("已登记：%(value)s；留空则不修改")
        recorded = _("已登记（敏感信息，不显示）；留空则不修改")
        shown = {
            "id_number": mask_id(customer.id_number) if customer.id_number else "",
            "phone": mask_phone(customer.phone) if customer.phone else "",
        }
        for field in ("id_number", "phone"):
            if shown[field]:
                self.fields[field].help_text = kept % {"value": shown[field]}
        for field in (
            "monthly_income",
            "monthly_debt_payments",
            "property_value",
            "vehicle_value",
            *BUSINESS_SENSITIVE,
        ):
            if getattr(customer, field):
                self.fields[field].help_text = recorded
        if customer.credit_report:
            self.fields["credit_current_overdue"].help_text = recorded
        clearable = [(key, label) for key, label in self.fields["clear"].choices if getattr(customer, key)]
        if clearable:
            self.fields["clear"].choices = clearable
        else:
            del self.fields["clear"]  # nothing recorded: nothing to clear

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for key in data.get("clear") or ():
            field, label = CLEARABLE[key]
            fields = CREDIT_FIELDS if key == "credit_report" else (field,)
            typed = [name for name in fields if data.get(name)]
            if typed:
                self.add_error(
                    typed[0],
                    _("「%(label)s」勾选了清除，又填写了新值：请二选一（填写新值时不用勾选清除）。")
                    % {"label": label},
                )
        return data

    def customer_input(self) -> CustomerInput:
        data: dict[str, Any] = self.cleaned_data
        clear = set(data.get("clear") or ())
        current = self.customer

        def kept(field: str) -> str:
            typed = (data.get(field) or "").strip()
            return typed or ("" if field in clear else getattr(current, field))

        def new(field: str) -> str | None:
            typed = (data.get(field) or "").strip()
            return typed or ("" if field in clear else None)

        credit_typed = any((data.get(field) or "").strip() for field in CREDIT_FIELDS)
        if credit_typed:
            # A partly typed summary replaces the recorded one: what is left blank is "not known".
            credit = {field: (data.get(field) or "").strip() for field in CREDIT_FIELDS}
        else:
            credit = {field: ("" if "credit_report" in clear else None) for field in CREDIT_FIELDS}
        return CustomerInput(
            kind=data["kind"],
            name=data["name"],
            id_number=kept("id_number"),
            phone=kept("phone"),
            monthly_income=kept("monthly_income"),
            profile={field: data.get(field, "") for field in PROFILE_FIELDS},
            monthly_debt_payments=new("monthly_debt_payments"),
            property_value=new("property_value"),
            vehicle_value=new("vehicle_value"),
            **credit,
            **_business_typed(data),
            **{field: new(field) for field in BUSINESS_SENSITIVE},
        )


class UnmaskForm(Form):
    """查看明文 from the ``{% sensitive %}`` tag: which value (a registered target, its id, the field) and
    why; the service checks the field, the scope, the policy, the reason and the rate limit."""

    target = forms.CharField(max_length=30, required=False)
    target_id = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    field = forms.CharField(max_length=50)
    reason = forms.CharField(label=_("查看理由"), max_length=200, required=False)


class RelationshipForm(Form):
    """Add a relationship from the 360 page. The other customer is found with the search box next to the
    field (``relationship_candidates`` fills its options); the service checks that it is in scope."""

    direction = forms.ChoiceField(
        label=_("方向"),
        choices=[("outgoing", _("本客户是对方的…")), ("incoming", _("对方是本客户的…"))],
        initial="outgoing",
    )
    kind = forms.ChoiceField(label=_("关系类型"), choices=RelationshipKind.choices)
    other = forms.IntegerField(
        label=_("关联客户"),
        min_value=1,
        widget=forms.Select(choices=[("", _("— 请先查找 —"))]),
    )
    role_detail = forms.CharField(
        label=_("关系说明（如配偶、父母、子女、持股比例）"), required=False, max_length=50
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=500)


class HandoverForm(Form):
    """Hand the ticked customers of the list to another customer manager."""

    # Offered as a select, validated by the service: a batch outside the scope must answer 404 whoever
    # the new owner is, and the service says which new owners are allowed.
    new_owner = forms.IntegerField(label=_("移交给"), widget=forms.Select)
    reason = forms.CharField(label=_("移交原因"), max_length=200)

    def __init__(self, *args: Any, candidates: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_owner"].widget.choices = [("", "—")] + [
            (u.pk, u.get_full_name()) for u in candidates
        ]


class MergeForm(Form):
    """合并: the likely duplicate (merged into the customer of the page) and a reason."""

    duplicate = forms.IntegerField(label=_("重复记录"), widget=forms.HiddenInput)
    reason = forms.CharField(label=_("合并原因"), max_length=200)


class MergeUndoForm(Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=200)
