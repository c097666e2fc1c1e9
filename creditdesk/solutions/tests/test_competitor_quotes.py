"""Competitor offers as customers say them (issue 13, "What must be true" 2): 日息 and 月息 on the balance
against 分期手续费 on the original principal, fees / deductions (砍头息) / deposits (保证金) / monthly fees at
drawdown moving the real cash flows, the APR by IRR, the non-price facts side by side, and the refusals.

Figures are computed here independently of ``finance`` (annuity formula, fen rounding, a bisection IRR)."""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest

from creditdesk.core.models import AuditEvent
from creditdesk.core.money import RATE_FORMS
from creditdesk.solutions.competitor_facts import Answer, CollateralNeed, OfferFacts
from creditdesk.solutions.competitors import (
    Charge,
    ChargeKind,
    CompetitorError,
    CompetitorOffer,
    QuoteKind,
    compare,
    competitor_flows,
    competitor_row,
    validate_offer,
)
from creditdesk.solutions.models import CompetitorOffer as StoredOffer
from creditdesk.solutions.offers import quote
from creditdesk.solutions.tests.small_catalogue import BY_CODE, ON, context, need

D = Decimal
P = D("100000.00")
BASE = {"institution": "某银行", "product_name": "快贷", "amount": P, "term_months": 12}


def pct(rate: Decimal) -> Decimal:
    return (rate * 100).quantize(D("0.01"), ROUND_HALF_UP)


def fen(x: Decimal) -> Decimal:
    return x.quantize(D("0.01"), ROUND_HALF_UP)


def annuity_flows(principal: Decimal, i: Decimal, n: int) -> list[Decimal]:
    """等额本息 at monthly rate i: payment fen-rounded, interest per month fen-rounded, the last payment
    takes whatever principal is left (RULES.md, "Day count and rounding")."""
    with localcontext(prec=34):
        growth = (1 + i) ** n
        payment = fen(principal * i * growth / (growth - 1))
        balance, flows = principal, [principal]
        for k in range(1, n + 1):
            interest = fen(balance * i)
            if k == n:
                flows.append(-(balance + interest))
            else:
                flows.append(-payment)
                balance -= payment - interest
    return flows


def bisection_irr(flows: list[Decimal]) -> Decimal:
    """The monthly rate where the NPV of ``flows`` is zero, by plain bisection (a borrower's NPV is below
    zero at 0 % — more is repaid than received — and rises with r on [0, 1])."""

    def npv(r: Decimal) -> Decimal:
        return sum((f / (1 + r) ** k for k, f in enumerate(flows)), D(0))

    low, high = D(0), D(1)
    with localcontext(prec=34):
        for _ in range(120):
            mid = (low + high) / 2
            if npv(mid) > 0:
                high = mid
            else:
                low = mid
        return (low + high) / 2


# --- 日息 / 月息 on the balance against 分期手续费 on the original principal -------------------------------


def test_daily_rate_wan_3_over_12_months_equal_installment():
    """日息万3: nominal 0.0003 × 360 = 10.80 % (RULES.md: 日利率 = R/360), monthly 0.9 %, then the IRR."""
    offer = CompetitorOffer(kind=QuoteKind.DAILY_RATE, daily_rate=D("0.0003"), **BASE)
    monthly = D("0.0003") * 360 / 12
    assert monthly == D("0.009")
    expected_flows = annuity_flows(P, monthly, 12)
    assert competitor_flows(offer, ON) == expected_flows
    r = bisection_irr(expected_flows)
    row = competitor_row(offer, ON)
    assert abs(row.apr.periodic - r) < D("1e-9")
    assert pct(row.apr.simple) == pct(r * 12) == D("10.80")
    assert pct(row.apr.compound) == pct((1 + r) ** 12 - 1) == D("11.35")
    assert row.first_payment == -expected_flows[1] == D("8828.84")
    assert row.quoted == "日息万分之3（按剩余本金，等额本息）"
    assert "按一年 360 天折合名义年利率 10.80%" in row.sentence
    assert row.warnings == ()


def test_monthly_rate_on_the_balance_is_not_the_flat_monthly_fee():
    """月息 5 厘 on the balance is 6.00 % nominal; 0.5 % a month on the original principal is 10.90 %
    simple (RULES.md's worked figure): two different offers, two different APRs."""
    on_balance = competitor_row(
        CompetitorOffer(kind=QuoteKind.MONTHLY_RATE, monthly_rate=D("0.005"), **BASE), ON
    )
    flat = competitor_row(
        CompetitorOffer(kind=QuoteKind.FLAT_MONTHLY, monthly_flat_rate=D("0.005"), **BASE), ON
    )
    assert pct(on_balance.apr.simple) == D("6.00")
    assert pct(on_balance.apr.compound) == D("6.17")
    assert abs(on_balance.apr.periodic - bisection_irr(annuity_flows(P, D("0.005"), 12))) < D("1e-9")
    assert pct(flat.apr.simple) == D("10.90") and pct(flat.apr.compound) == D("11.46")
    assert on_balance.quoted == "月息 0.50%（按剩余本金，等额本息）"
    assert flat.quoted == "分期手续费每月 0.50%（按原始本金）"
    assert QuoteKind.MONTHLY_RATE.label == "月息（按剩余本金）"
    assert QuoteKind.FLAT_MONTHLY.label == "分期手续费（按原始本金，每月）"


def test_a_high_daily_rate_is_flagged():
    row = competitor_row(CompetitorOffer(kind=QuoteKind.DAILY_RATE, daily_rate=D("0.0012"), **BASE), ON)
    assert pct(row.apr.simple) == D("43.20")
    assert row.warnings[0] == "注意：名义年利率 43.20% 已超过 36%。"
    assert "超过 36%" in row.warnings[1]
    mid = competitor_row(CompetitorOffer(kind=QuoteKind.DAILY_RATE, daily_rate=D("0.0007"), **BASE), ON)
    assert len(mid.warnings) == 1 and "超过 24%" in mid.warnings[0]


# --- fees, deductions and deposits at drawdown --------------------------------------------------------


MONTHLY_5_LI = CompetitorOffer(kind=QuoteKind.MONTHLY_RATE, monthly_rate=D("0.005"), **BASE)


def test_a_deduction_at_drawdown_costs_what_the_same_fee_paid_in_cash_costs():
    """3,000 deducted from 100,000 (砍头息) or paid in cash: both leave 97,000 at t0 against the payments on
    100,000, so the same cash flows and the same APR — higher than without it. What differs is the law
    (Civil Code art. 670): the deducted loan counts as 97,000, and the row says so."""
    plain = competitor_row(MONTHLY_5_LI, ON)
    deducted_offer = replace(
        MONTHLY_5_LI, charges=(Charge("服务费", ChargeKind.DEDUCTED, amount=D("3000.00")),)
    )
    cash_offer = replace(MONTHLY_5_LI, charges=(Charge("服务费", ChargeKind.UPFRONT, percent=D("0.03")),))
    deducted, cash = competitor_row(deducted_offer, ON), competitor_row(cash_offer, ON)
    flows = competitor_flows(deducted_offer, ON)
    assert flows[0] == D("97000.00") and flows[1:] == annuity_flows(P, D("0.005"), 12)[1:]
    assert competitor_flows(cash_offer, ON) == flows
    assert deducted.apr == cash.apr
    assert abs(deducted.apr.periodic - bisection_irr(flows)) < D("1e-9")
    assert deducted.apr.compound > plain.apr.compound
    assert pct(deducted.apr.simple) == D("11.74")
    assert deducted.net_received == cash.net_received == D("97000.00")
    assert (deducted.disbursed, cash.disbursed) == (D("97000.00"), D("100000.00"))
    assert deducted.total_cost == cash.total_cost == plain.total_cost + D("3000.00")
    assert (
        "《民法典》第六百七十条" in deducted.sentence
        and "97,000.00 元返还借款并计算利息" in deducted.sentence
    )
    assert "第六百七十条" not in cash.sentence


def test_a_deposit_of_10_percent_returned_at_the_end():
    """保证金 10 %: 90,000 at t0, the 10,000 back with the last payment, no interest on it."""
    offer = replace(MONTHLY_5_LI, charges=(Charge("保证金", ChargeKind.DEPOSIT, percent=D("0.10")),))
    flows = competitor_flows(offer, ON)
    plain_flows = annuity_flows(P, D("0.005"), 12)
    assert flows[0] == D("90000.00")
    assert flows[1:-1] == plain_flows[1:-1]
    assert flows[-1] == plain_flows[-1] + D("10000.00")
    row, plain = competitor_row(offer, ON), competitor_row(MONTHLY_5_LI, ON)
    assert abs(row.apr.periodic - bisection_irr(flows)) < D("1e-9")
    assert row.apr.compound > plain.apr.compound
    assert pct(row.apr.simple) == D("7.33")
    assert row.total_cost == plain.total_cost  # the deposit comes back: it costs time, not money
    assert (row.net_received, row.disbursed) == (D("90000.00"), D("90000.00"))
    assert "保证金 10,000.00 元放款时扣留、到期才退还且不计息" in row.sentence


def test_a_monthly_service_fee_is_added_to_every_instalment():
    offer = replace(MONTHLY_5_LI, charges=(Charge("账户管理费", ChargeKind.MONTHLY, amount=D("50.00")),))
    flows = competitor_flows(offer, ON)
    assert flows[1:] == [f - D("50.00") for f in annuity_flows(P, D("0.005"), 12)[1:]]
    row = competitor_row(offer, ON)
    assert row.first_payment == D("8656.64")
    assert row.total_cost == competitor_row(MONTHLY_5_LI, ON).total_cost + D("600.00")


@pytest.mark.parametrize(
    "charge",
    [
        Charge("服务费", ChargeKind.DEDUCTED, amount=D("-3000.00")),
        Charge("服务费", ChargeKind.UPFRONT, percent=D("-0.03")),
        Charge("服务费", ChargeKind.UPFRONT, amount=D("3000.001")),
        Charge("服务费", ChargeKind.UPFRONT, amount=D("1"), percent=D("0.01")),
        Charge("服务费", ChargeKind.UPFRONT),
        Charge("  ", ChargeKind.UPFRONT, amount=D("100.00")),
        Charge("保证金", ChargeKind.DEPOSIT, percent=D("1")),  # nothing left to receive
    ],
)
def test_charges_that_cannot_be_right_are_refused(charge):
    with pytest.raises(CompetitorError) as refused:
        validate_offer(replace(MONTHLY_5_LI, charges=(charge,)))
    assert refused.value.code == "competitor_charge_invalid"


def test_a_monthly_fee_on_a_bullet_loan_is_refused():
    offer = CompetitorOffer(
        kind=QuoteKind.ANNUAL_RATE,
        annual_rate=D("0.05"),
        method="bullet",  # type: ignore[arg-type]
        charges=(Charge("管理费", ChargeKind.MONTHLY, amount=D("10.00")),),
        **BASE,
    )
    with pytest.raises(CompetitorError) as refused:
        validate_offer(offer)
    assert refused.value.code == "competitor_charge_invalid"


# --- non-price facts side by side ---------------------------------------------------------------------


def test_the_comparison_lists_approval_days_and_entrusted_payment_for_both_sides():
    ours = quote(context(need("100000.00", term=12, value=None)), BY_CODE["XYD"])
    theirs = replace(
        MONTHLY_5_LI,
        facts=OfferFacts(
            approval_days=0,
            documents="身份证、工资流水",
            prepayment="满 6 个月后可提前还款",
            prepayment_penalty=D("0.02"),
            collateral=CollateralNeed.NONE,
            entrusted_payment=Answer.YES,
        ),
    )
    result = compare([ours], [theirs], ON)
    by_side = {r.side: r for r in result.rows}
    ours_facts, their_facts = by_side["ours"].facts, by_side["competitor"].facts
    assert ours_facts is not None and their_facts is not None
    assert (ours_facts.approval_days, ours_facts.approval) == (BY_CODE["XYD"].approval_days, "约 1 天")
    assert ours_facts.entrusted_payment == "不需要（300,000.00 元以下可自主支付，事后报告用途）"
    assert ours_facts.prepayment == "可随时提前还款，不收违约金"
    assert (their_facts.approval_days, their_facts.approval) == (0, "当天")
    assert their_facts.entrusted_payment == "需要"
    assert their_facts.prepayment == "满 6 个月后可提前还款（违约金为提前归还本金的 2.00%）"
    data = result.to_dict()["rows"]
    assert {r["side"]: r["facts"]["entrusted_payment"] for r in data}["competitor"] == "需要"  # type: ignore[index]
    unknown = competitor_row(MONTHLY_5_LI, ON).facts
    assert unknown is not None and (unknown.approval, unknown.entrusted_payment) == ("未了解", "未了解")


def test_offer_json_round_trip_keeps_charges_and_facts():
    offer = replace(
        MONTHLY_5_LI,
        charges=(Charge("服务费", ChargeKind.DEDUCTED, percent=D("0.03")),),
        facts=OfferFacts(approval_days=3, entrusted_payment=Answer.NO),
    )
    assert CompetitorOffer.from_dict(offer.to_dict()) == offer


# --- the page and the API -----------------------------------------------------------------------------

DAILY = {
    "institution": "某互联网平台",
    "product_name": "随心借",
    "kind": "daily_rate",
    "amount": "10万",
    "term_months": 12,
    "daily_rate": "万3",
}


def _as(api_client, user):
    api_client.force_authenticate(user)
    return api_client


@pytest.mark.django_db
def test_api_records_a_daily_rate_with_charges_and_facts(api_client, org):
    body = {
        **DAILY,
        "charges": [
            {"name": "服务费", "kind": "deducted", "amount": "3,000"},
            {"name": "保证金", "kind": "deposit", "percent": "10%"},
        ],
        "approval_days": 1,
        "documents": "身份证",
        "collateral": "none",
        "entrusted_payment": "no",
        "prepayment_penalty": "1",
    }
    response = _as(api_client, org.cm_a).post("/api/v1/competitor-offers/", body, format="json")
    assert response.status_code == 201, response.json()
    stored = StoredOffer.objects.get()
    assert stored.daily_rate == D("0.0300") and stored.kind == "daily_rate"
    assert stored.charges == [
        {"name": "服务费", "kind": "deducted", "amount": "3000.00", "percent": None},
        {"name": "保证金", "kind": "deposit", "amount": None, "percent": "10"},
    ]
    assert stored.prepayment_penalty == D("1.0000") and stored.approval_days == 1
    data = response.json()
    assert data["daily_rate"] == "0.0300"
    assert data["converted"]["net_received"] == "87000.00"
    assert data["converted"]["disbursed"] == "87000.00"
    assert data["converted"]["facts"]["approval_days"] == 1
    assert data["converted"]["facts"]["entrusted_payment"] == "不需要"
    assert data["converted"]["facts"]["prepayment"] == "违约金为提前归还本金的 1.00%"
    offer = stored.as_offer()
    assert offer.charges[1].percent == D("0.1") and offer.nominal_annual_rate == D("0.108")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"kind": "monthly_rate", "monthly_rate": "5厘"}, "competitor_rate_ambiguous", "monthly_rate"),
        ({"daily_rate": "5厘"}, "competitor_rate_ambiguous", "daily_rate"),
        (
            {"charges": [{"name": "服务费", "kind": "deducted", "amount": "-3000"}]},
            "competitor_charge_invalid",
            "charges",
        ),
        (
            {"charges": [{"name": "服务费", "kind": "upfront", "percent": "-3"}]},
            "competitor_charge_invalid",
            "charges",
        ),
        ({"approval_days": 400}, "competitor_facts_invalid", "approval_days"),
    ],
)
def test_api_refuses_and_records_nothing(api_client, org, change, code, field):
    response = _as(api_client, org.cm_a).post(
        "/api/v1/competitor-offers/", {**DAILY, **change}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == code
    assert field in str(response.json())
    assert not StoredOffer.objects.exists()
    assert not AuditEvent.objects.filter(action="competitor_offer.record").exists()


@pytest.mark.django_db
def test_a_bare_li_is_refused_with_the_accepted_forms_listed(api_client, org):
    body = {**DAILY, "kind": "monthly_rate", "monthly_rate": "5厘"}
    said = str(_as(api_client, org.cm_a).post("/api/v1/competitor-offers/", body, format="json").json())
    assert "月息5厘" in said and "年息5厘" in said and RATE_FORMS in said


@pytest.mark.django_db
def test_page_records_a_deduction_and_the_comparison_shows_the_facts(
    client, org, small_catalogue, li, li_graded
):
    client.force_login(org.cm_a)
    form = {
        "institution": "某小贷公司",
        "product_name": "极速贷",
        "kind": "monthly_rate",
        "amount": "150000",
        "term_months": "36",
        "method": "equal_installment",
        "monthly_rate": "月息5厘",
        "approval_days": "2",
        "collateral": "none",
        "entrusted_payment": "yes",
        "quoted_on": "2026-01-05",
        "charges-TOTAL_FORMS": "2",
        "charges-INITIAL_FORMS": "0",
        "charges-MIN_NUM_FORMS": "0",
        "charges-MAX_NUM_FORMS": "10",
        "charges-0-name": "服务费",
        "charges-0-kind": "deducted",
        "charges-0-amount": "4500",
        "charges-1-name": "",
        "charges-1-kind": "deducted",
    }
    response = client.post(f"/solutions/competitors/new/?customer={li.pk}", form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    stored = StoredOffer.objects.get()
    assert stored.monthly_rate == D("0.5000") and stored.charges[0]["amount"] == "4500.00"
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="net-received">145,500.00<' in html
    assert "《民法典》第六百七十条" in html
    approval = html.split('data-testid="fact-approval"')[1].split("</tr>")[0]
    entrusted = html.split('data-testid="fact-entrusted"')[1].split("</tr>")[0]
    assert "约 2 天" in approval and approval.count("<td>") >= 2
    assert "<td>需要</td>" in entrusted and "自主支付" in entrusted


@pytest.mark.django_db
def test_page_refuses_a_negative_fee(client, org):
    client.force_login(org.cm_a)
    form = {
        **{k: str(v) for k, v in DAILY.items()},
        "method": "equal_installment",
        "quoted_on": "2026-01-05",
        "charges-TOTAL_FORMS": "1",
        "charges-INITIAL_FORMS": "0",
        "charges-0-name": "服务费",
        "charges-0-kind": "deducted",
        "charges-0-amount": "-3000",
    }
    response = client.post("/solutions/competitors/new/", form)
    assert response.status_code == 400
    assert "金额不能为负数。" in response.content.decode()
    assert not StoredOffer.objects.exists()


@pytest.mark.django_db
def test_page_records_a_high_daily_rate_and_flags_it(client, org):
    client.force_login(org.cm_a)
    form = {
        **{k: str(v) for k, v in DAILY.items()},
        "daily_rate": "万12",
        "method": "equal_installment",
        "quoted_on": "2026-01-05",
    }
    response = client.post("/solutions/competitors/new/", form, follow=True)
    assert response.status_code == 200
    said = [str(m) for m in response.context["messages"]]
    assert "注意：名义年利率 43.20% 已超过 36%。" in said
    assert StoredOffer.objects.get().daily_rate == D("0.1200")
