"""Territories (片区): kept by the branch, customers matched by address, penetration, leads, the overview."""

from __future__ import annotations

import pytest

from creditdesk.core.exceptions import Conflict, DomainError, NotAllowed
from creditdesk.marketing import services
from creditdesk.marketing.choices import OfferOutcome
from creditdesk.marketing.models import OfferRecord
from creditdesk.marketing.reports.territories import customers_in, territories_overview, territory_report
from creditdesk.marketing.services import TerritoryInput
from creditdesk.marketing.tests.conftest import customer_of, enter

pytestmark = pytest.mark.django_db


def park(org, **fields):
    values = {"name": "高新区创业园", "kind": "park", "keywords": "创业园，创业路", **fields}
    return services.territory_save(actor=org.lead1, data=TerritoryInput(**values))


def test_territories_are_kept_by_team_leads_and_branch_heads(org):
    territory = park(org)
    assert territory.keyword_list == ["创业园", "创业路"]
    with pytest.raises(NotAllowed):
        services.territory_save(actor=org.cm_a, data=TerritoryInput("x", "park", "某某路"))
    with pytest.raises(Conflict):
        park(org)
    for fields, code in (
        ({"keywords": "园"}, "territory_keywords_invalid"),
        ({"kind": "moon"}, "territory_kind_unknown"),
    ):
        with pytest.raises(DomainError) as refused:
            park(org, name="另一个", **fields)
        assert refused.value.code == code


def test_a_territory_report(org):
    territory = park(org)
    inside = customer_of(org.cm_a, profile={"address_business": "高新区创业路 8 号"})
    customer_of(org.cm_a, name="赵六", phone="13700137001", profile={"address_residential": "创业园 3 栋"})
    customer_of(org.cm_a, name="钱七", phone="13700137002", profile={"address_business": "老城区解放路"})
    customer_of(
        org.cm_c, name="孙八", phone="13700137003", profile={"address_business": "创业路 1 号"}
    )  # another team
    OfferRecord.objects.create(
        customer=inside,
        category="deposits",
        reason="x",
        outcome=OfferOutcome.ACCEPTED,
        offered_by=org.cm_a,
        offered_at=inside.created_at,
    )
    enter(org.cm_a, territory=territory.pk)
    assert customers_in(territory, user=org.cm_a).count() == 2
    report = territory_report(user=org.cm_a, territory=territory)
    assert (report.customers, report.with_loan, report.with_cross_sell, report.open_leads) == (2, 0, 1, 1)
    assert report.cross_sell_penetration == 0.5 and report.loan_penetration == 0.0
    assert dict(report.leads_by_stage)["新线索"] == 1
    assert dict(report.by_industry) == {"未分类": 2}
    assert territory_report(user=org.head1, territory=territory).customers == 3  # the branch sees cm_c's too
    (overview,) = territories_overview(user=org.lead1)
    assert overview.territory == territory and overview.customers == 2


def test_a_lead_is_tagged_only_with_a_territory_of_the_branch(org):
    other = services.territory_save(actor=org.lead3, data=TerritoryInput("他行片区", "district", "某某商圈"))
    with pytest.raises(DomainError) as refused:
        enter(org.cm_a, territory=other.pk)
    assert refused.value.code == "lead_territory_not_found"
