"""Prepayment (提前还款): partial or full, on any date, with the product's penalty rule.

Rules (RULES.md, Civil Code art. 677) and the choices made where they leave room:
- The instalments due on or before the prepayment date are taken as paid on schedule; the outstanding
  balance is what is left after them. A prepayment may not exceed it, nor fall before the drawdown or on
  or after maturity (by then there is nothing left to prepay).
- Interest for the actual period: ``accrued_interest`` = outstanding × R/360 × days since the last due
  date (or the drawdown), paid with the prepayment — capped, in a regular period, at the period's own
  interest (balance × R/k): a quarter of 92 days prepaid on day 91 would otherwise cost more than the
  whole quarter (a month never reaches the cap: 30 days × R/360 = R/12).
- Only the prepaid principal changes what the current period costs. The principal that stays keeps the
  interest it would have earned: the current period's instalment charges the period's interest on the
  remaining balance less the part already paid with the accrued interest (at actual/360 for a broken
  first period or a bullet loan: remaining balance × R/360 × days left). The period's total is rounded
  once, so a prepayment never adds a fen of interest to the period.
- Partial, the customer chooses (``KeepOption``):
  TERM — same due dates, lower instalments: 等额本息 pays M' = M − A·a(n') (A prepaid, a(n') the annuity
  factor of the n' remaining periods, rounded down to the fen, never below what repays the new balance
  over n'); 等额本金 repays P/n − A/n' a period (same rounding). The original schedule's rounding residue
  stays where it was — in the last instalment — instead of being spread anew, so the new schedule never
  runs behind the original. 先息后本 and 一次性还本付息 keep their shape on the lower balance.
  PAYMENT — same instalment, shorter term: 等额本息 keeps M, 等额本金 keeps its principal per period; the
  schedule ends when the balance is repaid (last instalment smaller). It makes no sense for 先息后本 (the
  instalment is only interest, so the term never shortens) nor for a bullet loan (one instalment): refused.
- Full prepayment (amount = outstanding): ``new`` is None — nothing remains to schedule.
- Penalty (违约金): a % of the prepaid principal, or N months' interest on it at R/12, waived when the
  prepayment date is at least ``waived_after_months`` months after the drawdown; none by default.
- ``interest_saved`` = original total interest − (interest of the instalments already due + accrued +
  the new schedule's interest); the penalty is separate (``net_saving`` deducts it).

The new schedule numbers its instalments from 1 (``periods_paid`` says how many came before); its terms
start on the prepayment date with the new balance, the remaining due dates and the per-period and at-end
fees (upfront fees were paid at drawdown).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, localcontext

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.core.money import ZERO, round_fen
from creditdesk.finance.schedule import (
    PRECISION,
    Installment,
    Schedule,
    amortize,
    annuity_factor,
    annuity_payment,
    ceil_fen,
    day_interest,
    due_date,
    floor_fen,
    has_broken_first_period,
    period_interest,
)
from creditdesk.finance.terms import (
    FeeTiming,
    Frequency,
    LoanTerms,
    Method,
    refuse,
    require_date,
    require_decimal,
    require_int,
    require_money,
)


class KeepOption(LabelledEnum):
    TERM = "term", gettext_noop("期限不变，月供减少")
    PAYMENT = "payment", gettext_noop("月供不变，期限缩短")


@dataclass(frozen=True)
class PenaltyRule:
    """The product's prepayment fee: ``percent_of_prepaid`` (a fraction, e.g. 0.01) or
    ``months_of_interest`` — at most one of them — optionally waived after ``waived_after_months``."""

    percent_of_prepaid: Decimal = Decimal(0)
    months_of_interest: int = 0
    waived_after_months: int | None = None


@dataclass(frozen=True)
class PrepaymentResult:
    original: Schedule
    new: Schedule | None  # None for a full prepayment
    amount: Decimal
    date: dt.date
    penalty: Decimal
    accrued_interest: Decimal
    interest_saved: Decimal
    full: bool
    periods_paid: int = 0  # instalments due on or before ``date`` (taken as paid)
    outstanding: Decimal = ZERO  # principal outstanding on ``date``, before the prepayment
    interest_paid: Decimal = ZERO  # interest of the instalments already due

    @property
    def total_due(self) -> Decimal:
        """What the customer pays on the prepayment date: principal, accrued interest and penalty."""
        return self.amount + self.accrued_interest + self.penalty

    @property
    def net_saving(self) -> Decimal:
        return self.interest_saved - self.penalty


def prepay(
    schedule: Schedule,
    *,
    amount: Decimal,
    on: dt.date,
    keep: KeepOption,
    penalty_rule: PenaltyRule = PenaltyRule(),  # frozen: a shared default is safe
) -> PrepaymentResult:
    """Prepay ``amount`` of principal on ``on`` (see the module docstring for every rule)."""
    terms = schedule.terms
    method = Method(terms.method)
    amount = require_money(amount, "amount", "提前还款金额", code="prepayment_amount")
    on = require_date(on, "date", "提前还款日")
    if keep not in set(KeepOption):
        raise refuse("keep_unknown", "keep", f"未知的提前还款方式：{keep!r}（term 或 payment）。")
    _validate_rule(penalty_rule)
    if on < terms.start_date:
        raise refuse("prepayment_before_start", "date", "提前还款日不能早于放款日。")
    if on >= schedule.maturity_date:
        raise refuse(
            "prepayment_after_maturity",
            "date",
            f"提前还款日必须早于到期日 {schedule.maturity_date.isoformat()}。",
        )
    paid = [row for row in schedule.installments if row.due_date <= on]
    outstanding = paid[-1].balance if paid else terms.principal
    if amount > outstanding:
        raise refuse(
            "prepayment_exceeds_balance",
            "amount",
            f"提前还款金额不能超过当日剩余本金 {outstanding}。",
            outstanding=str(outstanding),
        )
    full = amount == outstanding
    if not full and keep == KeepOption.PAYMENT and method in (Method.INTEREST_ONLY, Method.BULLET):
        raise refuse(
            "keep_payment_not_applicable",
            "keep",
            "先息后本和一次性还本付息的每期还款只有利息（或只有一期），无法“保持月供、缩短期限”，请选择保持期限。",
        )
    last_due = paid[-1].due_date if paid else terms.start_date
    elapsed = (on - last_due).days
    actual = terms.method == Method.BULLET or (not paid and has_broken_first_period(terms))
    accrued_exact = day_interest(outstanding, terms.annual_rate, elapsed)
    if not actual:  # part of a regular period never costs more than the whole (a 92-day quarter, day 91)
        ppy = Frequency(terms.frequency).periods_per_year
        accrued_exact = min(accrued_exact, period_interest(outstanding, terms.annual_rate, ppy))
    accrued = round_fen(accrued_exact)
    new = None
    if not full:
        remaining = schedule.installments[len(paid) :]
        balance = outstanding - amount
        due = remaining[0].due_date
        current_total = accrued_exact + _rest_of_period(terms, balance, on, due, elapsed, actual=actual)
        first_interest = round_fen(current_total) - accrued
        rows = _new_rows(schedule, remaining, amount, balance, first_interest, KeepOption(keep))
        new = Schedule(_new_terms(terms, balance, on, rows), rows)
    interest_paid = sum((row.interest for row in paid), ZERO)
    spent = interest_paid + accrued + (new.total_interest if new else ZERO)
    return PrepaymentResult(
        original=schedule,
        new=new,
        amount=amount,
        date=on,
        penalty=_penalty(penalty_rule, terms, amount, on),
        accrued_interest=accrued,
        interest_saved=schedule.total_interest - spent,
        full=full,
        periods_paid=len(paid),
        outstanding=outstanding,
        interest_paid=interest_paid,
    )


def _rest_of_period(
    terms: LoanTerms, balance: Decimal, on: dt.date, due: dt.date, elapsed: int, *, actual: bool
) -> Decimal:
    """Exact interest the remaining balance owes for the rest of the current period: actual/360 to the
    due date, or the regular period interest less the ``elapsed`` days already paid with the accrued."""
    if actual:
        return day_interest(balance, terms.annual_rate, (due - on).days)
    ppy = Frequency(terms.frequency).periods_per_year
    rest = period_interest(balance, terms.annual_rate, ppy) - day_interest(
        balance, terms.annual_rate, elapsed
    )
    return max(rest, Decimal(0))


def _new_rows(
    schedule: Schedule,
    remaining: tuple[Installment, ...],
    amount: Decimal,
    balance: Decimal,
    first_interest: Decimal,
    keep: KeepOption,
) -> tuple[Installment, ...]:
    terms = schedule.terms
    method = Method(terms.method)
    per_period = terms.fee_total(FeeTiming.PER_PERIOD)
    at_end = terms.fee_total(FeeTiming.AT_END)
    if method == Method.BULLET:
        due = remaining[0].due_date
        return (
            Installment(1, due, balance + first_interest, balance, first_interest, ZERO, per_period + at_end),
        )
    ppy = Frequency(terms.frequency).periods_per_year
    n = len(remaining)
    payment = annuity_payment(terms.principal, terms.annual_rate, terms.periods, ppy)
    with localcontext(prec=PRECISION):
        step = round_fen(terms.principal / terms.periods)
    if keep == KeepOption.TERM:
        with localcontext(prec=PRECISION):
            factor = annuity_factor(terms.annual_rate / ppy, n)
            payment = min(payment, max(payment - floor_fen(amount * factor), ceil_fen(balance * factor)))
            step = min(step, max(step - floor_fen(amount / n), ceil_fen(balance / n)))
    return amortize(
        method=method,
        balance=balance,
        annual_rate=terms.annual_rate,
        periods_per_year=ppy,
        dates=[row.due_date for row in remaining],
        payment=payment,
        principal_step=step,
        first_interest=first_interest,
        fee_per_period=per_period,
        fee_at_end=at_end,
        stop_when_repaid=True,
    )


def _new_terms(terms: LoanTerms, balance: Decimal, on: dt.date, rows: tuple[Installment, ...]) -> LoanTerms:
    periods = len(rows)
    if terms.method == Method.BULLET:
        periods = 1
        while due_date(on, periods) < rows[0].due_date:
            periods += 1
    return LoanTerms(
        method=terms.method,
        principal=balance,
        annual_rate=terms.annual_rate,
        periods=periods,
        start_date=on,
        frequency=terms.frequency,
        first_due_date=rows[0].due_date,
        fees=tuple(fee for fee in terms.fees if fee.when != FeeTiming.UPFRONT),
    )


def _validate_rule(rule: PenaltyRule) -> None:
    percent = require_decimal(rule.percent_of_prepaid, "penalty_rule", "违约金比例")
    months = require_int(rule.months_of_interest, "penalty_rule", "违约金利息月数")
    if percent < 0 or percent > 1 or months < 0:
        raise refuse(
            "penalty_rule_invalid", "penalty_rule", "违约金比例须在 0 到 100% 之间，利息月数不能为负。"
        )
    if percent > 0 and months > 0:
        raise refuse("penalty_rule_ambiguous", "penalty_rule", "违约金只能按比例或按月利息二选一。")
    if rule.waived_after_months is not None:
        waived = require_int(rule.waived_after_months, "penalty_rule", "免收违约金的月数")
        if waived < 0:
            raise refuse("penalty_rule_invalid", "penalty_rule", "免收违约金的月数不能为负。")


def _penalty(rule: PenaltyRule, terms: LoanTerms, amount: Decimal, on: dt.date) -> Decimal:
    if rule.waived_after_months is not None and on >= due_date(terms.start_date, rule.waived_after_months):
        return ZERO
    with localcontext(prec=PRECISION):
        if rule.percent_of_prepaid > 0:
            return round_fen(amount * rule.percent_of_prepaid)
        if rule.months_of_interest > 0:
            return round_fen(amount * terms.annual_rate * rule.months_of_interest / 12)
    return ZERO
