"""Assignment (线索分配) against the database: a team lead hands 1,000 pool leads to five CMs by capacity
weight (exactly in proportion) or round robin (even), never past a daily quota — a second run the same day
counts what the first gave — never to a CM on leave, inactive or of another team; a CM may not assign;
a lead goes back to the pool by hand; a CM claims from the pool within their quota."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from creditdesk.accounts.choices import Role
from creditdesk.accounts.tests.factories import make_person
from creditdesk.core.exceptions import Conflict, NotAllowed
from creditdesk.core.models import AuditEvent
from creditdesk.customers.services import phone_index
from creditdesk.marketing import services
from creditdesk.marketing.models import Lead, LeadEvent

pytestmark = pytest.mark.django_db

POOL = 1000


@pytest.fixture
def noon():
    """Today at noon, local time: every run of a test falls on the same day (quotas count per day)."""
    return timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)


@pytest.fixture
def five(org):
    """Five CMs of T1 who take leads; T1's own cm_a is on leave (not accepting), cm_b has left (inactive)."""
    people = [make_person(Role.MANAGER, team=org.t1, username=f"t1_cm{n}") for n in range(1, 6)]
    services.lead_capacity_set(actor=org.lead1, person=org.cm_a, weight=10, daily_quota=500, accepting=False)
    org.cm_b.is_active = False
    org.cm_b.save(update_fields=["is_active"])
    return people


def capacities(org, people, weights, quotas):
    for person, weight, quota in zip(people, weights, quotas, strict=True):
        services.lead_capacity_set(actor=org.lead1, person=person, weight=weight, daily_quota=quota)


def pool_of(team, creator, count, at, *, first=0):
    """``count`` open leads in ``team``'s pool, written as ``lead_create`` writes them (one distinct phone
    each: the open-lead phone index is unique), in one bulk insert. Oldest first by ``created_at``."""
    rows = []
    for n in range(first, first + count):
        phone = f"137{n:08d}"
        rows.append(
            Lead(
                name=f"线索{n}",
                kind="individual",
                phone=phone,
                phone_index=phone_index(phone),
                phone_tail=phone[-4:],
                channel="online",
                channel_detail="抖音本地推广",
                basis="request",
                value_segment="mass",
                stage="new",
                team=team,
                owner=None,
                stage_entered_at=at,
                last_touched_at=at,
                stalled_after=at + timedelta(days=2),
                recycle_after=None,
                created_by=creator,
            )
        )
    Lead.objects.bulk_create(rows, batch_size=500)
    return list(Lead.objects.filter(team=team, owner__isnull=True).order_by("created_at", "pk"))


def owned(people):
    found = Counter(Lead.objects.filter(owner__in=people).values_list("owner_id", flat=True))
    return [found[person.pk] for person in people]


def test_by_capacity_weight_1000_leads_go_exactly_in_proportion(org, five, noon):
    capacities(org, five, (1, 1, 2, 3, 3), (500,) * 5)
    pool_of(org.t1, org.lead1, POOL, noon - timedelta(days=1))
    result = services.leads_assign_by_rule(actor=org.lead1, method="weighted", now=noon)
    assert owned(five) == [100, 100, 200, 300, 300]
    assert (result.method, result.left_in_pool) == ("weighted", 0)
    assert result.assigned == {p.pk: n for p, n in zip(five, [100, 100, 200, 300, 300], strict=True)}
    assert Lead.objects.filter(owner__in=[org.cm_a, org.cm_b, org.cm_c]).count() == 0
    assert set(Lead.objects.values_list("team_id", flat=True)) == {org.t1.pk}
    events = LeadEvent.objects.filter(kind="assigned", method="weighted", by=org.lead1, at=noon)
    assert events.count() == POOL
    assert AuditEvent.objects.filter(action="lead.assign_by_rule").count() == 1
    lead = Lead.objects.filter(owner=five[0]).first()
    assert (lead.assigned_at, lead.last_touched_at) == (noon, noon)
    assert lead.recycle_after == noon + timedelta(days=5)  # an owned 新线索 of 普通 goes back after 5 days


def test_round_robin_is_even(org, five, noon):
    capacities(org, five, (1, 1, 2, 3, 3), (500,) * 5)  # weights play no part in round robin
    pool_of(org.t1, org.lead1, POOL, noon - timedelta(days=1))
    services.leads_assign_by_rule(actor=org.lead1, method="round_robin", now=noon)
    counts = owned(five)
    assert sum(counts) == POOL and max(counts) - min(counts) <= 1
    assert counts == [200] * 5


def test_quotas_hold_and_a_second_run_the_same_day_counts_the_first(org, five, noon):
    quotas = (100, 150, 400, 400, 400)
    capacities(org, five, (1,) * 5, quotas)
    leads = pool_of(org.t1, org.lead1, POOL, noon - timedelta(days=1))
    first = services.leads_assign_by_rule(
        actor=org.lead1, method="round_robin", lead_ids=[lead.pk for lead in leads[:500]], now=noon
    )
    assert owned(five) == [100] * 5 and first.left_in_pool == 0
    second = services.leads_assign_by_rule(
        actor=org.lead1, method="round_robin", now=noon + timedelta(hours=2)
    )
    counts = owned(five)
    assert all(n <= quota for n, quota in zip(counts, quotas, strict=True))
    assert sum(counts) == min(POOL, sum(quotas)) == POOL
    assert counts == [100, 150, 250, 250, 250]
    assert second.assigned == {five[1].pk: 50, five[2].pk: 150, five[3].pk: 150, five[4].pk: 150}

    more = pool_of(org.t1, org.lead1, 600, noon - timedelta(days=1), first=POOL)
    assert len(more) == 600
    third = services.leads_assign_by_rule(actor=org.lead1, method="weighted", now=noon + timedelta(hours=3))
    assert owned(five) == list(quotas)  # everybody's quota used up: 450 of the 600 given
    assert (sum(third.assigned.values()), third.left_in_pool) == (450, 150)
    assert Lead.objects.filter(owner__isnull=True).count() == 150
    tomorrow = services.leads_assign_by_rule(
        actor=org.lead1, method="round_robin", now=noon + timedelta(days=1)
    )
    assert sum(tomorrow.assigned.values()) == 150  # a new day, new quotas


def test_nobody_on_leave_inactive_or_of_another_team_gets_leads(org, five, noon):
    capacities(org, five, (1, 1, 1, 1, 1), (500,) * 5)
    services.lead_capacity_set(actor=org.lead1, person=five[4], weight=1, daily_quota=500, accepting=False)
    five[3].is_active = False
    five[3].save(update_fields=["is_active"])
    pool_of(org.t1, org.lead1, 100, noon - timedelta(days=1))
    for method in ("round_robin", "weighted"):
        services.leads_assign_by_rule(actor=org.lead1, method=method, now=noon)
    assert owned(five) == [34, 33, 33, 0, 0]
    assert not Lead.objects.filter(owner__in=[org.cm_a, org.cm_b, org.cm_c, org.cm_d]).exists()


def test_a_cm_cannot_assign_and_nobody_outside_the_team_gets_a_lead(org, five, noon):
    capacities(org, five, (1,) * 5, (500,) * 5)
    lead = pool_of(org.t1, org.lead1, 3, noon - timedelta(days=1))[0]

    def snapshot():
        lead.refresh_from_db()
        return lead.owner_id, lead.team_id, LeadEvent.objects.count(), AuditEvent.objects.count()

    before = snapshot()
    for attempt in (
        lambda: services.leads_assign_by_rule(actor=five[0], method="round_robin", now=noon),
        lambda: services.lead_assign(actor=five[0], lead_id=lead.pk, owner=five[0], now=noon),
        lambda: services.lead_assign(actor=org.lead1, lead_id=lead.pk, owner=org.cm_c, now=noon),
        lambda: services.lead_assign(actor=org.lead1, lead_id=lead.pk, owner=org.cm_b, now=noon),  # inactive
    ):
        with pytest.raises(NotAllowed) as refused:
            attempt()
        assert refused.value.code == "lead_owner_not_allowed"
        assert snapshot() == before


def test_a_team_lead_gives_a_lead_and_takes_it_back_to_the_pool(org, five, noon):
    lead = pool_of(org.t1, org.lead1, 1, noon - timedelta(days=1))[0]
    given = services.lead_assign(actor=org.lead1, lead_id=lead.pk, owner=five[2], now=noon)
    assert (given.owner, given.assigned_at, given.recycle_after) == (five[2], noon, noon + timedelta(days=5))
    later = noon + timedelta(hours=1)
    released = services.lead_assign(actor=org.lead1, lead_id=lead.pk, owner=None, now=later)
    assert (released.owner, released.assigned_at, released.recycle_after) == (None, None, None)
    event = LeadEvent.objects.filter(lead=lead).order_by("-pk").first()
    assert (event.kind, event.previous_owner, event.owner, event.by) == ("released", five[2], None, org.lead1)
    with pytest.raises(Conflict) as unchanged:
        services.lead_assign(actor=org.lead1, lead_id=lead.pk, owner=None, now=later)
    assert unchanged.value.code == "lead_owner_unchanged"


def test_a_cm_claims_from_the_pool_within_the_daily_quota(org, five, noon):
    capacities(org, five, (1,) * 5, (1, 1, 2, 1, 1))
    leads = pool_of(org.t1, org.lead1, 4, noon - timedelta(days=1))
    me = five[2]
    for lead in leads[:2]:
        claimed = services.lead_claim(actor=me, lead_id=lead.pk, now=noon)
        assert claimed.owner == me
    refused_lead = leads[2]
    before = (LeadEvent.objects.count(), AuditEvent.objects.filter(action="lead.claim").count())
    with pytest.raises(Conflict) as refused:
        services.lead_claim(actor=me, lead_id=refused_lead.pk, now=noon)
    assert refused.value.code == "lead_quota_reached"
    refused_lead.refresh_from_db()
    assert refused_lead.owner is None
    assert (LeadEvent.objects.count(), AuditEvent.objects.filter(action="lead.claim").count()) == before
    assert services.lead_claim(actor=me, lead_id=refused_lead.pk, now=noon + timedelta(days=1)).owner == me
    assert LeadEvent.objects.filter(kind="assigned", method="claimed", owner=me).count() == 3
