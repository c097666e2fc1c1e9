"""What the customer must know (``customer_terms``), worked for one option of the small catalogue:
信用贷 (XYD), 150,000 over 36 months, 等额本息, 1Y LPR 3.00 % + 80 bp = 3.80 %, drawn on 2026-01-05.
First instalment 4,415.26 (principal 3,940.26, interest 150,000 × 3.80 % ÷ 12 = 475.00);
penalty rate 3.80 % × 1.5 = 5.70 %;
30 days late: penalty 3,940.26 × 5.70 % ÷ 360 × 30 = 18.716… → 18.72, 复利 475.00 × 5.70 % ÷ 360 × 30 =
2.256… → 2.26."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from creditdesk.products.facts import COLLATERAL_TYPES
from creditdesk.solutions import customer_terms as ct
from creditdesk.solutions.offers import figures, quote
from creditdesk.solutions.tests.small_catalogue import BY_CODE, ON, context, need


def _option(code: str, amount: str = "150000.00"):
    q = quote(context(need(amount)), BY_CODE[code])
    f = figures(q, ON, exact=True)
    assert f.schedule is not None
    return q, f, f.schedule


def test_floating_rate_terms_say_the_basis_the_reset_and_the_annualized_rate_without_the_grade():
    q, f, schedule = _option("XYD")
    lines = ct.rate_terms(q.spec, q.price, schedule.terms.start_date, f.apr.compound, f.apr.simple)
    assert lines == [
        "利率构成：年利率 3.80% = 1 年期贷款市场报价利率（LPR）3.00%（2025-05-20 起执行）+ 80 个基点。",
        "本贷款为浮动利率：加点（+80 个基点）在合同期内不变，年利率在每个重定价日按届时最近一期公布的 1 年期 "
        "LPR + 80 个基点重新确定，您的每期还款额将随之变化（LPR 下降则减少，上升则增加）。",
        "重定价日以借款合同的约定为准（通常为每年 1 月 1 日或每年放款日的对应日），请在签约时确认。",
        "年化利率（含利息和与贷款直接相关的全部费用，按内部收益率法复利计算）为 3.87%，单利 3.80%。",
    ]
    assert not any("风险等级" in line or "B" in line for line in lines)


def test_a_reset_date_the_product_states_is_said_with_the_first_reset():
    q, f, schedule = _option("XYD")
    start = schedule.terms.start_date
    january = ct.rate_terms(q.spec, q.price, start, f.apr.compound, f.apr.simple, reset_rule="january_1")
    assert january[2] == "重定价日为每年 1 月 1 日；按本方案测算，第一个重定价日为 2027-01-01，此后每年一次。"
    anniversary = ct.rate_terms(
        q.spec, q.price, start, f.apr.compound, f.apr.simple, reset_rule="anniversary"
    )
    assert anniversary[2] == (
        "重定价日为每年放款日的对应日；按本方案测算，第一个重定价日为 2027-01-05，此后每年一次。"
    )


def test_a_fixed_rate_and_a_fee_based_product():
    q, f, schedule = _option("FQ")
    lines = ct.rate_terms(q.spec, q.price, schedule.terms.start_date, f.apr.compound, f.apr.simple)
    assert lines == [
        "本贷款为固定利率：年利率 0.00% 在合同期内不变，每期还款额不随 LPR 变动而调整。",
        "年化利率（含利息和与贷款直接相关的全部费用，按内部收益率法复利计算）为 7.00%，单利 6.78%。",
    ]
    assert ct.schedule_terms(schedule, floating=False) == (
        "还款方式为等额本息，共 36 期，首期 2026-02-05 应还 4,616.67 元，末期 2029-01-05 应还 4,616.55 元；"
        "按期还款合计 166,200.00 元，其中本金 150,000.00 元、利息 0.00 元、随期费用 16,200.00 元。"
    )


def test_schedule_summary_of_a_floating_loan():
    _q, _f, schedule = _option("XYD")
    assert ct.schedule_terms(schedule, floating=True) == (
        "还款方式为等额本息，共 36 期，首期 2026-02-05 应还 4,415.26 元，末期 2029-01-05 应还 4,415.45 元；"
        "按期还款合计 158,949.55 元，其中本金 150,000.00 元、利息 8,949.55 元、随期费用 0.00 元。"
        "以上按当前利率测算，重定价后以新的还款计划为准。"
    )


def test_penalty_and_compound_interest_worked_separately_and_acceleration():
    q, _f, schedule = _option("XYD")
    late = ct.late_payment_terms(schedule, q.spec)
    assert (late.period, late.overdue_principal, late.overdue_interest) == (1, D("3940.26"), D("475.00"))
    assert (late.penalty, late.compound, late.outstanding_principal) == (
        D("18.72"),
        D("2.26"),
        D("150000.00"),
    )
    assert late.sentences[1] == "本产品罚息利率为合同年利率上浮 50.00%：3.80% ×（1 + 50.00%）= 5.70%。"
    assert late.sentences[2] == (
        "举例：第 1 期（2026-02-05 到期）应还 4,415.26 元，其中本金 3,940.26 元、利息 475.00 元；"
        "如逾期 30 天未还，罚息 = 逾期本金 3,940.26 × 5.70% ÷ 360 × 30 = 18.72 元，"
        "复利 = 逾期利息 475.00 × 5.70% ÷ 360 × 30 = 2.26 元，两项合计 20.98 元，"
        "另须归还该期应还款 4,415.26 元。"
    )
    assert "银发〔2003〕251号" in late.sentences[0]
    assert late.acceleration.endswith(
        "本行有权宣布贷款提前到期，要求您立即归还全部未还本金及相应的利息、罚息和复利。"
        "按上例，第 1 期逾期时未还本金为 150,000.00 元，宣布提前到期后须一次性归还。"
    )


def test_collateral_terms_only_for_a_secured_product():
    labels = dict(COLLATERAL_TYPES)
    assert ct.collateral_terms(BY_CODE["XYD"], "residential_property", labels) is None
    assert ct.collateral_terms(BY_CODE["DYD"], "residential_property", labels) == (
        "本贷款以住宅作抵押担保。如您未按约定还款或贷款被宣布提前到期，本行有权依法处置抵押物（与您协议折价，"
        "或依法拍卖、变卖），并以所得价款优先受偿；所得价款不足以清偿全部欠款的，您仍须继续偿还不足部分。"
    )
    assert ct.collateral_terms(BY_CODE["ZYD"], "residential_property", labels).startswith(
        "本贷款以定期存单作质押担保。"
    )


def test_use_of_funds_and_the_entrusted_payment_threshold():
    spec = BY_CODE["XYD"]
    below = ct.use_of_funds_terms(spec, D("150000.00"), "individual", "renovation", "装修")
    assert below[0] == (
        "贷款资金只能用于借款合同约定的用途（装修），不得用于证券（股票、基金等）投资、期货交易或房地产投机炒作，"
        "也不得用于其他法律法规和监管规定禁止的用途。"
    )
    assert below[1] == (
        "单笔提款超过 300,000.00 元的，本行将把贷款资金直接支付给您的交易对象（受托支付）；"
        "本笔贷款 150,000.00 元未超过该标准，可由您自主支付，"
        "但须按约定向本行报告贷款资金的实际用途并提供凭证。"
    )
    assert below[2] == (
        "未按约定用途使用贷款的，本行可对挪用部分按合同利率上浮 50.00%–100.00% 计收罚息，"
        "并有权宣布贷款提前到期。"
    )
    above = ct.use_of_funds_terms(spec, D("300000.01"), "individual", "renovation", "装修")
    assert above[1].startswith("本笔贷款 300,000.01 元，超过单笔提款 300,000.00 元的受托支付标准：")
    business = replace(spec, category="business")
    assert ct.entrusted_payment_threshold(business, "individual_business", "business_working_capital") == D(
        "500000.00"
    )
    assert ct.entrusted_payment_threshold(spec, "individual", "renovation") == D("300000.00")
    assert ct.entrusted_payment_threshold(spec, "enterprise", "business_working_capital") == D("10000000.00")


def test_complaint_channel():
    assert ct.complaint_terms("示范商业银行", "400-000-0000") == (
        "如对本方案或本行服务有疑问或投诉，请致电示范商业银行客服热线 400-000-0000，或向您的客户经理反映，"
        "本行将按规定受理并答复；如对处理结果不满意，可拨打国家金融监督管理总局金融消费者投诉热线 12378。"
    )
