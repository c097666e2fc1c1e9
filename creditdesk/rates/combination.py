"""组合贷 — one home purchase financed by a 公积金 part and a commercial part (RULES.md "Pricing"): each
part with its own rate and schedule, shown together.

The 公积金 part is priced from the 公积金 table in force on the pricing date for the home (首套 / 二套) and
its term (≤ 60 / > 60 months) — the single-loan calculator's 公积金 mode (``rates.provident``); the
commercial part at the LPR in force that day (tenor by term) + a spread.
Each part is exactly the single-loan calculator's quote (``calculator.quote``), so its payment is the one a
single quote gives; the combined figures are the month-by-month sums (when the terms differ, the shorter
part simply stops). The page, the API (``POST /api/v1/calculator/combination/``) and ``creditdesk calc
--combo`` all go through ``parse_combination`` and ``combination_json``.

Refusals (``CalculationError``, ``extra["field"]`` names the input): a part ≤ 0 (``part_not_positive``), a
term over the 30-year housing limit (``term_over_housing_limit``), a date with no 公积金 rate
(``provident_rate_missing``) or no LPR (``lpr_missing``, ``lpr_before_reform``), malformed numbers and dates
(``malformed_number``, ``malformed_date`` …), an unknown home order (``unknown_home_order``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _

from creditdesk.core.enums import gettext_noop
from creditdesk.core.money import ZERO
from creditdesk.finance.pricing import LprQuote
from creditdesk.finance.provident import ProvidentQuote
from creditdesk.finance.terms import CalculationError, Method
from creditdesk.rates import calculator
from creditdesk.rates.calculator import PricingMode, Quote, money
from creditdesk.rates.parsing import parse_int, parse_money, refusal
from creditdesk.rates.provident import PROVIDENT_LOAN, HomeOrder, check_housing_term, parse_home_order

PARTS = {"provident": PROVIDENT_LOAN, "commercial": gettext_noop("商业贷款")}


@dataclass(frozen=True)
class CombinedRow:
    """One month of the combination: each part's payment (0.00 once a part is repaid) and their sum."""

    period: int
    due_date: date
    provident: Decimal
    commercial: Decimal

    @property
    def total(self) -> Decimal:
        return self.provident + self.commercial


@dataclass(frozen=True)
class Combination:
    provident: Quote
    commercial: Quote
    second_home: bool

    @cached_property
    def rows(self) -> tuple[CombinedRow, ...]:
        """Month by month: the two schedules side by side, summed (the longer part runs on alone)."""
        first = self.provident.schedule.installments
        second = self.commercial.schedule.installments
        rows = []
        for index in range(max(len(first), len(second))):
            a = first[index] if index < len(first) else None
            b = second[index] if index < len(second) else None
            row = a if a is not None else b
            assert row is not None
            rows.append(
                CombinedRow(
                    period=index + 1,
                    due_date=row.due_date,
                    provident=a.payment if a is not None else ZERO,
                    commercial=b.payment if b is not None else ZERO,
                )
            )
        return tuple(rows)

    @property
    def parts(self) -> tuple[tuple[str, Quote], ...]:
        return (("provident", self.provident), ("commercial", self.commercial))

    @property
    def principal(self) -> Decimal:
        return self.provident.schedule.total_principal + self.commercial.schedule.total_principal

    @property
    def first_payment(self) -> Decimal:
        return self.rows[0].total

    @property
    def total_interest(self) -> Decimal:
        return self.provident.schedule.total_interest + self.commercial.schedule.total_interest

    @property
    def total_payment(self) -> Decimal:
        return self.provident.schedule.total_payment + self.commercial.schedule.total_payment

    @property
    def terms_differ(self) -> bool:
        return len(self.provident.schedule.installments) != len(self.commercial.schedule.installments)


def _part_data(data: Mapping[str, Any], part: str) -> dict[str, Any]:
    """A part's fields in the single calculator's shape (one method, start and pricing date for both)."""
    amount_field, months_field = f"{part}_amount", f"{part}_months"
    amount = parse_money(
        data.get(amount_field), field=amount_field, label=_("%(part)s金额") % {"part": _(PARTS[part])}
    )
    if amount <= 0:
        raise refusal(
            amount_field, "part_not_positive", _("%(part)s金额须大于 0。") % {"part": _(PARTS[part])}
        )
    months = parse_int(
        data.get(months_field), field=months_field, label=_("%(part)s期限（月）") % {"part": _(PARTS[part])}
    )
    check_housing_term(months, field=months_field, loan=_(PARTS[part]))
    return {
        "method": data.get("method") or Method.EQUAL_INSTALLMENT,
        "principal": amount,
        "months": months,
        "start_date": data.get("start_date"),
        "pricing_date": data.get("pricing_date"),
    }


def _renamed(exc: CalculationError, part: str) -> CalculationError:
    """A single-loan refusal said of the part it concerns (``principal`` → ``commercial_amount`` …)."""
    field = str(exc.extra.get("field", ""))
    renamed = {"principal": f"{part}_amount", "months": f"{part}_months"}
    return CalculationError(exc.code, exc.message, {**exc.extra, "field": renamed.get(field, field)})


def parse_combination(
    data: Mapping[str, Any],
    *,
    lpr_table: Sequence[LprQuote],
    provident_table: Sequence[ProvidentQuote],
    today: date,
) -> Combination:
    """The two parts' quotes from request data: ``home_order`` (first | second, default first),
    ``provident_amount`` / ``provident_months``, ``commercial_amount`` / ``commercial_months`` /
    ``spread_bp`` (over the LPR, tenor by term), ``method`` (both parts, default 等额本息), ``start_date``
    and ``pricing_date`` (default today)."""
    home = parse_home_order(data.get("home_order"))
    provident_data = _part_data(data, "provident")
    commercial_data = _part_data(data, "commercial")
    # The 公积金 part is a single-loan quote in the 公积金 pricing mode (``rates.provident``).
    provident_data |= {"pricing_mode": PricingMode.PROVIDENT, "home_order": home}
    if data.get("spread_bp") in (None, ""):
        raise refusal("spread_bp", "required", _("请填写商业贷款的 LPR 加点（基点，可为负数）。"))
    commercial_data |= {"pricing_mode": PricingMode.LPR, "spread_bp": data.get("spread_bp")}
    quotes = {}
    for part, part_data in (("provident", provident_data), ("commercial", commercial_data)):
        try:
            terms, pricing = calculator.parse_terms(
                part_data, lpr_table=lpr_table, provident_table=provident_table, today=today
            )
        except CalculationError as exc:
            raise _renamed(exc, part) from exc
        quotes[part] = calculator.quote(terms, pricing)
    return Combination(
        provident=quotes["provident"],
        commercial=quotes["commercial"],
        second_home=home == HomeOrder.SECOND,
    )


def combination_json(result: Combination) -> dict[str, Any]:
    """The combination as the API and ``creditdesk calc --combo --json`` print it: each part's quote (the
    single calculator's shape) and the combined monthly payments and totals."""
    return {
        "home_order": "second" if result.second_home else "first",
        "parts": {
            part: {**calculator.quote_json(q), "principal": money(q.schedule.total_principal)}
            for part, q in result.parts
        },
        "schedule": [
            {
                "period": row.period,
                "due_date": row.due_date.isoformat(),
                "provident": money(row.provident),
                "commercial": money(row.commercial),
                "total": money(row.total),
            }
            for row in result.rows
        ],
        "principal": money(result.principal),
        "first_payment": money(result.first_payment),
        "total_interest": money(result.total_interest),
        "total_payment": money(result.total_payment),
    }
