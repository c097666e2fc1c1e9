"""Repayment schedules (还款计划) for 等额本息, 等额本金, 先息后本 and 一次性还本付息.

RULES.md, to the fen:
- A regular period earns balance × R/12 (R/4 a quarter); a broken period earns balance × R/360 × actual
  days, counting the first day and not the last (算头不算尾). Each instalment's interest is computed at full
  precision and rounded half-up to the fen.
- 等额本息: M = P·i·(1+i)^n / ((1+i)^n − 1), rounded half-up to the fen (P/n at a zero rate);
  principal_k = M − interest_k. 等额本金: principal_k = P/n rounded. 先息后本: interest each period, all
  principal with the last. 一次性还本付息: one instalment at maturity, interest = P × R/360 × actual days.
- The last instalment takes whatever principal is left, so the principal column adds up exactly to the
  loan; no principal is ever larger than the balance it repays.

Rounding M to the fen shifts the balance a little each period, and the shift compounds: at extreme rate ×
term (1,000.00 at 24% over 360 months: M = 20.02 for an exact 20.016…) the loan is repaid before period
n. The schedule then ends with the instalment that repays it (smaller than M), so it can hold fewer than
``terms.periods`` instalments; it never lists instalments of 0.00. (Rounded down instead, M leaves the
shift to the last instalment, which is then larger than M.) The same holds for 等额本金 when P/n rounds up
on a tiny loan.

Broken first period (``LoanTerms.first_due_date`` other than the regular first due date): its interest is
actual/360 on the principal; the principal column is the one of a regular schedule — for 等额本息 M is
computed on n periods as usual and period 1 repays M − P·i of principal, so period 1's payment is that
principal plus the broken-period interest (it differs from M) and every later period pays M. Later due
dates are anchored on the first due date's day. A first due date equal to the regular one is a regular
period (a month earns i whether it has 28 or 31 days).

Revolving credit (随借随还) has no schedule: see ``revolving``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from functools import cached_property
from typing import NamedTuple

from creditdesk.core.money import FEN, ROUNDING, ZERO, round_fen
from creditdesk.finance.terms import (
    DAYS_IN_YEAR,
    DEFAULT_MAX_ANNUAL_RATE,
    DEFAULT_MAX_PERIODS_MONTHS,
    FeeTiming,
    Frequency,
    LoanTerms,
    Method,
    refuse,
    validate_terms,
)
from creditdesk.finance.terms import due_date as due_date

PRECISION = 34  # significant digits for powers and rates (RULES.md: full precision, then the fen)


class Installment(NamedTuple):
    """One period: ``payment`` = principal + interest (fees separate); ``balance`` = principal left.

    Immutable. A ``NamedTuple`` rather than a frozen dataclass because a schedule creates hundreds of
    rows and a frozen dataclass sets each field through ``object.__setattr__`` (about 3x slower to build).
    Equality stays that of the former dataclass: a row equals only another ``Installment`` with the same
    fields, never a plain tuple (``__eq__``/``__ne__`` below); the hash is the same as before (that of
    the fields' tuple). Being a tuple it can also be unpacked, indexed and ordered; to change a field use
    ``row._replace(...)`` (``dataclasses.replace`` no longer applies).
    """

    period: int
    due_date: date
    payment: Decimal
    principal: Decimal
    interest: Decimal
    balance: Decimal
    fee: Decimal = ZERO

    # As the dataclass did: equal fields of the same class. Another tuple is unequal (False rather than
    # NotImplemented, else Python would fall back on the tuple's own comparison and find it equal).
    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return tuple.__eq__(self, other)
        return False if isinstance(other, tuple) else NotImplemented

    def __ne__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return tuple.__ne__(self, other)
        return True if isinstance(other, tuple) else NotImplemented

    def __hash__(self) -> int:  # defining __eq__ would otherwise make rows unhashable
        return tuple.__hash__(self)


@dataclass(frozen=True)
class Schedule:
    """The instalments of ``terms``. The totals are computed on first use and kept (``cached_property``
    writes to the instance ``__dict__``, which a frozen, non-slotted dataclass allows; equality and
    ``dataclasses.replace`` still see only ``terms`` and ``installments``)."""

    terms: LoanTerms
    installments: tuple[Installment, ...]

    @cached_property
    def total_interest(self) -> Decimal:
        return sum((row.interest for row in self.installments), ZERO)

    @cached_property
    def total_principal(self) -> Decimal:
        return sum((row.principal for row in self.installments), ZERO)

    @cached_property
    def total_payment(self) -> Decimal:
        """Principal + interest over all instalments (fees are in ``total_fees``)."""
        return sum((row.payment for row in self.installments), ZERO)

    @property
    def upfront_fees(self) -> Decimal:
        return self.terms.fee_total(FeeTiming.UPFRONT)

    @cached_property
    def total_fees(self) -> Decimal:
        """Every fee of the loan: upfront (deducted at drawdown) plus those paid with instalments."""
        return self.upfront_fees + sum((row.fee for row in self.installments), ZERO)

    @property
    def maturity_date(self) -> date:
        return self.installments[-1].due_date


def period_interest(balance: Decimal, annual_rate: Decimal, periods_per_year: int) -> Decimal:
    """balance × R / k at full precision (multiplying first keeps exact ties exact for rounding)."""
    with localcontext(prec=PRECISION):
        return balance * annual_rate / periods_per_year


def day_interest(balance: Decimal, annual_rate: Decimal, days: int) -> Decimal:
    """balance × R/360 × days at full precision (actual/360)."""
    with localcontext(prec=PRECISION):
        return balance * annual_rate * days / DAYS_IN_YEAR


def annuity_factor(rate: Decimal, periods: int) -> Decimal:
    """i(1+i)^n / ((1+i)^n − 1): the payment per yuan of principal; 1/n at a zero rate."""
    with localcontext(prec=PRECISION):
        if rate == 0:
            return Decimal(1) / periods
        growth = (1 + rate) ** periods
        return rate * growth / (growth - 1)


def annuity_payment(
    principal: Decimal, annual_rate: Decimal, periods: int, periods_per_year: int = 12
) -> Decimal:
    """The 等额本息 payment M, rounded half-up to the fen."""
    with localcontext(prec=PRECISION):
        return round_fen(principal * annuity_factor(annual_rate / periods_per_year, periods))


def floor_fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_FLOOR)


def ceil_fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_CEILING)


def due_dates(terms: LoanTerms) -> list[date]:
    """Every due date of the schedule (one, at maturity, for a bullet loan)."""
    if terms.method == Method.BULLET:
        return [terms.first_due_date or due_date(terms.start_date, terms.periods)]
    step = Frequency(terms.frequency).months_per_period
    if terms.first_due_date is not None:  # later dates are anchored on the first due date
        anchor, first = terms.first_due_date, 0
    else:
        anchor, first = terms.start_date, step
    offsets = range(first, first + terms.periods * step, step)  # months after the anchor
    if anchor.day > 28:  # a day some months lack: ``due_date`` applies the month-end fallback
        return [due_date(anchor, months) for months in offsets]
    # A day every month has: ``due_date`` is then only month counting, done inline on a running month
    # index (year × 12 + month − 1) because a long schedule computes hundreds of dates.
    base = anchor.year * 12 + anchor.month - 1
    return [date((base + m) // 12, (base + m) % 12 + 1, anchor.day) for m in offsets]


def has_broken_first_period(terms: LoanTerms) -> bool:
    step = Frequency(terms.frequency).months_per_period
    return terms.first_due_date is not None and terms.first_due_date != due_date(terms.start_date, step)


def build_schedule(
    terms: LoanTerms,
    *,
    max_annual_rate: Decimal = DEFAULT_MAX_ANNUAL_RATE,
    max_periods_months: int = DEFAULT_MAX_PERIODS_MONTHS,
) -> Schedule:
    """The schedule of ``terms`` (validated first, with the given ceilings); revolving credit is refused."""
    validate_terms(terms, max_annual_rate=max_annual_rate, max_periods_months=max_periods_months)
    method = Method(terms.method)
    if method == Method.REVOLVING:
        raise refuse(
            "method_not_scheduled", "method", "随借随还没有固定还款计划，请按实际用款计算利息（revolving）。"
        )
    dates = due_dates(terms)
    fee_per_period = terms.fee_total(FeeTiming.PER_PERIOD)
    fee_at_end = terms.fee_total(FeeTiming.AT_END)
    if method == Method.BULLET:
        interest = round_fen(
            day_interest(terms.principal, terms.annual_rate, (dates[0] - terms.start_date).days)
        )
        row = Installment(
            1,
            dates[0],
            terms.principal + interest,
            terms.principal,
            interest,
            ZERO,
            fee_per_period + fee_at_end,
        )
        return Schedule(terms, (row,))
    first_interest = None
    if has_broken_first_period(terms):
        days = (dates[0] - terms.start_date).days
        first_interest = round_fen(day_interest(terms.principal, terms.annual_rate, days))
    ppy = Frequency(terms.frequency).periods_per_year
    rows = amortize(
        method=method,
        balance=terms.principal,
        annual_rate=terms.annual_rate,
        periods_per_year=ppy,
        dates=dates,
        payment=annuity_payment(terms.principal, terms.annual_rate, terms.periods, ppy),
        principal_step=round_fen(terms.principal / terms.periods),
        first_interest=first_interest,
        fee_per_period=fee_per_period,
        fee_at_end=fee_at_end,
        stop_when_repaid=True,
    )
    return Schedule(terms, rows)


def amortize(
    *,
    method: Method,
    balance: Decimal,
    annual_rate: Decimal,
    periods_per_year: int,
    dates: Sequence[date],
    payment: Decimal,
    principal_step: Decimal,
    first_interest: Decimal | None = None,
    fee_per_period: Decimal = ZERO,
    fee_at_end: Decimal = ZERO,
    stop_when_repaid: bool = False,
) -> tuple[Installment, ...]:
    """Repay ``balance`` over ``dates`` (shared by ``build_schedule`` and prepayment).

    ``payment`` is the 等额本息 M, ``principal_step`` the 等额本金 principal per period. The principal of a
    period is always split off the *regular* interest (balance × R/k), while ``first_interest`` (if given)
    replaces what period 1 charges. The last date takes whatever is left; with ``stop_when_repaid`` the
    schedule ends as soon as the balance is repaid (same payment, shorter term).
    """
    rows: list[Installment] = []
    last = len(dates) - 1
    equal_installment = method == Method.EQUAL_INSTALLMENT
    equal_principal = method == Method.EQUAL_PRINCIPAL
    divisor = Decimal(periods_per_year)  # the same divisor (so the same quotient), converted once
    # Each row's fee, added up once: the per-period fees, plus the at-end fees on the last row.
    fee_regular = fee_per_period + ZERO  # "+ ZERO" as before: always two places, e.g. 0.00 for 0
    fee_final = fee_per_period + fee_at_end
    # One precision context for the whole loop (not one per row as in ``period_interest``): the
    # arithmetic is the same, in the same order, so every figure is the same to the fen.
    with localcontext(prec=PRECISION):
        for k, due in enumerate(dates):
            # period_interest() rounded by round_fen(), inline: balance × R / k, then half-up to the fen
            # (the rounding passed positionally: decimal parses a keyword argument markedly slower).
            regular = (balance * annual_rate / divisor).quantize(FEN, ROUNDING)
            interest = first_interest if k == 0 and first_interest is not None else regular
            if k == last:
                principal = balance
            elif equal_installment:  # min(max(M − regular interest, 0), balance)
                principal = payment - regular
                if principal < ZERO:
                    principal = ZERO
                if balance < principal:
                    principal = balance
            elif equal_principal:  # min(step, balance)
                principal = balance if balance < principal_step else principal_step
            else:
                principal = ZERO
            balance -= principal
            repaid = stop_when_repaid and balance == 0
            fee = fee_final if k == last or repaid else fee_regular
            # Installment._make, the NamedTuple constructor from a sequence (fields in order, count
            # checked), skips the argument binding of Installment(...): ~7 % of a 360-row schedule.
            rows.append(
                Installment._make((k + 1, due, principal + interest, principal, interest, balance, fee))
            )
            if repaid:
                break
    return tuple(rows)
