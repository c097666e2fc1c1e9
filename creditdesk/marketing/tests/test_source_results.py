"""Campaigns and partners, and the results per source: conversion, loans, cost per acquisition and the
later credit quality of what each source brought."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditdesk.core.exceptions import Conflict, DomainError, NotAllowed
from creditdesk.loans.models import Loan
from creditdesk.loans.tests.conftest import book_loan, xyd  # noqa: F401 — fixtures
from creditdesk.marketing import services
from creditdesk.marketing.models import LeadEvent
from creditdesk.marketing.reports.sources import source_results
from creditdesk.marketing.services import CampaignInput, LeadInput, PartnerInput
from creditdesk.marketing.tests.conftest import enter
from creditdesk.solutions.tests.conftest import LI_ID, li, small_catalogue  # noqa: F401 — fixtures

pytestmark = pytest.mark.django_db


def park_campaign(org, **fields):
    values = {
        "name": "高新区产业园地推",
        "channel": "offline",
        "starts_on": date(2026, 3, 1),
        "ends_on": date(2026, 3, 31),
        "cost": "9,000",
        **fields,
    }
    return services.campaign_save(actor=org.lead1, data=CampaignInput(**values))


def test_campaigns_and_partners_are_kept_by_team_leads_and_branch_heads(org):
    partner = services.partner_save(
        actor=org.head1, data=PartnerInput(name="链家高新店", kind="real_estate", contact_phone="13900139000")
    )
    campaign = park_campaign(org, partner=partner.pk)
    assert (campaign.cost, campaign.partner, campaign.branch) == (
        Decimal("9000.00"),
        partner,
        org.lead1.branch,
    )
    for person in (org.cm_a, org.risk1, org.approver1):
        with pytest.raises(NotAllowed) as refused:
            services.campaign_save(
                actor=person, data=CampaignInput("y", "offline", date(2026, 1, 1), date(2026, 1, 2))
            )
        assert refused.value.code == "marketing_source_not_allowed"
    with pytest.raises(Conflict) as duplicate:
        park_campaign(org)
    assert duplicate.value.code == "marketing_source_duplicate"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"name": " "}, "name_required"),
        ({"channel": "tv"}, "campaign_channel_unknown"),
        ({"ends_on": date(2026, 2, 1)}, "campaign_period_invalid"),
        ({"cost": "-1"}, "campaign_cost_invalid"),
        ({"cost": "一些"}, "campaign_cost_invalid"),
        ({"partner": 999999}, "campaign_partner_not_found"),
    ],
)
def test_bad_campaigns_are_refused(org, fields, code):
    with pytest.raises(DomainError) as refused:
        park_campaign(org, **fields)
    assert refused.value.code == code


def test_a_lead_of_a_campaign_takes_its_channel_and_partner(org):
    partner = services.partner_save(actor=org.lead1, data=PartnerInput(name="市餐饮商会", kind="chamber"))
    campaign = park_campaign(org, partner=partner.pk, channel="partner")
    lead = enter(org.cm_a, channel="online", campaign=campaign.pk)
    assert (lead.channel, lead.campaign, lead.partner) == ("partner", campaign, partner)
    other = services.campaign_save(
        actor=org.lead3, data=CampaignInput("他行活动", "online", date(2026, 1, 1), date(2026, 1, 2))
    )
    with pytest.raises(DomainError) as refused:
        enter(org.cm_a, campaign=other.pk)  # another branch's campaign
    assert refused.value.code == "lead_campaign_not_found"


def test_results_per_source_with_the_quality_of_what_it_brought(org, li, xyd):  # noqa: F811
    campaign = park_campaign(org)
    services.lead_create(
        actor=org.cm_a,
        data=LeadInput(name="李四", phone="13900139555", id_number=LI_ID, campaign=campaign.pk),
    )
    lead = li.leads.get()
    LeadEvent.objects.create(
        lead=lead,
        kind="stage",
        from_stage="proposal_offered",
        to_stage="applying",
        on=date(2026, 3, 5),
        at=lead.created_at,
        by=org.cm_a,
    )
    enter(org.cm_a, campaign=campaign.pk)
    enter(org.cm_b, campaign=campaign.pk)  # cm_a does not see it; lead1 does
    enter(org.cm_a, channel="online")
    loan = book_loan(org, li, xyd)
    Loan.objects.filter(pk=loan.pk).update(status="overdue", max_dpd=45, risk_class="substandard")

    rows = {row.key: row for row in source_results(user=org.cm_a, group="campaign")}
    mine = rows[str(campaign.pk)]
    assert (mine.label, mine.leads, mine.converted, mine.loans, mine.customers) == (
        "高新区产业园地推",
        2,
        1,
        1,
        1,
    )
    assert mine.volume == Decimal("100000.00")
    assert mine.cost == Decimal("6000.00")  # 9,000 × 2 of its 3 leads
    assert mine.cost_per_acquisition == Decimal("6000.00")
    assert (mine.overdue_rate, mine.ever_30_rate, mine.npl_rate, mine.npl_balance_ratio) == (
        1.0,
        1.0,
        1.0,
        1.0,
    )
    assert rows[""].leads == 1 and rows[""].loans == 0  # the online lead, no campaign

    team = {row.key: row for row in source_results(user=org.lead1, group="campaign")}
    assert (team[str(campaign.pk)].leads, team[str(campaign.pk)].cost) == (3, Decimal("9000.00"))
    channels = {row.key: row for row in source_results(user=org.lead1, group="channel")}
    assert (channels["offline"].leads, channels["offline"].loans, channels["online"].leads) == (3, 1, 1)
    assert source_results(user=org.cm_c, group="campaign") == []  # another team: nothing


def test_bad_groupings_are_refused(org):
    with pytest.raises(DomainError) as refused:
        source_results(user=org.cm_a, group="weather")
    assert refused.value.code == "source_group_unknown"
    with pytest.raises(DomainError) as period:
        source_results(user=org.cm_a, start=date(2026, 3, 2), end=date(2026, 3, 1))
    assert period.value.code == "source_period_invalid"
