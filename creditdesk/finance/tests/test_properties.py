"""Properties over random loans (hypothesis): 1,000.00–10,000,000.00 (whole fen), 0–24%, 1–360 periods,
every scheduled method, monthly and quarterly, with and without a broken first period."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal, localcontext

from hypothesis import given, settings
from hypothesis import strategies as st

from creditdesk.core.money import from_fen, to_fen
from creditdesk.finance.apr import cashflows, irr
from creditdesk.finance.prepayment import KeepOption, prepay
from creditdesk.finance.schedule import annuity_factor, annuity_payment, build_schedule
from creditdesk.finance.terms import Frequency, LoanTerms, Method

FAST = settings(max_examples=60, deadline=None)
SCHEDULED = [Method.EQUAL_INSTALLMENT, Method.EQUAL_PRINCIPAL, Method.INTEREST_ONLY, Method.BULLET]


@st.composite
def loans(draw, methods=SCHEDULED, broken=True, frequencies=tuple(Frequency)) -> LoanTerms:
    method = draw(st.sampled_from(methods))
    frequency = draw(st.sampled_from(frequencies))
    quarterly = frequency == Frequency.QUARTERLY and method != Method.BULLET
    start = draw(st.dates(date(2020, 1, 1), date(2035, 12, 31)))
    first_due = None
    if broken and method != Method.BULLET and draw(st.booleans()):
        first_due = start + timedelta(days=draw(st.integers(1, 120 if quarterly else 59)))
    return LoanTerms(
        method=method,
        principal=from_fen(draw(st.integers(100_000, 1_000_000_000))),
        annual_rate=Decimal(draw(st.integers(0, 2400))) / 10000,
        periods=draw(st.integers(1, 120 if quarterly else 360)),
        start_date=start,
        frequency=frequency,
        first_due_date=first_due,
    )


@FAST
@given(loans())
def test_principal_adds_up_balances_never_negative_and_dates_increase(terms):
    schedule = build_schedule(terms)
    rows = schedule.installments
    assert schedule.total_principal == terms.principal
    balance = terms.principal
    for row in rows:
        assert row.principal >= 0 and row.interest >= 0
        assert row.payment == row.principal + row.interest
        assert row.balance == balance - row.principal >= 0
        balance = row.balance
    assert rows[-1].balance == 0
    dates = [terms.start_date] + [row.due_date for row in rows]
    assert all(a < b for a, b in itertools.pairwise(dates))
    assert [row.period for row in rows] == list(range(1, len(rows) + 1))
    assert len(rows) <= (1 if terms.method == Method.BULLET else terms.periods)


@FAST
@given(loans(methods=[Method.EQUAL_INSTALLMENT]))
def test_equal_installment_payments_equal_except_the_last(terms):
    rows = build_schedule(terms).installments
    ppy = terms.frequency.periods_per_year
    regular = rows[1:-1] if terms.first_due_date else rows[:-1]  # period 1 of a broken schedule differs
    payment = annuity_payment(terms.principal, terms.annual_rate, terms.periods, ppy)
    assert {row.payment for row in regular} <= {payment}
    assert rows[-1].payment > 0


@FAST
@given(loans(methods=[Method.EQUAL_PRINCIPAL]))
def test_equal_principal_principal_equal_except_the_last(terms):
    rows = build_schedule(terms).installments
    assert len({row.principal for row in rows[:-1]}) <= 1


@FAST
@given(loans(methods=[Method.EQUAL_INSTALLMENT], broken=False))
def test_irr_of_a_no_fee_annuity_is_the_nominal_periodic_rate(terms):
    """The IRR is the nominal periodic rate, up to what fen rounding of each instalment's interest moves
    it: to first order, Σ|e_t|v^t / Σ B_{t−1}v^t with e_t = interest_t − B_{t−1}·i (the NPV at i divided
    by its slope). For large loans that is far below 1e-9; for 1,000.00 at 24% over 360 months about 1e-6."""
    schedule = build_schedule(terms)
    ppy = terms.frequency.periods_per_year
    with localcontext(prec=34):
        i = terms.annual_rate / ppy
        v = 1 / (1 + i)
        moved = slope = Decimal(0)
        balance = terms.principal
        for t, row in enumerate(schedule.installments, start=1):
            moved += abs(row.interest - balance * terms.annual_rate / ppy) * v**t
            slope += balance * v**t
            balance = row.balance
        assert abs(irr(cashflows(schedule)) - i) <= Decimal("1e-9") + Decimal("1.05") * moved / slope
        # the exact (unrounded) annuity: the solver alone, to 1e-9
        exact = terms.principal * annuity_factor(i, terms.periods)
        assert abs(irr([terms.principal] + [-exact] * terms.periods) - i) < Decimal("1e-9")


@FAST
@given(loans(), st.data())
def test_prepayment_never_increases_total_interest(terms, data):
    schedule = build_schedule(terms)
    days = (schedule.maturity_date - terms.start_date).days
    on = terms.start_date + timedelta(days=data.draw(st.integers(0, days - 1), label="day"))
    paid = [row for row in schedule.installments if row.due_date <= on]
    outstanding = paid[-1].balance if paid else terms.principal
    amount = from_fen(data.draw(st.integers(1, to_fen(outstanding)), label="fen"))
    options = [KeepOption.TERM]
    if terms.method in (Method.EQUAL_INSTALLMENT, Method.EQUAL_PRINCIPAL):
        options.append(KeepOption.PAYMENT)
    keep = data.draw(st.sampled_from(options), label="keep")
    result = prepay(schedule, amount=amount, on=on, keep=keep)

    assert result.interest_saved >= 0
    assert result.full == (amount == outstanding) == (result.new is None)
    if result.new is not None:
        rows = result.new.installments
        assert result.new.total_principal == outstanding - amount
        assert all(row.balance >= 0 for row in rows) and rows[-1].balance == 0
        remaining = [row.due_date for row in schedule.installments[len(paid) :]]
        assert [row.due_date for row in rows] == remaining[: len(rows)]
        if keep == KeepOption.TERM:
            assert len(rows) <= len(remaining)
