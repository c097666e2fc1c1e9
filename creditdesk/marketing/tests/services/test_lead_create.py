"""Lead intake: validation, duplicates, routing to an existing customer's manager, the contact basis."""

from __future__ import annotations

import pytest

from creditdesk.core.exceptions import Conflict, DomainError, NotAllowed
from creditdesk.core.models import AuditEvent
from creditdesk.marketing import services
from creditdesk.marketing.models import Lead, LeadEvent
from creditdesk.marketing.services import LeadInput
from creditdesk.marketing.tests.conftest import customer_of, enter, marketing_consent

pytestmark = pytest.mark.django_db


def written():
    return (
        Lead.objects.count(),
        LeadEvent.objects.count(),
        AuditEvent.objects.filter(action="lead.create").count(),
    )


def test_a_cm_enters_a_lead_they_work(org):
    lead = enter(org.cm_a, name="  李四 ", phone="+86 139-0013-9017", channel="online", need_amount="30万")
    lead.refresh_from_db()
    assert (lead.name, lead.phone, lead.phone_tail, lead.owner, lead.team, lead.stage) == (
        "李四",
        "13900139017",
        "9017",
        org.cm_a,
        org.cm_a.team,
        "new",
    )
    assert str(lead.need_amount) == "300000.00"
    assert lead.stalled_after is not None and lead.recycle_after is not None  # the 新线索 rule of 普通
    assert list(lead.events.values_list("kind", "method")) == [("created", ""), ("assigned", "created")]
    event = AuditEvent.objects.get(action="lead.create")
    assert "13900139017" not in str(event.after)  # the phone is masked in the audit trail


def test_the_same_person_twice_is_refused_while_a_lead_is_open(org):
    first = enter(org.cm_a, phone="13900139017")
    before = written()
    with pytest.raises(Conflict) as refused:
        enter(org.cm_b, phone="139 0013 9017")
    assert refused.value.code == "lead_duplicate"
    assert "其他客户经理" in refused.value.message  # cm_b does not see cm_a's lead: nobody is named
    with pytest.raises(Conflict) as mine:
        enter(org.cm_a, phone="13900139017")
    assert mine.value.extra["lead_id"] == first.pk
    assert written() == before
    services.lead_move(actor=org.cm_a, lead_id=first.pk, stage="lost", lost_reason="unreachable")
    assert enter(org.cm_b, phone="13900139017").owner == org.cm_b  # a lost lead no longer blocks


def test_the_same_id_number_is_a_duplicate(org):
    enter(org.cm_a, id_number="11010519491231002X")
    with pytest.raises(Conflict) as refused:
        enter(org.cm_b, id_number="11010519491231002x")
    assert refused.value.code == "lead_duplicate"


def test_a_lead_for_an_existing_customer_goes_to_its_manager(org):
    zhang = customer_of(org.cm_c, phone="13800138000")
    intake = services.lead_create(actor=org.cm_a, data=LeadInput(name="张三", phone="13800138000"))
    assert intake.routed is True
    assert (intake.lead.owner, intake.lead.team, intake.lead.customer) == (org.cm_c, org.cm_c.team, zhang)
    assert intake.lead.events.get(kind="assigned").method == "existing_customer"


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"name": " "}, "lead_name_required", "name"),
        ({"name": "名" * 101}, "lead_name_too_long", "name"),
        ({"phone": ""}, "phone_empty", "phone"),
        ({"phone": "12345"}, "phone_invalid", "phone"),
        ({"kind": "alien"}, "lead_kind_unknown", "kind"),
        ({"channel": "tv"}, "lead_channel_unknown", "channel"),
        ({"basis": "guess"}, "lead_basis_unknown", "basis"),
        ({"need_amount": "很多"}, "lead_amount_invalid", "need_amount"),
        ({"need_purpose": "yacht"}, "lead_purpose_unknown", "need_purpose"),
        ({"id_number": "110105194912310021"}, "id_bad_checksum", "id_number"),
        ({"basis": "consent"}, "lead_consent_note_required", "consent_note"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(org, fields, code, field):
    values = {"name": "李四", "phone": "13900139017", **fields}
    before = written()
    with pytest.raises(DomainError) as refused:
        services.lead_create(actor=org.cm_a, data=LeadInput(**values))
    assert (refused.value.code, refused.value.extra.get("field")) == (code, field)
    assert written() == before


def test_a_consent_basis_for_a_customer_needs_a_marketing_consent_in_force(org):
    zhang = customer_of(org.cm_a)
    data = LeadInput(name="张三", phone="13800138000", basis="consent", consent_note="x")
    for state in ({"until": -1}, {"revoked": True}):
        consent = marketing_consent(zhang, **state)
        with pytest.raises(DomainError) as refused:
            services.lead_create(actor=org.cm_a, data=data)
        assert refused.value.code == "lead_marketing_consent_missing"
        consent.delete()
    assert Lead.objects.count() == 0
    marketing_consent(zhang)
    assert services.lead_create(actor=org.cm_a, data=data).lead.customer == zhang


def test_who_may_enter_and_for_whom(org):
    for person in (org.head1, org.risk1, org.approver1, org.admin):
        with pytest.raises(NotAllowed) as refused:
            enter(person)
        assert refused.value.code == "lead_create_not_allowed"
    with pytest.raises(NotAllowed) as refused:
        services.lead_create(actor=org.cm_a, data=LeadInput(name="x", phone="13900139001"), owner=org.cm_b)
    assert refused.value.code == "lead_owner_not_allowed"
    with pytest.raises(NotAllowed):
        services.lead_create(actor=org.lead1, data=LeadInput(name="x", phone="13900139001"), owner=org.cm_c)
    given = services.lead_create(
        actor=org.lead1, data=LeadInput(name="x", phone="13900139001"), owner=org.cm_b
    )
    assert given.lead.owner == org.cm_b
    pooled = services.lead_create(
        actor=org.lead1, data=LeadInput(name="y", phone="13900139002"), to_pool=True
    )
    assert (pooled.lead.owner, pooled.lead.team, pooled.lead.recycle_after) == (None, org.lead1.team, None)
