"""The shared form fields for typed amounts and rates: text inputs (never type=number), one reader each."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.template import Context, Template

from creditdesk.core.forms import AmountFormField, DateFormField, Form, RateFormField


class _Form(forms.Form):
    amount = AmountFormField(label="金额")
    fee = AmountFormField(label="费用", required=False)
    rate = RateFormField(label="年利率", required=False)
    flat = RateFormField(label="月息", required=False, bare="monthly")


def test_amount_and_rate_fields_read_what_is_typed():
    form = _Form({"amount": "３０万", "fee": "", "rate": "万3", "flat": "0.5"})
    assert form.is_valid(), form.errors
    data = form.cleaned_data
    assert (data["amount"], data["fee"]) == (Decimal("300000.00"), None)
    assert (data["rate"].value, data["rate"].description) == (
        Decimal("0.108"),
        "日息万分之3，折合年利率 10.80%（单利）",
    )
    assert (data["flat"].basis, data["flat"].value) == ("monthly", Decimal("0.06"))


def test_refusals_say_what_to_type():
    form = _Form({"amount": "3O万", "rate": "5厘", "flat": "abc"})
    assert not form.is_valid()
    assert form.errors["amount"] == ["请输入金额，如 300,000 或 30万"]
    assert form.errors["rate"] == ["“5厘”没有说明是月息还是年息，请写成“月息5厘”或“年息5厘”。"]
    assert form.errors["flat"][0].startswith("请输入利率，如 3.5%、3.5、350bp、万3")
    assert _Form({"amount": "-5万"}).errors["amount"] == ["金额不能为负数。"]
    assert _Form({"amount": "1.234"}).errors["amount"] == ["金额最多精确到分（两位小数）。"]
    assert _Form({"amount": "1" * 31}).errors["amount"] == ["请输入金额，如 300,000 或 30万"]


def test_inputs_are_decimal_text_not_number():
    html = str(_Form()["amount"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html and 'maxlength="30"' in html


# --- the project's validation messages and dates (issue 13 item 9) -----------------------------------


class _Messages(Form):
    name = forms.CharField(label="姓名", max_length=5, min_length=2)
    rate = forms.CharField(label="年利率（%）", max_length=3)
    months = forms.IntegerField(label="期限（月）", min_value=1, max_value=360)
    kind = forms.ChoiceField(label="客户类型", choices=[("a", "A")])
    on = DateFormField(label="签署日期")
    own = forms.CharField(
        label="自定", max_length=1, required=False, error_messages={"max_length": "自己的话"}
    )


def test_every_message_names_the_field_and_says_what_to_type():
    form = _Messages({"name": "张三丰李四王", "rate": "12.5%", "months": "x", "kind": "b", "on": "3/31/2025"})
    assert form.errors == {
        "name": ["「姓名」最多 5 个字，现在是 6 个。"],
        "rate": ["「年利率（%）」最多 3 个字，现在是 5 个。"],
        "months": ["「期限（月）」请填写整数，如 12。"],
        "kind": ["「客户类型」的选项无效，请从列表中选择。"],
        "on": ["「签署日期」请按 YYYY-MM-DD 填写日期，如 2025-03-31。"],
    }
    short = _Messages({"name": "张", "rate": "", "months": "0", "kind": "a", "on": "", "own": "长长"})
    assert short.errors == {
        "name": ["「姓名」至少 2 个字，现在是 1 个。"],
        "rate": ["请填写「年利率（%）」。"],
        "months": ["「期限（月）」不能小于 1。"],
        "on": ["请填写「签署日期」。"],
        "own": ["自己的话"],  # a field's own message is kept
    }


def test_dates_are_typed_and_shown_as_yyyy_mm_dd():
    form = _Messages(initial={"on": date(2025, 3, 1)})
    html = str(form["on"])
    assert 'type="text"' in html and 'placeholder="YYYY-MM-DD"' in html and 'value="2025-03-01"' in html
    for typed in ("2025-03-31", "2025/3/31", "20250331"):
        assert DateFormField().clean(typed) == date(2025, 3, 31)
    shown = Template("{{ d }} {{ d|date }}").render(Context({"d": date(2025, 3, 1)}))
    assert shown == "2025-03-01 2025-03-01"
