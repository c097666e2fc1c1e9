"""产品库 pages: the list and a product's page (everyone signed in), the editor for a new product or a new
version and 上架/下架 (risk managers, administrators), a customer evaluated against a product (people who
may see the customer); 需求分析 for a customer and its panel on the customer 360 page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
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
from creditdesk.customers.selectors import customer_get_visible, customer_list_visible_to
from creditdesk.finance.pricing import LprQuote, lpr_in_force
from creditdesk.products import display, selectors, services
from creditdesk.products.catalogue import SEED_CATALOGUE, ProvidentPricing
from creditdesk.products.choices import CollateralType
from creditdesk.products.facts import FACTS
from creditdesk.products.filtersets import ProductFilterSet
from creditdesk.products.forms import DEBT_ROWS, EvaluateForm, NeedForm, SpecForm, debt_field, dump_json
from creditdesk.products.models import Need, Product
from creditdesk.rates.choices import RepaymentMethod

EVALUATE_CUSTOMERS = 200
NEED_HISTORY = 20


# --- the library -------------------------------------------------------------------------------------------


@login_required
@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    filterset = ProductFilterSet(request.GET or None, queryset=selectors.product_list())
    products = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = paginate(request, products)
    table, today = selectors.lpr_table(), timezone.localdate()
    provident = selectors.provident_table()
    rows = []
    for product in page:
        version = product.current_version
        spec = version.as_spec() if version else None
        rows.append(
            {
                "product": product,
                "spec": spec,
                "amount": display.amount_text(spec) if spec else "",
                "term": display.term_text(spec) if spec else "",
                "rate": display.rate_summary(spec, table, today, provident_table=provident) if spec else "",
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "products/product_list.html",
        {
            "filter": filterset,
            "page": page,
            "rows": rows,
            "can_edit": policy.can(request.user, Action.PRODUCT_MANAGE),
            "query_string": query.urlencode(),
        },
    )


def _evaluate_form(request: HttpRequest, data: Any = None) -> EvaluateForm:
    customers = customer_list_visible_to(user=request.user).order_by("name", "id")[:EVALUATE_CUSTOMERS]
    return EvaluateForm(data, customers=[(c.pk, f"{c.name}（{c.pk}）") for c in customers])


def _lpr_today(table: Sequence[LprQuote], today: date) -> LprQuote | None:
    """The LPR in force today (a row already entered for a later date is not today's)."""
    try:
        return lpr_in_force(table, today)
    except DomainError:
        return None


def _detail_context(request: HttpRequest, product: Product) -> dict[str, Any]:
    version = product.current_version
    spec = version.as_spec() if version else None
    table, today = selectors.lpr_table(), timezone.localdate()
    context: dict[str, Any] = {
        "product": product,
        "version": version,
        "versions": selectors.product_versions(product=product),
        "can_edit": policy.can(request.user, Action.PRODUCT_MANAGE),
        "today": today,
        "lpr": _lpr_today(table, today),
    }
    if spec is not None:
        context.update(
            spec=spec,
            purposes=display.purposes_text(spec),
            customer_types=display.customer_types_text(spec),
            amount=display.amount_text(spec),
            term=display.term_text(spec),
            limits=display.limit_lines(spec),
            rate_rows=display.rate_rows(spec, table, today, provident_table=selectors.provident_table()),
            provident_pricing=isinstance(spec.pricing, ProvidentPricing),
            fee_apr=display.fee_apr_text(spec, table, today),
            long_term=spec.max_term_months > display.LONG_TERM,
            methods=display.methods_text(spec),
            fees=display.fee_lines(spec),
            prepayment=display.prepayment_text(spec),
            penalty=display.penalty_text(spec),
            collateral=display.collateral_lines(spec),
            documents=display.document_groups(spec),
            rules=display.rule_lines(spec),
        )
    return context


@login_required
@require_GET
def product_detail(request: HttpRequest, code: str) -> HttpResponse:
    product = selectors.product_get(code=code)
    context = _detail_context(request, product)
    context["evaluate_form"] = _evaluate_form(request)
    return render(request, "products/product_detail.html", context)


@login_required
@require_GET
def product_evaluate(request: HttpRequest, code: str) -> HttpResponse:
    """准入测评: ``?customer=<id>`` (a customer the person may see, else 404); an htmx request gets the
    result fragment, others the product page with it."""
    product = selectors.product_get(code=code)
    raw = request.GET.get("customer", "").strip()
    context: dict[str, Any] = {
        "product": product,
        "evaluate_form": _evaluate_form(request, {"customer": raw}),
    }
    status = 200
    if raw.isdigit() and product.current_version is not None:
        customer = customer_get_visible(user=request.user, customer_id=int(raw))
        result, need = selectors.evaluate_customer(product=product, customer=customer)
        context.update(
            customer=customer,
            result=result,
            need=need,
            rate_move=display.rate_move_sentence(result, timezone.localdate()),
        )
    else:
        context["evaluate_error"] = _("请选择要测评的客户。")
        status = 400
    if is_htmx(request):
        return render(request, "products/_evaluation.html", context, status=status)
    full = _detail_context(request, product)
    full.update(context)
    return render(request, "products/product_detail.html", full, status=status)


def _require_editor(request: HttpRequest) -> None:
    """The editor pages are the action's forms: asked before they are drawn (the service asks again)."""
    with refusals_as_http():
        policy.require(request.user, Action.PRODUCT_MANAGE)


def _spec_error(form: SpecForm, exc: DomainError) -> None:
    field = exc.extra.get("field")
    where = f"（{field}）" if field and field not in ("spec", "note") else ""
    target = "note" if field == "note" else "spec"
    form.add_error(target, f"{exc.message}{where} [{exc.code}]")


def _editor_context(form: SpecForm, **extra: Any) -> dict[str, Any]:
    return {
        "form": form,
        "rule_types": display.rule_type_help(),
        "facts": FACTS.values(),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def product_version_new(request: HttpRequest, code: str) -> HttpResponse:
    """修订产品: the current definition in the JSON editor; saving makes a new version (the old ones stay)."""
    _require_editor(request)
    product = selectors.product_get(code=code)
    if request.method == "POST":
        form = SpecForm(request.POST)
        if form.is_valid():
            try:
                with refusals_as_http():
                    version = services.product_version_create(
                        actor=request.user,
                        code=product.code,
                        spec=form.cleaned_data["spec"],
                        note=form.cleaned_data["note"],
                    )
            except DomainError as exc:
                _spec_error(form, exc)
            else:
                messages.success(
                    request, _("已保存为第 %(n)s 版；此前的报价仍按原版本。") % {"n": version.number}
                )
                return redirect("products:detail", code=product.code)
        status = 400
    else:
        current = product.current_version.spec if product.current_version else {}
        form = SpecForm(initial={"spec": dump_json(current)})
        status = 200
    return render(
        request, "products/product_form.html", _editor_context(form, product=product), status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def product_new(request: HttpRequest) -> HttpResponse:
    """新建产品: a definition in the JSON editor (prefilled with a sample to adapt); saved as version 1."""
    _require_editor(request)
    if request.method == "POST":
        form = SpecForm(request.POST)
        if form.is_valid():
            try:
                with refusals_as_http():
                    product = services.product_create(
                        actor=request.user, spec=form.cleaned_data["spec"], note=form.cleaned_data["note"]
                    )
            except DomainError as exc:
                _spec_error(form, exc)
            else:
                messages.success(request, _("已新建产品 %(name)s。") % {"name": product.name})
                return redirect("products:detail", code=product.code)
        status = 400
    else:
        sample = {**SEED_CATALOGUE[0].to_dict(), "code": "NEW-PRODUCT", "name": ""}
        form = SpecForm(initial={"spec": dump_json(sample)})
        status = 200
    return render(request, "products/product_form.html", _editor_context(form, product=None), status=status)


@login_required
@require_POST
def product_active(request: HttpRequest, code: str) -> HttpResponse:
    """上架 (``active=1``) / 下架 (``active=0``): the service refuses whoever may not."""
    product = selectors.product_get(code=code)
    active = request.POST.get("active") == "1"
    try:
        with refusals_as_http():
            services.product_set_active(actor=request.user, code=product.code, active=active)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("产品已上架。") if active else _("产品已下架。"))
    return redirect("products:detail", code=product.code)


# --- needs analysis ----------------------------------------------------------------------------------------


# Never put into a form's initial values: they would be written into the page in clear (RULES.md,
# "Personal information"); the customer manager types them again, or unmasks them with a reason.
SENSITIVE_NEED_FIELDS = frozenset(Need.audit_sensitive_fields)


def _debt_initial(row: int, debt: dict[str, Any]) -> dict[str, Any]:
    """One debt row's starting values (never its balance, see ``SENSITIVE_NEED_FIELDS``)."""
    rate = debt.get("annual_rate")
    values = {
        "label": debt.get("label") or "",
        "method": debt.get("method") or "",
        "annual_rate": format_rate(rate) if isinstance(rate, Decimal) else "",
        "remaining_months": debt.get("remaining_months"),
        "source": debt.get("source") or "manual",
    }
    return {debt_field(row, name): value for name, value in values.items() if value not in (None, "")}


def _need_initial(customer: Customer, latest: Need | None) -> dict[str, Any]:
    """The form's starting values: the latest need (its debts by label, method, rate and term), else the
    customer's rate sensitivity and, from the latest 征信 summary, one row per debt it reports (source
    征信) — what the CM confirms with the customer. Income and balances are never pre-filled: a form's
    initial value is written into the page in clear."""
    if latest is not None:
        fields = [
            f.name
            for f in Need._meta.fields
            if f.name not in ("id", "customer", "created_by", "created_at", *SENSITIVE_NEED_FIELDS)
        ]
        initial = {name: getattr(latest, name) for name in fields}
        debts = [
            {
                "label": debt.label,
                "method": debt.method,
                "annual_rate": debt.as_debt().annual_rate,
                "remaining_months": debt.remaining_months,
                "source": debt.source,
            }
            for debt in latest.debts.all()[:DEBT_ROWS]
        ]
    else:
        initial = {
            "purpose": "business_working_capital" if customer.kind != "individual" else "consumption",
            "rate_sensitivity": customer.rate_sensitivity or "medium",
            "collateral_type": CollateralType.NONE,
        }
        debts = services.need_debt_rows_from_report(customer=customer)[:DEBT_ROWS]
    for row, debt in enumerate(debts, start=1):
        initial.update(_debt_initial(row, debt))
    return initial


def _need_page(
    request: HttpRequest, customer: Customer, *, form: NeedForm | None = None, status: int = 200
) -> HttpResponse:
    can_change = policy.can(request.user, Action.NEED_RECORD, customer)
    needs = list(selectors.needs_of(customer=customer).prefetch_related("debts")[:NEED_HISTORY])
    latest = needs[0] if needs else None
    context: dict[str, Any] = {
        "customer": customer,
        "latest": latest,
        "needs": needs,
        "can_change": can_change,
        "methods": dict(RepaymentMethod.choices),
    }
    if can_change:
        context["form"] = form or NeedForm(initial=_need_initial(customer, latest))
    return render(request, "products/need.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def customer_need(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = customer_get_visible(user=request.user, customer_id=customer_id)
    if request.method == "GET":
        return _need_page(request, customer)
    with refusals_as_http():  # the form is checked before the service is reached: ask first
        policy.require(request.user, Action.NEED_RECORD, customer)
    form = NeedForm(request.POST)
    if not form.is_valid():
        return _need_page(request, customer, form=form, status=400)
    try:
        with refusals_as_http():
            services.need_record(actor=request.user, customer_id=customer.pk, data=form.need_data())
    except DomainError as exc:
        refusal_on_form(form, exc, field=exc.extra.get("form_field"))
        return _need_page(request, customer, form=form, status=400)
    messages.success(request, _("已记录需求分析。"))
    data = form.need_data()
    if data["debts"] and data.get("monthly_debt_payments"):
        messages.info(request, _("现有月还款额已按逐笔负债计算，手工填写的合计未采用。"))
    return redirect("products:need", customer_id=customer.pk)


@login_required
@require_GET
def customer_panel(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The 需求分析 section of the customer 360 page (loaded by htmx): the latest need in one line."""
    customer = customer_get_visible(user=request.user, customer_id=customer_id)
    context = {
        "customer": customer,
        "latest": selectors.latest_need(customer=customer),
        "can_change": policy.can(request.user, Action.NEED_RECORD, customer),
    }
    return render(request, "products/_need_panel.html", context)
