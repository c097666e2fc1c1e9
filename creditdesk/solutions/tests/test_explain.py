"""Explaining an option's terms (pure): prepaying in month N with and without the product's penalty, the
late-payment worked example and its consequences, the rate broken down, the alternatives."""

from __future__ import annotations

from decimal import Decimal

import pytest

from creditdesk.products.catalogue import ProductSpec
from creditdesk.solutions.explain import (
    CLASSIFICATION_SENTENCE,
    CREDIT_REPORT_SENTENCE,
    ExplainError,
    alternatives,
    late_terms,
    prepayment_example,
    rate_breakdown,
)
from creditdesk.solutions.matching import match
from creditdesk.solutions.offers import figures, quote
from creditdesk.solutions.tests.small_catalogue import (
    BY_CODE,
    CAPACITY,
    CUSTOMER,
    LPR,
    ON,
    XYD,
    context,
    need,
)

D = Decimal


def _xyd(**changes):
    spec = ProductSpec.from_dict({**XYD, **changes})
    q = quote(context(need("150000.00")), spec)
    return spec, q, figures(q, ON, exact=True).schedule


def test_prepaying_in_month_12_without_a_penalty():
    spec, _q, schedule = _xyd()
    example = prepayment_example(schedule, spec, 12)
    assert (example.outstanding, example.penalty, example.accrued_interest) == (
        D("101884.61"),
        D("0.00"),
        D("0.00"),
    )
    assert example.full and example.total_due == D("101884.61")
    assert example.interest_saved == D("4081.82") and example.net_saving == D("4081.82")
    assert "本产品不收提前还款违约金" in example.sentence


def test_prepaying_with_a_penalty_waived_after_24_months():
    spec, _q, schedule = _xyd(prepayment={"percent_of_prepaid": "0.01", "waived_after_months": 24})
    early = prepayment_example(schedule, spec, 12)
    assert early.penalty == D("1018.85")  # 1 % of 101,884.61, half-up
    assert early.net_saving == early.interest_saved - D("1018.85")
    assert "违约金 1,018.85 元" in early.sentence
    late = prepayment_example(schedule, spec, 24)
    assert late.penalty == D("0.00") and "满 24 个月后提前还款免收违约金" in late.sentence


def test_a_partial_prepayment_keeps_the_term_and_lowers_the_payment():
    spec, _q, schedule = _xyd()
    example = prepayment_example(schedule, spec, 12, D("50000.00"))
    assert not example.full and example.new_payment is not None
    assert example.new_payment < schedule.installments[12].payment
    assert "保持期限、降低月供" in example.sentence


@pytest.mark.parametrize("month", [0, 36, 40])
def test_a_month_outside_the_term_is_refused(month):
    spec, _q, schedule = _xyd()
    with pytest.raises(ExplainError) as refused:
        prepayment_example(schedule, spec, month)
    assert refused.value.code == "prepay_month_invalid"


def test_late_terms_worked_example():
    spec, _q, schedule = _xyd()
    late = late_terms(schedule, spec)
    assert late.penalty_rate == D("0.05700") and late.overdue_principal == D("3940.26")
    assert late.penalty_interest == D("18.72")  # 3,940.26 × 5.70 % ÷ 360 × 30 = 18.716…
    assert late.example.startswith("罚息利率 = 合同年利率 3.80% ×（1 + 50.00%）= 5.70%。")
    assert late.consequences[:2] == (CREDIT_REPORT_SENTENCE, CLASSIFICATION_SENTENCE)
    assert "逾期 1–90 天的，至少归为关注类" in CLASSIFICATION_SENTENCE  # a floor: at least that bad
    assert "至多" not in CLASSIFICATION_SENTENCE


def test_rate_breakdown_lpr_and_fixed():
    _spec, q, _schedule = _xyd()
    lpr = rate_breakdown(q.price)
    assert (lpr.fixed, lpr.lpr, lpr.spread_bp, lpr.spread, lpr.tenor) == (
        False,
        D("0.0300"),
        80,
        D("0.008"),
        "1 年期",
    )
    fixed = rate_breakdown(quote(context(need("150000.00")), BY_CODE["FQ"]).price)
    assert fixed.fixed and fixed.how_it_moves == "固定利率，合同期内不随 LPR 变动。"


def test_alternatives_cheaper_products_what_if_and_other_methods():
    result = match(need("150000.00"), CAPACITY, CUSTOMER, tuple(BY_CODE.values()), LPR, ON)
    ctx = context(need("150000.00"))
    dyd = next(o for o in result.eligible if o.quote.spec.code == "DYD")
    found = alternatives(dyd.quote, figures(dyd.quote, ON, exact=True), result, ctx)
    assert [a.kind for a in found] == ["what_if", "method"]
    assert found[0].label == "调整后可申请「存单质押贷」"
    method = found[1]
    assert method.label == "改为等额本金" and method.total_interest < dyd.figures.total_interest
    assert "本金还得更早，利息因此更少。" in method.change
    xyd = result.eligible[0]
    cheaper = alternatives(xyd.quote, figures(xyd.quote, ON, exact=True), result, ctx)
    assert [a.label for a in cheaper] == ["调整后可申请「存单质押贷」", "改选「抵押贷」"]
    assert all(a.apr_change < 0 for a in cheaper)
