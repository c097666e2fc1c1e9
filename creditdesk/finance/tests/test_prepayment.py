"""Prepayment (提前还款): worked cases by hand, both keep options, full prepayment, penalties, refusals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditdesk.finance.prepayment import KeepOption, PenaltyRule, prepay
from creditdesk.finance.schedule import Schedule, build_schedule
from creditdesk.finance.terms import CalculationError, Fee, FeeTiming, Frequency, LoanTerms, Method

D = Decimal
START = date(2026, 1, 20)


def schedule(
    method=Method.EQUAL_INSTALLMENT, principal="100000.00", rate="0.036", periods=12, **kw
) -> Schedule:
    return build_schedule(LoanTerms(method, D(principal), D(rate), periods, kw.pop("start", START), **kw))


def assert_consistent(result) -> None:
    """The new schedule repays exactly what is left, and the saving adds up."""
    new = result.new
    assert new.total_principal == result.outstanding - result.amount == new.terms.principal
    assert new.installments[-1].balance == 0
    assert all(row.balance >= 0 for row in new.installments)
    assert new.installments[0].due_date > result.date
    spent = result.interest_paid + result.accrued_interest + new.total_interest
    assert result.interest_saved == result.original.total_interest - spent


def test_interest_only_partial_by_hand():
    """100,000 at 3.6%, 先息后本; 40,000 prepaid on 2026-03-05, 13 days after the 2026-02-20 instalment."""
    result = prepay(
        schedule(Method.INTEREST_ONLY), amount=D("40000.00"), on=date(2026, 3, 5), keep=KeepOption.TERM
    )
    assert (result.periods_paid, result.outstanding, result.interest_paid) == (1, D("100000.00"), D("300.00"))
    assert result.accrued_interest == D("130.00")  # 100,000 × 3.6%/360 × 13
    rows = result.new.installments
    # the 60,000 that stays owes its regular month (180.00) less the 13 days paid with the prepayment (78.00)
    assert rows[0].interest == D("102.00")
    assert [row.interest for row in rows[1:]] == [D("180.00")] * 10
    assert [row.principal for row in rows] == [D("0.00")] * 10 + [D("60000.00")]
    assert [row.due_date for row in rows] == [row.due_date for row in result.original.installments[1:]]
    # 40,000 no longer earns 11 months × 120.00, but did earn its 13 days (52.00)
    assert result.interest_saved == D("1268.00") == 40000 * D("0.003") * 11 - 40000 * D("0.0001") * 13
    assert (result.penalty, result.full) == (D("0.00"), False)
    assert result.total_due == D("40130.00")
    assert_consistent(result)


def test_equal_installment_keep_term_lowers_the_payment():
    original = schedule(principal="1000000.00", rate="0.049", periods=360)
    result = prepay(original, amount=D("200000.00"), on=date(2027, 3, 5), keep=KeepOption.TERM)
    assert (result.periods_paid, result.outstanding) == (13, D("983693.12"))
    assert result.accrued_interest == D("1740.59")  # 983,693.12 × 4.9%/360 × 13
    rows = result.new.installments
    assert len(rows) == 347 and rows[-1].due_date == original.maturity_date
    # M' = M − floor(A·a(347)) = 5,307.27 − 1,079.04 (re-amortizing 783,693.12 afresh would give 4,228.22:
    # the original schedule's rounding residue stays in its last instalment, where it was)
    assert {row.payment for row in rows[1:-1]} == {D("4228.23")}
    assert rows[0].principal == D("4228.23") - D("3200.08")  # split off the regular interest, 783,693.12 × i
    assert result.interest_saved > 0
    assert result.new.terms.start_date == date(2027, 3, 5)
    assert result.new.terms.first_due_date == date(2027, 3, 20)
    assert_consistent(result)


def test_equal_installment_keep_payment_shortens_the_term():
    original = schedule(principal="1000000.00", rate="0.049", periods=360)
    result = prepay(original, amount=D("200000.00"), on=date(2027, 3, 5), keep=KeepOption.PAYMENT)
    rows = result.new.installments
    assert len(rows) < 347
    assert {row.payment for row in rows[1:-1]} == {D("5307.27")}
    assert rows[-1].payment <= D("5307.27")
    keep_term = prepay(original, amount=D("200000.00"), on=date(2027, 3, 5), keep=KeepOption.TERM)
    assert result.interest_saved > keep_term.interest_saved  # repaying faster saves more
    assert_consistent(result)


def test_equal_principal_on_a_due_date_both_options():
    original = schedule(Method.EQUAL_PRINCIPAL)
    on = date(2026, 3, 20)  # the 2nd instalment is due (and paid) that day
    shorter = prepay(original, amount=D("30000.00"), on=on, keep=KeepOption.PAYMENT)
    assert (shorter.periods_paid, shorter.outstanding, shorter.accrued_interest) == (
        2,
        D("83333.34"),
        D("0.00"),
    )
    assert [row.principal for row in shorter.new.installments] == [D("8333.33")] * 6 + [D("3333.36")]
    assert shorter.new.installments[0].interest == D("160.00")  # 53,333.34 × 0.3%, a full regular month
    same_term = prepay(original, amount=D("30000.00"), on=on, keep=KeepOption.TERM)
    # P/n − A/n' = 8,333.33 − 3,000.00 would not repay 53,333.34 in 10 months: 5,333.34 does
    assert [row.principal for row in same_term.new.installments] == [D("5333.34")] * 9 + [D("5333.28")]
    for result in (shorter, same_term):
        assert_consistent(result)


def test_bullet_partial_by_hand():
    original = schedule(Method.BULLET, rate="0.0345", start=date(2025, 1, 20))
    result = prepay(original, amount=D("50000.00"), on=date(2025, 7, 20), keep=KeepOption.TERM)
    assert result.accrued_interest == D("1734.58")  # 100,000 × 3.45%/360 × 181
    (row,) = result.new.installments
    # the period's total, rounded once: 1,734.583… + 50,000 × 3.45%/360 × 184 (881.666…) = 2,616.25
    assert (row.due_date, row.principal, row.interest) == (date(2026, 1, 20), D("50000.00"), D("881.67"))
    assert result.interest_saved == D("3497.92") - D("2616.25")
    assert (result.new.terms.periods, result.new.terms.first_due_date) == (6, date(2026, 1, 20))
    assert build_schedule(result.new.terms).installments[0].due_date == date(2026, 1, 20)
    assert_consistent(result)


def test_full_prepayment():
    original = schedule()
    result = prepay(original, amount=D("83581.95"), on=date(2026, 4, 10), keep=KeepOption.TERM)
    assert result.outstanding == D("83581.95") == original.installments[1].balance
    assert (result.full, result.new) == (True, None)
    # 100,000 − 8,196.73 (300.00 interest) − 8,221.32 (275.41 interest) = 83,581.95
    assert result.interest_paid == D("575.41")
    assert result.accrued_interest == D("175.52")  # 83,581.95 × 3.6%/360 × 21
    assert result.interest_saved == original.total_interest - D("575.41") - D("175.52")
    # keep makes no difference when nothing remains
    assert prepay(original, amount=D("83581.95"), on=date(2026, 4, 10), keep=KeepOption.PAYMENT) == result


def test_full_prepayment_on_the_drawdown_day_costs_no_interest():
    original = schedule()
    result = prepay(original, amount=D("100000.00"), on=START, keep=KeepOption.TERM)
    assert (result.accrued_interest, result.interest_saved, result.periods_paid) == (
        D("0.00"),
        original.total_interest,
        0,
    )


def test_prepayment_inside_a_broken_first_period():
    original = schedule(Method.INTEREST_ONLY, first_due_date=date(2026, 3, 5))  # 44 days: 440.00
    result = prepay(original, amount=D("50000.00"), on=date(2026, 2, 9), keep=KeepOption.TERM)
    assert result.accrued_interest == D("200.00")  # 100,000 × 0.01% × 20
    assert result.new.installments[0].interest == D("120.00")  # 50,000 × 0.01% × 24
    assert_consistent(result)


def test_accrued_interest_never_exceeds_the_regular_period():
    """A 92-day quarter (2025-11-26 → 2026-02-26) prepaid on day 91: 91 days at R/360 (910.00) would cost
    more than the quarter itself (R/4: 900.00)."""
    original = schedule(
        Method.INTEREST_ONLY, periods=2, frequency=Frequency.QUARTERLY, start=date(2025, 8, 26)
    )
    result = prepay(original, amount=D("10000.00"), on=date(2026, 2, 25), keep=KeepOption.TERM)
    assert result.accrued_interest == D("900.00")
    assert result.new.installments[0].interest == D("0.00")
    assert result.interest_saved == D("0.00")
    assert_consistent(result)


def test_fees_follow_the_remaining_schedule():
    fees = (
        Fee(D("500.00"), FeeTiming.UPFRONT),
        Fee(D("10.00"), FeeTiming.PER_PERIOD),
        Fee(D("50.00"), FeeTiming.AT_END),
    )
    result = prepay(schedule(fees=fees), amount=D("20000.00"), on=date(2026, 5, 1), keep=KeepOption.PAYMENT)
    fees_new = [row.fee for row in result.new.installments]
    assert fees_new == [D("10.00")] * (len(fees_new) - 1) + [D("60.00")]
    assert result.new.upfront_fees == 0


@pytest.mark.parametrize(
    ("rule", "on", "penalty"),
    [
        (PenaltyRule(percent_of_prepaid=D("0.01")), date(2026, 6, 1), D("300.00")),
        (PenaltyRule(months_of_interest=3), date(2026, 6, 1), D("270.00")),  # 30,000 × 0.3% × 3
        (PenaltyRule(percent_of_prepaid=D("0.01"), waived_after_months=12), date(2027, 1, 19), D("300.00")),
        (PenaltyRule(percent_of_prepaid=D("0.01"), waived_after_months=12), date(2027, 1, 20), D("0.00")),
        (PenaltyRule(months_of_interest=2, waived_after_months=0), date(2026, 6, 1), D("0.00")),
        (PenaltyRule(), date(2026, 6, 1), D("0.00")),
    ],
)
def test_penalty_rules(rule, on, penalty):
    original = schedule(Method.INTEREST_ONLY, periods=24)
    result = prepay(original, amount=D("30000.00"), on=on, keep=KeepOption.TERM, penalty_rule=rule)
    assert result.penalty == penalty
    assert result.net_saving == result.interest_saved - penalty


REFUSALS = [
    ({"amount": D("0.00")}, "prepayment_amount_not_positive", "amount"),
    ({"amount": D("-5.00")}, "prepayment_amount_not_positive", "amount"),
    ({"amount": D("1.001")}, "prepayment_amount_not_fen", "amount"),
    ({"amount": 100.0}, "not_decimal", "amount"),
    ({"amount": D("100000.01")}, "prepayment_exceeds_balance", "amount"),
    ({"amount": D("83581.96"), "on": date(2026, 3, 20)}, "prepayment_exceeds_balance", "amount"),
    ({"on": date(2026, 1, 19)}, "prepayment_before_start", "date"),
    ({"on": date(2027, 1, 20)}, "prepayment_after_maturity", "date"),
    ({"on": date(2027, 6, 1)}, "prepayment_after_maturity", "date"),
    ({"keep": "shorter"}, "keep_unknown", "keep"),
    ({"penalty_rule": PenaltyRule(D("0.01"), 3)}, "penalty_rule_ambiguous", "penalty_rule"),
    ({"penalty_rule": PenaltyRule(D("-0.01"))}, "penalty_rule_invalid", "penalty_rule"),
    ({"penalty_rule": PenaltyRule(months_of_interest=-1)}, "penalty_rule_invalid", "penalty_rule"),
    ({"penalty_rule": PenaltyRule(0.01)}, "not_decimal", "penalty_rule"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("changes", "code", "field"), REFUSALS)
def test_refusals(changes, code, field):
    kwargs = {"amount": D("10000.00"), "on": date(2026, 3, 1), "keep": KeepOption.TERM, **changes}
    with pytest.raises(CalculationError) as refused:
        prepay(schedule(), **kwargs)
    assert (refused.value.code, refused.value.extra["field"]) == (code, field)


@pytest.mark.parametrize("method", [Method.INTEREST_ONLY, Method.BULLET])
def test_keep_payment_makes_no_sense_for_interest_only_and_bullet(method):
    original = schedule(method)
    with pytest.raises(CalculationError) as refused:
        prepay(original, amount=D("10000.00"), on=date(2026, 3, 1), keep=KeepOption.PAYMENT)
    assert (refused.value.code, refused.value.extra["field"]) == ("keep_payment_not_applicable", "keep")
    # a full prepayment leaves nothing to keep: allowed
    assert prepay(original, amount=D("100000.00"), on=date(2026, 3, 1), keep=KeepOption.PAYMENT).full
