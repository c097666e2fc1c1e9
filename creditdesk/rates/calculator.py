"""The repayment calculator's one front door: the page, the API and the `creditdesk calc` command all
turn their input into ``LoanTerms`` here and their output into the same figures.

Input arrives as strings (form fields, JSON, command-line arguments). Numbers are parsed straight into
``Decimal`` — a float never enters (``rates.parsing``) — and every refusal is a ``CalculationError``
naming the field, with a Chinese sentence for people and a stable code for programs. Rates are percent at
this boundary (``"4.90"``) and fractions inside the core (``0.049``).

A rate is set by one of three pricing modes (``PricingMode``): a fixed annual rate, the LPR in force + a
spread, or the 公积金 table's rate in force (``rates.provident``; RULES.md: not LPR-priced, not fixed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, localcontext
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.core.money import D, format_rate
from creditdesk.finance.apr import AnnualizedRate, annualized_rate
from creditdesk.finance.prepayment import KeepOption, PenaltyRule, PrepaymentResult, prepay
from creditdesk.finance.pricing import (
    LprQuote,
    LprTenor,
    ProvidentPrice,
    RateMove,
    lpr_in_force,
    price,
    rate_basis_text,
    rate_moves,
    tenor_for_term,
)
from creditdesk.finance.provident import ProvidentQuote
from creditdesk.finance.schedule import Schedule, build_schedule
from creditdesk.finance.terms import CalculationError as CalculationError  # callers catch it from here
from creditdesk.finance.terms import (
    Frequency,
    LoanTerms,
    Method,
    validate_terms,
)
from creditdesk.rates.parsing import (
    parse_choice,
    parse_date,
    parse_decimal,
    parse_fees,
    parse_int,
    parse_money,
    parse_pricing_date,
    refusal,
)
from creditdesk.rates.provident import RESET_NOTE, parse_home_order, provident_pricing

PERCENT_PLACES = Decimal("0.0001")
FEN = Decimal("0.01")
SCHEDULED_METHODS = (Method.EQUAL_INSTALLMENT, Method.EQUAL_PRINCIPAL, Method.INTEREST_ONLY, Method.BULLET)


def max_annual_rate() -> Decimal:
    """The rate ceiling as a fraction (settings: CREDITDESK_MAX_ANNUAL_RATE_PERCENT, default 36)."""
    return D(str(settings.CREDITDESK_MAX_ANNUAL_RATE_PERCENT)) / 100


# --- Pricing and terms ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pricing:
    """How the rate was set: given directly, LPR in force on the pricing date + a spread, or the 公积金
    table's rate in force on the pricing date."""

    annual_rate: Decimal  # fraction
    lpr: LprQuote | None = None
    tenor: LprTenor | None = None
    spread_bp: int | None = None
    lpr_rate: Decimal | None = None  # fraction
    provident: ProvidentPrice | None = None

    @property
    def basis(self) -> str:
        """What the rate is made of: "LPR 3.00%（2025-05-20）+ 35 bp = 3.35%", "公积金首套 5 年以上
        2.60%（2025-05-08 起执行）", or the fixed rate."""
        if self.provident is not None:
            return self.provident.basis
        if self.lpr is None or self.lpr_rate is None or self.spread_bp is None:
            return _("固定年利率 %(rate)s") % {"rate": format_rate(self.annual_rate)}
        return rate_basis_text(self.lpr_rate, self.lpr.effective_from, self.spread_bp, self.annual_rate)


class PricingMode(LabelledEnum):
    """定价方式 — how a single loan's rate is set."""

    FIXED = "fixed", gettext_noop("固定年利率")
    LPR = "lpr", gettext_noop("LPR 加点")
    PROVIDENT = "provident", gettext_noop("公积金贷款利率")


MODE_FIELDS = {
    PricingMode.FIXED: ("annual_rate",),
    PricingMode.LPR: ("spread_bp", "lpr_tenor"),
    PricingMode.PROVIDENT: ("home_order",),
}
"""The request fields each pricing mode reads: beside an explicit ``pricing_mode`` a field of another
mode is ambiguous and refused (``pricing_fields_conflict``)."""


def _given(data: Mapping[str, Any], field: str) -> bool:
    value = data.get(field)
    return value not in (None, "") and not (field == "lpr_tenor" and value == "auto")


def parse_pricing_mode(data: Mapping[str, Any]) -> PricingMode:
    """``pricing_mode`` when given. Without it, as before the mode existed: ``annual_rate`` prices a fixed
    rate, else ``spread_bp`` the LPR."""
    if not _given(data, "pricing_mode"):
        if _given(data, "home_order"):
            raise refusal(
                "home_order",
                "pricing_fields_conflict",
                _("首套/二套（home_order）只用于公积金贷款利率定价，请同时选择 pricing_mode=provident。"),
            )
        if _given(data, "annual_rate") or not _given(data, "spread_bp"):
            return PricingMode.FIXED
        return PricingMode.LPR
    mode: PricingMode = parse_choice(
        data["pricing_mode"], PricingMode, field="pricing_mode", label=_("定价方式")
    )
    for other, fields in MODE_FIELDS.items():
        for field in fields:
            if other != mode and _given(data, field):
                raise refusal(
                    field,
                    "pricing_fields_conflict",
                    _(
                        "按“%(mode)s”定价时不能再填写 %(field)s。各定价方式只填自己的字段："
                        "固定年利率填 annual_rate；LPR 加点填 spread_bp（可选 lpr_tenor、pricing_date）；"
                        "公积金贷款利率按公积金利率表定价，只选 home_order（首套/二套，可选 pricing_date），"
                        "不填年利率或加点。"
                    )
                    % {"mode": _(mode.label), "field": field},
                )
    return mode


def parse_pricing(
    data: Mapping[str, Any],
    *,
    months: int,
    lpr_table: Sequence[LprQuote],
    today: date,
    provident_table: Sequence[ProvidentQuote] = (),
) -> Pricing:
    """By ``pricing_mode`` (``parse_pricing_mode``): ``annual_rate`` (percent); ``spread_bp`` over the LPR
    (tenor ``lpr_tenor`` or by term); or the 公积金 table for ``home_order`` (``rates.provident``). The
    LPR and the 公积金 rate are those in force on ``pricing_date`` (default today)."""
    mode = parse_pricing_mode(data)
    if mode == PricingMode.PROVIDENT:
        found = provident_pricing(
            provident_table,
            months=months,
            home=parse_home_order(data.get("home_order")),
            on=parse_pricing_date(data, today=today),
        )
        return Pricing(annual_rate=found.annual_rate, provident=found)
    if mode == PricingMode.FIXED:
        if not _given(data, "annual_rate"):
            raise refusal(
                "annual_rate", "required", _("请填写年利率，或选择 LPR 加点定价并填写加点（基点）。")
            )
        rate = parse_decimal(data["annual_rate"], field="annual_rate", label=_("年利率")) / 100
        return Pricing(annual_rate=rate)
    spread = parse_int(data.get("spread_bp"), field="spread_bp", label=_("加点（基点）"))
    if not -1000 <= spread <= 3000:
        raise refusal("spread_bp", "spread_out_of_range", _("加点须在 -1000 到 3000 基点之间。"))
    tenor_raw = data.get("lpr_tenor") or "auto"
    tenor = (
        tenor_for_term(months)
        if tenor_raw == "auto"
        else parse_choice(tenor_raw, LprTenor, field="lpr_tenor", label=_("LPR 期限"))
    )
    on = parse_pricing_date(data, today=today)
    quote_in_force = lpr_in_force(lpr_table, on)
    rate = price(lpr_table, tenor, spread, on)
    base = quote_in_force.one_year if tenor == LprTenor.ONE_YEAR else quote_in_force.five_year
    return Pricing(annual_rate=rate, lpr=quote_in_force, tenor=tenor, spread_bp=spread, lpr_rate=base)


def parse_terms(
    data: Mapping[str, Any],
    *,
    lpr_table: Sequence[LprQuote],
    today: date,
    provident_table: Sequence[ProvidentQuote] = (),
) -> tuple[LoanTerms, Pricing]:
    """Validated ``LoanTerms`` from request data (see the API's QuoteRequest for the fields)."""
    method = parse_choice(data.get("method", ""), Method, field="method", label=_("还款方式"))
    if method == Method.REVOLVING:
        raise refusal("method", "method_not_scheduled", _("随借随还按实际用款计息，请使用随借随还测算。"))
    principal = parse_money(data.get("principal"), field="principal", label=_("贷款金额"))
    months = parse_int(data.get("months"), field="months", label=_("期限（月）"))
    frequency = parse_choice(
        data.get("frequency") or Frequency.MONTHLY, Frequency, field="frequency", label=_("还款周期")
    )
    if frequency == Frequency.QUARTERLY and months % 3:
        raise refusal("months", "months_not_quarterly", _("按季还款时，期限（月）须为 3 的倍数。"))
    if not 1 <= months <= settings.CREDITDESK_MAX_TERM_MONTHS:
        raise refusal(
            "months",
            "term_out_of_range",
            _("期限须在 1 到 %(n)s 个月之间。")
            % {
                "n": settings.CREDITDESK_MAX_TERM_MONTHS,
            },
        )
    pricing = parse_pricing(
        data, months=months, lpr_table=lpr_table, today=today, provident_table=provident_table
    )
    start = (
        parse_date(data["start_date"], field="start_date", label=_("放款日"))
        if data.get("start_date")
        else today
    )
    first_due = (
        parse_date(data["first_due_date"], field="first_due_date", label=_("首期还款日"))
        if data.get("first_due_date")
        else None
    )
    periods = _periods_for(months, method, frequency)
    terms = LoanTerms(
        method=method,
        principal=principal,
        annual_rate=pricing.annual_rate,
        periods=periods,
        start_date=start,
        frequency=frequency,
        first_due_date=first_due,
        fees=parse_fees(data.get("fees")),
    )
    validate_terms(
        terms, max_annual_rate=max_annual_rate(), max_periods_months=settings.CREDITDESK_MAX_TERM_MONTHS
    )
    return terms, pricing


# --- Calculating ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    schedule: Schedule
    rate: AnnualizedRate
    pricing: Pricing


def quote(terms: LoanTerms, pricing: Pricing | None = None) -> Quote:
    schedule = build_schedule(terms)
    return Quote(
        schedule=schedule,
        rate=annualized_rate(schedule),
        pricing=pricing or Pricing(annual_rate=terms.annual_rate),
    )


def compare_methods(terms: LoanTerms, pricing: Pricing | None = None) -> list[Quote]:
    """The same loan (same term in months) under every scheduled repayment method, side by side."""
    return [
        quote(
            replace(terms, method=method, periods=_periods_for(terms.term_months, method, terms.frequency)),
            pricing,
        )
        for method in SCHEDULED_METHODS
    ]


def _periods_for(months: int, method: Method, frequency: Frequency) -> int:
    """Periods of a term: a bullet counts months; the others count months or quarters."""
    if method == Method.BULLET:
        return months
    return months // Frequency(frequency).months_per_period


def parse_prepayment(data: Mapping[str, Any]) -> tuple[Decimal, date, KeepOption, PenaltyRule]:
    amount = parse_money(data.get("prepayment_amount"), field="prepayment_amount", label=_("提前还款金额"))
    on = parse_date(data.get("prepayment_date", ""), field="prepayment_date", label=_("提前还款日"))
    keep = parse_choice(data.get("keep") or KeepOption.TERM, KeepOption, field="keep", label=_("还款安排"))
    raw_penalty = data.get("penalty") or {}
    if not isinstance(raw_penalty, Mapping):
        raise refusal("penalty", "malformed_penalty", _("违约金规则格式不正确。"))
    percent = raw_penalty.get("percent_of_prepaid")
    months = raw_penalty.get("months_of_interest")
    waived = raw_penalty.get("waived_after_months")
    rule = PenaltyRule(
        percent_of_prepaid=(
            parse_decimal(percent, field="penalty.percent_of_prepaid", label=_("违约金比例")) / 100
            if percent not in (None, "")
            else Decimal(0)
        ),
        months_of_interest=(
            parse_int(months, field="penalty.months_of_interest", label=_("违约金（月利息数）"))
            if months not in (None, "")
            else 0
        ),
        waived_after_months=(
            parse_int(waived, field="penalty.waived_after_months", label=_("免收违约金月数"))
            if waived not in (None, "")
            else None
        ),
    )
    if rule.percent_of_prepaid < 0 or rule.percent_of_prepaid > Decimal("0.05"):
        raise refusal(
            "penalty.percent_of_prepaid", "penalty_out_of_range", _("违约金比例须在 0 到 5% 之间。")
        )
    if not 0 <= rule.months_of_interest <= 12:
        raise refusal(
            "penalty.months_of_interest", "penalty_out_of_range", _("违约金月利息数须在 0 到 12 之间。")
        )
    return amount, on, keep, rule


def prepayment(terms: LoanTerms, data: Mapping[str, Any]) -> PrepaymentResult:
    amount, on, keep, rule = parse_prepayment(data)
    return prepay(build_schedule(terms), amount=amount, on=on, keep=keep, penalty_rule=rule)


# --- Output -----------------------------------------------------------------------------------------


def money(value: Decimal) -> str:
    return str(value.quantize(FEN))


def percent(fraction: Decimal) -> str:
    """A fraction as a percent string with four places (0.0366 → "3.6600").

    A huge fee on a short loan gives an annualized rate with many digits; it is still shown exactly.
    """
    with localcontext() as ctx:
        ctx.prec = 80
        return str((fraction * 100).quantize(PERCENT_PLACES))


def schedule_json(schedule: Schedule) -> list[dict[str, Any]]:
    return [
        {
            "period": row.period,
            "due_date": row.due_date.isoformat(),
            "payment": money(row.payment),
            "principal": money(row.principal),
            "interest": money(row.interest),
            "balance": money(row.balance),
        }
        for row in schedule.installments
    ]


def quote_json(result: Quote) -> dict[str, Any]:
    """The quote as the API and `creditdesk calc --json` print it (amounts 2 places, rates % 4 places)."""
    body: dict[str, Any] = {
        "schedule": schedule_json(result.schedule),
        "total_interest": money(result.schedule.total_interest),
        "total_payment": money(result.schedule.total_payment),
        "apr_compound": percent(result.rate.compound),
        "apr_simple": percent(result.rate.simple),
    }
    if result.schedule.total_fees:
        body["total_fees"] = money(result.schedule.total_fees)
    body["rate_basis"] = result.pricing.basis
    body["lpr"] = None
    if result.pricing.lpr is not None:
        body["lpr"] = {
            "tenor": str(result.pricing.tenor),
            "rate": percent(result.pricing.lpr_rate or Decimal(0)),
            "effective_from": result.pricing.lpr.effective_from.isoformat(),
        }
        body["pricing"] = {
            "lpr_effective_from": result.pricing.lpr.effective_from.isoformat(),
            "lpr_tenor": str(result.pricing.tenor),
            "lpr": percent(result.pricing.lpr_rate or Decimal(0)),
            "spread_bp": result.pricing.spread_bp,
            "annual_rate": percent(result.pricing.annual_rate),
        }
        body["rate_moves"] = rate_moves_json(quote_rate_moves(result))
    body["provident"] = provident_json(result.pricing.provident)
    return body


def provident_json(found: ProvidentPrice | None) -> dict[str, Any] | None:
    """The 公积金 table row a quote was priced on (``None`` unless it is a 公积金 quote)."""
    if found is None:
        return None
    return {
        "effective_from": found.quote.effective_from.isoformat(),
        "rate": percent(found.annual_rate),
        "home_order": "second" if found.second_home else "first",
        "reset_note": _(RESET_NOTE),
    }


def quote_rate_moves(result: Quote) -> tuple[RateMove, ...]:
    """For an LPR-priced quote, the payment after ±50 bp at the first reset (an illustration, RULES.md: a
    floating quote says the payment will change); none for a fixed rate, nor for a 公积金 rate (it follows
    the 公积金 table, not the LPR: its quote says when it reprices, ``RESET_NOTE``)."""
    if result.pricing.lpr is None:
        return ()
    return rate_moves(result.schedule.terms)


def rate_moves_json(moves: Sequence[RateMove]) -> list[dict[str, Any]]:
    return [
        {"bp": move.bp, "annual_rate": percent(move.annual_rate), "payment": money(move.payment)}
        for move in moves
    ]


def prepayment_json(result: PrepaymentResult) -> dict[str, Any]:
    new = result.new
    return {
        "full": result.full,
        "amount": money(result.amount),
        "date": result.date.isoformat(),
        "penalty": money(result.penalty),
        "accrued_interest": money(result.accrued_interest),
        "interest_saved": money(result.interest_saved),
        "original_total_interest": money(result.original.total_interest),
        "new_schedule": schedule_json(new) if new is not None else [],
        "new_total_interest": money(new.total_interest) if new is not None else "0.00",
    }
