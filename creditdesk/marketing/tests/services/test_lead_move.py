"""Stage moves: the gates (as data), the transitions, lost reasons; a refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from creditdesk.core.exceptions import Conflict, DomainError, NotAllowed, NotFound
from creditdesk.core.models import AuditEvent
from creditdesk.marketing import services
from creditdesk.marketing.models import Lead, LeadEvent, StageRule
from creditdesk.marketing.tests.conftest import customer_of

pytestmark = pytest.mark.django_db


def state(lead):
    lead.refresh_from_db()
    return (
        lead.stage,
        lead.lost_reason_id,
        LeadEvent.objects.filter(lead=lead).count(),
        AuditEvent.objects.filter(action="lead.move").count(),
    )


def call(actor, lead, outcome="reached", **fields):
    return services.lead_activity_log(
        actor=actor, lead_id=lead.pk, kind="call", outcome=outcome, happened_at=timezone.now(), **fields
    )


def move(actor, lead, stage, **fields):
    return services.lead_move(actor=actor, lead_id=lead.pk, stage=stage, **fields)


def test_a_gate_refuses_until_its_requirement_is_met(org, lead):
    before = state(lead)
    with pytest.raises(Conflict) as refused:
        move(org.cm_a, lead, "contacted")
    assert refused.value.code == "lead_stage_gate"
    assert refused.value.extra["missing"] == ["contact_logged"]
    assert "已记录有效联系" in refused.value.message
    assert state(lead) == before
    call(org.cm_a, lead, outcome="no_answer")  # a call nobody answered is not a contact
    with pytest.raises(Conflict):
        move(org.cm_a, lead, "contacted")
    call(org.cm_a, lead)
    assert move(org.cm_a, lead, "contacted").stage == "contacted"
    event = LeadEvent.objects.filter(lead=lead, kind="stage").get()
    assert (event.from_stage, event.to_stage, event.by) == ("new", "contacted", org.cm_a)


def test_the_need_gate_and_the_customer_gate(org, lead):
    call(org.cm_a, lead)
    move(org.cm_a, lead, "contacted")
    with pytest.raises(Conflict) as refused:
        move(org.cm_a, lead, "need_confirmed")
    assert refused.value.extra["missing"] == ["need_recorded"]
    need = {"need_purpose": "business_working_capital", "need_amount": "50万", "notes": ""}
    services.lead_update(actor=org.cm_a, lead_id=lead.pk, **need)
    move(org.cm_a, lead, "need_confirmed")
    with pytest.raises(Conflict) as refused:
        move(org.cm_a, lead, "proposal_offered")
    assert refused.value.extra["missing"] == ["customer_linked", "proposal_issued"]


def test_a_gate_is_data_the_bank_edits(org, lead):
    StageRule.objects.filter(stage="contacted").update(requirements="")
    assert move(org.cm_a, lead, "contacted").stage == "contacted"
    StageRule.objects.filter(stage="need_confirmed").update(requirements="contact_logged,need_recorded")
    with pytest.raises(Conflict) as refused:
        move(org.cm_a, lead, "need_confirmed")
    assert refused.value.extra["missing"] == ["contact_logged", "need_recorded"]


def test_jumps_are_refused_back_one_step_is_not_gated(org, lead):
    with pytest.raises(Conflict) as refused:
        move(org.cm_a, lead, "proposal_offered")
    assert refused.value.code == "lead_stage_transition"
    call(org.cm_a, lead)
    move(org.cm_a, lead, "contacted")
    assert move(org.cm_a, lead, "new").stage == "new"
    with pytest.raises(Conflict) as unchanged:
        move(org.cm_a, lead, "new")
    assert unchanged.value.code == "lead_stage_unchanged"
    with pytest.raises(DomainError) as unknown:
        move(org.cm_a, lead, "won")
    assert unknown.value.code == "lead_stage_unknown"


def test_lost_needs_a_known_reason_and_can_reopen(org, lead):
    before = state(lead)
    with pytest.raises(DomainError) as refused:
        move(org.cm_a, lead, "lost")
    assert refused.value.code == "lead_lost_reason_required"
    with pytest.raises(DomainError) as unknown:
        move(org.cm_a, lead, "lost", lost_reason="bad_weather")
    assert unknown.value.code == "lead_lost_reason_unknown"
    assert state(lead) == before
    moved = move(org.cm_a, lead, "lost", lost_reason="rate_too_high", lost_note="他行 3.2%")
    assert (moved.stage, moved.lost_reason.label, moved.lost_note, moved.stalled_after) == (
        "lost",
        "利率过高",
        "他行 3.2%",
        None,
    )
    reopened = move(org.cm_a, lead, "new")
    assert (reopened.stage, reopened.lost_reason, reopened.lost_note) == ("new", None, "")


def test_a_move_restarts_the_idle_time_of_the_new_stage(org, lead):
    now = timezone.now() + timedelta(hours=1)
    call(org.cm_a, lead)
    moved = services.lead_move(actor=org.cm_a, lead_id=lead.pk, stage="contacted", now=now)
    assert moved.stalled_after == now + timedelta(days=7)  # 已联系: 7 idle days
    assert moved.recycle_after == now + timedelta(days=21)  # back to the pool after 21 (普通)


def test_who_may_move(org, lead):
    call(org.cm_a, lead)
    with pytest.raises(NotFound):
        move(org.cm_b, lead, "contacted")  # another CM does not see it
    with pytest.raises(NotFound):
        move(org.lead2, lead, "contacted")  # nor another team's lead
    for reader in (org.head1, org.risk1):
        with pytest.raises(NotAllowed) as refused:
            move(reader, lead, "contacted")
        assert refused.value.code == "lead_read_only"
    assert move(org.lead1, lead, "contacted").stage == "contacted"  # the team lead works the team's leads
    assert Lead.objects.get(pk=lead.pk).owner == org.cm_a


def test_linking_a_customer(org, lead):
    zhang = customer_of(org.cm_a)
    wang = customer_of(org.cm_c, name="王五", phone="13700137000")
    with pytest.raises(DomainError) as refused:
        services.lead_link_customer(actor=org.cm_a, lead_id=lead.pk, customer_id=wang.pk)
    assert refused.value.code == "lead_customer_not_found"
    linked = services.lead_link_customer(actor=org.cm_a, lead_id=lead.pk, customer_id=zhang.pk)
    assert linked.customer == zhang
    with pytest.raises(Conflict) as again:
        services.lead_link_customer(actor=org.cm_a, lead_id=lead.pk, customer_id=zhang.pk)
    assert again.value.code == "lead_customer_already_linked"
