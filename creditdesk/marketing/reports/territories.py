"""片区市场分析 — for the territories a CM works (issue 17 item 9, seed 000 区域市场分析): who is there and
how much of it the bank already serves, so a CM can plan where to go next. Read for the person asking: only
the customers and leads in their scope count.

- **Customers of a territory**: those whose business or home address contains one of its keywords.
- **By industry**: the GB/T 4754-2017 section (门类: the code's letter) of businesses' industry codes;
  people and businesses without a code are "未分类".
- **By size** (大/中/小/微, 工信部联企业〔2011〕300 号): businesses with the figures to compute it.
- **Penetration (渗透率)**: the share of the territory's customers with an open loan here, and with any
  cross-sell product held (an accepted offer).
- **Leads**: tagged with the territory at intake, by stage; open ones.
- **Competitors met**: the quotes of other institutions the viewer's team recorded (``solutions``) — they
  are market knowledge, recorded per team, not per address, so the table shows the team's, not the
  territory's alone (said on the page).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, Q, QuerySet

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.customers.industries import get_industry
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import customer_list_visible_to
from creditdesk.loans.choices import LoanStatus
from creditdesk.loans.models import Loan
from creditdesk.marketing import pipeline
from creditdesk.marketing.choices import LeadStage, OfferOutcome
from creditdesk.marketing.models import OfferRecord, Territory
from creditdesk.marketing.reports.sources import rate
from creditdesk.marketing.selectors import lead_list_visible_to
from creditdesk.solutions.models import CompetitorOffer

OPEN_LOANS = (LoanStatus.ACTIVE, LoanStatus.OVERDUE, LoanStatus.RESTRUCTURED)
UNCLASSIFIED = "未分类"


def territories_of(*, user: User) -> QuerySet[Territory]:
    """The territories of ``user``'s branch."""
    return (
        Territory.objects.filter(branch_id=user.branch_id).order_by("name")
        if user.branch_id
        else Territory.objects.none()
    )


def customers_in(territory: Territory, *, user: User) -> QuerySet[Customer]:
    """The customers ``user`` sees whose business or home address contains one of the territory's keywords."""
    words = territory.keyword_list
    if not words:
        return Customer.objects.none()
    matches = reduce(
        or_, (Q(address_business__contains=w) | Q(address_residential__contains=w) for w in words)
    )
    return customer_list_visible_to(user=user).filter(matches)


def _section(code: str) -> str:
    letter = (code or "").strip()[:1].upper()
    industry = get_industry(letter) if letter else None
    return f"{letter} {industry.name}" if industry else UNCLASSIFIED


@dataclass
class TerritoryReport:
    territory: Territory
    customers: int = 0
    with_loan: int = 0
    with_cross_sell: int = 0
    by_industry: list[tuple[str, int]] = field(default_factory=list)
    by_size: list[tuple[str, int]] = field(default_factory=list)
    leads_by_stage: list[tuple[str, int]] = field(default_factory=list)
    open_leads: int = 0
    competitors: list[tuple[str, int]] = field(default_factory=list)

    @property
    def loan_penetration(self) -> float | None:
        return rate(self.with_loan, self.customers)

    @property
    def cross_sell_penetration(self) -> float | None:
        return rate(self.with_cross_sell, self.customers)


def territory_report(*, user: User, territory: Territory, detail: bool = True) -> TerritoryReport:
    """The figures of one territory (module docstring); ``detail`` False: only the counts and penetration
    (the overview of all territories)."""
    customers = customers_in(territory, user=user)
    ids = list(customers.values_list("pk", flat=True))
    report = TerritoryReport(territory, customers=len(ids))
    report.with_loan = (
        Loan.objects.filter(customer_id__in=ids, status__in=OPEN_LOANS)
        .values("customer_id")
        .distinct()
        .count()
    )
    report.with_cross_sell = (
        OfferRecord.objects.filter(customer_id__in=ids, outcome=OfferOutcome.ACCEPTED)
        .values("customer_id")
        .distinct()
        .count()
    )
    leads = lead_list_visible_to(user=user).filter(territory=territory)
    report.open_leads = leads.filter(stage__in=[s.value for s in pipeline.OPEN_STAGES]).count()
    if not detail:
        return report
    labels = dict(LeadStage.choices)
    stages = dict(leads.values_list("stage").annotate(n=Count("pk")).values_list("stage", "n").order_by())
    report.leads_by_stage = [(str(labels[s.value]), stages.get(s.value, 0)) for s in pipeline.LeadStage]
    industries: Counter[str] = Counter()
    sizes: Counter[str] = Counter()
    for customer in customers:
        industries[_section(customer.industry_code)] += 1
        result = customer.size_class_result
        if result is not None:
            sizes[str(result.size_class.label)] += 1
    report.by_industry = industries.most_common()
    report.by_size = sizes.most_common()
    quotes = scope.team_shared_q(user, team="team", branch="team__branch")
    report.competitors = list(
        CompetitorOffer.objects.filter(quotes)
        .values_list("institution")
        .annotate(n=Count("pk"))
        .order_by("-n")[:10]
    )
    return report


def territories_overview(*, user: User) -> list[TerritoryReport]:
    """Every territory of the branch with its customers, open leads and penetration — lowest loan
    penetration first (where the bank is least present), then by customers."""
    reports = [territory_report(user=user, territory=t, detail=False) for t in territories_of(user=user)]
    return sorted(
        reports, key=lambda r: (r.loan_penetration if r.loan_penetration is not None else 0, -r.customers)
    )
