"""Reads of the solutions app, scoped to the person asking: a customer's match (the pure ``matching`` over
the catalogue on sale, the customer's facts and latest pre-assessment grade), the team's competitor
quotes and proposals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.customers.models import Customer
from creditdesk.finance.pricing import LprQuote
from creditdesk.finance.provident import ProvidentQuote
from creditdesk.products import capacity
from creditdesk.products import selectors as product_selectors
from creditdesk.products.catalogue import ProductSpec
from creditdesk.products.customer_facts import facts_for
from creditdesk.products.models import Need, ProductVersion
from creditdesk.rates.selectors import provident_table
from creditdesk.scoring.models import Assessment
from creditdesk.scoring.selectors import assessments_of
from creditdesk.solutions import competitors
from creditdesk.solutions.matching import MatchResult, Pending, RankedOption, Rejected, match
from creditdesk.solutions.models import CompetitorOffer, Proposal
from creditdesk.solutions.offers import Context, make_context

# --- matching ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerMatch:
    """A customer's need matched to the catalogue on sale today, with everything the pages show around
    it: the need (None: nothing to match yet), the latest pre-assessment (None: priced at the worst grade,
    the ``min_grade`` rules answer "unknown"), the facts the rules saw, the product versions quoted."""

    customer: Customer
    need: Need | None
    need_value: capacity.Need | None
    capacity_value: capacity.Capacity | None
    assessment: Assessment | None
    facts: Mapping[str, Any]
    versions: Mapping[tuple[str, int], ProductVersion]
    lpr_table: tuple[LprQuote, ...]
    on: date
    result: MatchResult | None
    specs: tuple[ProductSpec, ...] = field(default=())
    provident_table: tuple[ProvidentQuote, ...] = field(default=())

    @property
    def grade(self) -> str | None:
        return self.assessment.final_grade if self.assessment is not None else None

    def context(self) -> Context:
        """The pure core's pricing context for this need (for re-quoting an option another way)."""
        assert self.need_value is not None and self.capacity_value is not None
        return make_context(
            self.need_value,
            self.capacity_value,
            self.facts,
            self.lpr_table,
            self.on,
            provident_table=self.provident_table,
            second_home=self.second_home,
        )

    @property
    def second_home(self) -> bool | None:
        """二套 for 公积金 pricing: the saved need's ``home_purchase_order`` (None: the pure need decides)."""
        return None if self.need is None else self.need.home_purchase_order == "second"

    def version_of(self, spec: ProductSpec) -> ProductVersion:
        return self.versions[(spec.code, spec.version)]

    def find(self, code: str) -> RankedOption | Pending | Rejected | None:
        """The product ``code`` wherever the match put it."""
        if self.result is None:
            return None
        for item in (*self.result.eligible, *self.result.pending, *self.result.ineligible):
            if item.quote.spec.code == code:
                return item
        return None


def products_on_sale() -> dict[tuple[str, int], ProductVersion]:
    """The current version of every product on sale (上架), by (code, version number)."""
    rows = product_selectors.product_list().filter(is_active=True, current_version__isnull=False)
    versions = {}
    for product in rows:
        version = product.current_version
        assert version is not None
        versions[(product.code, version.number)] = version
    return versions


def latest_assessment(*, customer: Customer) -> Assessment | None:
    return assessments_of(customer=customer).order_by("-created_at", "-id").first()


def customer_match(
    *,
    customer: Customer,
    need_input: tuple[capacity.Need, capacity.Capacity, Mapping[str, Any]] | None = None,
    today: date | None = None,
    with_what_if: bool = True,
) -> CustomerMatch:
    """Match the customer's latest need (or ``need_input``: a need, its capacity and the need's own facts
    — guarantor, co-borrower — not saved) against the products on sale. The caller has checked that the
    person may see ``customer``. Raises the pure core's ``NeedError`` / ``FactError`` for impossible
    input."""
    on = today or timezone.localdate()
    assessment = latest_assessment(customer=customer)
    extra = {"risk_grade": assessment.final_grade} if assessment is not None else {}
    need: Need | None = None
    if need_input is not None:
        need_value, capacity_value, need_facts = need_input
        facts = facts_for(customer, None, extra_facts={**need_facts, **extra}, today=on)
    else:
        need = product_selectors.latest_need(customer=customer)
        facts = facts_for(customer, need, extra_facts=extra, today=on)
        need_value = need.as_need() if need is not None else None
        capacity_value = need.as_capacity() if need is not None else None
    versions = products_on_sale()
    table = product_selectors.lpr_table()
    provident = tuple(provident_table())
    second_home = None if need is None else need.home_purchase_order == "second"
    specs = tuple(v.as_spec() for v in versions.values())
    result = None
    if need_value is not None and capacity_value is not None:
        result = match(
            need_value,
            capacity_value,
            facts,
            specs,
            table,
            on,
            with_what_if=with_what_if,
            provident_table=provident,
            second_home=second_home,
        )
    return CustomerMatch(
        customer=customer,
        need=need,
        need_value=need_value,
        capacity_value=capacity_value,
        assessment=assessment,
        facts=facts,
        versions=versions,
        lpr_table=table,
        on=on,
        result=result,
        specs=specs,
        provident_table=provident,
    )


# --- competitor offers ------------------------------------------------------------------------------------


def competitor_offer_list_visible_to(*, user: User) -> QuerySet[CompetitorOffer]:
    """A team's quotes are the team's (every member sees them, see the model); the branch head and risk
    managers see their branch's. Nobody else sees any (``scope.team_shared_q``)."""
    rows = CompetitorOffer.objects.select_related("recorded_by", "team")
    return rows.filter(scope.team_shared_q(user, team="team", branch="team__branch"))


def competitor_offer_get_visible(*, user: User, offer_id: int | str) -> CompetitorOffer:
    found = competitor_offer_list_visible_to(user=user).filter(pk=offer_id).first()
    if found is None:
        raise Http404("not found")
    return found


COMPARE_OURS = 3  # beside the competitors' quotes: the customer's best three options


def competitor_comparison(
    *, found: CustomerMatch | None, theirs: Sequence[competitors.CompetitorOffer]
) -> competitors.Comparison:
    """竞品对比, one composition for the page and the API: ``found``'s best ``COMPARE_OURS`` eligible
    options (none without a match or a need) beside ``theirs``, all on the annualized basis (IRR), priced
    on the match's day (today without a match)."""
    result = found.result if found is not None else None
    ours = [o.quote for o in result.eligible[:COMPARE_OURS]] if result is not None else []
    return competitors.compare(ours, theirs, found.on if found is not None else timezone.localdate())


# --- proposals --------------------------------------------------------------------------------------------


def proposal_list_visible_to(*, user: User) -> QuerySet[Proposal]:
    return scope.visible(user, Proposal.objects.select_related("customer", "created_by")).defer("pdf")


def proposal_get_visible(*, user: User, proposal_id: int | str) -> Proposal:
    return scope.get_visible_or_404(
        user, Proposal.objects.select_related("customer", "created_by").defer("pdf"), pk=proposal_id
    )


def proposals_of(*, customer: Customer) -> QuerySet[Proposal]:
    """The proposals of a customer the caller may already see, the newest first (without the PDF)."""
    return (
        Proposal.objects.filter(customer=customer)
        .select_related("created_by")
        .defer("pdf")
        .order_by("-created_at", "-id")
    )
