"""还款计算器 — the calculator page, its Excel export and a print view for the customer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import D, format_rate
from creditdesk.core.views.errors import refusal_on_form
from creditdesk.finance.pricing import LprTenor
from creditdesk.finance.terms import Method
from creditdesk.rates import calculator, combination
from creditdesk.rates.export import schedule_workbook
from creditdesk.rates.forms import CalculatorForm, CombinationForm, PrepaymentForm
from creditdesk.rates.provident import RESET_NOTE
from creditdesk.rates.selectors import lpr_table, provident_table


def _chart_data(result: calculator.Quote) -> dict[str, Any]:
    rows = result.schedule.installments
    return {
        "labels": [row.period for row in rows],
        "balance": [str(row.balance) for row in rows],
        "principal": [str(row.principal) for row in rows],
        "interest": [str(row.interest) for row in rows],
    }


# Where a refusal's field is shown on the page when the form names it differently.
FORM_FIELDS = {"fees": "fee_amount", "date": "pricing_date"}


def _apply_error(form: Any, exc: DomainError) -> None:
    field = str(exc.extra.get("field", "")).split(".")[0].split("[")[0]
    refusal_on_form(form, exc, FORM_FIELDS.get(field, field))


@login_required
@require_GET
def calculator_page(request: HttpRequest) -> HttpResponse:
    """Compare every repayment method for one loan, see one in full, and try a prepayment.

    A GET form: a quote changes nothing, and its URL can be bookmarked or sent to a colleague.
    ``?mode=combo`` is the 组合贷 tab (``_combination_page``).
    """
    if request.GET.get("mode") == "combo":
        return _combination_page(request)
    submitted = "principal" in request.GET
    form = CalculatorForm(request.GET if submitted else None)
    query = request.GET.copy()
    for key in ("format", "print"):
        query.pop(key, None)
    context: dict[str, Any] = {"form": form, "submitted": submitted, "query": query.urlencode()}
    if submitted and form.is_valid():
        try:
            terms, pricing = calculator.parse_terms(
                form.calculator_data(),
                lpr_table=lpr_table(),
                provident_table=provident_table(),
                today=timezone.localdate(),
            )
        except DomainError as exc:
            _apply_error(form, exc)
        else:
            comparison = calculator.compare_methods(terms, pricing)
            chosen = next(q for q in comparison if q.schedule.terms.method == terms.method)
            context.update(
                comparison=[(Method(q.schedule.terms.method).label, q) for q in comparison],
                chosen=chosen,
                chosen_label=Method(terms.method).label,
                chart=_chart_data(chosen),
                pricing=pricing,
                contract_rate=_rate_text(terms.annual_rate),
            )
            if pricing.lpr is not None:
                _show_priced_rate(form, pricing)
                context["lpr_tenor_label"] = gettext(LprTenor(pricing.tenor).label)
                context["rate_moves"] = calculator.quote_rate_moves(chosen)
            if pricing.provident is not None:
                _show_priced_rate(form, pricing)
                context["provident_reset"] = gettext(RESET_NOTE)
            if request.GET.get("format") == "xlsx":
                response = HttpResponse(
                    schedule_workbook(chosen),
                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
                response["Content-Disposition"] = 'attachment; filename="repayment-schedule.xlsx"'
                return response
            context["prepayment_form"], context["prepayment"] = _prepayment(request, terms)
    template = (
        "rates/calculator_print.html"
        if request.GET.get("print") and "chosen" in context
        else ("rates/calculator.html")
    )
    return render(request, template, context)


def _combination_page(request: HttpRequest) -> HttpResponse:
    """组合贷: the 公积金 part (the 公积金 table in force on the pricing date) and the commercial part (LPR
    + spread), each schedule, and the month-by-month sum."""
    submitted = "provident_amount" in request.GET
    form = CombinationForm(request.GET if submitted else None)
    context: dict[str, Any] = {"combo_form": form, "mode": "combo", "submitted": submitted}
    if submitted and form.is_valid():
        try:
            result = combination.parse_combination(
                form.combination_data(),
                lpr_table=lpr_table(),
                provident_table=provident_table(),
                today=timezone.localdate(),
            )
        except DomainError as exc:
            refusal_on_form(form, exc, str(exc.extra.get("field", "")))
        else:
            context.update(
                combination=result,
                combination_parts=[(gettext(combination.PARTS[part]), q) for part, q in result.parts],
            )
    return render(request, "rates/calculator.html", context)


def _show_priced_rate(form: CalculatorForm, pricing: calculator.Pricing) -> None:
    """In LPR and 公积金 mode the annual-rate box is not read; show in it the rate the quote used (LPR +
    spread, or the 公积金 table's), not whatever it held before, so the page never shows a rate that was
    not applied."""
    data = form.data.copy()
    data["annual_rate"] = _rate_text(pricing.annual_rate).removesuffix("%")
    form.data = data


def _rate_text(fraction: Decimal) -> str:
    """A contract rate as people read it: two places ("2.60%"), or every place it has when two would
    round it (the 公积金 二套 rate 3.075% is not 3.08%)."""
    shown = format_rate(fraction)
    if D(shown.removesuffix("%")) == fraction * 100:
        return shown
    return f"{calculator.percent(fraction).rstrip('0')}%"


def _prepayment(request: HttpRequest, terms: Any) -> tuple[PrepaymentForm, Any]:
    if "prepayment_amount" not in request.GET:
        return PrepaymentForm(initial={"keep": "term"}), None
    form = PrepaymentForm(request.GET)
    if not form.is_valid():
        return form, None
    try:
        return form, calculator.prepayment(terms, form.prepayment_data())
    except DomainError as exc:
        _apply_error(form, exc)
        return form, None
