"""Product-library and needs forms: they collect values; ``services`` validates (same rules as the API)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from creditdesk.core.forms import AmountFormField, Form, RateFormField
from creditdesk.customers.choices import RateSensitivity
from creditdesk.products.choices import CollateralType, LoanPurpose
from creditdesk.products.models import DebtSource, HomePurchaseOrder
from creditdesk.products.services import DEBT_LABELS as SERVICE_DEBT_LABELS
from creditdesk.products.services import DEBT_REQUIRED
from creditdesk.rates.choices import RepaymentMethod


def parse_json(text: str) -> Any:
    """JSON with exact numbers (a number with a fraction becomes a Decimal, never a float)."""

    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not a number")

    return json.loads(text, parse_float=Decimal, parse_constant=refuse)


def dump_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


class SpecForm(Form):
    """The product definition as JSON (the pure core's ``ProductSpec.to_dict`` form) and why it changed."""

    spec = forms.CharField(
        label=_("产品定义（JSON）"),
        widget=forms.Textarea(attrs={"rows": 28, "class": "font-monospace small", "spellcheck": "false"}),
        help_text=_('金额、比例写成字符串（如 "0.55"），基点和月数写成整数；保存前按产品规则逐项校验。'),
    )
    note = forms.CharField(label=_("变更说明"), max_length=500, required=False)

    def clean_spec(self) -> Any:
        text = self.cleaned_data["spec"]
        try:
            return parse_json(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("JSON 格式错误：第 %(line)s 行第 %(column)s 列（%(reason)s）。"),
                params={"line": exc.lineno, "column": exc.colno, "reason": exc.msg},
            ) from exc
        except ValueError as exc:
            raise forms.ValidationError(_("JSON 中不能使用 NaN 或 Infinity。")) from exc


class ActiveForm(Form):
    active = forms.BooleanField(required=False)


class EvaluateForm(Form):
    customer = forms.TypedChoiceField(label=_("客户"), coerce=int, choices=())

    def __init__(self, *args: Any, customers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].choices = [("", "—"), *customers]  # type: ignore[attr-defined]


def _money(label: Any, *, required: bool = False) -> AmountFormField:
    """An amount as typed ("300,000", "30万"), read by ``core.money.parse_amount``."""
    return AmountFormField(label=label, required=required)


class NeedForm(Form):
    purpose = forms.ChoiceField(label=_("贷款用途"), choices=LoanPurpose.choices)
    amount = _money(_("需求金额（元）"), required=True)
    term_months = forms.IntegerField(label=_("期限（月）"))
    repayment_preference = forms.ChoiceField(
        label=_("还款方式偏好"), choices=[("", _("无偏好")), *RepaymentMethod.choices], required=False
    )
    rate_sensitivity = forms.ChoiceField(
        label=_("利率敏感度"), choices=RateSensitivity.choices, initial=RateSensitivity.MEDIUM
    )
    collateral_type = forms.ChoiceField(
        label=_("可提供的抵质押物"), choices=CollateralType.choices, initial=CollateralType.NONE
    )
    collateral_value = _money(_("抵质押物评估价值（元）"))
    collateral_prior_liens = _money(_("抵押物已有抵押余额（元）"))
    home_purchase_order = forms.ChoiceField(
        label=_("首套/二套（购房填写）"), choices=[("", "—"), *HomePurchaseOrder.choices], required=False
    )
    has_guarantor = forms.BooleanField(label=_("可提供保证人"), required=False)
    has_co_borrower = forms.BooleanField(label=_("有共同借款人"), required=False)
    co_borrower_monthly_income = _money(_("共同借款人月收入（元，扣除其自身月供）"))
    monthly_income = _money(_("月收入（元，税后，不含经营）"), required=True)
    monthly_debt_payments = _money(_("现有月还款额合计（元，未逐笔填写负债时填写）"))
    monthly_revenue = _money(_("月经营收入（元，经营者填写）"))
    monthly_costs = _money(_("月经营成本（元，经营者填写）"))
    note = forms.CharField(
        label=_("备注"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(1, DEBT_ROWS + 1):
            for name, field in _debt_fields(row).items():
                self.fields[debt_field(row, name)] = field

    def need_fields(self) -> list[Any]:
        """The bound fields of the need itself (the debt rows are drawn apart, as a table)."""
        return [bound for bound in self.visible_fields() if not bound.name.startswith(DEBT_PREFIX)]

    def debt_rows(self) -> list[dict[str, Any]]:
        """The bound fields of each debt row (the template draws them as a table)."""
        return [
            {"row": row, **{name: self[debt_field(row, name)] for name in DEBT_FIELDS}}
            for row in range(1, DEBT_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("home_purchase_order") and data.get("purpose") != "home_purchase":
            self.add_error("home_purchase_order", _("只有购房用途才填写首套/二套。"))
        for row in range(1, DEBT_ROWS + 1):
            if any(debt_field(row, name) in self.errors for name in DEBT_FIELDS):
                continue  # a value that did not parse: its own message says so
            given = {name: data.get(debt_field(row, name)) for name in DEBT_REQUIRED}
            if any(v not in (None, "") for v in given.values()) or data.get(debt_field(row, "label")):
                missing = [name for name, value in given.items() if value in (None, "")]
                if missing:
                    self.add_error(
                        debt_field(row, missing[0]),
                        _("第 %(row)s 笔负债未填完整：请填写%(what)s（或整行留空）。")
                        % {"row": row, "what": "、".join(str(DEBT_LABELS[name]) for name in missing)},
                    )
        return data

    def debts_data(self) -> list[dict[str, Any]]:
        """The filled debt rows, for ``services.need_record`` (the rate as its annual fraction)."""
        debts = []
        for row in range(1, DEBT_ROWS + 1):
            values = {name: self.cleaned_data.get(debt_field(row, name)) for name in DEBT_FIELDS}
            if all(values[name] in (None, "") for name in DEBT_REQUIRED):
                continue
            rate = values["annual_rate"]
            debts.append(
                {
                    "label": values["label"] or "",
                    "method": values["method"],
                    "balance": values["balance"],
                    "annual_rate": rate.value if rate is not None else None,
                    "remaining_months": values["remaining_months"],
                    "source": values["source"] or DebtSource.MANUAL,
                }
            )
        return debts

    def need_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith(DEBT_PREFIX)}
        data["debts"] = self.debts_data()
        return data


DEBT_ROWS = 6  # rows the page offers; more debts go through the API
DEBT_PREFIX = "debt_"
DEBT_FIELDS = ("label", *DEBT_REQUIRED, "source")
DEBT_LABELS = {"label": _("名称"), **SERVICE_DEBT_LABELS, "source": _("来源")}


def debt_field(row: int, name: str) -> str:
    """The form field of a debt row's value: ``debt_2_balance``."""
    return f"{DEBT_PREFIX}{row}_{name}"


def _debt_fields(row: int) -> dict[str, forms.Field]:
    """One debt row: 名称 / 还款方式 / 余额或已用额度 / 年利率 / 剩余期数, and where it came from."""
    return {
        "label": forms.CharField(label=DEBT_LABELS["label"], max_length=50, required=False),
        "method": forms.ChoiceField(
            label=DEBT_LABELS["method"], choices=[("", "—"), *RepaymentMethod.choices], required=False
        ),
        "balance": AmountFormField(label=DEBT_LABELS["balance"], required=False),
        "annual_rate": RateFormField(label=DEBT_LABELS["annual_rate"], required=False),
        "remaining_months": forms.IntegerField(
            label=DEBT_LABELS["remaining_months"], min_value=1, max_value=600, required=False
        ),
        "source": forms.ChoiceField(
            choices=DebtSource.choices, required=False, initial=DebtSource.MANUAL, widget=forms.HiddenInput
        ),
    }
