"""What people do in CreditDesk, by name, and the one place core asks "may this person do it?".

``Action`` names every action the policy rules on. Who may do each — the roles, the scope question
about the object, the refusal's code and sentence, the business rule and its source — is written once,
in ``accounts/policy.py``. The names live here, in ``core``, because ``core`` asks too (the navigation,
the audit trail) and may not import ``accounts`` (the layers point one way, CONVENTIONS.md).

So core asks through this hook: ``accounts`` registers its policy in ``AccountsConfig.ready()``
(``answered_by``). Until then nobody may do anything (closed by default, never open by accident).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Protocol

from django.utils.translation import gettext as _

from creditdesk.core.exceptions import NotAllowed


class Action(StrEnum):
    """One name per thing a person may or may not do; the rule for each is in ``accounts/policy.py``."""

    # Areas of the application shell (the left navigation)
    CUSTOMER_AREAS_OPEN = "customer_areas.open"
    LENDING_AREAS_OPEN = "lending_areas.open"
    ADMIN_SITE_OPEN = "admin_site.open"
    # The audit trail
    AUDIT_READ = "audit.read"
    AUDIT_READ_ALL = "audit.read_all"
    # Customers (obj, where one is taken: the customer; for ``CUSTOMER_ASSIGN``: the person to own it)
    CUSTOMER_CREATE = "customer.create"
    CUSTOMER_IMPORT = "customer.import"
    CUSTOMER_ASSIGN = "customer.assign"
    CUSTOMER_CHANGE = "customer.change"
    CUSTOMER_HANDOVER = "customer.handover"
    CUSTOMER_DUPLICATES_REVIEW = "customer.duplicates_review"
    CONSENT_RECORD = "consent.record"
    # Sensitive personal information (obj: the customer whose value it is)
    SENSITIVE_UNMASK = "sensitive.unmask"
    # Needs, pre-assessment and scorecards (obj: the customer; for ``SCORE_OVERRIDE``: the assessment; for
    # ``SCORING_MODEL_APPROVE`` / ``SCORING_MODEL_ACTIVATE``: the model version; ``SCORING_CARD_DRAFT``:
    # none — any expert card version may be the base of a new draft)
    NEED_RECORD = "need.record"
    ASSESSMENT_RUN = "assessment.run"
    SCORE_OVERRIDE = "score.override"
    SCORING_MODEL_APPROVE = "scoring_model.approve"
    SCORING_MODEL_ACTIVATE = "scoring_model.activate"
    SCORING_CARD_DRAFT = "scoring_card.draft"
    SCORING_MONITOR = "scoring.monitor"
    # Products and solutions (obj for ``PROPOSAL_ISSUE``: the customer)
    PRODUCT_MANAGE = "product.manage"
    COMPETITOR_OFFER_RECORD = "competitor_offer.record"
    PROPOSAL_ISSUE = "proposal.issue"
    # Applications (obj: the application; for ``APPLICATION_CREATE`` and ``COLLATERAL_RECORD``: the customer)
    APPLICATION_CREATE = "application.create"
    APPLICATION_WORK = "application.work"
    APPLICATION_DECIDE = "application.decide"
    APPLICATION_NOT_OWN_CASE = "application.not_own_case"
    APPLICATION_WITHIN_AUTHORITY = "application.within_authority"
    COMMITTEE_VOTE = "committee.vote"
    CONDITIONS_CHECK = "conditions.check"
    LOAN_DISBURSE = "loan.disburse"
    # Loan servicing (obj: the loan; for ``REPAYMENT_REVERSE``: the loan of the repayment)
    REPAYMENT_POST = "repayment.post"
    REPAYMENT_REVERSE = "repayment.reverse"
    LOAN_CLASSIFY = "loan.classify"
    EOD_RUN = "eod.run"
    EOD_READ = "eod.read"
    LOAN_RESTRUCTURE = "loan.restructure"
    WRITE_OFF_PROPOSE = "write_off.propose"
    WRITE_OFF_DECIDE = "write_off.decide"
    COLLATERAL_RECORD = "collateral.record"
    APPROVAL_MATRIX_MANAGE = "approval_matrix.manage"
    # The agenda (obj for ``TASK_ASSIGN``: the person to own the task)
    TASK_ASSIGN = "task.assign"
    TASK_REASSIGN = "task.reassign"
    # Marketing (obj for ``LEAD_WORK``: the lead; ``LEAD_CLAIM``: the pool lead; ``LEAD_ASSIGN``: the person
    # to own the lead)
    LEAD_CREATE = "lead.create"
    LEAD_WORK = "lead.work"
    LEAD_CLAIM = "lead.claim"
    LEAD_ASSIGN = "lead.assign"
    SURVEY_RECORD = "survey.record"  # obj: the survey
    FEEDBACK_RECORD = "feedback.record"  # obj: the customer
    COMPLAINT_CLOSE = "complaint.close"  # obj: the feedback, or a complaint's customer request (客户诉求)
    SOURCE_MANAGE = "marketing_source.manage"  # campaigns and partners of the branch (obj: one of them)
    # Compliance and reply scripts (obj for ``MESSAGE_SEND``: the customer; ``SCRIPT_REVIEW``: the script;
    # ``SCRIPT_USE_OUTCOME``: the use; ``SERVICE_REQUEST_RECORD``: the customer; ``SERVICE_REQUEST_HANDLE``:
    # the request)
    COMPLIANCE_RULE_MANAGE = "compliance_rule.manage"
    COMPLIANCE_LOG_READ = "compliance_log.read"
    SCRIPT_WRITE = "script.write"
    SCRIPT_REVIEW = "script.review"
    SCRIPT_USE_OUTCOME = "script_use.outcome"
    MESSAGE_SEND = "message.send"
    SERVICE_REQUEST_RECORD = "service_request.record"
    SERVICE_REQUEST_HANDLE = "service_request.handle"


class Policy(Protocol):
    def can(self, user: Any, action: Action, obj: Any = None) -> bool: ...

    def require(self, user: Any, action: Action, obj: Any = None) -> None: ...


_policy: Policy | None = None


def answered_by(policy: Policy) -> None:
    """Register the policy that answers for core (``accounts`` does, when the app is ready)."""
    global _policy
    _policy = policy


def can(user: Any, action: Action, obj: Any = None) -> bool:
    """Whether ``user`` may do ``action`` (to ``obj``): for showing or hiding what core draws."""
    return _policy is not None and _policy.can(user, action, obj)


def require(user: Any, action: Action, obj: Any = None) -> None:
    """Refuse with the policy's ``NotAllowed`` (with no policy registered: always, generically)."""
    if _policy is None:
        raise NotAllowed("permission_denied", _("您没有权限执行此操作。"))
    _policy.require(user, action, obj)
