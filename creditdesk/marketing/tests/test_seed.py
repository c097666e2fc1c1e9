"""Demo leads: after the seeders before it (organisation … loans, with the small demo book), the marketing
seed fills every team's pipeline — every stage, channel and tier, a pool per team, stalled and lost leads,
follow-ups — through the services, so that every lead has what its stage's gates ask; existing customers'
leads have a contact basis, 申请中 and 已放款 leads a real application or loan; each CM a capacity by level;
and a second run changes nothing."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.utils import timezone

from creditdesk.accounts import seed as accounts_seed
from creditdesk.accounts.choices import Role
from creditdesk.accounts.models import Team, User
from creditdesk.applications import seed as applications_seed
from creditdesk.applications.models import Application
from creditdesk.consents import seed as consents_seed
from creditdesk.consents.selectors import marketing_allowed
from creditdesk.core.models import AuditEvent
from creditdesk.customers import seed as customers_seed
from creditdesk.customers.choices import Channel, ValueSegment
from creditdesk.loans import seed as loans_seed
from creditdesk.loans.models import Loan
from creditdesk.marketing import pipeline, seed
from creditdesk.marketing.choices import ActivityKind, ActivityOutcome, LeadBasis
from creditdesk.marketing.models import Lead, LeadActivity, LeadCapacity, LeadEvent, LostReason
from creditdesk.marketing.selectors import gates_of, lead_facts, stage_rules, stalled_q
from creditdesk.products import seed as products_seed
from creditdesk.scoring import seed as scoring_seed
from creditdesk.solutions.models import Proposal

pytestmark = pytest.mark.django_db

S = pipeline.LeadStage
LIVE = ["submitted", "under_review", "returned", "approved", "approved_with_changes", "contract_signed"]


@pytest.fixture
def demo_base(settings, tmp_path):
    """Everything the seeders before this one make, media in a temporary folder (the root conftest keeps
    the demo loan book small)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    for module in (
        accounts_seed,
        customers_seed,
        consents_seed,
        products_seed,
        scoring_seed,
        applications_seed,
        loans_seed,
    ):
        module.run()


def written():
    return (
        Lead.objects.count(),
        LeadEvent.objects.count(),
        LeadActivity.objects.count(),
        LeadCapacity.objects.count(),
        Proposal.objects.count(),
        AuditEvent.objects.count(),
    )


def reached(lead: Lead) -> str:
    """The furthest stage the lead went through: its stage, or for a lost lead the one it was lost from."""
    if lead.stage != S.LOST:
        return lead.stage
    return lead.events.filter(kind="stage", to_stage=S.LOST).order_by("-at", "-pk").first().from_stage


def test_the_seed_fills_every_teams_pipeline_consistently_and_once(demo_base):
    out = StringIO()
    result = seed.run(stdout=out)
    now = timezone.now()
    leads = list(Lead.objects.select_related("customer", "lost_reason", "owner", "team"))

    assert 350 <= len(leads) == result["created_leads"] <= 420
    assert out.getvalue().startswith(f"线索：新建 {len(leads)} 条（新线索 ")
    stages = Counter(lead.stage for lead in leads)
    assert set(stages) == {s.value for s in S}, stages  # every stage, 已放款 and 已流失 included
    assert stages[S.NEW] > stages[S.PROPOSAL_OFFERED] and stages[S.CONTACTED] > stages[S.APPLYING]
    assert {lead.channel for lead in leads} == set(Channel.values)
    assert {lead.value_segment for lead in leads} == set(ValueSegment.values)
    assert all(lead.channel_detail for lead in leads)
    assert len({lead.channel_detail for lead in leads}) >= 12
    assert "抖音本地推广" in {lead.channel_detail for lead in leads}

    # a pool in every demo team, and leads assigned by rule
    open_stages = [s.value for s in pipeline.OPEN_STAGES]
    for team in Team.objects.all():
        assert Lead.objects.filter(team=team, owner__isnull=True, stage__in=open_stages).exists(), team
    assert {"round_robin", "weighted"} <= set(LeadEvent.objects.values_list("method", flat=True))
    assert LeadEvent.objects.filter(kind="released").exists()

    # stalled (停滞) owned leads, a few already due for recycling; lost ones with their reasons
    stalled = Lead.objects.filter(stalled_q(now), owner__isnull=False)
    assert stalled.count() >= 20
    assert Lead.objects.filter(owner__isnull=False, recycle_after__lt=now).exists()
    lost = [lead for lead in leads if lead.stage == S.LOST]
    assert all(lead.lost_reason is not None and lead.lost_note for lead in lost)
    assert len({lead.lost_reason.code for lead in lost}) >= 5
    assert LostReason.objects.count() == 7  # the migration's rows, untouched

    # follow-ups: 1 to 4 each, every kind and outcome, visits with notes and place, next follow-ups
    per_lead = Counter(LeadActivity.objects.values_list("lead_id", flat=True))
    assert all(1 <= per_lead[lead.pk] <= 4 for lead in leads)
    activities = LeadActivity.objects.all()
    assert set(activities.values_list("kind", flat=True)) == set(ActivityKind.values)
    assert set(activities.values_list("outcome", flat=True)) >= set(ActivityOutcome.values) - {
        "not_interested"
    }
    for visit in activities.filter(kind=ActivityKind.VISIT):
        assert visit.notes and visit.location
    followed = activities.filter(next_follow_up__isnull=False)
    assert followed.count() >= 30
    assert all(a.task is not None and a.next_follow_up >= timezone.localdate() for a in followed)
    assert all(a.created_at <= now and a.happened_at <= now for a in activities)

    # every lead has what the gates of the stages it went through ask (as configured for its tier)
    for lead in leads:
        gates = gates_of(stage_rules(tier=lead.value_segment))
        facts = lead_facts(lead)
        furthest = pipeline.FORWARD.index(pipeline.LeadStage(reached(lead)))
        for stage in pipeline.FORWARD[1 : furthest + 1]:
            assert pipeline.missing(stage, facts, gates) == (), (lead.pk, lead.stage, stage)
        if lead.stage == S.CONTACTED:
            assert lead.activities.exclude(outcome="no_answer").exists()
        if lead.is_open and lead.owner is not None:
            assert lead.stalled_after is not None

    # existing customers: contacted on a consent in force, or at their request; real applications, loans
    for lead in leads:
        if lead.customer is not None and lead.basis == LeadBasis.CONSENT:
            assert marketing_allowed(lead.customer), lead.pk
        if lead.stage == S.APPLYING:
            assert Application.objects.filter(customer=lead.customer, status__in=LIVE).exists()
        if lead.stage == S.DISBURSED:
            assert Loan.objects.filter(customer=lead.customer).exists()
        if lead.customer is not None:
            assert lead.owner == lead.customer.owner  # a customer's lead is worked by their CM
    assert not any(lead.name in seed.LEFT_ALONE for lead in leads)

    # capacity by level: senior 3 × 12, intermediate 2 × 10, junior 1 × 6
    expected = {"senior": (3, 12), "intermediate": (2, 10), "junior": (1, 6)}
    managers = User.objects.filter(role=Role.MANAGER, is_active=True)
    assert LeadCapacity.objects.count() == managers.count() == 20
    for row in LeadCapacity.objects.select_related("person"):
        assert (row.weight, row.daily_quota) == expected[row.person.manager_level]

    assert AuditEvent.objects.filter(action="seed.marketing").count() == 1
    before = written()
    again = StringIO()
    assert seed.run(stdout=again) == {"created_leads": 0}
    assert again.getvalue().startswith(f"线索：已存在（共 {len(leads)} 条）")
    assert written() == before


def test_without_demo_people_the_seed_does_nothing():
    assert seed.run() == {"created_leads": 0}
    assert Lead.objects.count() == 0


def test_the_seed_also_fills_the_relationship_side(demo_base):
    from creditdesk.marketing.models import Campaign, CaseStudy, Feedback, Partner, Survey, Territory

    seed.run()
    assert Campaign.objects.exists() and Partner.objects.exists() and Territory.objects.exists()
    assert Lead.objects.filter(campaign__isnull=False).exists()
    assert (
        Lead.objects.filter(channel="referral").exclude(referrer_customer=None, referrer_staff=None).exists()
    )
    assert Survey.objects.filter(status="answered").exists() and Feedback.objects.exists()
    assert CaseStudy.objects.count() >= 2
    before = (Campaign.objects.count(), Survey.objects.count(), CaseStudy.objects.count())
    seed.run()
    assert (Campaign.objects.count(), Survey.objects.count(), CaseStudy.objects.count()) == before
