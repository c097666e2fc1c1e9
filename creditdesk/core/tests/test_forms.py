"""The shared form fields for typed amounts and rates: text inputs (never type=number), one reader each."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from creditdesk.core.forms import AmountFormField, RateFormField


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
