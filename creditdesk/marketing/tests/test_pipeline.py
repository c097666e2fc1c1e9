"""The lead pipeline rules (issue 17): moves, gates as data, the lost reason, reopening, the final stage,
the requirements cell parser and the idle-time deadlines at their exact boundaries."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creditdesk.core.exceptions import Conflict, DomainError
from creditdesk.marketing.pipeline import (
    DEFAULT_GATES,
    FORWARD,
    OPEN_STAGES,
    Deadlines,
    LeadFacts,
    LeadStage,
    Requirement,
    check_move,
    deadlines,
    is_due_for_recycling,
    is_stalled,
    missing,
    parse_requirements,
)

S = LeadStage
R = Requirement
ALL_MET = LeadFacts(**{requirement.value: True for requirement in Requirement})
NONE_MET = LeadFacts()
NO_GATES: dict[LeadStage, tuple[Requirement, ...]] = {}
EVERY_GATE = {stage: tuple(Requirement) for stage in LeadStage}
FAST = settings(max_examples=200, deadline=None)


def refusal(current, target, *, facts=ALL_MET, gates=EVERY_GATE, lost_reason="") -> DomainError:
    with pytest.raises(DomainError) as caught:
        check_move(current, target, facts=facts, gates=gates, lost_reason=lost_reason)
    return caught.value


# --- the enumerations --------------------------------------------------------------------------------


def test_stages_labels_and_order():
    assert S.pairs() == (
        ("new", "新线索"),
        ("contacted", "已联系"),
        ("need_confirmed", "需求确认"),
        ("proposal_offered", "方案已提供"),
        ("applying", "申请中"),
        ("disbursed", "已放款"),
        ("lost", "已流失"),
    )
    assert FORWARD == (S.NEW, S.CONTACTED, S.NEED_CONFIRMED, S.PROPOSAL_OFFERED, S.APPLYING, S.DISBURSED)
    assert OPEN_STAGES == (S.NEW, S.CONTACTED, S.NEED_CONFIRMED, S.PROPOSAL_OFFERED, S.APPLYING)


def test_requirements_labels():
    assert R.pairs() == (
        ("contact_logged", "已记录有效联系"),
        ("need_recorded", "已记录融资需求（用途与金额）"),
        ("customer_linked", "已关联客户档案"),
        ("proposal_issued", "已出具方案"),
        ("application_submitted", "已提交贷款申请"),
        ("loan_disbursed", "已放款"),
    )


def test_lead_facts_has_one_field_per_requirement_and_met_reads_it():
    assert [field.name for field in fields(LeadFacts)] == [requirement.value for requirement in R]
    for requirement in R:
        facts = LeadFacts(**{requirement.value: True})
        assert facts.met(requirement)
        assert facts.met(requirement.value)
        assert [other for other in R if facts.met(other)] == [requirement]
    assert not any(NONE_MET.met(requirement) for requirement in R)


def test_lead_facts_met_unknown_key():
    with pytest.raises(DomainError) as caught:
        ALL_MET.met("signed_contract")
    assert caught.value.code == "lead_requirement_unknown"
    assert caught.value.extra == {"key": "signed_contract"}


# --- every allowed move ------------------------------------------------------------------------------


@pytest.mark.parametrize(("current", "target"), list(pairwise(FORWARD)))
def test_forward_one_step_with_its_gate_met(current, target):
    assert check_move(current, target, facts=ALL_MET, gates=EVERY_GATE) is target
    assert check_move(current.value, target.value, facts=NONE_MET, gates=NO_GATES) is target


@pytest.mark.parametrize(("current", "target"), [(after, before) for before, after in pairwise(FORWARD[:-1])])
def test_back_one_step_without_a_gate(current, target):
    assert check_move(current, target, facts=NONE_MET, gates=EVERY_GATE) is target


@pytest.mark.parametrize("current", OPEN_STAGES)
def test_open_stage_to_lost_with_a_reason(current):
    assert check_move(current, S.LOST, facts=NONE_MET, gates=NO_GATES, lost_reason="rate_too_high") is S.LOST


def test_lost_reopens_to_new_without_a_gate():
    assert check_move(S.LOST, S.NEW, facts=NONE_MET, gates=EVERY_GATE) is S.NEW


# --- every refusal -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "target", "unknown"), [("won", "new", "won"), ("new", "won", "won"), ("", "contacted", "")]
)
def test_unknown_stage(current, target, unknown):
    error = refusal(current, target)
    assert type(error) is DomainError
    assert error.code == "lead_stage_unknown"
    assert error.extra == {"stage": unknown}


@pytest.mark.parametrize("stage", list(LeadStage))
def test_same_stage_is_unchanged(stage):
    error = refusal(stage, stage, lost_reason="x")
    assert isinstance(error, Conflict)
    assert error.code == "lead_stage_unchanged"
    assert stage.label in error.message


@pytest.mark.parametrize("target", [stage for stage in LeadStage if stage != S.DISBURSED])
def test_disbursed_is_final(target):
    error = refusal(S.DISBURSED, target, gates=NO_GATES, lost_reason="rate_too_high")
    assert isinstance(error, Conflict)
    assert error.code == "lead_closed"


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.NEW, S.NEED_CONFIRMED),
        (S.NEW, S.PROPOSAL_OFFERED),
        (S.NEW, S.DISBURSED),
        (S.CONTACTED, S.APPLYING),
        (S.APPLYING, S.CONTACTED),
        (S.PROPOSAL_OFFERED, S.NEW),
        (S.LOST, S.CONTACTED),
        (S.LOST, S.APPLYING),
        (S.LOST, S.DISBURSED),
    ],
)
def test_a_jump_is_refused_naming_both_stages(current, target):
    error = refusal(current, target, gates=NO_GATES)
    assert isinstance(error, Conflict)
    assert error.code == "lead_stage_transition"
    assert current.label in error.message
    assert target.label in error.message
    assert error.extra == {"current": current.value, "target": target.value}


@pytest.mark.parametrize("reason", ["", "   ", "\t\n"])
def test_lost_without_a_reason(reason):
    error = refusal(S.CONTACTED, S.LOST, gates=NO_GATES, lost_reason=reason)
    assert type(error) is DomainError
    assert error.code == "lead_lost_reason_required"


def test_gate_not_met_lists_the_missing_keys_and_labels():
    gates = {S.NEED_CONFIRMED: (R.NEED_RECORDED,)}
    error = refusal(S.CONTACTED, S.NEED_CONFIRMED, facts=NONE_MET, gates=gates)
    assert isinstance(error, Conflict)
    assert error.code == "lead_stage_gate"
    assert error.extra == {"missing": ["need_recorded"], "labels": ["已记录融资需求（用途与金额）"]}
    assert error.message == "进入“需求确认”前须完成：已记录融资需求（用途与金额）。"


def test_gate_lists_only_what_is_lacking_in_the_gates_order():
    gates = {S.APPLYING: (R.APPLICATION_SUBMITTED, R.CUSTOMER_LINKED, R.PROPOSAL_ISSUED)}
    facts = LeadFacts(proposal_issued=True)
    error = refusal(S.PROPOSAL_OFFERED, S.APPLYING, facts=facts, gates=gates)
    assert error.code == "lead_stage_gate"
    assert error.extra["missing"] == ["application_submitted", "customer_linked"]
    assert error.extra["labels"] == ["已提交贷款申请", "已关联客户档案"]
    assert error.message == "进入“申请中”前须完成：已提交贷款申请、已关联客户档案。"


def test_gates_are_data_the_same_move_allowed_or_refused():
    move = {"facts": LeadFacts(contact_logged=True), "lost_reason": ""}
    assert check_move(S.CONTACTED, S.NEED_CONFIRMED, gates={}, **move) is S.NEED_CONFIRMED
    assert check_move(S.CONTACTED, S.NEED_CONFIRMED, gates={S.NEED_CONFIRMED: ()}, **move) is S.NEED_CONFIRMED
    gated = {S.NEED_CONFIRMED: (R.NEED_RECORDED,)}
    assert refusal(S.CONTACTED, S.NEED_CONFIRMED, gates=gated, **move).code == "lead_stage_gate"
    # a gate on another stage does not apply
    assert check_move(S.CONTACTED, S.NEED_CONFIRMED, gates={S.APPLYING: (R.NEED_RECORDED,)}, **move)


def test_gates_keyed_by_plain_strings_work_too():
    gates = {"contacted": ("contact_logged",)}
    assert refusal(S.NEW, S.CONTACTED, facts=NONE_MET, gates=gates).extra["missing"] == ["contact_logged"]


def test_a_gate_on_lost_applies_after_the_reason():
    gates = {S.LOST: (R.CONTACT_LOGGED,)}
    error = refusal(S.NEW, S.LOST, facts=NONE_MET, gates=gates, lost_reason="unreachable")
    assert error.code == "lead_stage_gate"
    assert error.extra["missing"] == ["contact_logged"]
    assert refusal(S.NEW, S.LOST, facts=NONE_MET, gates=gates).code == "lead_lost_reason_required"
    facts = LeadFacts(contact_logged=True)
    assert check_move(S.NEW, S.LOST, facts=facts, gates=gates, lost_reason="unreachable") is S.LOST


def test_back_and_reopen_ignore_gates_even_when_nothing_is_met():
    assert check_move(S.APPLYING, S.PROPOSAL_OFFERED, facts=NONE_MET, gates=EVERY_GATE) is S.PROPOSAL_OFFERED
    assert check_move(S.LOST, S.NEW, facts=NONE_MET, gates=EVERY_GATE) is S.NEW


def test_an_unknown_requirement_in_a_gate_is_refused():
    error = refusal(S.NEW, S.CONTACTED, gates={S.CONTACTED: ("phone_called",)})
    assert error.code == "lead_requirement_unknown"
    assert error.extra == {"key": "phone_called"}


# --- the whole table ---------------------------------------------------------------------------------

ALLOWED = {
    (S.NEW, S.CONTACTED),
    (S.CONTACTED, S.NEED_CONFIRMED),
    (S.NEED_CONFIRMED, S.PROPOSAL_OFFERED),
    (S.PROPOSAL_OFFERED, S.APPLYING),
    (S.APPLYING, S.DISBURSED),
    (S.CONTACTED, S.NEW),
    (S.NEED_CONFIRMED, S.CONTACTED),
    (S.PROPOSAL_OFFERED, S.NEED_CONFIRMED),
    (S.APPLYING, S.PROPOSAL_OFFERED),
    (S.NEW, S.LOST),
    (S.CONTACTED, S.LOST),
    (S.NEED_CONFIRMED, S.LOST),
    (S.PROPOSAL_OFFERED, S.LOST),
    (S.APPLYING, S.LOST),
    (S.LOST, S.NEW),
}


@pytest.mark.parametrize("current", list(LeadStage))
@pytest.mark.parametrize("target", list(LeadStage))
def test_every_pair_with_all_facts_met(current, target):
    if (current, target) in ALLOWED:
        assert check_move(current, target, facts=ALL_MET, gates=EVERY_GATE, lost_reason="r") is target
    else:
        error = refusal(current, target, lost_reason="r")
        assert isinstance(error, Conflict)
        if current == target:
            assert error.code == "lead_stage_unchanged"
        elif current == S.DISBURSED:
            assert error.code == "lead_closed"
        else:
            assert error.code == "lead_stage_transition"


def test_allowed_table_size():
    # 5 forward + 4 back + 5 to lost + 1 reopen; the other 49 − 15 = 34 pairs are refused
    assert len(ALLOWED) == 15


# --- missing(), for the kanban -----------------------------------------------------------------------


def test_missing():
    assert missing(S.APPLYING, NONE_MET, DEFAULT_GATES) == (R.CUSTOMER_LINKED, R.APPLICATION_SUBMITTED)
    assert missing("applying", LeadFacts(customer_linked=True), DEFAULT_GATES) == (R.APPLICATION_SUBMITTED,)
    assert missing(S.APPLYING, ALL_MET, DEFAULT_GATES) == ()
    assert missing(S.NEW, NONE_MET, DEFAULT_GATES) == ()
    assert missing(S.CONTACTED, NONE_MET, {S.CONTACTED: (R.CONTACT_LOGGED, R.CONTACT_LOGGED)}) == (
        R.CONTACT_LOGGED,
    )
    with pytest.raises(DomainError) as caught:
        missing("won", NONE_MET, DEFAULT_GATES)
    assert caught.value.code == "lead_stage_unknown"


def test_default_gates_walk_with_the_facts_a_real_lead_gathers():
    facts: dict[str, bool] = {}
    stage = S.NEW
    for target, requirement in zip(FORWARD[1:], DEFAULT_GATES.values(), strict=True):
        assert refusal(stage, target, facts=LeadFacts(**facts), gates=DEFAULT_GATES).code == "lead_stage_gate"
        facts.update({needed.value: True for needed in requirement})
        stage = check_move(stage, target, facts=LeadFacts(**facts), gates=DEFAULT_GATES)
    assert stage is S.DISBURSED


# --- parse_requirements ------------------------------------------------------------------------------


def test_parse_requirements():
    assert parse_requirements("") == ()
    assert parse_requirements("   ") == ()
    assert parse_requirements("contact_logged") == (R.CONTACT_LOGGED,)
    assert parse_requirements(" need_recorded ,customer_linked,  proposal_issued ") == (
        R.NEED_RECORDED,
        R.CUSTOMER_LINKED,
        R.PROPOSAL_ISSUED,
    )


def test_parse_requirements_full_width_commas_case_and_blank_items():
    assert parse_requirements("Contact_Logged，need_recorded,, ,") == (R.CONTACT_LOGGED, R.NEED_RECORDED)


def test_parse_requirements_removes_duplicates_keeping_the_first_order():
    assert parse_requirements("proposal_issued, contact_logged, proposal_issued, contact_logged") == (
        R.PROPOSAL_ISSUED,
        R.CONTACT_LOGGED,
    )


def test_parse_requirements_unknown_key():
    with pytest.raises(DomainError) as caught:
        parse_requirements("contact_logged, signed_contract ")
    assert caught.value.code == "lead_requirement_unknown"
    assert caught.value.extra == {"key": "signed_contract"}
    assert "signed_contract" in caught.value.message


def test_parse_requirements_round_trips_every_key():
    text = ",".join(requirement.value for requirement in R)
    assert parse_requirements(text) == tuple(R)


# --- idle time: deadlines, stalled, recycled ---------------------------------------------------------

T = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def test_deadlines_count_from_the_last_touch():
    assert deadlines(T, 3, 10) == Deadlines(
        stalled_after=T + timedelta(days=3), recycle_after=T + timedelta(10)
    )
    assert deadlines(T, 3, None) == Deadlines(stalled_after=T + timedelta(days=3), recycle_after=None)
    assert deadlines(T, 3, 3).recycle_after == T + timedelta(days=3)


def test_stalled_strictly_after_the_deadline():
    limits = deadlines(T, 3, 10)
    assert not is_stalled(limits, T)
    assert not is_stalled(limits, T + timedelta(days=3) - SECOND)
    assert not is_stalled(limits, T + timedelta(days=3))  # exactly at the deadline: not yet
    assert is_stalled(limits, T + timedelta(days=3) + SECOND)
    assert is_stalled(limits, T + timedelta(days=30))


def test_recycled_strictly_after_the_recycle_deadline():
    limits = deadlines(T, 3, 10)
    assert not is_due_for_recycling(limits, T + timedelta(days=5))
    assert not is_due_for_recycling(limits, T + timedelta(days=10))
    assert is_due_for_recycling(limits, T + timedelta(days=10) + SECOND)
    assert is_stalled(limits, T + timedelta(days=10) + SECOND)


def test_never_recycled_when_the_period_is_none():
    limits = deadlines(T, 3, None)
    assert is_stalled(limits, T + timedelta(days=3650))
    assert not is_due_for_recycling(limits, T + timedelta(days=3650))


@pytest.mark.parametrize("days", [0, -1, 1.5, 2.0, "3", None, True])
def test_idle_days_invalid(days):
    with pytest.raises(DomainError) as caught:
        deadlines(T, days, None)
    assert caught.value.code == "lead_idle_days_invalid"


@pytest.mark.parametrize("days", [2, 0, -5, 10.0, "10", True])
def test_recycle_days_invalid(days):
    with pytest.raises(DomainError) as caught:
        deadlines(T, 3, days)
    assert caught.value.code == "lead_recycle_days_invalid"


@FAST
@given(
    touched=st.datetimes(datetime(2020, 1, 1), datetime(2035, 12, 31), timezones=st.just(UTC)),
    idle=st.integers(1, 365),
    extra=st.one_of(st.none(), st.integers(0, 365)),
)
def test_stalled_before_recycled(touched, idle, extra):
    limits = deadlines(touched, idle, None if extra is None else idle + extra)
    assert not is_stalled(limits, limits.stalled_after)
    assert is_stalled(limits, limits.stalled_after + SECOND)
    if limits.recycle_after is None:
        assert not is_due_for_recycling(limits, limits.stalled_after + timedelta(days=10_000))
    else:
        assert not is_due_for_recycling(limits, limits.recycle_after)
        assert is_due_for_recycling(limits, limits.recycle_after + SECOND)
        # whenever a lead is due for recycling it is stalled too
        assert is_stalled(limits, limits.recycle_after + SECOND)


# --- properties --------------------------------------------------------------------------------------

gates_strategy = st.dictionaries(
    st.sampled_from(list(LeadStage)), st.lists(st.sampled_from(list(Requirement)), max_size=8).map(tuple)
)


@FAST
@given(gates=gates_strategy)
def test_walking_forward_with_all_facts_met_reaches_disbursed_in_five_moves(gates):
    stage, moves = S.NEW, 0
    while stage != S.DISBURSED:
        stage = check_move(stage, FORWARD[FORWARD.index(stage) + 1], facts=ALL_MET, gates=gates)
        moves += 1
    assert moves == 5


@FAST
@given(
    start=st.sampled_from(list(LeadStage)),
    targets=st.lists(st.sampled_from(list(LeadStage)), max_size=40),
    facts=st.builds(LeadFacts, *(st.booleans() for _ in Requirement)),
    gates=gates_strategy,
    reason=st.sampled_from(["", "rate_too_high"]),
)
def test_no_sequence_of_allowed_moves_leaves_disbursed(start, targets, facts, gates, reason):
    stage = start
    for target in targets:
        before = stage
        try:
            stage = check_move(stage, target, facts=facts, gates=gates, lost_reason=reason)
        except DomainError:
            continue
        assert before != S.DISBURSED
        assert (before, stage) in ALLOWED
    if start == S.DISBURSED:
        assert stage == S.DISBURSED


def test_new_to_disbursed_takes_at_least_five_moves():
    # breadth-first over every allowed move with all facts met: the shortest way is the forward line
    distance = {S.NEW: 0}
    frontier = [S.NEW]
    while frontier:
        following = []
        for stage in frontier:
            for target in LeadStage:
                try:
                    check_move(stage, target, facts=ALL_MET, gates=EVERY_GATE, lost_reason="r")
                except DomainError:
                    continue
                if target not in distance:
                    distance[target] = distance[stage] + 1
                    following.append(target)
        frontier = following
    assert distance[S.DISBURSED] == 5
    assert set(distance) == set(LeadStage)
