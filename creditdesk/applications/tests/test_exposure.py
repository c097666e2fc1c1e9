"""统一授信: the pure totals, and the exposure of a borrower with a household member and a company they
control, checked against the single and group limits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from creditdesk.applications import exposure as pure
from creditdesk.applications.models import ExposureLimit
from creditdesk.applications.selectors import exposure as selectors
from creditdesk.applications.tests.factories import make_application
from creditdesk.core.exceptions import DomainError
from creditdesk.customers.services import CustomerInput, customer_create, relationship_add
from creditdesk.solutions.tests import conftest as solutions_fixtures

# 李四 (cm_a's customer) and the small catalogue (DYD: 抵押贷, residential property, LTV at most 0.70)
li = solutions_fixtures.li
small_catalogue = solutions_fixtures.small_catalogue
D = Decimal


def test_totals_and_breaches_pure():
    own = pure.PartyExposure(1, limits=D("100000.00"), balances=D("500000.00"))
    related = [pure.PartyExposure(2, limits=D("300000.00")), pure.PartyExposure(3, balances=D("1000000.00"))]
    limits = {"single": D("1000000.00"), "group": D("2000000.00")}
    within = pure.totals(own=own, related=related, requested=D("400000.00"), limits=limits)
    assert (within.single, within.group, within.breaches) == (
        D("1000000.00"),
        D("2300000.00"),
        (pure.Breach("group", D("2300000.00"), D("2000000.00")),),
    )
    assert within.breaches[0].excess == D("300000.00")
    over = pure.totals(own=own, related=[*related, related[0]], requested=D("400000.01"), limits=limits)
    assert over.group == D("2300000.01")  # a party listed twice counts once
    assert [b.scope for b in over.breaches] == ["single", "group"]
    assert pure.totals(own=own, related=[], requested=D("0"), limits={}).breaches == ()


@pytest.fixture
def group(org, li, small_catalogue):
    """李四 (borrower) with his wife (household) and 李氏贸易 (he is its 实际控制人), whose shareholder is
    赵六 (two steps away) — and 钱七, a mere referrer, who is not in the group."""
    make = lambda name, kind="individual": customer_create(  # noqa: E731
        actor=org.cm_a, data=CustomerInput(kind=kind, name=name)
    )
    wife, company, zhao, qian = (
        make("王芳"),
        make("李氏贸易有限公司", "enterprise"),
        make("赵六"),
        make("钱七"),
    )
    for from_customer, to_customer, kind in [
        (wife, li, "household"),
        (li, company, "actual_controller"),
        (zhao, company, "shareholder"),
        (qian, li, "referrer"),
    ]:
        relationship_add(
            actor=org.cm_a, from_customer_id=from_customer.pk, to_customer_id=to_customer.pk, kind=kind
        )
    dyd = small_catalogue["DYD"].current_version
    make_application(customer=li, product_version=dyd, amount="100000.00", status="approved")
    make_application(customer=li, product_version=dyd, amount="50000.00", status="draft")  # not granted
    make_application(customer=li, product_version=dyd, amount="900000.00", status="disbursed")  # its balance
    make_application(customer=wife, product_version=dyd, amount="300000.00", status="approved_with_changes")
    make_application(customer=company, product_version=dyd, amount="2000000.00", status="contract_signed")
    make_application(customer=qian, product_version=dyd, amount="700000.00", status="approved")
    application = make_application(customer=li, product_version=dyd, amount="400000.00")
    return {"li": li, "wife": wife, "company": company, "zhao": zhao, "application": application}


@pytest.fixture
def balances(monkeypatch, group):
    def loans(customer_ids):
        book = {group["li"].pk: D("500000.00"), group["company"].pk: D("1000000.00")}
        return {pk: book[pk] for pk in customer_ids if pk in book}

    monkeypatch.setattr(selectors, "_BALANCE_SOURCES", [])
    selectors.register_balance_source(loans)
    selectors.register_balance_source(loans)  # once only


def test_exposure_of_a_household_and_a_related_company(org, group, balances):
    exposure = selectors.exposure_for(application=group["application"])
    assert (exposure.own.limits, exposure.own.balances, exposure.own.total) == (
        D("100000.00"),
        D("500000.00"),
        D("600000.00"),
    )
    related = {p.customer_id: (p.relation, p.limits, p.balances) for p in exposure.related}
    assert related == {
        group["wife"].pk: ("家庭成员", D("300000.00"), D("0.00")),
        group["company"].pk: ("借款人为其实际控制人", D("2000000.00"), D("1000000.00")),
        group["zhao"].pk: ("关联方的股东", D("0.00"), D("0.00")),
    }
    assert (exposure.requested, exposure.single_total, exposure.group_total) == (
        D("400000.00"),
        D("1000000.00"),
        D("4300000.00"),
    )
    assert (exposure.single_limit, exposure.group_limit) == (D("10000000.00"), D("30000000.00"))
    assert exposure.within_limits and exposure.balances_known
    assert selectors.exposure_check(application=group["application"]) == exposure


def test_exposure_without_a_balance_source_counts_no_balances(org, group, monkeypatch):
    monkeypatch.setattr(selectors, "_BALANCE_SOURCES", [])
    exposure = selectors.exposure_for(application=group["application"])
    assert (exposure.single_total, exposure.group_total, exposure.balances_known) == (
        D("500000.00"),
        D("2800000.00"),
        False,
    )


def test_limits_exceeded_are_refused_with_the_limit_and_total(org, group, balances):
    ExposureLimit.objects.filter(scope="single").update(amount=D("999999.99"))
    ExposureLimit.objects.filter(scope="group").update(amount=D("4300000.00"))  # equal: within
    with pytest.raises(DomainError) as refused:
        selectors.exposure_check(application=group["application"])
    assert refused.value.code == "exposure_limit_exceeded"
    assert refused.value.extra == {
        "limit": "single",
        "total": "1000000.00",
        "limit_amount": "999999.99",
        "breaches": [{"limit": "single", "total": "1000000.00", "limit_amount": "999999.99"}],
    }
    assert "1,000,000.00" in refused.value.message and "999,999.99" in refused.value.message
    ExposureLimit.objects.filter(scope="single").update(amount=D("1000000.00"))
    ExposureLimit.objects.filter(scope="group").update(amount=D("4299999.99"))
    with pytest.raises(DomainError) as refused:
        selectors.exposure_check(application=group["application"])
    assert refused.value.extra["limit"] == "group"
    assert "集团" in refused.value.message


def test_names_of_customers_the_viewer_cannot_see_are_left_out(org, group, balances):
    company = group["company"]
    company.owner = org.cm_c
    company.save(update_fields=["owner"])
    exposure = selectors.exposure_for(application=group["application"], viewer=org.cm_a)
    names = {p.customer_id: p.name for p in exposure.related}
    assert names[company.pk] == ""
    assert names[group["wife"].pk] == "王芳"
    assert exposure.own.name == "李四"
    # the totals are the same whoever looks
    assert exposure.group_total == D("4300000.00")
