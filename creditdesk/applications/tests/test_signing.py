"""Identity, interviews, the 放款审核 and the contract (issue 15 items 2 and 9): nobody is signed for who
was not verified on a valid ID and interviewed; the contract carries the schedule the loan will book."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from creditdesk.agenda.models import Task
from creditdesk.applications.models import ConditionCheck, Contract, IdentityCheck
from creditdesk.applications.services import signing
from creditdesk.applications.terms import part_schedule, schedule_digest, schedule_rows
from creditdesk.applications.tests import flow
from creditdesk.core.exceptions import DomainError
from creditdesk.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(media, li_graded):
    """Media in a temporary folder; 李四 graded B (the team lead → approver route)."""


def _interview(org, application, customer):
    signing.interview_record(
        actor=org.cm_a,
        application_id=application.pk,
        customer_id=customer.pk,
        kind="video",
        held_at=timezone.now() - timedelta(minutes=1),
        place="营业部",
        recording_reference="SL-1",
    )


def _sign(org, application, **kwargs):
    values = {"value_date": timezone.localdate(), "place": "营业部"} | kwargs
    return signing.contract_sign(actor=org.cm_a, application_id=application.pk, **values)


def test_signing_needs_an_interview_and_a_valid_id(org, small_catalogue, li):
    application = flow.approved(org, li)
    audits = AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        _sign(org, application)
    assert refused.value.code == "interview_missing"
    _interview(org, application, li)
    IdentityCheck.objects.filter(application=application).update(
        id_expires_on=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(DomainError) as refused:
        _sign(org, application)
    assert refused.value.code == "identity_expired"
    IdentityCheck.objects.filter(application=application).update(result="mismatch")
    with pytest.raises(DomainError) as refused:
        _sign(org, application)
    assert refused.value.code == "identity_not_verified"
    application.refresh_from_db()
    assert application.status == "approved"
    assert not Contract.objects.exists()
    assert AuditEvent.objects.count() == audits + 1  # the interview only


def test_an_expired_approval_cannot_be_signed(org, small_catalogue, li):
    application = flow.approved(org, li)
    _interview(org, application, li)
    application.approval_expires_on = timezone.localdate() - timedelta(days=1)
    application.save()
    with pytest.raises(DomainError) as refused:
        _sign(org, application)
    assert refused.value.code == "approval_expired"
    application.approval_expires_on = timezone.localdate() + timedelta(days=10)
    application.save()
    with pytest.raises(DomainError) as refused:
        _sign(org, application, value_date=timezone.localdate() + timedelta(days=11))
    assert refused.value.code == "value_date_invalid"
    assert not Contract.objects.exists()


def test_the_contract_carries_the_schedule_the_loan_will_book(org, small_catalogue, li):
    application = flow.approved(org, li)
    _interview(org, application, li)
    contract = _sign(org, application)
    part = application.parts.get()
    stored = contract.content["parts"][0]
    expected = schedule_rows(part_schedule(part, contract.value_date))
    assert stored["schedule"] == expected
    assert stored["schedule_sha256"] == schedule_digest(expected)
    assert sum(Decimal(r["principal"]) for r in stored["schedule"]) == Decimal("150000.00")
    assert Decimal(stored["apr"]) >= Decimal(stored["annual_rate"])
    assert bytes(contract.pdf).startswith(b"%PDF")
    assert any("异议" in d for d in contract.content["disclosures"])
    application.refresh_from_db()
    assert application.status == "contract_signed"
    assert not Task.objects.filter(customer=li).exists()  # unsecured: no third party to coordinate


def test_only_a_risk_manager_of_the_branch_checks_the_conditions(org, small_catalogue, li):
    application = flow.approved(org, li)
    items = [{"condition": c, "met": True} for c in application.conditions]
    for person in (org.cm_a, org.lead1, org.head1):
        with pytest.raises(DomainError) as refused:
            signing.conditions_check(actor=person, application_id=application.pk, items=items)
        assert refused.value.code == "conditions_check_not_allowed"
    with pytest.raises(DomainError):
        signing.conditions_check(actor=org.risk2, application_id=application.pk, items=items)
    assert not ConditionCheck.objects.exists()
    partial = signing.conditions_check(
        actor=org.risk1,
        application_id=application.pk,
        items=[{"condition": c, "met": False} for c in application.conditions],
    )
    assert partial.passed is False
    passed = signing.conditions_check(actor=org.risk1, application_id=application.pk, items=items)
    assert passed.passed is True


def test_a_secured_loan_puts_the_third_parties_on_the_cm_agenda(org, small_catalogue, li):
    application = flow.approved(org, li, product="DYD", amount="300000.00", term_months=36)
    _interview(org, application, li)
    _sign(org, application)
    titles = sorted(Task.objects.filter(customer=li, owner=org.cm_a).values_list("title", flat=True))
    assert len(titles) == 2
    assert all(application.number in t for t in titles)


def test_identity_check_refusals(org, small_catalogue, li):
    application = flow.create(org.cm_a, li)
    cases = [
        (
            {"result": "maybe", "reference": "R1", "id_expires_on": timezone.localdate()},
            "identity_result_invalid",
        ),
        (
            {"result": "match", "reference": " ", "id_expires_on": timezone.localdate()},
            "identity_reference_required",
        ),
        ({"result": "match", "reference": "R1", "id_expires_on": None}, "id_validity_required"),
    ]
    for values, code in cases:
        with pytest.raises(DomainError) as refused:
            signing.identity_check_record(
                actor=org.cm_a, application_id=application.pk, customer_id=li.pk, **values
            )
        assert refused.value.code == code
    assert not IdentityCheck.objects.exists()
