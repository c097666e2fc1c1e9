"""The policy as a table (CONVENTIONS.md, "Who may do what"; PRODUCT.md, "Users and what each may see").

Every action × every role → allow or deny, written out here by hand, so that changing a rule in
``accounts/policy.py`` fails a row below until the table is changed with it. Actions that take an object
are asked again about objects of each relation to the person (own / same team / other team / other
branch). ``require`` refuses with the one permission error (``NotAllowed``, HTTP 403) and the action's
stable code.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from creditdesk.accounts import policy
from creditdesk.accounts.models import User
from creditdesk.accounts.roles import Role
from creditdesk.core import actions
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError, NotAllowed

M, L, A, R, H, D = (
    Role.MANAGER,
    Role.TEAM_LEAD,
    Role.APPROVER,
    Role.RISK_MANAGER,
    Role.BRANCH_HEAD,
    Role.ADMIN,
)

# One person of each role in the ``org`` fixture (CMs and the lead in team T1 of branch B1).
PERSON = {M: "cm_a", L: "lead1", A: "approver1", R: "risk1", H: "head1", D: "admin"}

# action → the roles that may do it (asked without an object), and the code of the refusal.
TABLE: dict[Action, tuple[frozenset[Role], str]] = {
    Action.CUSTOMER_AREAS_OPEN: (frozenset({M, L, R, H}), "permission_denied"),
    Action.LENDING_AREAS_OPEN: (frozenset({M, L, A, R, H}), "permission_denied"),
    Action.ADMIN_SITE_OPEN: (frozenset({D}), "permission_denied"),
    Action.AUDIT_READ: (frozenset({D, R}), "permission_denied"),
    Action.AUDIT_READ_ALL: (frozenset({D}), "permission_denied"),
    Action.CUSTOMER_CREATE: (frozenset({M, L}), "customer_create_not_allowed"),
    Action.CUSTOMER_IMPORT: (frozenset({M, L}), "customer_import_not_allowed"),
    Action.CUSTOMER_ASSIGN: (frozenset({L}), "customer_owner_not_allowed"),
    Action.CUSTOMER_CHANGE: (frozenset({M, L}), "customer_read_only"),
    Action.CUSTOMER_HANDOVER: (frozenset({L, H}), "handover_not_allowed"),
    Action.CUSTOMER_DUPLICATES_REVIEW: (frozenset({L, H}), "permission_denied"),
    Action.CONSENT_RECORD: (frozenset({M, L}), "consent_read_only"),
    Action.SENSITIVE_UNMASK: (frozenset({M, L, R, A}), "unmask_not_allowed"),
    Action.NEED_RECORD: (frozenset({M, L}), "need_read_only"),
    Action.ASSESSMENT_RUN: (frozenset({M, L}), "assessment_not_allowed"),
    Action.SCORE_OVERRIDE: (frozenset({L, R, A, H}), "override_not_allowed"),
    Action.SCORING_MODEL_APPROVE: (frozenset({R}), "score_model_not_allowed"),
    Action.SCORING_MODEL_ACTIVATE: (frozenset({R, H}), "score_model_not_allowed"),
    Action.SCORING_CARD_DRAFT: (frozenset({R}), "score_card_draft_not_allowed"),
    Action.SCORING_MONITOR: (frozenset({R, H}), "score_monitor_not_allowed"),
    Action.PRODUCT_MANAGE: (frozenset({R, D}), "product_edit_forbidden"),
    Action.COMPETITOR_OFFER_RECORD: (frozenset({M, L}), "competitor_offer_forbidden"),
    Action.PROPOSAL_ISSUE: (frozenset({M, L}), "proposal_read_only"),
    Action.APPLICATION_CREATE: (frozenset({M, L}), "application_read_only"),
    Action.APPLICATION_WORK: (frozenset({M, L}), "application_read_only"),
    Action.APPLICATION_DECIDE: (frozenset({L, A, H}), "decide_not_allowed"),
    Action.APPLICATION_NOT_OWN_CASE: (frozenset({L, A, H, R}), "own_case"),
    Action.APPLICATION_WITHIN_AUTHORITY: (frozenset({A}), "beyond_authority"),
    Action.COMMITTEE_VOTE: (frozenset({A, H, R}), "vote_not_allowed"),
    Action.CONDITIONS_CHECK: (frozenset({R}), "conditions_check_not_allowed"),
    Action.LOAN_DISBURSE: (frozenset({M, L}), "disburse_not_allowed"),
    Action.REPAYMENT_POST: (frozenset({M, L, R}), "repayment_post_not_allowed"),
    Action.REPAYMENT_REVERSE: (frozenset({R}), "repayment_reverse_not_allowed"),
    Action.LOAN_CLASSIFY: (frozenset({R}), "classify_not_allowed"),
    Action.EOD_RUN: (frozenset({R, D}), "eod_not_allowed"),
    Action.EOD_READ: (frozenset({R, H, D}), "eod_read_not_allowed"),
    Action.LOAN_RESTRUCTURE: (frozenset({R}), "restructure_not_allowed"),
    Action.WRITE_OFF_PROPOSE: (frozenset({R}), "write_off_not_allowed"),
    Action.WRITE_OFF_DECIDE: (frozenset({H}), "write_off_decide_not_allowed"),
    Action.COLLATERAL_RECORD: (frozenset({M, L}), "collateral_read_only"),
    Action.APPROVAL_MATRIX_MANAGE: (frozenset({R, D}), "approval_matrix_not_allowed"),
    Action.TASK_ASSIGN: (frozenset({L}), "task_owner_not_allowed"),
    Action.TASK_REASSIGN: (frozenset({L}), "task_reassign_not_allowed"),
    Action.LEAD_CREATE: (frozenset({M, L}), "lead_create_not_allowed"),
    Action.LEAD_WORK: (frozenset({M, L}), "lead_read_only"),
    Action.LEAD_CLAIM: (frozenset({M, L}), "lead_claim_not_allowed"),
    Action.LEAD_ASSIGN: (frozenset({L}), "lead_owner_not_allowed"),
    Action.SURVEY_RECORD: (frozenset({L, R, H}), "survey_record_not_allowed"),
    Action.FEEDBACK_RECORD: (frozenset({M, L, R, H}), "feedback_record_not_allowed"),
    Action.COMPLAINT_CLOSE: (frozenset({L, H}), "complaint_close_not_allowed"),
    Action.SOURCE_MANAGE: (frozenset({L, H}), "marketing_source_not_allowed"),
    Action.COMPLIANCE_RULE_MANAGE: (frozenset({R, D}), "compliance_rule_not_allowed"),
    Action.COMPLIANCE_LOG_READ: (frozenset({L, R, H}), "compliance_log_not_allowed"),
    Action.SCRIPT_WRITE: (frozenset({M, L, R}), "script_write_not_allowed"),
    Action.SCRIPT_REVIEW: (frozenset({R}), "script_review_not_allowed"),
    Action.SCRIPT_USE_OUTCOME: (frozenset({M, L}), "script_use_outcome_not_allowed"),
    Action.MESSAGE_SEND: (frozenset({M, L}), "message_send_not_allowed"),
    Action.SERVICE_REQUEST_RECORD: (frozenset({M, L, R, H}), "service_request_record_not_allowed"),
    Action.SERVICE_REQUEST_HANDLE: (frozenset({M, L, R, H}), "service_request_handle_not_allowed"),
}

# --- objects ----------------------------------------------------------------------------------------------

# A customer's owner, by relation to cm_a / lead1 / head1 (the scope matrix's relations).
OWNERS = {"own": "cm_a", "same_team": "cm_b", "other_team": "cm_c", "other_branch": "cm_d"}
VIEWERS = ("cm_a", "cm_b", "lead1", "lead2", "head1", "risk1", "risk2", "approver1", "admin")
# Actions done to one customer's record → viewer → the relations it may do them to (the scope's "changes").
CUSTOMER_ACTIONS = (
    Action.CUSTOMER_CHANGE,
    Action.CONSENT_RECORD,
    Action.NEED_RECORD,
    Action.ASSESSMENT_RUN,
    Action.PROPOSAL_ISSUE,
)
CHANGES = {
    "cm_a": {"own"},
    "cm_b": {"same_team"},
    "lead1": {"own", "same_team"},
    "lead2": {"other_team"},
    "head1": set(),
    "risk1": set(),
    "risk2": set(),
    "approver1": set(),
    "admin": set(),
}
# Overriding a pre-assessment's grade: a second person who can see it, never the CM (审贷分离).
OVERRIDES = {
    "cm_a": set(),
    "cm_b": set(),
    "lead1": {"own", "same_team"},
    "lead2": {"other_team"},
    "head1": {"own", "same_team", "other_team"},
    "risk1": {"own", "same_team", "other_team"},
    "risk2": {"other_branch"},
    "approver1": set(),  # sees applications routed to them, not pre-assessments
    "admin": set(),
}
# 查看明文: whoever's work needs the clear value, within what they see (never the branch head, the admin).
UNMASKS = {
    "cm_a": {"own"},
    "cm_b": {"same_team"},
    "lead1": {"own", "same_team"},
    "lead2": {"other_team"},
    "head1": set(),
    "risk1": {"own", "same_team", "other_team"},
    "risk2": {"other_branch"},
    "approver1": set(),  # nothing is routed to them yet: they see no customer
    "admin": set(),
}
# Giving a customer or a task to someone else: assigner → the people it may give them to.
TARGETS = ("cm_a", "cm_b", "lead1", "cm_c", "cm_d", "inactive_t1")
CUSTOMER_ASSIGNEES = {
    "cm_a": set(),
    "lead1": {"cm_a", "cm_b", "lead1", "inactive_t1"},
    "lead2": {"cm_c"},
    "head1": set(),
    "admin": set(),
}
TASK_ASSIGNEES = {
    "cm_a": set(),
    "lead1": {"cm_a", "cm_b", "lead1"},  # active members only
    "lead2": {"cm_c"},
    "head1": set(),
    "admin": set(),
}


def person(org, role: Role) -> User:
    return getattr(org, PERSON[role])


@pytest.fixture
def customers(org):
    from creditdesk.customers import services
    from creditdesk.customers.services import CustomerInput

    return {
        relation: services.customer_create(
            actor=getattr(org, owner), data=CustomerInput(kind="individual", name=f"客户{owner}")
        )
        for relation, owner in OWNERS.items()
    }


@pytest.fixture
def assessments(org, customers):
    from creditdesk.scoring.models import Assessment, ScoreModel

    model = ScoreModel.objects.create(
        name="policy_test", version="1", title="测试", artefact="{}", checksum="x", data_fingerprint="x"
    )
    return {
        relation: Assessment.objects.create(
            customer=customer,
            model=model,
            points=Decimal("600.00"),
            probability_of_default=0,
            grade="C",
            created_by=customer.owner,
        )
        for relation, customer in customers.items()
    }


@pytest.fixture
def targets(org):
    from creditdesk.accounts.tests.factories import make_person

    inactive = make_person(Role.MANAGER, team=org.t1, username="inactive_t1", is_active=False)
    return {name: inactive if name == "inactive_t1" else getattr(org, name) for name in TARGETS}


# --- the table itself -------------------------------------------------------------------------------------


def test_the_table_covers_every_action_and_the_policy_has_a_rule_for_each():
    assert set(TABLE) == set(Action) == set(policy.RULES)
    assert set(PERSON) == set(Role)


@pytest.mark.parametrize(("action", "role"), [(action, role) for action in Action for role in Role])
def test_who_may_do_what(org, action, role):
    allowed, _code = TABLE[action]
    assert policy.can(person(org, role), action) is (role in allowed), (action, role)


@pytest.mark.parametrize("action", list(Action))
def test_require_refuses_with_the_one_permission_error_and_a_stable_code(org, action):
    allowed, code = TABLE[action]
    refused = next(role for role in Role if role not in allowed)
    with pytest.raises(NotAllowed) as caught:
        policy.require(person(org, refused), action)
    assert isinstance(caught.value, DomainError)
    assert (caught.value.code, caught.value.status) == (code, 403)
    assert caught.value.message  # a sentence for the person
    policy.require(person(org, next(iter(allowed))), action)  # allowed: no exception


@pytest.mark.parametrize("action", list(Action))
def test_nobody_signed_out_or_inactive_may_do_anything(org, action):
    assert policy.can(AnonymousUser(), action) is False
    assert policy.can(None, action) is False
    for role in TABLE[action][0]:
        someone = person(org, role)
        someone.is_active = False
        assert policy.can(someone, action) is False


def test_a_team_role_without_a_team_may_not_act_for_a_team(org):
    lead = User(username="lost_lead", role=Role.TEAM_LEAD, team=None)
    manager = User(username="lost_cm", role=Role.MANAGER, team=None)
    assert not policy.can(lead, Action.CUSTOMER_ASSIGN)
    assert not policy.can(lead, Action.TASK_ASSIGN)
    assert not policy.can(manager, Action.COMPETITOR_OFFER_RECORD)
    assert not policy.can(lead, Action.CUSTOMER_ASSIGN, org.cm_a)
    assert policy.can(lead, Action.CUSTOMER_HANDOVER)  # the role alone decides this one


# --- actions on objects -----------------------------------------------------------------------------------


@pytest.mark.parametrize("action", CUSTOMER_ACTIONS)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_customer_actions_follow_the_scope_of_change(org, customers, action, viewer):
    user = getattr(org, viewer)
    for relation, customer in customers.items():
        expected = relation in CHANGES[viewer]
        assert policy.can(user, action, customer) is expected, (viewer, action, relation)


def test_a_customer_refusal_says_what_could_not_be_done(org, customers):
    with pytest.raises(NotAllowed) as role_refused:
        policy.require(org.head1, Action.ASSESSMENT_RUN, customers["own"])  # reads, never assesses
    assert role_refused.value.code == "assessment_not_allowed"
    with pytest.raises(NotAllowed) as scope_refused:
        policy.require(org.lead2, Action.ASSESSMENT_RUN, customers["own"])  # another team's customer
    assert scope_refused.value.code == "assessment_read_only"
    for action in (Action.CUSTOMER_CHANGE, Action.CONSENT_RECORD, Action.NEED_RECORD, Action.PROPOSAL_ISSUE):
        with pytest.raises(NotAllowed) as refused:
            policy.require(org.head1, action, customers["own"])
        assert refused.value.code == TABLE[action][1]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_grade_is_overridden_by_a_second_person_who_sees_it(org, assessments, viewer):
    user = getattr(org, viewer)
    for relation, assessment in assessments.items():
        expected = relation in OVERRIDES[viewer]
        assert policy.can(user, Action.SCORE_OVERRIDE, assessment) is expected, (viewer, relation)
    with pytest.raises(NotAllowed) as refused:
        policy.require(org.cm_a, Action.SCORE_OVERRIDE, assessments["own"])  # the customer's own CM
    assert refused.value.code == "override_not_allowed"


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_clear_value_is_for_those_whose_work_needs_it_within_their_scope(org, customers, viewer):
    user = getattr(org, viewer)
    for relation, customer in customers.items():
        expected = relation in UNMASKS[viewer]
        assert policy.can(user, Action.SENSITIVE_UNMASK, customer) is expected, (viewer, relation)


@pytest.mark.parametrize(
    ("action", "table"),
    [
        (Action.CUSTOMER_ASSIGN, CUSTOMER_ASSIGNEES),
        (Action.TASK_ASSIGN, TASK_ASSIGNEES),
        (Action.LEAD_ASSIGN, TASK_ASSIGNEES),  # leads go to active members of the team, like tasks
    ],
)
def test_work_is_given_to_others_by_a_team_lead_within_the_team(org, targets, action, table):
    for assigner, allowed in table.items():
        for name, target in targets.items():
            expected = name in allowed
            assert policy.can(getattr(org, assigner), action, target) is expected, (action, assigner, name)
    with pytest.raises(NotAllowed) as refused:
        policy.require(org.lead1, action, targets["cm_c"])
    assert refused.value.extra == {"field": "owner"} and refused.value.code == TABLE[action][1]


# --- core asks the same policy ----------------------------------------------------------------------------


def test_core_asks_the_policy_accounts_registered(org):
    for action in Action:
        for role in Role:
            assert actions.can(person(org, role), action) is policy.can(person(org, role), action)
    with pytest.raises(NotAllowed) as refused:
        actions.require(org.cm_a, Action.AUDIT_READ)
    assert refused.value.code == "permission_denied"


def test_a_scorecard_version_is_approved_and_activated_by_someone_other_than_its_maker(org):
    from creditdesk.scoring.models import ScoreModel

    mine = ScoreModel(name="m", version="1", title="测试", created_by=org.risk1)
    system = ScoreModel(name="m", version="2", title="测试", created_by=None)
    for action in (Action.SCORING_MODEL_APPROVE, Action.SCORING_MODEL_ACTIVATE):
        assert not policy.can(org.risk1, action, mine)  # maker-checker
        assert policy.can(org.risk2, action, mine) and policy.can(org.risk1, action, system)
        with pytest.raises(NotAllowed) as refused:
            policy.require(org.risk1, action, mine)
        assert (refused.value.code, refused.value.status) == ("score_model_own_draft", 403)
    assert policy.can(org.head1, Action.SCORING_MODEL_ACTIVATE, mine)
    assert not policy.can(org.head1, Action.SCORING_MODEL_APPROVE, mine)
