"""Rate resets (利率重定价) of floating-rate loans, run by the end-of-day batch on the reset date.

Rules (RULES.md "Pricing"; issue 16, item 5):
- An LPR-priced loan reprices on its reset date — 1 January (the usual agreement; ``RESET_MONTH_DAY``) —
  to the LPR of its tenor in force that day plus the same spread it was signed with (the spread is the
  loan's rate minus the LPR it was priced on, so a granted concession stays); a 公积金 loan reprices on
  1 January to the 公积金 table's rate for its term and home. A fixed rate never moves.
- From the reset date the open schedule is rebuilt on the new rate: the remaining principal over the
  remaining due dates; the period running on the reset date pays the old rate up to the day before and the
  new rate from it (each part at actual/360, each rounded to the fen). The customer is told the new rate,
  its basis and the next payment (SMS).
- Penalty interest keeps the rate it accrues on while the loan carries accrued penalty (its basis is a sum
  over days, not split by rate period); otherwise it follows the new rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, localcontext

from django.utils.translation import gettext as _

from creditdesk.core.money import format_yuan, round_fen
from creditdesk.finance.pricing import LprQuote, LprTenor, lpr_in_force
from creditdesk.finance.provident import ProvidentQuote, provident_rate_in_force
from creditdesk.finance.schedule import PRECISION, build_schedule
from creditdesk.finance.terms import DAYS_IN_YEAR, LoanTerms, Method
from creditdesk.loans.models import Loan
from creditdesk.loans.services import sync
from creditdesk.loans.services.rebuild import contract_terms, replace_open_schedule
from creditdesk.notifications.choices import Channel, Event
from creditdesk.notifications.services import outbox_put

HUNDRED = Decimal(100)
RATE_PLACES = Decimal("0.0001")
RESET_MONTH_DAY = (1, 1)
FLOATING = ("lpr", "provident")


def is_reset_day(day: date) -> bool:
    return (day.month, day.day) == RESET_MONTH_DAY


def reset_rate(
    loan: Loan, day: date, *, lpr: Sequence[LprQuote], provident: Sequence[ProvidentQuote]
) -> Decimal | None:
    """The loan's rate (percent) from ``day``, or None for a fixed rate."""
    price = loan.disbursement.part.price or {}
    kind = price.get("kind")
    with localcontext(prec=PRECISION):
        if kind == "lpr" and price.get("lpr") and price.get("tenor"):
            quote = lpr_in_force(lpr, day)
            base = quote.one_year if LprTenor(price["tenor"]) == LprTenor.ONE_YEAR else quote.five_year
            spread = loan.annual_rate / HUNDRED - Decimal(str(price["lpr"]))
            return ((base + spread) * HUNDRED).quantize(RATE_PLACES)
        if kind == "provident":
            rate = provident_rate_in_force(
                day, loan.term_months, bool(price.get("second_home")), table=provident
            )
            return (rate * HUNDRED).quantize(RATE_PLACES)
    return None


def loan_reprice(
    loan: Loan, day: date, *, lpr: Sequence[LprQuote], provident: Sequence[ProvidentQuote]
) -> bool:
    """Reset a locked loan's rate on ``day`` (see the module rules); whether it changed."""
    rate = reset_rate(loan, day, lpr=lpr, provident=provident)
    if rate is None or rate == loan.annual_rate:
        return False
    loaded = sync.load(loan)
    loaded.book.accrue(day)
    future = [row for row in loaded.book.rows if row.due_date > day]
    if not future:
        return False
    kept = [row.due_date for row in loaded.book.rows if row.due_date <= day]
    last_due = max(kept) if kept else loan.value_date
    principal = sum(row.principal - row.principal_paid for row in future)
    balance = Decimal(principal) / HUNDRED
    terms = contract_terms(loan)
    bullet = Method(terms.method) == Method.BULLET
    new_terms = LoanTerms(
        method=terms.method,
        principal=balance,
        annual_rate=rate / HUNDRED,
        periods=terms.periods if bullet else len(future),
        start_date=day,
        frequency=terms.frequency,
        first_due_date=future[0].due_date,
        fees=terms.fees,
    )
    schedule = build_schedule(new_terms)
    with localcontext(prec=PRECISION):
        before = round_fen(balance * (loan.annual_rate / HUNDRED) * (day - last_due).days / DAYS_IN_YEAR)
    first = schedule.installments[0]
    rows = (
        first._replace(interest=first.interest + before, payment=first.payment + before),
        *schedule.installments[1:],
    )
    replace_open_schedule(loaded, after=day, rows=rows, terms=new_terms)
    old = loan.annual_rate
    carries_penalty = any(row.penalty_basis or row.compound_basis for row in loaded.book.rows)
    if loan.penalty_rate is None:
        loan.penalty_rate = old
    if not carries_penalty:
        loan.penalty_rate = rate
    loan.annual_rate = rate
    loan.save(update_fields=["annual_rate", "penalty_rate"])
    sync.save(loaded, business_date=day, reference=f"reprice:{day.isoformat()}", memo=_("利率重定价"))
    _tell_customer(loan, old, rate, day, rows[0])
    return True


def _tell_customer(loan: Loan, old: Decimal, new: Decimal, day: date, first) -> None:  # type: ignore[no-untyped-def]
    body = _(
        "尊敬的%(name)s：您的贷款 %(number)s 自 %(day)s 起按约定重定价，年利率由 %(old)s%% 调整为 %(new)s%%；"
        "下一期（%(due)s）应还 %(payment)s 元。"
    ) % {
        "name": loan.customer.name,
        "number": loan.number,
        "day": day.isoformat(),
        "old": old.normalize(),
        "new": new.normalize(),
        "due": first.due_date.isoformat(),
        "payment": format_yuan(first.payment + first.fee),
    }
    outbox_put(
        recipient=None,
        event=Event.RATE_RESET,
        title=_("贷款利率调整通知"),
        body=body,
        channels=(Channel.SMS,),
        address=loan.customer.phone or "",
        dedupe_key=f"loan:{loan.pk}:reprice:{day.isoformat()}",
        deliver_now=False,
    )
