"""Who may do what: the one policy (CONVENTIONS.md, "Who may do what").

``can(user, action, obj=None)`` answers "may this person do this?"; ``require`` refuses with the one
permission error, ``NotAllowed`` (HTTP 403), carrying the action's stable code and Chinese sentence.
Services call ``require`` once and refuse; views call ``can`` only to show or hide buttons and links (a
page that *is* an action's form asks ``require`` before drawing it, the service asks again on submit).

Every action has one row in ``RULES``: the roles that may do it (PRODUCT.md, "Users and what each may
see"), an optional condition on the person, the question asked about the object (the scope layer's:
visible, changeable), the refusal, and the business rule with its source. Without ``obj``, ``can``
answers for the action in general — whether the person may do it to anything at all (a menu entry, a
"new" button); with ``obj`` it also asks the scope layer about that object. Actions are named in
``core/actions.py`` (core asks too: the navigation, the audit trail); ``AccountsConfig.ready()`` registers
this module as the answerer there.

Applications (issue 15): maker-checker on a credit decision (``APPLICATION_NOT_OWN_CASE``), approval
authority (``APPLICATION_WITHIN_AUTHORITY``), 审贷分离 (the decider is the person the level is routed
to, ``APPLICATION_DECIDE``; the 放款审核 is a risk manager's, ``CONDITIONS_CHECK``). Concession limits are
data (``applications.ConcessionLimit``, read by ``applications.routing.check_concession``).

Not here yet, each to be a rule with its source when its issue lands: maker-checker on a product change
(a scorecard version's is here: ``SCORING_MODEL_APPROVE`` / ``_ACTIVATE``) and the risk manager's rights
over warnings, classification, restructuring and write-off. Until then no action stands for them:
nothing here pretends to check what is not checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts import scope
from creditdesk.accounts.roles import Role
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import NotAllowed

__all__ = ["RULES", "Action", "Rule", "can", "refusal", "require"]

# The people who work customers: the customer manager (own customers) and the team lead (the team's) —
# the roles that change what they see (``scope.CHANGE_ROLES``). Branch heads read and report; an
# approver sees applications routed to them; an administrator sees no customer data (PRODUCT.md).
CUSTOMER_WORKERS = frozenset(scope.CHANGE_ROLES)
# Everyone whose work is a customer's, reading or changing: the left navigation's customer areas.
FRONT_LINE = frozenset({Role.MANAGER, Role.TEAM_LEAD, Role.BRANCH_HEAD, Role.RISK_MANAGER})

GENERIC_REFUSAL = _("您没有权限执行此操作。")


@dataclass(frozen=True)
class Rule:
    """Who may do one action, and what a refused person is told.

    ``roles``: the roles that may. ``person``: a further condition on the person (e.g. has a team).
    ``on_object``: the question asked about ``obj`` when one is given. ``code`` / ``message``: the
    refusal (``object_code`` / ``object_message`` when the role may, but not to this object; the same
    refusal otherwise). ``field``: the form field a refusal belongs to. ``why``: the rule and its source.
    """

    roles: frozenset[str]
    code: str
    message: str | Promise
    why: str
    person: Callable[[Any], bool] | None = None
    on_object: Callable[[Any, Any], bool] | None = None
    object_code: str | None = None
    object_message: str | Promise | None = None
    field: str | None = None


def _has_team(user: Any) -> bool:
    return user.team_id is not None


def _in_my_team(user: Any, person: Any) -> bool:
    return user.team_id is not None and person.team_id == user.team_id


def _active_in_my_team(user: Any, person: Any) -> bool:
    return bool(person.is_active) and _in_my_team(user, person)


def _not_registered_by_me(user: Any, model: Any) -> bool:
    """Maker-checker: the person is not the one who registered the version (a system one has no maker)."""
    return model.created_by_id is None or model.created_by_id != user.pk


def _routed_to_me(user: Any, application: Any) -> bool:
    """审贷分离: a level is decided by the person it is routed to, nobody else."""
    return application.assigned_to_id is not None and application.assigned_to_id == user.pk


def _not_my_case(user: Any, application: Any) -> bool:
    """Maker-checker: not the CM who manages the customer or the application, not who created it."""
    return user.pk not in {application.owner_id, application.created_by_id, application.customer.owner_id}


def _within_authority(user: Any, application: Any) -> bool:
    """An approver decides up to their ``approval_authority`` (the total the application asks, or the
    total as the decision would approve it: ``decided_total`` when the service sets it)."""
    total = getattr(application, "decided_total", None)
    if total is None:
        total = sum(p.amount for p in application.parts.all())
    return user.approval_authority is not None and total <= user.approval_authority


def _same_branch_not_my_case(user: Any, application: Any) -> bool:
    return application.owner.branch_id == user.branch_id and _not_my_case(user, application)


def _loan_of_my_branch(user: Any, loan: Any) -> bool:
    return loan.owner.branch_id == user.branch_id


def _works_loan_or_branch_risk(user: Any, loan: Any) -> bool:
    if user.role == Role.RISK_MANAGER:
        return _loan_of_my_branch(user, loan)
    return scope.can_change(user, loan)


def _customer_rule(code: str, message: Promise, why: str) -> Rule:
    """Something done to one customer's record: by whoever may change the customer (the scope layer)."""
    return Rule(CUSTOMER_WORKERS, code, message, why, on_object=scope.can_change)


RULES: dict[Action, Rule] = {
    # --- the application shell ---------------------------------------------------------------------------
    Action.CUSTOMER_AREAS_OPEN: Rule(
        FRONT_LINE,
        "permission_denied",
        GENERIC_REFUSAL,
        "Customers, marketing, needs and assessment, warnings, care and performance are the work of those "
        "who see customers: CMs (own), team leads (the team's), branch heads and risk managers (the "
        "branch's). An approver sees only applications routed to them; an administrator no customer data "
        "(PRODUCT.md, 'Users and what each may see').",
    ),
    Action.LENDING_AREAS_OPEN: Rule(
        FRONT_LINE | {Role.APPROVER},
        "permission_denied",
        GENERIC_REFUSAL,
        "Products and solutions, applications and loans: the front line and the credit approver, who "
        "approves within an amount authority (PRODUCT.md, 'Users and what each may see').",
    ),
    Action.ADMIN_SITE_OPEN: Rule(
        frozenset({Role.ADMIN}),
        "permission_denied",
        GENERIC_REFUSAL,
        "The administrator keeps users, teams, products and parameters (PRODUCT.md, 'Users ...').",
    ),
    # --- the audit trail ----------------------------------------------------------------------------------
    Action.AUDIT_READ: Rule(
        frozenset({Role.ADMIN, Role.RISK_MANAGER}),
        "permission_denied",
        _("只有系统管理员和风险经理可以查阅审计日志。"),
        "Administrators and risk managers search the audit trail; nobody else reads it (PRODUCT.md, "
        "audit; core/selectors.audit_events_visible_to narrows a risk manager to their branch).",
    ),
    Action.AUDIT_READ_ALL: Rule(
        frozenset({Role.ADMIN}),
        "permission_denied",
        _("只有系统管理员和风险经理可以查阅审计日志。"),
        "Only an administrator reads every event, system events included; a risk manager reads the events "
        "of the people in their branch.",
    ),
    # --- customers ----------------------------------------------------------------------------------------
    Action.CUSTOMER_CREATE: Rule(
        CUSTOMER_WORKERS,
        "customer_create_not_allowed",
        _("只有客户经理和团队主管可以新建客户。"),
        "A CM creates the customers they will own; a team lead too, for the team (PRODUCT.md §1).",
    ),
    Action.CUSTOMER_IMPORT: Rule(
        CUSTOMER_WORKERS,
        "customer_import_not_allowed",
        _("只有客户经理和团队主管可以批量导入客户。"),
        "Bulk import creates customers, so the same people as CUSTOMER_CREATE (PRODUCT.md §1).",
    ),
    Action.CUSTOMER_ASSIGN: Rule(
        frozenset({Role.TEAM_LEAD}),
        "customer_owner_not_allowed",
        _("只能把客户分配给自己或本团队成员。"),
        "A new customer is the creator's own; a team lead may give it to a member of the team instead "
        "(PRODUCT.md §2, team leads assign). obj: the person who would own it.",
        person=_has_team,
        on_object=_in_my_team,
        field="owner",
    ),
    Action.CUSTOMER_CHANGE: _customer_rule(
        "customer_read_only",
        _("您可以查看该客户，但不能修改。"),
        "The owner CM and the team lead change a customer; a branch head or risk manager reads it "
        "(PRODUCT.md, 'Users and what each may see'; the scope layer decides per customer).",
    ),
    Action.CUSTOMER_HANDOVER: Rule(
        frozenset({Role.TEAM_LEAD, Role.BRANCH_HEAD}),
        "handover_not_allowed",
        _("只有团队主管和支行行长可以移交客户。"),
        "A customer handover when a CM leaves is decided by the team lead (within the team) or the branch "
        "head (within the branch), never by the CM (PRODUCT.md §2).",
    ),
    Action.CUSTOMER_DUPLICATES_REVIEW: Rule(
        frozenset({Role.TEAM_LEAD, Role.BRANCH_HEAD}),
        "permission_denied",
        _("只有团队主管和支行行长可以查看疑似重复客户列表。"),
        "Likely duplicates across owners are reviewed by those who can hand customers over: the team "
        "lead and the branch head (PRODUCT.md §1, duplicates).",
    ),
    Action.CONSENT_RECORD: _customer_rule(
        "consent_read_only",
        _("您可以查看该客户，但不能为其登记授权或查询征信。"),
        "Consents and credit-report inquiries are recorded by whoever works the customer (PRODUCT.md §1, "
        "consent).",
    ),
    # --- sensitive personal information -----------------------------------------------------------------
    Action.SENSITIVE_UNMASK: Rule(
        frozenset({Role.MANAGER, Role.TEAM_LEAD, Role.RISK_MANAGER, Role.APPROVER}),
        "unmask_not_allowed",
        _("您的岗位不能查看客户敏感信息明文。"),
        "查看明文 of an ID, phone, income or asset value is allowed only to those whose work on *this* "
        "customer needs the clear value, and only within what they see (PIPL art. 28: sensitive personal "
        "information only with a specific purpose and sufficient necessity; art. 51: access by 最小必要 "
        "authorisation; JR/T 0171-2020 §6-7: C3 data shown masked, clear only to authorised posts, every "
        "access logged). Who needs it (PRODUCT.md, 'Users and what each may see'): the owner CM and the "
        "team lead for the team's customers, who verify identity and income and contact the customer; "
        "the risk manager for the branch's customers (collection escalation, formal notice, restructuring "
        "and write-off name and reach the borrower); the credit approver for applications routed to "
        "them (审贷分离: the approver checks income and debts independently; nothing is routed yet, so "
        "the scope shows them no customer). Not the branch head (targets and reports need no clear "
        "value) nor the administrator (no customer data by default). The service also asks for a "
        "reason and limits how often (customers.services.unmask). obj: the customer.",
        on_object=scope.can_see,
    ),
    # --- needs, pre-assessment, scorecards ----------------------------------------------------------------
    Action.NEED_RECORD: _customer_rule(
        "need_read_only",
        _("您可以查看该客户，但不能为其记录需求分析。"),
        "The needs record is the working CM's (or team lead's) (PRODUCT.md §3).",
    ),
    Action.ASSESSMENT_RUN: Rule(
        CUSTOMER_WORKERS,
        "assessment_not_allowed",
        _("只有客户经理和团队主管可以做预评估。"),
        "A pre-assessment is made by the customer's CM or team lead, with the active scorecard version "
        "(PRODUCT.md §3).",
        on_object=scope.can_change,
        object_code="assessment_read_only",
        object_message=_("您可以查看该客户，但不能为其做预评估。"),
    ),
    Action.SCORE_OVERRIDE: Rule(
        frozenset({Role.TEAM_LEAD, Role.RISK_MANAGER, Role.APPROVER, Role.BRANCH_HEAD}),
        "override_not_allowed",
        _("评分等级须由团队主管、风险经理、审批人或支行行长调整。"),
        "审贷分离 (separation of duties): a human override of a grade is a second person's decision with a "
        "reason, never the CM's whose customer it is (PRODUCT.md §3 'human override'; 'a CM is a hub, "
        "not a decision maker'). Today the rule is by role; a team lead who owns the customer is "
        "not excluded yet. obj: the assessment, which must be in the person's scope.",
        on_object=scope.can_see,
    ),
    Action.SCORING_MODEL_APPROVE: Rule(
        frozenset({Role.RISK_MANAGER}),
        "score_model_not_allowed",
        _("只有风险经理可以审核评分模型。"),
        "Risk managers approve scorecard versions (PRODUCT.md §3, 'an expert card written by risk "
        "managers'); maker-checker (PRODUCT.md §3 'versioned, maker-checker activation'; issue 14: 'risk "
        "managers edit it in a versioned draft, another risk manager (or the head) activates it'): whoever "
        "registered a version does not approve it. A version registered by the system (created_by empty: "
        "a data migration) has no maker among the people. obj: the model version.",
        on_object=_not_registered_by_me,
        object_code="score_model_own_draft",
        object_message=_("不能审核自己登记的模型版本，请由另一位风险经理审核。"),
    ),
    Action.SCORING_MODEL_ACTIVATE: Rule(
        frozenset({Role.RISK_MANAGER, Role.BRANCH_HEAD}),
        "score_model_not_allowed",
        _("只有风险经理或支行行长可以启用评分模型。"),
        "A risk manager or the branch head puts an approved version in use (issue 14: 'another risk "
        "manager (or the head) activates it (maker-checker)'; PRODUCT.md §3 'maker-checker activation'); "
        "never whoever registered it. obj: the model version.",
        on_object=_not_registered_by_me,
        object_code="score_model_own_draft",
        object_message=_("不能启用自己登记的模型版本，请由另一位风险经理或支行行长启用。"),
    ),
    Action.SCORING_CARD_DRAFT: Rule(
        frozenset({Role.RISK_MANAGER}),
        "score_card_draft_not_allowed",
        _("只有风险经理可以编辑专家评分卡。"),
        "Risk managers write the expert card (issue 14, item 2: 'points per band of each feature, written by "
        "risk managers'; 'risk managers edit it in a versioned draft, another risk manager (or the head) "
        "activates it (maker-checker)'): an edit is a new draft version, never a change to a version in "
        "use; whoever drafts it is its maker (SCORING_MODEL_APPROVE / _ACTIVATE refuse them).",
    ),
    Action.SCORING_MONITOR: Rule(
        frozenset({Role.RISK_MANAGER, Role.BRANCH_HEAD}),
        "score_monitor_not_allowed",
        _("只有风险经理或支行行长可以查看评分卡稳定性监测。"),
        "The stability of a card in use (PSI of the score and of each feature against the development sample "
        "or the baseline) is for the risk managers who own the card and the head who activates it (issue 14, "
        "item 8: 'on a page for risk managers'); the version page itself stays reference data for everyone.",
    ),
    # --- products and solutions ---------------------------------------------------------------------------
    Action.PRODUCT_MANAGE: Rule(
        frozenset({Role.RISK_MANAGER, Role.ADMIN}),
        "product_edit_forbidden",
        _("只有风险经理或系统管理员可以维护产品库和准入规则。"),
        "The product library and its admission rules are configuration: the administrator keeps it "
        "(PRODUCT.md, 'admin ... products'), risk managers write the admission rules (PRODUCT.md §3).",
    ),
    Action.COMPETITOR_OFFER_RECORD: Rule(
        CUSTOMER_WORKERS,
        "competitor_offer_forbidden",
        _("只有团队的客户经理和团队主管可以登记竞品报价。"),
        "A competitor's quote is recorded for a team by a CM or team lead of that team, and the whole "
        "team uses it (PRODUCT.md §4, 竞品对比).",
        person=_has_team,
    ),
    Action.PROPOSAL_ISSUE: _customer_rule(
        "proposal_read_only",
        _("您可以查看该客户，但不能为其出具方案书。"),
        "A proposal is issued to a customer by whoever works the customer (PRODUCT.md §4).",
    ),
    # --- applications -------------------------------------------------------------------------------------
    Action.APPLICATION_CREATE: _customer_rule(
        "application_read_only",
        _("您可以查看该客户，但不能为其发起贷款申请。"),
        "The CM is the project manager of every application of their customers; the team lead may act for "
        "the team (PRODUCT.md §5). obj: the customer.",
    ),
    Action.APPLICATION_WORK: Rule(
        CUSTOMER_WORKERS,
        "application_read_only",
        _("您可以查看该申请，但不能修改。"),
        "Parties, terms, the investigation, documents, collateral, identity checks, interviews, submission, "
        "signing and withdrawal are the CM's work (or the team lead's for the team) (PRODUCT.md §5). obj: "
        "the application.",
        on_object=scope.can_change,
    ),
    Action.APPLICATION_DECIDE: Rule(
        frozenset({Role.TEAM_LEAD, Role.APPROVER, Role.BRANCH_HEAD}),
        "decide_not_allowed",
        _("只有团队主管、审批人和支行行长可以出具审批意见。"),
        "审贷分离 (贷款调查、审查、审批分离, 《个人贷款管理办法》《流动资金贷款管理办法》): each "
        "level is decided by the person it is routed to — the team lead recommends, an approver within "
        "authority approves, the branch head decides a concession beyond the lead's (PRODUCT.md §5). obj: "
        "the application.",
        on_object=_routed_to_me,
        object_code="not_routed_to_you",
        object_message=_("该申请当前不在您的审批环节。"),
    ),
    Action.APPLICATION_NOT_OWN_CASE: Rule(
        frozenset({Role.TEAM_LEAD, Role.APPROVER, Role.BRANCH_HEAD, Role.RISK_MANAGER}),
        "own_case",
        _("不能审批自己提交或自己管户客户的申请。"),
        "Maker-checker (PRODUCT.md §5): nobody approves an application they submitted or whose customer they "
        "manage. obj: the application.",
        on_object=_not_my_case,
    ),
    Action.APPLICATION_WITHIN_AUTHORITY: Rule(
        frozenset({Role.APPROVER}),
        "beyond_authority",
        _("申请金额超过您的审批权限。"),
        "An approver approves within an amount authority (PRODUCT.md, 'Users and what each may see'; "
        "accounts.User.approval_authority). obj: the application (``decided_total`` when the decision "
        "changes the amount).",
        on_object=_within_authority,
    ),
    Action.COMMITTEE_VOTE: Rule(
        frozenset({Role.APPROVER, Role.BRANCH_HEAD, Role.RISK_MANAGER}),
        "vote_not_allowed",
        _("只有本支行贷审会委员（审批人、风险经理、支行行长）可以投票。"),
        "The credit committee (贷审会) of the branch: its approvers, risk managers and head, never on a "
        "case of their own (PRODUCT.md §5 'level by level up to a committee'). obj: the application.",
        on_object=_same_branch_not_my_case,
        object_code="vote_not_allowed",
    ),
    Action.CONDITIONS_CHECK: Rule(
        frozenset({Role.RISK_MANAGER}),
        "conditions_check_not_allowed",
        _("放款审核须由风险经理完成，客户经理不能审核自己的申请。"),
        "放款审核 / 落实放款条件: a person other than the CM checks that every approval condition is met "
        "before disbursement (issue 15, item 9; 《个人贷款管理办法》: 贷款发放 is controlled separately). "
        "obj: the application.",
        on_object=_same_branch_not_my_case,
    ),
    Action.LOAN_DISBURSE: Rule(
        CUSTOMER_WORKERS,
        "disburse_not_allowed",
        _("只有该申请的客户经理或团队主管可以发起放款。"),
        "The CM (or the team lead) starts the disbursement of a signed contract whose conditions a risk "
        "manager has checked (PRODUCT.md §5). obj: the application.",
        on_object=scope.can_change,
    ),
    Action.REPAYMENT_POST: Rule(
        CUSTOMER_WORKERS | {Role.RISK_MANAGER},
        "repayment_post_not_allowed",
        _("只有贷款的客户经理、团队主管或本支行风险经理可以登记还款。"),
        "A repayment received at the counter or by transfer is recorded by whoever works the loan, or by the "
        "branch's risk manager; the core banking feed posts through the API with a service account "
        "(PRODUCT.md §6). obj: the loan.",
        on_object=_works_loan_or_branch_risk,
    ),
    Action.REPAYMENT_REVERSE: Rule(
        frozenset({Role.RISK_MANAGER}),
        "repayment_reverse_not_allowed",
        _("还款冲正须由本支行风险经理办理。"),
        "A repayment posted to the wrong loan is reversed by a risk manager of the branch, with a reason, "
        "never by the CM who posted it (issue 16, item 3; maker-checker). obj: the loan.",
        on_object=_loan_of_my_branch,
    ),
    Action.LOAN_CLASSIFY: Rule(
        frozenset({Role.RISK_MANAGER}),
        "classify_not_allowed",
        _("只有本支行风险经理可以人工认定五级分类。"),
        "Classification review is the risk manager's (PRODUCT.md roles table); judgement may only push a "
        "loan below its floor (《商业银行金融资产风险分类办法》). obj: the loan.",
        on_object=_loan_of_my_branch,
    ),
    Action.LOAN_RESTRUCTURE: Rule(
        frozenset({Role.RISK_MANAGER}),
        "restructure_not_allowed",
        _("只有本支行风险经理可以办理展期等贷款重组。"),
        "Restructuring is the risk manager's (PRODUCT.md §6: 'restructuring: extension (展期) and refinance "
        "(借新还旧)'; roles table). obj: the loan.",
        on_object=_loan_of_my_branch,
    ),
    Action.WRITE_OFF_PROPOSE: Rule(
        frozenset({Role.RISK_MANAGER}),
        "write_off_not_allowed",
        _("只有本支行风险经理可以提出核销申请。"),
        "核销 is proposed by the risk manager (PRODUCT.md §6: 'write-off and transfer by the risk manager') "
        "and approved by someone else (issue 16, item 7: 'with approval'). obj: the loan.",
        on_object=_loan_of_my_branch,
    ),
    Action.WRITE_OFF_DECIDE: Rule(
        frozenset({Role.BRANCH_HEAD}),
        "write_off_decide_not_allowed",
        _("核销须由本支行行长审批，且不能由申请人本人审批。"),
        "Maker-checker: the branch head approves a write-off the risk manager proposed (issue 16, item 7). "
        "obj: the write-off.",
        on_object=lambda user, write_off: (
            write_off.loan.owner.branch_id == user.branch_id and write_off.proposed_by_id != user.pk
        ),
    ),
    Action.EOD_READ: Rule(
        frozenset({Role.RISK_MANAGER, Role.BRANCH_HEAD, Role.ADMIN}),
        "eod_read_not_allowed",
        _("只有风险经理、支行行长或系统管理员可以查看日终批处理。"),
        "The end-of-day run reports (the book by class, postings, reconciliation) are the bank's, read by "
        "those who watch the book: risk, the branch head, and the administrator who runs the batch "
        "(PRODUCT.md §6, roles table).",
    ),
    Action.EOD_RUN: Rule(
        frozenset({Role.RISK_MANAGER, Role.ADMIN}),
        "eod_not_allowed",
        _("只有风险经理或系统管理员可以运行日终批处理。"),
        "The end-of-day batch runs from the scheduler (`creditdesk eod`); a person starts a catch-up run by "
        "hand only as risk manager or administrator (PRODUCT.md §6).",
    ),
    Action.COLLATERAL_RECORD: _customer_rule(
        "collateral_read_only",
        _("您可以查看该客户，但不能为其登记押品。"),
        "The collateral register is kept by whoever works the customer (PRODUCT.md §5). obj: the customer.",
    ),
    Action.APPROVAL_MATRIX_MANAGE: Rule(
        frozenset({Role.RISK_MANAGER, Role.ADMIN}),
        "approval_matrix_not_allowed",
        _("只有风险经理或系统管理员可以维护审批路由、优惠授权和授信限额。"),
        "The routing matrix, the concession matrix and the exposure limits are credit policy (PRODUCT.md §5; "
        "issue 15, item 7: 'an editable matrix').",
    ),
    # --- the agenda ---------------------------------------------------------------------------------------
    Action.TASK_ASSIGN: Rule(
        frozenset({Role.TEAM_LEAD}),
        "task_owner_not_allowed",
        _("只能给自己或本团队成员安排待办。"),
        "Anyone plans their own tasks; a team lead also gives tasks to active members of the team "
        "(PRODUCT.md §2, team leads assign). obj: the person who would own the task.",
        person=_has_team,
        on_object=_active_in_my_team,
        field="owner",
    ),
    Action.TASK_REASSIGN: Rule(
        frozenset({Role.TEAM_LEAD}),
        "task_reassign_not_allowed",
        _("只有团队主管可以转交待办。"),
        "Only a team lead hands a task to someone else in the team (PRODUCT.md §2).",
        field="owner",
    ),
    # --- marketing ----------------------------------------------------------------------------------------
    Action.LEAD_CREATE: Rule(
        CUSTOMER_WORKERS,
        "lead_create_not_allowed",
        _("只有客户经理和团队主管可以录入线索。"),
        "Leads are found and worked by the front line that sells: CMs and team leads, each in a team whose "
        "pool takes what nobody owns (PRODUCT.md §2). Branch heads and risk managers read the pipeline.",
        person=_has_team,
    ),
    Action.LEAD_WORK: Rule(
        CUSTOMER_WORKERS,
        "lead_read_only",
        _("您可以查看该线索，但不能修改。"),
        "The lead's owner CM and the team lead move it, log follow-ups and link it to a customer; a branch "
        "head or risk manager reads it (PRODUCT.md, 'Users and what each may see'). obj: the lead.",
        on_object=scope.can_change,
    ),
    Action.LEAD_CLAIM: Rule(
        CUSTOMER_WORKERS,
        "lead_claim_not_allowed",
        _("只能领取本团队线索池中的线索。"),
        "A CM or team lead takes a lead nobody owns from their own team's pool (线索池, PRODUCT.md §2). "
        "obj: the lead.",
        person=_has_team,
        on_object=lambda user, lead: lead.owner_id is None and lead.team_id == user.team_id,
    ),
    Action.LEAD_ASSIGN: Rule(
        frozenset({Role.TEAM_LEAD}),
        "lead_owner_not_allowed",
        _("只能把线索分配给本团队在岗的成员。"),
        "A team lead hands the team's leads to active members of the team, by hand or by rule (issue 17, "
        "'Assignment'; PRODUCT.md §2). obj: the person who would own the lead.",
        person=_has_team,
        on_object=_active_in_my_team,
        field="owner",
    ),
    Action.SURVEY_RECORD: Rule(
        frozenset({Role.TEAM_LEAD, Role.BRANCH_HEAD, Role.RISK_MANAGER}),
        "survey_record_not_allowed",
        _("满意度回复须由客户经理以外的人员（团队主管、支行行长或风险经理）登记。"),
        "A satisfaction answer counts for the customer manager who served the customer, so it is recorded "
        "by someone else who sees the customer — never by the CM measured (issue 17 item 7: results per "
        "CM). obj: the survey.",
        on_object=lambda user, survey: survey.owner_id != user.pk and scope.can_see(user, survey),
    ),
    Action.FEEDBACK_RECORD: Rule(
        FRONT_LINE,
        "feedback_record_not_allowed",
        _("只有能查看该客户的客户经理、团队主管、支行行长或风险经理可以登记反馈。"),
        "Whoever the customer speaks to among those who see the customer logs what was said (issue 17 "
        "item 7, feedback log). obj: the customer.",
        on_object=scope.can_see,
    ),
    Action.COMPLAINT_CLOSE: Rule(
        frozenset({Role.TEAM_LEAD, Role.BRANCH_HEAD}),
        "complaint_close_not_allowed",
        _("投诉须由团队主管或支行行长办结。"),
        "A complaint may be about the CM: it is closed, with its resolution, by the team lead or the "
        "branch head who see the customer (independence of complaint handling). obj: the feedback.",
        on_object=scope.can_see,
    ),
    Action.SOURCE_MANAGE: Rule(
        frozenset({Role.TEAM_LEAD, Role.BRANCH_HEAD}),
        "marketing_source_not_allowed",
        _("只有团队主管和支行行长可以登记营销活动和合作渠道。"),
        "Campaigns (with their cost) and partner organisations are the branch's marketing budget and "
        "relationships, kept by its team leads and branch head (PRODUCT.md §7; issue 17 item 4). obj: the "
        "campaign or partner, of the person's branch.",
        person=lambda user: user.branch_id is not None,
        on_object=lambda user, source: source.branch_id == user.branch_id,
    ),
    # --- compliance, reply scripts, customer requests (issue 18) -------------------------------------------
    Action.COMPLIANCE_RULE_MANAGE: Rule(
        frozenset({Role.RISK_MANAGER, Role.ADMIN}),
        "compliance_rule_not_allowed",
        _("只有风险经理（合规审核）和系统管理员可以维护合规规则。"),
        "The guard's rules are the bank's compliance configuration: kept by the risk managers, who act as "
        "the branch's compliance reviewers (风险合规), and by administrators; CMs are checked, never edit "
        "the checks (issue 18 item 4).",
    ),
    Action.COMPLIANCE_LOG_READ: Rule(
        frozenset({Role.TEAM_LEAD, Role.BRANCH_HEAD, Role.RISK_MANAGER}),
        "compliance_log_not_allowed",
        _("只有团队主管、支行行长和风险经理可以查看合规拦截记录。"),
        "What the guard stopped is reviewed by the sender's team lead, the branch head and the risk "
        "managers of the branch (each in their scope of people); a CM sees their own findings when sending.",
    ),
    Action.SCRIPT_WRITE: Rule(
        frozenset({Role.MANAGER, Role.TEAM_LEAD, Role.RISK_MANAGER}),
        "script_write_not_allowed",
        _("只有客户经理、团队主管和风险经理可以编写话术。"),
        "The people who answer customers (and the risk managers who review them) write and improve the "
        "library's scripts; every text is approved by compliance before use (issue 18 item 1).",
    ),
    Action.SCRIPT_REVIEW: Rule(
        frozenset({Role.RISK_MANAGER}),
        "script_review_not_allowed",
        _("话术须由风险经理（合规审核）审核，且不能审核自己提交的话术。"),
        "A script is used only after compliance approval (issue 18 item 1): a risk manager approves or "
        "returns it — never one they wrote or submitted themselves (maker-checker). obj: the script.",
        on_object=lambda user, script: user.pk not in {script.owner_id, script.submitted_by_id},
    ),
    Action.SCRIPT_USE_OUTCOME: Rule(
        CUSTOMER_WORKERS,
        "script_use_outcome_not_allowed",
        _("只有使用该话术的客户经理或其团队主管可以登记效果。"),
        "Whoever sent the answer (or their team lead) says whether the objection was resolved (issue 18 "
        "item 3). obj: the use.",
        on_object=scope.can_change,
    ),
    Action.MESSAGE_SEND: Rule(
        CUSTOMER_WORKERS,
        "message_send_not_allowed",
        _("只有该客户的客户经理或团队主管可以给客户发送消息。"),
        "A message to a customer is sent by the people who work the customer, after the compliance guard "
        "(issue 18 item 4); a branch head or risk manager reads. obj: the customer (or the lead's customer).",
        on_object=scope.can_change,
    ),
    Action.SERVICE_REQUEST_RECORD: Rule(
        FRONT_LINE,
        "service_request_record_not_allowed",
        _("只有能查看该客户的客户经理、团队主管、支行行长或风险经理可以登记客户诉求。"),
        "Whoever the customer reaches among those who see the customer records the request; the tier "
        "decides who answers it (issue 18 item 5). obj: the customer.",
        on_object=scope.can_see,
    ),
    Action.SERVICE_REQUEST_HANDLE: Rule(
        FRONT_LINE,
        "service_request_handle_not_allowed",
        _("只有该诉求的当前处理人，或其团队主管、支行行长可以处理。"),
        "The person the request is routed to answers it; the team lead and the branch head above them may "
        "take it over (escalation, issue 18 item 5). obj: the request.",
        on_object=lambda user, request: (
            request.assignee_id == user.pk
            or (user.role in (Role.TEAM_LEAD, Role.BRANCH_HEAD) and scope.can_see(user, request))
        ),
    ),
}

if set(RULES) != set(Action):  # every action has its rule, and every rule an action
    raise RuntimeError(f"policy rules missing for: {sorted(set(Action) - set(RULES))}")


def _signed_in(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def refusal(user: Any, action: Action, obj: Any = None) -> NotAllowed | None:
    """The refusal ``user`` gets for ``action`` (on ``obj``), or None when they may."""
    rule = RULES[Action(action)]
    extra = {"field": rule.field} if rule.field else None
    if (
        not _signed_in(user)
        or getattr(user, "role", None) not in rule.roles
        or (rule.person is not None and not rule.person(user))
    ):
        return NotAllowed(rule.code, str(rule.message), extra)
    if obj is not None and rule.on_object is not None and not rule.on_object(user, obj):
        return NotAllowed(rule.object_code or rule.code, str(rule.object_message or rule.message), extra)
    return None


def can(user: Any, action: Action, obj: Any = None) -> bool:
    """Whether ``user`` may do ``action`` (to ``obj``, when given)."""
    return refusal(user, action, obj) is None


def require(user: Any, action: Action, obj: Any = None) -> None:
    """Raise ``NotAllowed`` (403, the action's code and sentence) unless ``user`` may do ``action``."""
    refused = refusal(user, action, obj)
    if refused is not None:
        raise refused
