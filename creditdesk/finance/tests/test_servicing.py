"""The servicing engine: a loan's story told in fen, with hand-worked penalty and 复利 figures."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creditdesk.core.money import D, to_fen
from creditdesk.finance.schedule import build_schedule
from creditdesk.finance.servicing import (
    Bucket,
    Due,
    LoanBook,
    Payment,
    PenaltyTerms,
    ServicingError,
    allocation_order,
    replay,
)
from creditdesk.finance.terms import LoanTerms, Method

TERMS = PenaltyTerms(annual_rate=Decimal("0.036"))
START = date(2026, 1, 10)


def _dues(principal: str = "100000", rate: str = "0.036", periods: int = 12) -> list[Due]:
    schedule = build_schedule(
        LoanTerms(
            method=Method.EQUAL_INSTALLMENT,
            principal=D(principal),
            annual_rate=D(rate),
            periods=periods,
            start_date=START,
        )
    )
    return [
        Due(row.period, row.due_date, to_fen(row.principal), to_fen(row.interest), to_fen(row.fee))
        for row in schedule.installments
    ]


def test_the_first_instalment_is_the_worked_figure() -> None:
    first = _dues()[0]
    assert (first.due_date, first.principal, first.interest) == (date(2026, 2, 10), 819673, 30000)


def test_thirty_days_late_owes_penalty_and_compound_worked_by_hand() -> None:
    # 8,196.73 × 3.6% × 1.5 / 360 × 30 = 36.885… → 36.89; 复利 300.00 × 0.054 / 360 × 30 = 1.35
    book, _ = replay(_dues(), [], start=START, through=date(2026, 3, 12), terms=TERMS)
    first, second = book.rows[:2]
    assert (TERMS.amount(first.penalty_basis), TERMS.amount(first.compound_basis)) == (3689, 135)
    # instalment 2 (8,221.32 + 275.41, due 03-10) is two days late: 2.466… → 2.47 and 0.0826… → 0.08
    assert (TERMS.amount(second.penalty_basis), TERMS.amount(second.compound_basis)) == (247, 8)
    totals = book.totals()
    assert (totals.penalty, totals.compound, totals.dpd) == (3689 + 247, 135 + 8, 30)
    assert (totals.overdue_principal, totals.overdue_interest) == (819673 + 822132, 30000 + 27541)
    assert totals.interest_receivable == 30000 + 27541
    assert totals.oldest_unpaid_due == date(2026, 2, 10)


def test_paying_on_the_due_date_owes_no_penalty_one_day_later_one_day() -> None:
    on_time, _ = replay(
        _dues(), [Payment(1, date(2026, 2, 10), 849673)], start=START, through=date(2026, 2, 10), terms=TERMS
    )
    assert on_time.totals().penalty == 0 and on_time.rows[0].settled_on == date(2026, 2, 10)
    late, allocations = replay(
        _dues(),
        [Payment(1, date(2026, 2, 11), 849673 + 200)],
        start=START,
        through=date(2026, 2, 11),
        terms=TERMS,
    )
    # one day: 8,196.73 × 0.00015 = 1.229… → 1.23; 复利 300 × 0.00015 = 0.045 → 0.05 (half-up)
    assert allocations[1].by_bucket() == {
        Bucket.PENALTY: 123,
        Bucket.COMPOUND: 5,
        Bucket.OVERDUE_INTEREST: 30000,
        Bucket.OVERDUE_PRINCIPAL: 819673,
    }
    assert allocations[1].credit == 200 - 128
    assert late.totals().dpd == 0


def test_a_backdated_repayment_recomputes_penalty_from_its_value_date() -> None:
    # Accrued through 03-12 without payment, then 8,496.73 arrives dated 02-20 (10 days late): penalty
    # 12.30 and 复利 0.45 come first, so 12.75 of principal stays unpaid and accrues 20 more days.
    book, allocations = replay(
        _dues(), [Payment(1, date(2026, 2, 20), 849673)], start=START, through=date(2026, 3, 12), terms=TERMS
    )
    assert allocations[1].by_bucket() == {
        Bucket.PENALTY: 1230,
        Bucket.COMPOUND: 45,
        Bucket.OVERDUE_INTEREST: 30000,
        Bucket.OVERDUE_PRINCIPAL: 819673 - 1275,
    }
    first = book.rows[0]
    assert first.penalty_basis == 819673 * 10 + 1275 * 20
    assert TERMS.amount(first.penalty_basis) == 1233  # 12.33: 0.03 still owed
    totals = book.totals()
    # instalment 2 is two days late as well (0.03 + 2.47 + 0.08 owed in penalty and 复利)
    assert (totals.dpd, totals.overdue_principal, totals.penalty_receivable) == (
        30,
        1275 + 822132,
        3 + 247 + 8,
    )


def test_an_early_payment_waits_as_credit_and_pays_the_instalment_on_its_due_date() -> None:
    book, allocations = replay(
        _dues(), [Payment(1, date(2026, 2, 5), 849673)], start=START, through=date(2026, 2, 28), terms=TERMS
    )
    assert allocations[1].credit == 849673 and allocations[1].shares == ()
    assert book.credit == 0 and book.rows[0].settled_on == date(2026, 2, 10)
    assert book.totals().penalty == 0


def test_stepping_day_by_day_equals_one_replay() -> None:
    dues = _dues()
    day_by_day = LoanBook(rows=[_row(d) for d in dues], accrued_through=START, terms=TERMS)
    day = START
    while day < date(2026, 6, 30):
        day += timedelta(days=1)
        if day == date(2026, 4, 1):
            day_by_day.pay(day, 1000000)
        day_by_day.accrue(day)
    whole, _ = replay(
        dues, [Payment(1, date(2026, 4, 1), 1000000)], start=START, through=date(2026, 6, 30), terms=TERMS
    )
    assert day_by_day.rows == whole.rows and day_by_day.totals() == whole.totals()


def _row(due: Due):  # type: ignore[no-untyped-def]
    from creditdesk.finance.servicing import Row

    return Row(due.period, due.due_date, due.principal, due.interest, due.fee)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=400), st.integers(min_value=1, max_value=2_000_000)),
        max_size=8,
    ),
    st.integers(min_value=1, max_value=420),
)
def test_forward_from_any_stored_state_equals_the_replay(raw: list[tuple[int, int]], horizon: int) -> None:
    """Moving forward (day by day, repayments when they come) equals replaying from the schedule, and
    every fen paid is either allocated or held as credit."""
    dues = _dues(periods=12)
    payments = [Payment(i, START + timedelta(days=offset), amount) for i, (offset, amount) in enumerate(raw)]
    through = START + timedelta(days=max([horizon, *(offset for offset, _ in raw)]))
    whole, allocations = replay(dues, payments, start=START, through=through, terms=TERMS)
    forward = LoanBook(rows=[_row(d) for d in dues], accrued_through=START, terms=TERMS)
    for payment in sorted(payments, key=lambda p: (p.value_date, p.seq)):
        forward.accrue(payment.value_date)
        forward.pay(payment.value_date, payment.amount)
    forward.accrue(through)
    assert forward.rows == whole.rows and forward.credit == whole.credit
    totals = whole.totals()
    paid = (
        totals.principal_paid
        + totals.interest_paid
        + totals.fee_paid
        + totals.penalty_paid
        + totals.compound_paid
    )
    assert paid + totals.credit == sum(amount for _, amount in raw)
    assert sum(a.credit + sum(s.amount for s in a.shares) for a in allocations.values()) == sum(
        a for _, a in raw
    )
    assert 0 <= totals.principal_outstanding <= 10000000
    assert totals.penalty_receivable >= 0


def test_a_backdated_payment_on_a_book_is_refused_and_zero_amounts_too() -> None:
    book, _ = replay(_dues(), [], start=START, through=date(2026, 3, 1), terms=TERMS)
    with pytest.raises(ServicingError) as backdated:
        book.pay(date(2026, 2, 1), 100)
    assert backdated.value.code == "repayment_backdated"
    with pytest.raises(ServicingError) as zero:
        book.pay(date(2026, 3, 1), 0)
    assert zero.value.code == "repayment_amount_invalid"


def test_a_product_may_take_principal_before_interest() -> None:
    order = allocation_order(
        [
            "overdue_principal",
            "overdue_interest",
            "penalty",
            "compound",
            "overdue_fee",
            "current_principal",
            "current_interest",
            "current_fee",
        ]
    )
    _, allocations = replay(
        _dues(),
        [Payment(1, date(2026, 2, 20), 819673)],
        start=START,
        through=date(2026, 2, 20),
        terms=TERMS,
        order=order,
    )
    assert allocations[1].by_bucket() == {Bucket.OVERDUE_PRINCIPAL: 819673}
    with pytest.raises(ServicingError):
        allocation_order(["penalty", "penalty"])
