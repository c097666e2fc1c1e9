"""方案 pages: a customer's match (ranked products with reasons, combinations, pending, ineligible with the
gap to approval), one option's terms explained, the comparison with competitors' quotes, the proposal
(issue it, the customer's page, the PDF), the team's competitor quotes, and the panel of the 360 page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from creditdesk.accounts import policy
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError
from creditdesk.core.htmx import is_htmx
from creditdesk.core.money import format_rate
from creditdesk.core.paging import paginate
from creditdesk.core.views.errors import refusal_on_form, refusals_as_http
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import customer_get_visible
from creditdesk.finance.apr import flat_rate_apr
from creditdesk.finance.terms import Method
from creditdesk.products.facts import FACTS
from creditdesk.solutions import explain, selectors, services
from creditdesk.solutions.competitors import competitor_row
from creditdesk.solutions.filtersets import CompetitorOfferFilterSet
from creditdesk.solutions.forms import CompetitorChargeFormSet, CompetitorOfferForm, PrepayForm
from creditdesk.solutions.matching import Pending, RankedOption, Rejected
from creditdesk.solutions.offers import apr_text, fee_text, figures
from creditdesk.solutions.proposal_content import shown_to_customer

PANEL_PROPOSALS = 3
COMPARE_THEIRS = 10


def _match_or_error(customer: Customer, **kwargs: Any) -> tuple[selectors.CustomerMatch | None, str]:
    """The customer's match, or the sentence saying why it cannot be computed (impossible need figures,
    malformed facts in the profile)."""
    try:
        return selectors.customer_match(customer=customer, **kwargs), ""
    except DomainError as exc:
        return None, exc.message


def _fact_labels(keys: Any) -> list[str]:
    return [str(FACTS[key].label) if key in FACTS else str(key) for key in keys]


# --- matching ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def customer_match(request: HttpRequest, customer_id: int) -> HttpResponse:
    """产品匹配 for the customer's latest need."""
    customer = customer_get_visible(user=request.user, customer_id=customer_id)
    found, error = _match_or_error(customer)
    pending = []
    missing_grade = False
    if found is not None and found.result is not None:
        for item in found.result.pending:
            pending.append({"item": item, "missing": _fact_labels(item.missing)})
            missing_grade = missing_grade or "risk_grade" in item.missing
    context = {
        "customer": customer,
        "match": found,
        "result": found.result if found else None,
        "error": error,
        "pending": pending,
        "missing_grade": missing_grade or (found is not None and found.assessment is None),
        "can_change": policy.can(request.user, Action.PROPOSAL_ISSUE, customer),
        "proposals": selectors.proposals_of(customer=customer)[:PANEL_PROPOSALS],
        "methods": dict(Method.pairs()),
    }
    return render(request, "solutions/match.html", context, status=400 if error else 200)


# --- one option explained ---------------------------------------------------------------------------


@login_required
@require_GET
def option_detail(request: HttpRequest, customer_id: int, code: str) -> HttpResponse:
    """条款解释 for one product of the match: the full schedule, the annualized rate, prepaying in month
    N (``?month=&amount=``; an htmx request gets only that result), late payment, the rate broken down
    and the alternatives."""
    customer = customer_get_visible(user=request.user, customer_id=customer_id)
    found, _error = _match_or_error(customer)
    item = found.find(code) if found is not None else None
    if found is None or found.result is None or item is None:
        raise Http404("not in this match")
    q = item.quote
    f = figures(q, found.on, exact=True)
    schedule = f.schedule
    assert schedule is not None
    last_month = explain.prepayment_months(schedule)
    form = PrepayForm(
        request.GET if "month" in request.GET else None, initial={"month": min(12, max(1, last_month))}
    )
    prepay: explain.PrepaymentExample | None = None
    prepay_error = ""
    if last_month >= 1:
        if form.is_bound and form.is_valid():
            month, amount = form.cleaned_data["month"], form.cleaned_data.get("amount")
        elif form.is_bound:
            month, amount, prepay_error = 0, None, _("请输入有效的月份和金额。")
        else:
            month, amount = min(12, last_month), None
        if month:
            try:
                prepay = explain.prepayment_example(schedule, q.spec, month, amount)
            except DomainError as exc:
                prepay_error = exc.message
    status = 400 if prepay_error and form.is_bound else 200
    context: dict[str, Any] = {
        "customer": customer,
        "match": found,
        "item": item,
        "eligible": isinstance(item, RankedOption),
        "pending": isinstance(item, Pending),
        "rejected": item if isinstance(item, Rejected) else None,
        "quote": q,
        "figures": f,
        "fee_sentence": f"{apr_text(f)}；{fee_text(f)}。" if f.fee_based else "",
        "schedule": schedule,
        "method_label": Method(q.method).label,
        "form": form,
        "last_month": last_month,
        "prepay": prepay,
        "prepay_error": prepay_error,
        "can_change": policy.can(request.user, Action.PROPOSAL_ISSUE, customer),
    }
    if is_htmx(request) and form.is_bound:
        return render(request, "solutions/_prepay_result.html", context, status=status)
    context.update(
        late=explain.late_terms(schedule, q.spec),
        rate=explain.rate_breakdown(q.price),
        alternatives=explain.alternatives(q, f, found.result, found.context()),
    )
    return render(request, "solutions/option_detail.html", context, status=status)


# --- competitor comparison ---------------------------------------------------------------------------


def flat_rate_sentence() -> str:
    """RULES.md's worked figure, computed: 0.5 % a month flat over 12 months."""
    rate = flat_rate_apr(Decimal("100000.00"), Decimal("0.005"), 12)
    return _(
        "“分期手续费”（月费率）每月按原始本金收取，而本金在逐月归还：例如每月 0.5%%、12 个月等额还款，"
        "看似年利率 6%%，"
        "按实际占用本金计算的年化利率约为 %(simple)s（单利），复利 %(compound)s；"
        "而“月息 5 厘”按剩余本金计息，名义年利率就是 6%%。"
    ) % {"simple": format_rate(rate.simple), "compound": format_rate(rate.compound)}


@login_required
@require_GET
def comparison(request: HttpRequest, customer_id: int) -> HttpResponse:
    """竞品对比: our best options for the customer's need beside the team's competitor quotes (``?offer=``
    to choose them; by default the latest), all on the annualized basis."""
    customer = customer_get_visible(user=request.user, customer_id=customer_id)
    found, error = _match_or_error(customer, with_what_if=False)
    offers = selectors.competitor_offer_list_visible_to(user=request.user)
    chosen_ids = [v for v in request.GET.getlist("offer") if v.isdigit()]
    chosen = list(offers.filter(pk__in=chosen_ids) if chosen_ids else offers[:COMPARE_THEIRS])
    theirs = [o.as_offer() for o in chosen]
    result = selectors.competitor_comparison(found=found, theirs=theirs) if found else None
    context = {
        "customer": customer,
        "match": found,
        "error": error,
        "comparison": result,
        "offers": offers[:50],
        "chosen": {o.pk for o in chosen},
        "flat_sentence": flat_rate_sentence(),
    }
    return render(request, "solutions/comparison.html", context)


# --- proposals ---------------------------------------------------------------------------------------


@login_required
@require_POST
def proposal_new(request: HttpRequest, customer_id: int) -> HttpResponse:
    """出具方案书 for the option posted (``products``: one code, or the two of a combination)."""
    customer = customer_get_visible(user=request.user, customer_id=customer_id)
    try:
        with refusals_as_http():
            proposal = services.proposal_create(
                actor=request.user,
                customer_id=customer.pk,
                products=request.POST.getlist("products"),
                note=request.POST.get("note", ""),
            )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("solutions:match", customer_id=customer.pk)
    messages.success(request, _("已出具方案书 %(number)s。") % {"number": proposal.number})
    return redirect("solutions:proposal", proposal_id=proposal.pk)


@login_required
@require_GET
def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """The proposal as the customer reads it (from its snapshot), with the CM's toolbar."""
    proposal = selectors.proposal_get_visible(user=request.user, proposal_id=proposal_id)
    options = proposal.options.select_related("product_version", "product_version__product")
    context = {"proposal": proposal, "p": shown_to_customer(proposal.content), "options": options}
    return render(request, "solutions/proposal_detail.html", context)


@login_required
@require_GET
def proposal_pdf(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """The stored PDF, byte for byte (audited as a print)."""
    with refusals_as_http():
        proposal, document = services.proposal_print(actor=request.user, proposal_id=proposal_id)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{proposal.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def customer_panel(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The 方案 section of the customer 360 page (loaded by htmx): latest proposals, links."""
    customer = customer_get_visible(user=request.user, customer_id=customer_id)
    context = {"customer": customer, "proposals": selectors.proposals_of(customer=customer)[:PANEL_PROPOSALS]}
    return render(request, "solutions/_panel.html", context)


# --- competitor quotes -------------------------------------------------------------------------------
# Opened from a customer's comparison (``?customer=<id>``), the list and the form keep that customer: links
# lead back to the comparison, and a quote recorded there is compared for the customer straight away.


def _customer_from_query(request: HttpRequest) -> Customer | None:
    """The customer the competitor pages were opened for (404 outside the scope, like the customer)."""
    raw = request.GET.get("customer", "")
    if not raw.isdigit():
        return None
    return customer_get_visible(user=request.user, customer_id=int(raw))


@login_required
@require_GET
def competitor_list(request: HttpRequest) -> HttpResponse:
    queryset = selectors.competitor_offer_list_visible_to(user=request.user)
    filterset = CompetitorOfferFilterSet(request.GET or None, queryset=queryset)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    page = paginate(request, rows)
    converted = []
    for offer in page:
        try:
            row = competitor_row(offer.as_offer(), offer.quoted_on)
        except DomainError:
            row = None
        converted.append((offer, row))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "rows": converted,
        "can_record": policy.can(request.user, Action.COMPETITOR_OFFER_RECORD),
        "query_string": query.urlencode(),
        "flat_sentence": flat_rate_sentence(),
        "customer": _customer_from_query(request),
    }
    return render(request, "solutions/competitor_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def competitor_new(request: HttpRequest) -> HttpResponse:
    with refusals_as_http():  # the form is the action's: asked before it is drawn, again by the service
        policy.require(request.user, Action.COMPETITOR_OFFER_RECORD)
    customer = _customer_from_query(request)
    if request.method == "POST":
        form = CompetitorOfferForm(request.POST)
        # A post without the charge rows (a script, an older page) records no charges.
        posted = request.POST if "charges-TOTAL_FORMS" in request.POST else None
        charges = CompetitorChargeFormSet(posted, prefix="charges")
        if form.is_valid() and (not charges.is_bound or charges.is_valid()):
            rows = [c.cleaned_data for c in charges.forms if c.cleaned_data] if charges.is_bound else []
            data = {**form.cleaned_data, "charges": rows}
            try:
                with refusals_as_http():
                    offer = services.competitor_offer_record(actor=request.user, data=data)
            except DomainError as exc:
                refusal_on_form(form, exc)
            else:
                messages.success(request, _("已登记竞品报价：%(offer)s。") % {"offer": offer})
                if understood := services.competitor_rate_understood(form.cleaned_data):
                    messages.info(request, _("利率按“%(understood)s”登记。") % {"understood": understood})
                for warning in competitor_row(offer.as_offer(), offer.quoted_on).warnings:
                    messages.warning(request, warning)
                if customer is not None:  # back to the customer's comparison, with the quote just recorded
                    compare = reverse("solutions:compare", args=[customer.pk])
                    return redirect(f"{compare}?{urlencode({'offer': offer.pk})}")
                return redirect("solutions:competitors")
        context = {"form": form, "charges": charges, "customer": customer}
        return render(request, "solutions/competitor_form.html", context, status=400)
    charges = CompetitorChargeFormSet(prefix="charges")
    context = {"form": CompetitorOfferForm(), "charges": charges, "customer": customer}
    return render(request, "solutions/competitor_form.html", context)
