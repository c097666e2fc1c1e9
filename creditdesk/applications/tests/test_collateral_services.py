"""The collateral register's services: register, appraise, liens, pledges — and every refusal leaves the
register as it was (no row, no audit event)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from creditdesk.applications.models import ApplicationParty, Appraisal, Pledge, PriorLien
from creditdesk.applications.selectors.collateral import collateral_position
from creditdesk.applications.services import collateral as services
from creditdesk.applications.tests.factories import make_application
from creditdesk.core.exceptions import Conflict, DomainError, NotAllowed, NotFound
from creditdesk.core.models import AuditEvent
from creditdesk.customers.services import CustomerInput, customer_create
from creditdesk.solutions.tests import conftest as solutions_fixtures

# 李四 (cm_a's customer) and the small catalogue (DYD: 抵押贷, residential property, LTV at most 0.70)
li = solutions_fixtures.li
small_catalogue = solutions_fixtures.small_catalogue
D = Decimal


@pytest.fixture
def house(org, li):
    """李四's flat: appraised at 1,000,000, a prior lien of 200,000 (first rank, another bank)."""
    house = services.collateral_register(
        actor=org.cm_a,
        customer_id=li.pk,
        kind="property",
        description="朝阳区某小区 3 号楼 201 室",
        owners="李四",
        certificate_number="京(2020)朝阳区不动产权第0000001号",
        location="北京市朝阳区",
    )
    services.appraisal_record(
        actor=org.cm_a,
        collateral_id=house.pk,
        appraiser="某评估公司",
        appraised_on=timezone.localdate() - timedelta(days=10),
        value=D("1000000.00"),
    )
    services.prior_lien_record(
        actor=org.cm_a, collateral_id=house.pk, holder="某银行", rank=1, amount=D("200000.00")
    )
    return house


@pytest.fixture
def dyd(small_catalogue):
    return small_catalogue["DYD"].current_version  # 抵押贷: residential property, LTV at most 0.70


def _audits(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_register_appraise_lien_and_pledge_worked_example(org, li, house, dyd):
    application = make_application(customer=li, product_version=dyd, amount="400000.00", term_months=60)
    pledge = services.pledge_create(
        actor=org.cm_a, collateral_id=house.pk, application_id=application.pk, amount=D("400000.00")
    )
    pledge.refresh_from_db()
    assert (pledge.amount, pledge.ltv, pledge.pledged_by) == (D("400000.00"), D("0.5000"), org.cm_a)
    position = collateral_position(collateral=house)
    assert (position.value, position.prior_liens, position.pledged) == (
        D("1000000.00"),
        D("200000.00"),
        D("400000.00"),
    )
    assert position.remaining == D("400000.00")
    assert [_audits(a) for a in ("collateral.register", "collateral.appraisal", "collateral.lien")] == [
        1,
        1,
        1,
    ]
    event = AuditEvent.objects.get(action="collateral.pledge")
    assert event.after["amount"] == "400000.00"
    assert event.after["ltv"] == "0.5000"


def _refused(exc_type, code, **kwargs):
    pledges, audits = Pledge.objects.count(), AuditEvent.objects.count()
    with pytest.raises(exc_type) as refused:
        services.pledge_create(**kwargs)
    assert refused.value.code == code
    assert (Pledge.objects.count(), AuditEvent.objects.count()) == (pledges, audits)
    return refused.value


def test_pledge_beyond_the_remaining_value_is_refused(org, li, house, dyd):
    first = make_application(customer=li, product_version=dyd, amount="400000.00", term_months=60)
    services.pledge_create(
        actor=org.cm_a, collateral_id=house.pk, application_id=first.pk, amount=D("400000.00")
    )
    second = make_application(customer=li, product_version=dyd, amount="500000.00", term_months=60)
    refused = _refused(
        DomainError,
        "collateral_value_exceeded",
        actor=org.cm_a,
        collateral_id=house.pk,
        application_id=second.pk,
        amount=D("400000.01"),
    )
    assert "400,000.00" in refused.message
    assert refused.extra["remaining"] == "400000.00"


def test_pledge_above_the_product_ltv_cap_is_refused_with_the_most_allowed(org, li, house, dyd):
    first = make_application(customer=li, product_version=dyd, amount="400000.00", term_months=60)
    services.pledge_create(
        actor=org.cm_a, collateral_id=house.pk, application_id=first.pk, amount=D("400000.00")
    )
    second = make_application(customer=li, product_version=dyd, amount="300000.00", term_months=60)
    # (400,000 + 200,000) ÷ 800,000 = 0.75 > 0.70: at most 160,000 more
    refused = _refused(
        DomainError,
        "ltv_above_product_cap",
        actor=org.cm_a,
        collateral_id=house.pk,
        application_id=second.pk,
        amount=D("200000.00"),
    )
    assert refused.extra == {"field": "amount", "ltv": "0.7500", "cap": "0.70"}
    assert "160,000.00" in refused.message
    pledge = services.pledge_create(
        actor=org.cm_a, collateral_id=house.pk, application_id=second.pk, amount=D("160000.00")
    )
    assert pledge.ltv == D("0.7000")


def test_pledge_refusals_leave_nothing(org, li, house, dyd, small_catalogue):
    application = make_application(customer=li, product_version=dyd, amount="400000.00", term_months=60)
    kwargs = {"actor": org.cm_a, "collateral_id": house.pk, "application_id": application.pk}
    _refused(DomainError, "pledge_above_application_amount", **kwargs, amount=D("400000.01"))
    _refused(DomainError, "pledge_amount_invalid", **kwargs, amount=D("0"))
    _refused(DomainError, "pledge_amount_invalid", **kwargs, amount=D("1.001"))
    _refused(NotFound, "not_found", **{**kwargs, "actor": org.cm_b}, amount=D("1000.00"))
    _refused(NotAllowed, "application_read_only", **{**kwargs, "actor": org.risk1}, amount=D("1000.00"))
    # a credit product takes no collateral
    credit = make_application(customer=li, product_version=small_catalogue["XYD"].current_version)
    _refused(
        DomainError,
        "collateral_type_not_accepted",
        **{**kwargs, "application_id": credit.pk},
        amount=D("1000.00"),
    )
    submitted = make_application(customer=li, product_version=dyd, status="submitted")
    _refused(
        Conflict,
        "application_not_editable",
        **{**kwargs, "application_id": submitted.pk},
        amount=D("1000.00"),
    )


def test_pledge_only_of_a_party_and_only_when_appraised(org, li, dyd):
    wang = customer_create(actor=org.cm_a, data=CustomerInput(kind="individual", name="王五"))
    car = services.collateral_register(
        actor=org.cm_a, customer_id=wang.pk, kind="property", description="王五的房产", owners="王五"
    )
    application = make_application(customer=li, product_version=dyd, amount="400000.00")
    kwargs = {
        "actor": org.cm_a,
        "collateral_id": car.pk,
        "application_id": application.pk,
        "amount": D("1000.00"),
    }
    _refused(DomainError, "collateral_not_of_party", **kwargs)
    ApplicationParty.objects.create(application=application, customer=wang, role="guarantor")
    _refused(DomainError, "collateral_not_appraised", **kwargs)
    services.appraisal_record(
        actor=org.cm_a,
        collateral_id=car.pk,
        appraiser="行内评估",
        appraised_on=timezone.localdate(),
        value=D("500000.00"),
    )
    pledge = services.pledge_create(**kwargs)
    assert pledge.ltv == D("0.0020")  # 1,000 ÷ 500,000


def test_the_same_pledge_twice_is_refused_until_released(org, li, house, dyd):
    application = make_application(customer=li, product_version=dyd, amount="400000.00")
    kwargs = {"actor": org.cm_a, "collateral_id": house.pk, "application_id": application.pk}
    pledge = services.pledge_create(**kwargs, amount=D("100000.00"))
    _refused(Conflict, "pledge_exists", **kwargs, amount=D("100000.00"))
    released = services.pledge_release(actor=org.cm_a, pledge_id=pledge.pk)
    assert released.released_at is not None
    assert collateral_position(collateral=house).remaining == D("800000.00")
    with pytest.raises(Conflict) as again:
        services.pledge_release(actor=org.cm_a, pledge_id=pledge.pk)
    assert again.value.code == "pledge_already_released"
    assert services.pledge_create(**kwargs, amount=D("300000.00")).amount == D("300000.00")


def test_a_pledge_of_an_application_under_review_is_not_released(org, li, house, dyd):
    application = make_application(customer=li, product_version=dyd, amount="400000.00")
    pledge = services.pledge_create(
        actor=org.cm_a, collateral_id=house.pk, application_id=application.pk, amount=D("100000.00")
    )
    application.status = "under_review"
    application.save(update_fields=["status"])
    audits = AuditEvent.objects.count()
    with pytest.raises(Conflict) as refused:
        services.pledge_release(actor=org.cm_a, pledge_id=pledge.pk)
    assert refused.value.code == "pledge_in_force"
    pledge.refresh_from_db()
    assert pledge.released_at is None
    assert AuditEvent.objects.count() == audits


def test_a_pledge_of_a_withdrawn_application_no_longer_counts(org, li, house, dyd):
    application = make_application(customer=li, product_version=dyd, amount="400000.00")
    services.pledge_create(
        actor=org.cm_a, collateral_id=house.pk, application_id=application.pk, amount=D("400000.00")
    )
    application.status = "withdrawn"
    application.save(update_fields=["status"])
    assert collateral_position(collateral=house).remaining == D("800000.00")


def test_appraisal_refusals_leave_nothing(org, house):
    before = (Appraisal.objects.count(), AuditEvent.objects.count())
    cases = [
        (
            {"appraised_on": timezone.localdate() + timedelta(days=1), "value": D("1.00")},
            "appraisal_date_in_future",
        ),
        ({"appraised_on": timezone.localdate(), "value": D("0.00")}, "appraisal_value_invalid"),
        ({"appraised_on": timezone.localdate(), "value": D("-5.00")}, "appraisal_value_invalid"),
    ]
    for values, code in cases:
        with pytest.raises(DomainError) as refused:
            services.appraisal_record(
                actor=org.cm_a, collateral_id=house.pk, appraiser="某评估公司", **values
            )
        assert refused.value.code == code
    with pytest.raises(NotAllowed):
        services.appraisal_record(
            actor=org.head1,
            collateral_id=house.pk,
            appraiser="x",
            appraised_on=timezone.localdate(),
            value=D("1.00"),
        )
    with pytest.raises(NotFound):
        services.appraisal_record(
            actor=org.cm_c,
            collateral_id=house.pk,
            appraiser="x",
            appraised_on=timezone.localdate(),
            value=D("1.00"),
        )
    assert (Appraisal.objects.count(), AuditEvent.objects.count()) == before


def test_a_newer_appraisal_counts_and_clears_revaluation(org, li):
    today = timezone.localdate()
    flat = services.collateral_register(
        actor=org.lead1,
        customer_id=li.pk,
        kind="property",
        description="住宅",
        owners="李四",
        next_revaluation_on=today - timedelta(days=1),
    )
    services.appraisal_record(
        actor=org.cm_a,
        collateral_id=flat.pk,
        appraiser="A",
        appraised_on=today - timedelta(days=400),
        value=D("900000.00"),
    )
    position = collateral_position(collateral=flat)
    assert (position.value, position.revaluation_due) == (D("900000.00"), True)
    services.appraisal_record(
        actor=org.cm_a, collateral_id=flat.pk, appraiser="B", appraised_on=today, value=D("950000.00")
    )
    position = collateral_position(collateral=flat)
    assert (position.value, position.revaluation_due) == (D("950000.00"), False)


def test_prior_liens_rank_and_release(org, house):
    before = (PriorLien.objects.count(), AuditEvent.objects.count())
    for values, code in [
        ({"rank": 1, "amount": D("1.00")}, "lien_rank_taken"),
        ({"rank": 0, "amount": D("1.00")}, "lien_rank_invalid"),
        ({"rank": 2, "amount": D("-1.00")}, "lien_amount_invalid"),
    ]:
        with pytest.raises(DomainError) as refused:
            services.prior_lien_record(actor=org.cm_a, collateral_id=house.pk, holder="某银行", **values)
        assert refused.value.code == code
    assert (PriorLien.objects.count(), AuditEvent.objects.count()) == before
    lien = PriorLien.objects.get(collateral=house)
    released = services.prior_lien_release(actor=org.cm_a, lien_id=lien.pk)
    assert released.released_on == timezone.localdate()
    assert collateral_position(collateral=house).net_value == D("1000000.00")
    with pytest.raises(Conflict) as again:
        services.prior_lien_release(actor=org.cm_a, lien_id=lien.pk)
    assert again.value.code == "lien_already_released"
    # the rank is free again
    services.prior_lien_record(
        actor=org.cm_a, collateral_id=house.pk, holder="另一银行", rank=1, amount=D("1.00")
    )


def test_register_refusals(org, li):
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        services.collateral_register(
            actor=org.cm_a, customer_id=li.pk, kind="boat", description="x", owners="x"
        )
    assert refused.value.code == "collateral_kind_unknown"
    with pytest.raises(DomainError) as refused:
        services.collateral_register(
            actor=org.cm_a, customer_id=li.pk, kind="vehicle", description=" ", owners="x"
        )
    assert refused.value.code == "description_required"
    with pytest.raises(NotAllowed) as refused:
        services.collateral_register(
            actor=org.risk1, customer_id=li.pk, kind="vehicle", description="x", owners="x"
        )
    assert refused.value.code == "collateral_read_only"
    with pytest.raises(NotFound):
        services.collateral_register(
            actor=org.cm_d, customer_id=li.pk, kind="vehicle", description="x", owners="x"
        )
    assert AuditEvent.objects.count() == before
    assert not li.collaterals.exists()
