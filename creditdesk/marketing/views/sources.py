"""Where the business comes from (PRODUCT.md §2 and §7; issue 17): results per source (获客来源), the top
referrers (转介绍), the territories (片区) with their penetration — reports of what the person sees, for
the front line — and the branch's campaigns, partners and territories, kept by its team leads and branch
head (``SOURCE_MANAGE``; everyone of the branch reads the lists).

Charts are drawn by ECharts from a ``json_script`` block (``static/js/marketing-charts.js``): the
Content-Security-Policy allows no inline script."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from creditdesk.accounts import policy
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import ZERO
from creditdesk.core.paging import paginate
from creditdesk.core.views.errors import refusal_on_form, refusals_as_http
from creditdesk.customers.identity import mask_phone
from creditdesk.marketing import selectors, services
from creditdesk.marketing.choices import ReferrerKind
from creditdesk.marketing.forms.sources import (
    GROUPS,
    CampaignForm,
    PartnerForm,
    PeriodForm,
    SourceFilterForm,
    TerritoryForm,
)
from creditdesk.marketing.reports.referrals import top_referrers
from creditdesk.marketing.reports.sources import source_results
from creditdesk.marketing.reports.territories import territories_of, territories_overview, territory_report
from creditdesk.marketing.views.common import nav, require_areas

UNSOURCED = {"campaign": gettext_lazy("（未关联营销活动）"), "partner": gettext_lazy("（未关联合作渠道）")}
"""The row of the leads with no campaign (no partner) when grouped by campaign (by partner)."""
CHART_SOURCES = 12  # sources drawn in the chart: the biggest by volume (the table lists all)
TEN_THOUSAND = Decimal(10_000)


def _wan(amount: Decimal) -> float:
    """An amount in 万元 for a chart's axis (drawn, never added up)."""
    return float((amount / TEN_THOUSAND).quantize(Decimal("0.01")))


def _links(request: HttpRequest, group: str) -> list[dict[str, Any]]:
    """The group switch: the same period, each grouping."""
    kept = {key: request.GET.get(key, "") for key in ("start", "end") if request.GET.get(key)}
    return [
        {
            "value": value,
            "label": label,
            "url": "?" + urlencode({**kept, "group": value}),
            "active": value == group,
        }
        for value, label in GROUPS
    ]


# --- 获客来源 -------------------------------------------------------------------------------------------


@login_required
@require_GET
def sources(request: HttpRequest) -> HttpResponse:
    """获客来源: per channel, campaign or partner, what the leads the person sees (entered in the period)
    became — conversion, loans, volume, cost per acquisition and later quality (``reports.sources``)."""
    require_areas(request)
    form = SourceFilterForm(request.GET or None, initial={"group": "channel"})
    group = form.grouping()
    start, end = form.period()
    rows = [] if form.errors else source_results(user=request.user, group=group, start=start, end=end)
    rows = [
        replace(row, label=str(UNSOURCED[group])) if not row.key and group in UNSOURCED else row
        for row in rows
    ]
    costs = [row.cost for row in rows if row.cost is not None]
    totals = {
        "leads": sum(row.leads for row in rows),
        "converted": sum(row.converted for row in rows),
        "loans": sum(row.loans for row in rows),
        "volume": sum((row.volume for row in rows), ZERO),
        "cost": sum(costs, ZERO) if costs else None,
    }
    totals["conversion_rate"] = totals["converted"] / totals["leads"] if totals["leads"] else None
    drawn = [row for row in rows if row.loans or row.leads][:CHART_SOURCES]
    chart = {
        "charts": [
            {
                "el": "chart-sources",
                "labels": [row.label for row in drawn],
                "bars": {"name": _("放款金额（万元）"), "data": [_wan(row.volume) for row in drawn]},
                "line": {"name": _("不良率（按余额）"), "data": [row.npl_balance_ratio for row in drawn]},
            }
        ]
    }
    context = {
        "form": form,
        "group": group,
        "group_label": dict(GROUPS)[group],
        "groups": _links(request, group),
        "rows": rows,
        "totals": totals,
        "chart": chart if drawn else None,
        **nav(request.user),
    }
    return render(request, "marketing/sources.html", context)


# --- 转介绍 ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def referrals(request: HttpRequest) -> HttpResponse:
    """转介绍: the top referrers of the leads the person sees (entered in the period) — leads, conversion,
    loans, volume, quality and the reward earned (``reports.referrals``)."""
    require_areas(request)
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    rows = [] if form.errors else top_referrers(user=request.user, start=start, end=end)
    kinds = dict(ReferrerKind.choices)
    context = {
        "form": form,
        "rows": [{"row": row, "kind": kinds.get(row.kind, row.kind)} for row in rows],
        **nav(request.user),
    }
    return render(request, "marketing/referrals.html", context)


# --- 片区 -----------------------------------------------------------------------------------------------


@login_required
@require_GET
def territories(request: HttpRequest) -> HttpResponse:
    """片区: every territory of the branch with its customers, open leads and penetration — the least
    served first (``reports.territories``)."""
    require_areas(request)
    reports = territories_overview(user=request.user)
    chart = {
        "charts": [
            {
                "el": "chart-territories",
                "labels": [report.territory.name for report in reports],
                "bars": {
                    "name": _("客户数"),
                    "data": [report.customers for report in reports],
                    "integer": True,
                },
                "line": {
                    "name": _("贷款渗透率"),
                    "data": [report.loan_penetration for report in reports],
                    "color": "#1e7b45",
                },
            }
        ]
    }
    context = {"reports": reports, "chart": chart if reports else None, **nav(request.user)}
    return render(request, "marketing/territories.html", context)


@login_required
@require_GET
def territory_detail(request: HttpRequest, territory_id: int) -> HttpResponse:
    """One territory: its customers by industry and by size, penetration, leads by stage, and the
    competitor quotes the person's team recorded."""
    with refusals_as_http():
        territory = selectors.territory_get_visible(user=request.user, territory_id=territory_id)
    require_areas(request)
    report = territory_report(user=request.user, territory=territory)
    charts = []
    if report.by_industry:
        charts.append(_bars("chart-industry", report.by_industry, _("客户数"), horizontal=True))
    if report.by_size:
        charts.append(_bars("chart-size", report.by_size, _("客户数")))
    if any(n for _label, n in report.leads_by_stage):
        charts.append(_bars("chart-stages", report.leads_by_stage, _("线索数")))
    context = {
        "territory": territory,
        "report": report,
        "chart": {"charts": charts} if charts else None,
        "drawn": [chart["el"] for chart in charts],
        "can_edit": policy.can(request.user, Action.SOURCE_MANAGE, territory),
        **nav(request.user),
    }
    return render(request, "marketing/territory_detail.html", context)


def _bars(
    el: str, pairs: Iterable[tuple[str, int]], name: str, *, horizontal: bool = False
) -> dict[str, Any]:
    pairs = list(pairs)
    return {
        "el": el,
        "labels": [label for label, _n in pairs],
        "bars": {"name": name, "data": [n for _label, n in pairs]},
        "horizontal": horizontal,
    }


# --- the branch's campaigns, partners and territories -------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    """One kind of source record the branch keeps: its form, how the form becomes the service's input,
    the service, and the words of its pages."""

    name: str  # campaign, partner, territory: the URL names' prefix and the template's
    title: Any
    new_title: Any
    saved: Any
    form: Callable[..., Any]
    initial: Callable[[Any], dict[str, Any]]
    save: Callable[..., Model]


def _campaign_form(request: HttpRequest, data: Any = None, **kwargs: Any) -> CampaignForm:
    partners = list(selectors.partners_of(user=request.user))
    return CampaignForm(data, partners=partners, **kwargs)


def _save_campaign(request: HttpRequest, data: dict[str, Any], pk: int | None) -> Model:
    return services.campaign_save(
        actor=request.user,
        data=services.CampaignInput(
            name=data["name"],
            channel=data["channel"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            cost=data["cost"] or "0",
            channel_detail=data["channel_detail"],
            partner=data["partner"] or None,
            notes=data["notes"],
        ),
        campaign_id=pk,
    )


def _save_partner(request: HttpRequest, data: dict[str, Any], pk: int | None) -> Model:
    return services.partner_save(actor=request.user, data=services.PartnerInput(**data), partner_id=pk)


def _save_territory(request: HttpRequest, data: dict[str, Any], pk: int | None) -> Model:
    return services.territory_save(actor=request.user, data=services.TerritoryInput(**data), territory_id=pk)


KINDS = {
    "campaign": _Kind(
        "campaign",
        gettext_lazy("营销活动"),
        gettext_lazy("登记营销活动"),
        gettext_lazy("已保存营销活动：%(name)s"),
        _campaign_form,
        lambda c: {
            "name": c.name,
            "channel": c.channel,
            "channel_detail": c.channel_detail,
            "partner": str(c.partner_id or ""),
            "starts_on": c.starts_on,
            "ends_on": c.ends_on,
            "cost": f"{c.cost:.2f}",
            "notes": c.notes,
        },
        _save_campaign,
    ),
    "partner": _Kind(
        "partner",
        gettext_lazy("合作渠道"),
        gettext_lazy("登记合作渠道"),
        gettext_lazy("已保存合作渠道：%(name)s"),
        lambda request, data=None, **kw: PartnerForm(data, **kw),
        lambda p: {
            "name": p.name,
            "kind": p.kind,
            "contact_name": p.contact_name,
            "contact_phone": p.contact_phone,
            "agreement": p.agreement,
            "active": p.active,
        },
        _save_partner,
    ),
    "territory": _Kind(
        "territory",
        gettext_lazy("片区"),
        gettext_lazy("登记片区"),
        gettext_lazy("已保存片区：%(name)s"),
        lambda request, data=None, **kw: TerritoryForm(data, **kw),
        lambda t: {"name": t.name, "kind": t.kind, "keywords": t.keywords, "notes": t.notes},
        _save_territory,
    ),
}


def _source_form(request: HttpRequest, kind: _Kind, row: Model | None = None) -> HttpResponse:
    """The form of a new record (``row`` None) or of ``row``: saved through the service, refusals shown on
    the field they name (a duplicate name: 409)."""
    status = 200
    if request.method == "POST":
        form = kind.form(request, request.POST)
        status = 400
        if form.is_valid():
            try:
                with refusals_as_http():
                    saved = kind.save(request, form.cleaned_data, row.pk if row is not None else None)
            except DomainError as exc:
                refusal_on_form(form, exc)
                status = exc.status
            else:
                messages.success(request, str(kind.saved) % {"name": str(saved)})
                return redirect(f"marketing:{kind.name}_list")
    else:
        form = kind.form(request, initial=kind.initial(row) if row is not None else None)
    context = {
        "form": form,
        "kind": kind,
        "row": row,
        "title": kind.title if row is not None else kind.new_title,
        "list_url": f"marketing:{kind.name}_list",
        **nav(request.user),
    }
    return render(request, "marketing/source_form.html", context, status=status)


def _creating(request: HttpRequest, name: str) -> HttpResponse:
    with refusals_as_http():
        policy.require(request.user, Action.SOURCE_MANAGE)
    return _source_form(request, KINDS[name])


def _editing(request: HttpRequest, name: str, row: Model) -> HttpResponse:
    """Another branch's record: 404 (the caller's lookup); the branch's, for someone who does not keep
    them: 403."""
    with refusals_as_http():
        policy.require(request.user, Action.SOURCE_MANAGE, row)
    return _source_form(request, KINDS[name], row)


def _listing(request: HttpRequest, name: str, rows: Any, **extra: Any) -> HttpResponse:
    require_areas(request)
    page = paginate(request, rows)
    context = {
        "page": page,
        "rows": list(page.object_list),
        "kind": KINDS[name],
        **nav(request.user),
        **extra,
    }
    return render(request, f"marketing/{name}_list.html", context)


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    """营销活动 of the branch, latest first."""
    return _listing(request, "campaign", selectors.campaigns_of(user=request.user))


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    return _creating(request, "campaign")


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, campaign_id: int) -> HttpResponse:
    with refusals_as_http():
        campaign = selectors.campaign_get_visible(user=request.user, campaign_id=campaign_id)
    return _editing(request, "campaign", campaign)


@login_required
@require_GET
def partner_list(request: HttpRequest) -> HttpResponse:
    """合作渠道 of the branch, by name; the contact's phone masked."""
    require_areas(request)
    page = paginate(request, selectors.partners_of(user=request.user))
    rows = [{"partner": p, "phone": mask_phone(p.contact_phone) if p.contact_phone else ""} for p in page]
    context = {"page": page, "rows": rows, "kind": KINDS["partner"], **nav(request.user)}
    return render(request, "marketing/partner_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def partner_create(request: HttpRequest) -> HttpResponse:
    return _creating(request, "partner")


@login_required
@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, partner_id: int) -> HttpResponse:
    with refusals_as_http():
        partner = selectors.partner_get_visible(user=request.user, partner_id=partner_id)
    return _editing(request, "partner", partner)


@login_required
@require_GET
def territory_list(request: HttpRequest) -> HttpResponse:
    """片区 of the branch with their address keywords."""
    return _listing(request, "territory", territories_of(user=request.user))


@login_required
@require_http_methods(["GET", "POST"])
def territory_create(request: HttpRequest) -> HttpResponse:
    return _creating(request, "territory")


@login_required
@require_http_methods(["GET", "POST"])
def territory_edit(request: HttpRequest, territory_id: int) -> HttpResponse:
    with refusals_as_http():
        territory = selectors.territory_get_visible(user=request.user, territory_id=territory_id)
    return _editing(request, "territory", territory)
