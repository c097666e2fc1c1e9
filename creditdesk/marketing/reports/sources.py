"""获客来源效果 — what each source (channel, campaign or partner) brought, read for the person asking
(issue 17 item 4): leads, conversion, loans and volume disbursed, cost per acquisition, and the later
credit quality of those loans — overdue now, ever 30+ days past due, NPL (次级/可疑/损失 or written off).

Definitions (stated on the page too):

- **Leads**: the leads the person sees (their scope), entered in the period.
- **Converted (转化)**: leads that reached 申请中 (a stage event to it), whatever happened after.
- **Loans of a source**: every loan of a customer is credited to one lead — the latest lead of that
  customer entered at or before the loan was booked (last touch before booking), among the leads counted.
  A loan booked before any lead of its customer is nobody's.
- **Cost (成本)**: a campaign's cost, shared over its leads: the person is shown the cost × (the campaign's
  leads they see / all its leads), so a team lead's and a branch head's figures add up. A channel's or
  partner's cost is the sum over its campaigns. **Cost per acquisition (获客成本)** = cost / customers with
  a loan credited to the source (none: not shown).
- **Quality**: of the loans credited — share overdue now (status 逾期), share that ever reached 30 days
  past due (``max_dpd`` ≥ 30), NPL share by count and NPL balance / balance (不良率).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from creditdesk.accounts.models import User
from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import ZERO, round_fen
from creditdesk.customers.choices import Channel
from creditdesk.finance.classification import NPL_CLASSES
from creditdesk.loans.choices import LoanStatus
from creditdesk.loans.models import Loan
from creditdesk.marketing import pipeline
from creditdesk.marketing.models import Campaign, Lead, LeadEvent, Partner
from creditdesk.marketing.selectors import lead_list_visible_to

GROUPS = {"channel": "channel", "campaign": "campaign_id", "partner": "partner_id"}
"""What the results may be grouped by, and the lead column of each."""

NPL_VALUES = [risk_class.value for risk_class in NPL_CLASSES]


@dataclass(frozen=True)
class SourceRow:
    """One source's results; rates are fractions (0.25 = 25 %), None where there is nothing to divide."""

    key: str
    label: str
    leads: int
    converted: int
    conversion_rate: float | None
    loans: int
    customers: int
    volume: Decimal
    cost: Decimal | None
    cost_per_acquisition: Decimal | None
    overdue_rate: float | None
    ever_30_rate: float | None
    npl_rate: float | None
    npl_balance_ratio: float | None


NPL = Q(risk_class__in=NPL_VALUES) | Q(status=LoanStatus.WRITTEN_OFF)
QUALITY = {
    "loans": Count("pk"),
    "customers": Count("customer_id", distinct=True),
    "volume": Sum("principal"),
    "overdue": Count("pk", filter=Q(status=LoanStatus.OVERDUE)),
    "ever_30": Count("pk", filter=Q(max_dpd__gte=30)),
    "npl": Count("pk", filter=NPL),
    "balance": Sum("principal_outstanding"),
    "npl_balance": Sum("principal_outstanding", filter=NPL),
}
"""What is counted of a source's loans (aggregates over ``credited_loans``)."""


CONVERSION = {"n": Count("pk"), "converted": Count("pk", filter=Q(reached=True))}
"""Leads and converted leads (aggregates over ``with_conversion``)."""


def with_conversion(leads: QuerySet[Lead]) -> QuerySet[Lead]:
    """``leads`` annotated ``reached``: whether each entered 申请中 (converted)."""
    reached = LeadEvent.objects.filter(lead=OuterRef("pk"), to_stage=pipeline.LeadStage.APPLYING.value)
    return leads.annotate(reached=Exists(reached))


def rate(part: int | Decimal, whole: int | Decimal) -> float | None:
    """``part`` / ``whole`` as a fraction; None when ``whole`` is 0."""
    return float(part) / float(whole) if whole else None


def credited_loans(leads: QuerySet[Lead], value: str) -> QuerySet[Loan]:
    """The loans credited to ``leads`` (the module docstring's rule: each loan to the latest lead of its
    customer entered at or before its booking), each annotated ``source`` = that lead's ``value`` column."""
    before = leads.filter(customer_id=OuterRef("customer_id"), created_at__lte=OuterRef("created_at"))
    credited = before.order_by("-created_at", "-pk").values(value)[:1]
    return Loan.objects.filter(Exists(before)).annotate(source=Subquery(credited))


def leads_entered(user: User, start: date | None, end: date | None) -> QuerySet[Lead]:
    """The leads ``user`` sees entered from ``start`` to ``end`` (inclusive; None: open-ended)."""
    if start is not None and end is not None and end < start:
        raise DomainError("source_period_invalid", _("结束日期不能早于开始日期。"), {"field": "end"})
    leads = lead_list_visible_to(user=user).select_related(None)
    if start is not None:
        leads = leads.filter(created_at__date__gte=start)
    if end is not None:
        leads = leads.filter(created_at__date__lte=end)
    return leads


def _labels(group: str, keys: Iterable[Any]) -> dict[Any, str]:
    if group == "channel":
        return {value: str(label) for value, label in Channel.choices}
    model = Campaign if group == "campaign" else Partner
    return {row.pk: row.name for row in model.objects.filter(pk__in=[k for k in keys if k is not None])}


def _costs(group: str, leads: QuerySet[Lead]) -> dict[Any, Decimal]:
    """Each source's share of its campaigns' costs (module docstring)."""
    seen = dict(
        leads.filter(campaign__isnull=False)
        .values_list("campaign_id")
        .annotate(n=Count("pk"))
        .values_list("campaign_id", "n")
    )
    if not seen:
        return {}
    totals = dict(
        Lead.objects.filter(campaign_id__in=list(seen))
        .values_list("campaign_id")
        .annotate(n=Count("pk"))
        .values_list("campaign_id", "n")
    )
    costs: dict[Any, Decimal] = {}
    for campaign in Campaign.objects.filter(pk__in=list(seen)):
        share = round_fen(campaign.cost * seen[campaign.pk] / totals[campaign.pk])
        key = {"channel": campaign.channel, "campaign": campaign.pk, "partner": campaign.partner_id}[group]
        costs[key] = costs.get(key, ZERO) + share
    return costs


def source_results(
    *, user: User, group: str = "channel", start: date | None = None, end: date | None = None
) -> list[SourceRow]:
    """The results per source of the leads ``user`` sees (entered from ``start`` to ``end``, inclusive),
    grouped by ``group`` (``channel``, ``campaign`` or ``partner``); biggest volume first. A lead with no
    campaign or partner falls in the "—" row of those groupings."""
    if group not in GROUPS:
        raise DomainError(
            "source_group_unknown", _("分组方式无效（channel、campaign 或 partner）。"), {"field": "group"}
        )
    column = GROUPS[group]
    leads = leads_entered(user, start, end)
    lead_rows = {
        row[column]: row for row in with_conversion(leads).values(column).annotate(**CONVERSION).order_by()
    }
    loan_rows = {
        row["source"]: row
        for row in credited_loans(leads, column).values("source").annotate(**QUALITY).order_by()
    }
    costs = _costs(group, leads)
    keys = set(lead_rows) | set(loan_rows)
    labels = _labels(group, keys)
    rows = []
    for key in keys:
        lead_row = lead_rows.get(key, {"n": 0, "converted": 0})
        loan_row = loan_rows.get(key, {})
        loans = loan_row.get("loans", 0)
        customers = loan_row.get("customers", 0)
        cost = costs.get(key) if group != "channel" or key in costs else None
        rows.append(
            SourceRow(
                key="" if key is None else str(key),
                label=labels.get(key, "—") if key is not None else "—",
                leads=lead_row["n"],
                converted=lead_row["converted"],
                conversion_rate=rate(lead_row["converted"], lead_row["n"]),
                loans=loans,
                customers=customers,
                volume=loan_row.get("volume") or ZERO,
                cost=cost,
                cost_per_acquisition=round_fen(cost / customers) if cost is not None and customers else None,
                overdue_rate=rate(loan_row.get("overdue", 0), loans),
                ever_30_rate=rate(loan_row.get("ever_30", 0), loans),
                npl_rate=rate(loan_row.get("npl", 0), loans),
                npl_balance_ratio=rate(loan_row.get("npl_balance") or ZERO, loan_row.get("balance") or ZERO),
            )
        )
    return sorted(rows, key=lambda row: (-row.volume, -row.leads, row.label))
