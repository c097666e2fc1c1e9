"""Reads of the product library (reference data: everyone signed in) and of needs (scoped through the
customer)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.customers.models import Customer
from creditdesk.finance.pricing import LprQuote
from creditdesk.finance.provident import ProvidentQuote
from creditdesk.products.customer_facts import facts_for
from creditdesk.products.evaluation import ProductEvaluation, evaluate_product
from creditdesk.products.models import Need, Product, ProductVersion
from creditdesk.rates.selectors import lpr_table as loans_lpr_table
from creditdesk.rates.selectors import provident_table as rates_provident_table


def product_list() -> QuerySet[Product]:
    """Every product with its current version (one query)."""
    return Product.objects.select_related("current_version").order_by("category", "code")


def product_get(*, code: str) -> Product:
    try:
        return product_list().get(code=code)
    except Product.DoesNotExist as exc:
        raise Http404("product not found") from exc


def product_versions(*, product: Product) -> QuerySet[ProductVersion]:
    """The versions of ``product``, the newest first, with who made them."""
    return ProductVersion.objects.filter(product=product).select_related("created_by").order_by("-number")


def lpr_table() -> tuple[LprQuote, ...]:
    """The LPR history as the pure core's quotes (the loans app's table, read whole: a few rows a year)."""
    return tuple(loans_lpr_table())


def provident_table() -> tuple[ProvidentQuote, ...]:
    """The 公积金 rate history as the pure core's quotes (priced like the LPR: read whole)."""
    return tuple(rates_provident_table())


def need_list_visible_to(*, user: User) -> QuerySet[Need]:
    return scope.visible(user, Need.objects.select_related("customer", "created_by"))


def need_get_visible(*, user: User, need_id: int | str) -> Need:
    return scope.get_visible_or_404(user, need_list_visible_to(user=user), pk=need_id)


def needs_of(*, customer: Customer) -> QuerySet[Need]:
    """The needs of a customer the caller already may see, the newest first."""
    return Need.objects.filter(customer=customer).select_related("created_by").order_by("-created_at", "-id")


def latest_need(*, customer: Customer) -> Need | None:
    return needs_of(customer=customer).first()


def evaluate_facts(
    *, product: Product, facts: Mapping[str, Any], need: Need | None = None
) -> ProductEvaluation:
    """准入测评: the product's current version against ``facts``, priced on today's LPR (a 公积金 product on
    today's 公积金 rate, 二套 when the need says so), in the need's preferred repayment method when there is
    one."""
    assert product.current_version is not None
    return evaluate_product(
        product.current_version.as_spec(),
        facts,
        lpr_table(),
        timezone.localdate(),
        preferred_method=need.repayment_preference if need else None,
        provident_table=provident_table(),
        second_home=need is not None and need.home_purchase_order == "second",
    )


def evaluate_customer(
    *, product: Product, customer: Customer, extra_facts: Mapping[str, Any] | None = None
) -> tuple[ProductEvaluation, Need | None]:
    """The product against a customer the caller may see: the profile and latest need (``facts_for``),
    plus ``extra_facts`` (the scorecard's pages pass the risk grade this way)."""
    need = latest_need(customer=customer)
    return evaluate_facts(
        product=product, facts=facts_for(customer, need, extra_facts=extra_facts), need=need
    ), need
