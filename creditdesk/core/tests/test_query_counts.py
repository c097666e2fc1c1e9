"""Query counts of the main lists and detail pages (CONVENTIONS.md, "Reads"): each is read with one row and
with ten, and must run the same number of queries — no more than today's count — whatever the rows (an N+1
would grow with them). ``assert_same_queries`` lists the SQL of both reads when it fails.

Each entry: the person reading, the URL, ``first`` (the one row) and ``grow`` (nine more), and the bound:
today's count, so that a query added to a page is a decision (raise the bound in the same commit).
Rows hang off different owners and teams where the page shows them (owner, team, creator), so that a
missing ``select_related`` shows.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from creditdesk.core.testing.queries import assert_same_queries

pytestmark = pytest.mark.django_db

ROWS = 10


# --- rows: each adds the first row (first=True) or nine more, and returns texts the page shows for them --


def _customer(org, owner, name, **kwargs):
    from creditdesk.customers import services
    from creditdesk.customers.services import CustomerInput

    return services.customer_create(actor=owner, data=CustomerInput(kind="individual", name=name, **kwargs))


def _n(first: bool) -> range:
    return range(1) if first else range(1, ROWS)


def customers(org, w, first: bool) -> list[str]:
    owners = [org.cm_a, org.cm_b]  # two owners of team T1: a team lead's list shows both
    return [_customer(org, owners[i % 2], f"客户{i}").name for i in _n(first)]


def relationships(org, w, first: bool) -> list[str]:
    from creditdesk.customers import services

    names = []
    for i in _n(first):
        other = _customer(org, [org.cm_a, org.cm_b][i % 2], f"关联{i}")
        services.relationship_add(
            actor=org.lead1, from_customer_id=w.customer.pk, to_customer_id=other.pk, kind="guarantor"
        )
        names.append(other.name)
    return names


def tasks(org, w, first: bool) -> list[str]:
    from creditdesk.agenda import services

    titles = []
    for i in _n(first):
        owner = [org.cm_a, org.cm_b][i % 2]
        due = timezone.localdate() + timedelta(days=1)
        task = services.task_create(
            actor=owner,
            owner=owner,
            title=f"回访{i}号",
            kind="follow_up",
            due_date=due,
            notes="",
            customer_id=w.customer.pk if owner == org.cm_a else None,  # the list shows the customer
        )
        titles.append(task.title)
    return titles


def customer_tasks(org, w, first: bool) -> list[str]:
    """Open tasks about 张三 (cm_a's customer), of cm_a and of the team lead who may see him."""
    from creditdesk.agenda import services

    titles = []
    for i in _n(first):
        owner = [org.cm_a, org.lead1][i % 2]
        due = timezone.localdate() + timedelta(days=1 + i)
        task = services.task_create(
            actor=owner, owner=owner, title=f"跟进张三{i}号", due_date=due, customer_id=w.customer.pk
        )
        titles.append(task.title)
    return titles


def audit_events(org, w, first: bool) -> list[str]:
    from creditdesk.core.audit import audit_record

    people = [org.cm_a, org.cm_c, org.risk1, org.cm_d]  # actors of two branches
    with transaction.atomic():
        return [
            audit_record(actor=people[i % 4], action=f"probe.n{i}", target=people[i % 4]).action
            for i in _n(first)
        ]


def products(org, w, first: bool) -> list[str]:
    from creditdesk.products import services
    from creditdesk.products.catalogue_data import SEED_CATALOGUE_DATA

    specs = [SEED_CATALOGUE_DATA[i] for i in _n(first)]
    return [services.product_create(actor=org.risk1, spec=copy.deepcopy(s), note="首版").name for s in specs]


def product_versions(org, w, first: bool) -> list[str]:
    from creditdesk.products import services
    from creditdesk.products.catalogue_data import SEED_CATALOGUE_DATA

    spec = copy.deepcopy(SEED_CATALOGUE_DATA[0])
    if first:
        w.product = services.product_create(actor=org.risk1, spec=spec, note="首版说明")
        return ["首版说明"]
    notes = []
    for i in _n(first):
        spec["approval_days"] = i + 2
        version = services.product_version_create(
            actor=[org.risk1, org.admin][i % 2], code=w.product.code, spec=spec, note=f"第{i}次修订"
        )
        notes.append(version.note)
    return notes


def _scorecard(org) -> Any:
    from creditdesk.scoring import services
    from creditdesk.scoring.models import ScoreModel
    from creditdesk.scoring.tests.conftest import SHIPPED_MODEL

    return ScoreModel.objects.first() or services.score_model_register(
        actor=org.risk1, artefact=SHIPPED_MODEL.read_text(encoding="utf-8")
    )


def assessments(org, w, first: bool) -> list[str]:
    from creditdesk.solutions.tests.conftest import grade

    _scorecard(org)
    names = []
    for i in _n(first):
        customer = _customer(org, [org.cm_a, org.cm_c][i % 2], f"评估{i}")  # a branch head's: two teams
        grade(org, customer, "B")
        names.append(customer.name)
    return names


def score_models(org, w, first: bool) -> list[str]:
    model = _scorecard(org)
    if first:
        return [model.version]
    versions = []
    for i in _n(first):
        model.pk = None
        model.version = f"copy-{i}"
        model.approved_by = [org.risk1, org.risk2][i % 2]
        model.save()
        versions.append(model.version)
    return versions


def offers(org, w, first: bool) -> list[str]:
    from creditdesk.solutions import services
    from creditdesk.solutions.tests.access import FLAT

    return [
        services.competitor_offer_record(
            actor=[org.cm_a, org.cm_b][i % 2], data={**FLAT, "product_name": f"极速贷{i}号"}
        ).product_name
        for i in _n(first)
    ]


def staff(org, w, first: bool) -> list[str]:
    from creditdesk.accounts.choices import Role
    from creditdesk.accounts.tests.factories import make_person

    return [
        make_person(Role.MANAGER, team=[org.t1, org.t2][i % 2], username=f"extra{i}").username
        for i in _n(first)
    ]


def consents(org, w, first: bool) -> list[str]:
    from creditdesk.consents.tests.conftest import make_consent

    for i in _n(first):
        make_consent(w.customer, purpose=["loan_review", "card_review", "post_loan"][i % 3])
    return []  # counted by their rows' marker


def needs(org, w, first: bool) -> list[str]:
    from creditdesk.products import services
    from creditdesk.solutions.tests.conftest import NEED

    return [
        services.need_record(
            actor=[org.cm_a, org.lead1][i % 2],
            customer_id=w.customer.pk,
            data={**NEED, "note": f"第{i}次需求分析"},
        ).note
        for i in _n(first)
    ]


def proposals(org, w, first: bool) -> list[str]:
    """One proposal issued through the service (with its PDF), then copies of it issued by others."""
    from creditdesk.solutions import services
    from creditdesk.solutions.models import Proposal, ProposalOption

    if first:
        _small_catalogue(org, w)
        w.proposal = services.proposal_create(actor=org.cm_a, customer_id=w.customer.pk, products=["XYD"])
        return [w.proposal.number]
    options = list(ProposalOption.objects.filter(proposal=w.proposal))
    numbers = []
    for i in _n(first):
        again = Proposal.objects.get(pk=w.proposal.pk)
        again.pk = None
        again.number = f"{w.proposal.number}-{i}"
        again.created_by = [org.cm_a, org.lead1][i % 2]
        again.save()
        for option in options:
            option.pk = None
            option.proposal = again
            option.save()
        numbers.append(again.number)
    return numbers


def _applications(org, w, first: bool, **fields: Any) -> list[str]:
    """Applications of 张三 made directly (``make_application``), alternating cm_a and cm_b as owner."""
    from creditdesk.applications.tests.factories import make_application
    from creditdesk.products.models import ProductVersion

    if first:
        _small_catalogue(org, w)
    version = ProductVersion.objects.filter(product__code="XYD").latest("number")
    numbers = []
    for i in _n(first):
        owner = [org.cm_a, org.cm_b][i % 2]
        made = make_application(customer=w.customer, product_version=version, owner=owner, **fields)
        numbers.append(made.number)
    return numbers


def applications(org, w, first: bool) -> list[str]:
    return _applications(org, w, first)


def approval_queue(org, w, first: bool) -> list[str]:
    from creditdesk.applications.models import Application

    numbers = _applications(org, w, first, status="submitted")
    Application.objects.filter(number__in=numbers).update(assigned_to=org.approver1)
    return numbers


def _small_catalogue(org, w) -> None:
    from creditdesk.products import services as product_services
    from creditdesk.solutions.tests.conftest import NEED, grade
    from creditdesk.solutions.tests.small_catalogue import DYD, FQ, JYD, XYD, ZYD

    for data in (XYD, DYD, FQ, JYD, ZYD):
        product_services.product_create(actor=org.risk1, spec=copy.deepcopy(data), note="首版")
    product_services.need_record(actor=org.cm_a, customer_id=w.customer.pk, data=dict(NEED))
    _scorecard(org)
    grade(org, w.customer, "B")


def leads(org, w, first: bool) -> list[str]:
    """Leads of cm_a and cm_b (team T1); every other one linked to 张三 and followed up (the gates' facts)."""
    from creditdesk.marketing import services
    from creditdesk.marketing.services import LeadInput

    names = []
    for i in _n(first):
        owner = [org.cm_a, org.cm_b][i % 2]
        lead = services.lead_create(
            actor=owner, data=LeadInput(name=f"线索{i}号", phone=f"1390013{9300 + i}")
        ).lead
        if owner == org.cm_a:
            services.lead_link_customer(actor=owner, lead_id=lead.pk, customer_id=w.customer.pk)
            services.lead_activity_log(
                actor=owner, lead_id=lead.pk, kind="call", outcome="reached", happened_at=timezone.now()
            )
        names.append(lead.name)
    return names


def _cm_b_customer(org, w):
    """王五, cm_b's customer (team T1), made once: rows alternate between 张三 and him."""
    if not hasattr(w, "wang"):
        w.wang = _customer(org, org.cm_b, "王五")
    return w.wang


def campaigns(org, w, first: bool) -> list[str]:
    """Campaigns of branch B1 by lead1 and head1, every other one with a partner (the rows name it)."""
    from creditdesk.marketing import services
    from creditdesk.marketing.services import CampaignInput, PartnerInput

    today = timezone.localdate()
    names = []
    for i in _n(first):
        partner = None
        if i % 2:
            partner = services.partner_save(
                actor=org.lead1, data=PartnerInput(name=f"合作方{i}号", kind="chamber")
            )
        campaign = services.campaign_save(
            actor=[org.lead1, org.head1][i % 2],
            data=CampaignInput(
                f"活动{i}号", "offline", today, today, partner=partner.pk if partner else None
            ),
        )
        names.append(campaign.name)
    return names


def partners(org, w, first: bool) -> list[str]:
    from creditdesk.marketing import services
    from creditdesk.marketing.services import PartnerInput

    return [
        services.partner_save(
            actor=[org.lead1, org.head1][i % 2],
            data=PartnerInput(name=f"合作方{i}号", kind="chamber", contact_phone=f"1390013{9400 + i}"),
        ).name
        for i in _n(first)
    ]


def territories(org, w, first: bool) -> list[str]:
    from creditdesk.marketing import services
    from creditdesk.marketing.services import TerritoryInput

    return [
        services.territory_save(
            actor=[org.lead1, org.head1][i % 2],
            data=TerritoryInput(name=f"片区{i}号", kind="park", keywords=f"创业园{i}号"),
        ).name
        for i in _n(first)
    ]


def surveys(org, w, first: bool) -> list[str]:
    """Surveys of 张三 (cm_a's) and 王五 (cm_b's): the rows name the customer and the CM measured."""
    from creditdesk.marketing import services

    keys = []
    for i in _n(first):
        customer = [w.customer, _cm_b_customer(org, w)][i % 2]
        survey = services.survey_send(
            actor=customer.owner, customer_id=customer.pk, kind="nps", trigger_key=f"service:{i}号"
        )
        keys.append(survey.trigger_key)
    return keys


def feedback(org, w, first: bool) -> list[str]:
    from creditdesk.marketing import services

    texts = []
    for i in _n(first):
        customer = [w.customer, _cm_b_customer(org, w)][i % 2]
        texts.append(
            services.feedback_record(
                actor=customer.owner, customer_id=customer.pk, kind="suggestion", text=f"建议{i}号"
            ).text
        )
    return texts


def marketing_offers(org, w, first: bool) -> list[str]:
    """Offers made to 张三 and 王五 by their CMs (written directly: the ranking is not what is counted)."""
    from creditdesk.marketing.choices import OfferCategory
    from creditdesk.marketing.models import OfferRecord

    reasons = []
    for i in _n(first):
        customer = [w.customer, _cm_b_customer(org, w)][i % 2]
        offer = OfferRecord.objects.create(
            customer=customer,
            category=OfferCategory.values[i // 2],
            reason=f"推荐{i}号",
            offered_by=customer.owner,
            offered_at=timezone.now(),
        )
        reasons.append(offer.reason)
    return reasons


def cases(org, w, first: bool) -> list[str]:
    from creditdesk.marketing import services
    from creditdesk.marketing.services import CaseInput

    return [
        services.case_write(
            actor=[org.cm_a, org.cm_b][i % 2],
            data=CaseInput(
                title=f"案例{i}号",
                outcome="won",
                customer_kind="individual",
                need="周转",
                solution="信用贷",
                lessons="尽早联系",
            ),
        ).title
        for i in _n(first)
    ]


def activity_plans(org, w, first: bool) -> list[str]:
    from creditdesk.marketing.models import ActivityPlan, PlanStep

    names = []
    for i in _n(first):
        plan = ActivityPlan.objects.create(name=f"计划{i}号")
        PlanStep.objects.create(plan=plan, offset_days=i, kind="call", title=f"电话{i}")
        names.append(plan.name)
    return names


# --- the pages and lists -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    """One list or detail page read by ``viewer``, with the rows that grow it and today's query count.
    The rows are checked on the page: their texts (``rows`` returns them), or ``marker`` once a row."""

    url: Callable[[Any], str]
    viewer: str
    rows: Callable[[Any, Any, bool], list[str]]
    at_most: int
    marker: str | None = None


def _read(
    url: str | Callable[[Any], str], viewer: str, rows, at_most: int, marker: str | None = None
) -> Read:
    return Read(url if callable(url) else (lambda w: url), viewer, rows, at_most, marker)


READS: dict[str, Read] = {
    # pages (each + the unread notifications badge of the top bar: one COUNT)
    "customers:list": _read("/customers/", "lead1", customers, 8),
    "customers:detail (360)": _read(lambda w: f"/customers/{w.customer.pk}/", "lead1", relationships, 14),
    "agenda:list": _read("/agenda/", "lead1", tasks, 6),
    "agenda:customer_panel (360)": _read(
        lambda w: f"/agenda/customers/{w.customer.pk}/panel/", "lead1", customer_tasks, 4
    ),
    "core:audit_list": _read("/audit/", "admin", audit_events, 5),
    # products: + the 公积金 rate table, read once per request (a provident product is priced from it)
    "products:list": _read("/products/", "cm_a", products, 8),
    "products:detail (versions)": _read(
        lambda w: f"/products/{w.product.code}/", "cm_a", product_versions, 9
    ),
    "scoring:list": _read("/scoring/", "head1", assessments, 6),
    "scoring:models": _read("/scoring/models/", "risk1", score_models, 4),
    "solutions:competitors": _read("/solutions/competitors/", "cm_b", offers, 6),
    "accounts:staff_list": _read("/accounts/staff/", "head1", staff, 5),
    "applications:list": _read("/applications/", "lead1", applications, 6),
    "applications:queue": _read("/applications/queue/", "approver1", approval_queue, 7),  # + the total
    # leads: + the facts of the rows' next gates (contacts; the linked customers' proposals, applications
    # and loans) and the stage rules, each read once for the page
    # + the scoring models of the rows' teams (and, once a team has one, the rows' contacts: still constant)
    "marketing:lead_list": _read("/marketing/leads/", "lead1", leads, 12),
    "marketing:board": _read("/marketing/board/", "lead1", leads, 13),  # + the GROUP BY and a query a column
    "marketing:campaign_list": _read("/marketing/campaigns/", "cm_a", campaigns, 6),  # with their partners
    "marketing:partner_list": _read("/marketing/partners/", "cm_a", partners, 6),
    "marketing:territory_list": _read("/marketing/territories/list/", "cm_a", territories, 6),
    "marketing:case_list": _read("/marketing/cases/", "lead1", cases, 6),  # with their authors
    # + the per-CM figures and the CMs' names; the surveys awaiting an answer, with theirs
    "marketing:satisfaction": _read("/marketing/satisfaction/", "lead1", surveys, 8),
    "consents:customer": _read(
        lambda w: f"/consents/customer/{w.customer.pk}/", "lead1", consents, 9, 'data-testid="consent-row"'
    ),
    # the API's lists
    "GET /api/v1/customers/": _read("/api/v1/customers/", "lead1", customers, 5),
    "GET /api/v1/tasks/": _read("/api/v1/tasks/", "lead1", tasks, 4),
    "GET /api/v1/audit-events/": _read("/api/v1/audit-events/", "admin", audit_events, 4),
    "GET /api/v1/products/": _read("/api/v1/products/", "cm_a", products, 6),  # + the 公积金 rate table
    "GET /api/v1/assessments/": _read("/api/v1/assessments/", "head1", assessments, 4, '"final_grade":'),
    "GET /api/v1/score-models/": _read("/api/v1/score-models/", "risk1", score_models, 4),
    "GET /api/v1/competitor-offers/": _read("/api/v1/competitor-offers/", "cm_b", offers, 4),
    "GET /api/v1/consents/": _read("/api/v1/consents/", "lead1", consents, 4, '"kind":'),
    "GET /api/v1/needs/": _read("/api/v1/needs/", "lead1", needs, 5),  # + the debts, prefetched
    "GET /api/v1/proposals/": _read("/api/v1/proposals/", "lead1", proposals, 4),
    "GET /api/v1/applications/": _read("/api/v1/applications/", "lead1", applications, 4),
    "GET /api/v1/approval-queue/": _read("/api/v1/approval-queue/", "approver1", approval_queue, 4),
    "GET /api/v1/leads/": _read("/api/v1/leads/", "lead1", leads, 9),
    "GET /api/v1/campaigns/": _read("/api/v1/campaigns/", "cm_a", campaigns, 4),
    "GET /api/v1/partners/": _read("/api/v1/partners/", "cm_a", partners, 4),
    "GET /api/v1/territories/": _read("/api/v1/territories/", "cm_a", territories, 4),
    "GET /api/v1/surveys/": _read("/api/v1/surveys/", "lead1", surveys, 4),
    "GET /api/v1/feedback/": _read("/api/v1/feedback/", "lead1", feedback, 4),
    "GET /api/v1/offers/": _read("/api/v1/offers/", "lead1", marketing_offers, 4),
    "GET /api/v1/cases/": _read("/api/v1/cases/", "cm_b", cases, 4),
    "GET /api/v1/activity-plans/": _read("/api/v1/activity-plans/", "cm_a", activity_plans, 5),  # + the steps
}


@pytest.fixture
def world(org):
    """The organisation and 张三, a customer of cm_a (the detail pages' customer)."""
    org.customer = _customer(
        org,
        org.cm_a,
        "张三",
        id_number="110105199003071239",
        monthly_income="30000",
        monthly_debt_payments="2000",
        credit_current_overdue="0",
        credit_worst_overdue_days="0",
        credit_inquiries_6m="2",
    )
    return org


@pytest.mark.parametrize("name", list(READS))
def test_query_count_does_not_grow_with_the_rows(client, world, name):
    read = READS[name]
    client.force_login(getattr(world, read.viewer))
    made = read.rows(world, world, True)
    url = read.url(world)
    pages: list[str] = []

    def render() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        pages.append(response.content.decode())

    client.get(url)  # warm what a running server has warm (content types, permissions, the LPR table)

    def grow() -> None:
        made.extend(read.rows(world, world, False))

    assert_same_queries(render, grow, at_most=read.at_most, label=name)
    if read.marker:
        assert (pages[0].count(read.marker), pages[1].count(read.marker)) == (1, ROWS), name
    else:
        assert made[0] in pages[0], f"{name}: the first row is not shown"
        assert [text for text in made if text not in pages[1]] == [], f"{name}: rows not shown"
