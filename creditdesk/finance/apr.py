"""The annualized rate shown to customers (年化利率, PBOC announcement 〔2021〕 No. 3).

RULES.md: the cost is interest plus every fee directly related to the loan, on the principal actually
occupied. So: the IRR r per period of the real cash flows — net proceeds at t0, then each payment and fee
— and from it the compound annualized rate (1+r)^k − 1 (the IRR method, the default) and the simple one
r·k (labelled 单利 where shown), k periods a year.

Choices (documented here because they change figures):
- Sign: ``cashflows`` takes the borrower's view — t0 = +(principal − upfront fees), then −(payment + fees)
  each period, the at-end fees with the last. ``irr`` accepts either view: negating every flow does not
  move the root.
- Periods are treated as equally spaced, including a broken first period (its length is ignored; the
  extra or missing days' interest is still in the flows). k = 12 monthly, 4 quarterly.
- A bullet loan has one period of its actual length in days: k = 365 / days. Fee-free, r = R·days/360,
  so the simple rate is R × 365/360 whatever the term, and for a 365-day loan compound = simple.
- A flat rate ("0.5% a month on the original principal", 12 equal instalments) is not an annualized rate:
  ``flat_rate_apr`` gives its true one (simple ≈ 10.90%).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from creditdesk.core.money import round_fen
from creditdesk.finance.schedule import PRECISION, Schedule
from creditdesk.finance.terms import Frequency, Method, refuse, require_decimal, require_int, require_money

TOLERANCE = Decimal("1e-12")
IRR_PLACES = Decimal("1e-20")  # digits far below the tolerance are noise: 0% comes out as 0, not 3E-34
MAX_ITERATIONS = 300
DAYS_PER_YEAR_APR = 365  # annualizing a bullet loan's single period by its actual days


@dataclass(frozen=True)
class AnnualizedRate:
    """Fractions at full precision: ``periodic`` = IRR per period, ``compound`` = (1+r)^k − 1,
    ``simple`` = r·k (单利)."""

    periodic: Decimal
    compound: Decimal
    simple: Decimal


def _no_solution() -> Exception:
    return refuse("irr_no_solution", "cashflows", "现金流没有内部收益率（需要至少一笔流入和一笔流出）。")


def irr(cashflows: Sequence[Decimal], *, guess: Decimal | None = None) -> Decimal:
    """Per-period IRR of equally spaced flows (t0 first), to 1e-12.

    A loan's flows (the first one way, every later one the other way or zero) have exactly one IRR above
    −100 % (Descartes' rule of signs in v = 1/(1+r)). For them the search starts near it: a float
    estimate (``_float_estimate``, from ``guess`` — default 1 % — in a few steps), then Newton's method in
    Decimal at 34 digits until a step is below 1e-12, usually a single step. Any other flows, or a
    float estimate or a Decimal step that fails (not finite, outside −50 %…1,000 %, not settling), take
    the general search: Newton's method kept inside a bracket (−99 % up to 10^6, widened tenfold at a
    time), bisecting whenever a step would leave it; flows whose NPV does not change sign there have no
    solution (``irr_no_solution``). Both stop by the same rule (a step below 1e-12) on the same root, but
    the general search can crawl towards it and give up after MAX_ITERATIONS steps where the estimate
    finds it (see ``_float_estimate``). ``guess`` changes only how fast. A rate that rounds to zero is
    returned as +0.
    """
    flows = [require_decimal(c, "cashflows", "现金流") for c in cashflows]
    if len(flows) < 2 or not (any(c > 0 for c in flows) and any(c < 0 for c in flows)):
        raise _no_solution()
    with localcontext(prec=PRECISION):

        def npv(rate: Decimal) -> tuple[Decimal, Decimal]:
            """NPV at ``rate`` and its derivative, by Horner's scheme in v = 1/(1+rate)."""
            v = 1 / (1 + rate)
            value = slope = Decimal(0)
            for flow in reversed(flows):
                slope = slope * v + value
                value = value * v + flow
            return value, -slope * v * v

        if _is_conventional(flows):
            rate = _polished_estimate(flows, npv, guess)
            if rate is not None:
                return rate
        return _bracketed_search(npv)


NpvFunction = Callable[[Decimal], tuple[Decimal, Decimal]]
FAST_LOW, FAST_HIGH = Decimal("-0.5"), Decimal(1000)  # well inside the bracket of the general search
MAX_POLISH_STEPS = 20


def _rounded(rate: Decimal) -> Decimal:
    """The IRR to IRR_PLACES; a rate that rounds to zero is +0 (never −0, shown as "-0.0000 %")."""
    rate = rate.quantize(IRR_PLACES)
    return rate.copy_abs() if rate.is_zero() else rate


def _is_conventional(flows: Sequence[Decimal]) -> bool:
    """The first flow is not zero and every later one has the opposite sign or is zero (a loan)."""
    first, later = flows[0], flows[1:]
    return (first > 0 and max(later) <= 0) or (first < 0 and min(later) >= 0)


def _as_floats(flows: Sequence[Decimal]) -> list[float]:
    """The flows as floats, last first. ``float(Decimal)`` goes through a string and is slow, and a
    schedule repeats the same payment: each distinct value is converted once."""
    converted: dict[Decimal, float] = {}
    values = []
    for flow in reversed(flows):
        value = converted.get(flow)
        if value is None:
            value = converted[flow] = float(flow)
        values.append(value)
    return values


def _float_estimate(flows: Sequence[Decimal], start: float) -> float | None:
    """A loan's IRR in floats (about 15 digits), from ``start``; None where floats fail.

    Newton's method on L = ln(−PV of the later flows / the first flow), a function of s = ln(1+r), not on
    the NPV as a function of r: L is convex and nearly straight in s (its slope is minus the flows'
    duration; straight for a single repayment), so the steps converge from any start — on the NPV they
    can overshoot towards −100 % and then crawl (the general search gives up that way on 0 % interest
    only over 600 months with an upfront fee).
    """
    values = _as_floats(flows)  # last first, for Horner's scheme
    first = values[-1]
    rate = start
    for _ in range(MAX_POLISH_STEPS):
        v = 1 / (1 + rate)
        value = slope = 0.0
        for flow in values:
            slope = slope * v + value
            value = value * v + flow
        slope *= -v * v  # d NPV / dr
        ratio = (first - value) / first  # −PV(later flows) / first flow: 1 at the IRR
        if not (math.isfinite(ratio) and math.isfinite(slope)) or ratio <= 0 or slope == 0:
            return None
        # Newton's step in s, L / L', with L' = dL/ds = −(1+r) · (d NPV/dr) / (first − NPV).
        step = -math.log(ratio) * (first - value) / ((1 + rate) * slope)
        if not -50 < step < 50:  # 1+r multiplied by more than e^50: floats have lost the way
            return None
        rate = (1 + rate) * math.exp(-step) - 1
        if not -0.99 < rate < 1e6:  # left the domain the general search covers
            return None
        if abs(step) <= 1e-14:  # as close as floats get
            return rate
    return rate  # not settled to the last bit: the Decimal polish decides whether it is close enough


def _polished_estimate(flows: Sequence[Decimal], npv: NpvFunction, guess: Decimal | None) -> Decimal | None:
    """Newton's method in Decimal from the float estimate; None (use the general search) if it fails."""
    start = 0.01 if guess is None or not -0.5 < guess < 1000 else float(guess)
    estimate = _float_estimate(flows, start)
    if estimate is None:
        return None
    rate = Decimal(estimate)  # the float's exact value
    for _ in range(MAX_POLISH_STEPS):
        value, slope = npv(rate)
        if value == 0:
            return _rounded(rate)
        if slope == 0:
            return None
        candidate = rate - value / slope
        if not FAST_LOW < candidate < FAST_HIGH:
            return None
        if abs(candidate - rate) < TOLERANCE:  # the stopping rule of the general search
            return _rounded(candidate)
        rate = candidate
    return None


def _bracketed_search(npv: NpvFunction) -> Decimal:
    """Newton's method kept inside a bracket, falling back to bisection whenever a step would leave it."""
    low, high = Decimal("-0.99"), Decimal(1)
    low_value, high_value = npv(low)[0], npv(high)[0]
    if low_value * high_value > 0 and npv(Decimal(0))[0] * high_value < 0:
        # Two sign changes, e.g. a loan whose deposit (保证金) comes back with the last flow: one root
        # below 0 and one above; the rate that means something is the one above 0.
        low, low_value = Decimal(0), npv(Decimal(0))[0]
    while low_value * high_value > 0 and high < 10**6:
        high *= 10
        high_value = npv(high)[0]
    if low_value == 0:
        return _rounded(low)
    if low_value * high_value > 0:
        raise _no_solution()
    rate = Decimal("0.01") if low < Decimal("0.01") < high else (low + high) / 2
    for _ in range(MAX_ITERATIONS):
        value, slope = npv(rate)
        if value == 0:
            return _rounded(rate)
        if (value > 0) == (low_value > 0):
            low, low_value = rate, value
        else:
            high = rate
        step = value / slope if slope != 0 else None
        candidate = rate - step if step is not None else None
        if candidate is None or not (low < candidate < high):
            candidate = (low + high) / 2
        if abs(candidate - rate) < TOLERANCE:
            return _rounded(candidate)
        rate = candidate
    raise _no_solution()


def cashflows(schedule: Schedule) -> list[Decimal]:
    """Borrower's view: +(principal − upfront fees), then −(payment + fee) per instalment."""
    net = schedule.terms.principal - schedule.upfront_fees
    return [net] + [-(row.payment + row.fee) for row in schedule.installments]


def annualize(periodic: Decimal, periods_per_year: Decimal | int) -> AnnualizedRate:
    """Compound (1+r)^k − 1 and simple r·k from a periodic rate (k may be fractional)."""
    with localcontext(prec=PRECISION):
        k = Decimal(periods_per_year)
        growth = (1 + periodic) ** (periods_per_year if isinstance(periods_per_year, int) else k)
        return AnnualizedRate(periodic=periodic, compound=growth - 1, simple=periodic * k)


def periods_per_year(schedule: Schedule) -> Decimal | int:
    terms = schedule.terms
    if terms.method == Method.BULLET:
        days = (schedule.maturity_date - terms.start_date).days
        with localcontext(prec=PRECISION):
            return Decimal(DAYS_PER_YEAR_APR) / days
    return Frequency(terms.frequency).periods_per_year


def annualized_rate(schedule: Schedule) -> AnnualizedRate:
    """The customer's annualized rate of a schedule, fees included (see the module docstring).

    The IRR search starts from the contract's periodic rate R/k, near the answer (fees and the fen
    rounding of the instalments move it a little); a bullet loan's two flows need no such start."""
    terms = schedule.terms
    guess = None if terms.method == Method.BULLET else terms.periodic_rate
    return annualize(irr(cashflows(schedule), guess=guess), periods_per_year(schedule))


def flat_rate_cashflows(principal: Decimal, monthly_flat_rate: Decimal, months: int) -> list[Decimal]:
    """A flat-rate loan: interest = P × rate × months on the original principal, repaid with the principal
    in equal monthly instalments rounded half-up to the fen (the last one takes the rest)."""
    principal = require_money(principal, "principal", "贷款本金")
    rate = require_decimal(monthly_flat_rate, "monthly_flat_rate", "月费率")
    months = require_int(months, "months", "期数")
    if rate < 0:
        raise refuse("rate_negative", "monthly_flat_rate", "月费率不能为负数。")
    if months < 1:
        raise refuse("periods_not_positive", "months", "期数至少为 1。")
    with localcontext(prec=PRECISION):
        total = principal + round_fen(principal * rate * months)
        payment = round_fen(total / months)
    last = total - payment * (months - 1)
    return [principal] + [-payment] * (months - 1) + [-last]


def flat_rate_apr(principal: Decimal, monthly_flat_rate: Decimal, months: int) -> AnnualizedRate:
    """The true annualized rate of a flat monthly rate (RULES.md: 0.5% a month over 12 months ≈ 10.9%)."""
    return annualize(irr(flat_rate_cashflows(principal, monthly_flat_rate, months)), 12)
