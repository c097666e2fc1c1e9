"""The applications app's models, one module per topic (see each module's docstring)."""

from creditdesk.applications.models.application import (
    APPLICATION_SCOPE,
    ON_APPLICATION_SCOPE,
    Application,
    ApplicationPart,
    ApplicationParty,
    StageEvent,
)
from creditdesk.applications.models.approval import (
    ApprovalStep,
    CommitteeVote,
    ConcessionLimit,
    Decision,
    ExposureLimit,
    RoutingRule,
)
from creditdesk.applications.models.collateral import Appraisal, Collateral, CollateralKind, Pledge, PriorLien
from creditdesk.applications.models.contract import ConditionCheck, Contract
from creditdesk.applications.models.documents import ChecklistItem, CustomerDocument
from creditdesk.applications.models.identity import IdentityCheck, IdentityResult, Interview, InterviewKind

__all__ = [
    "APPLICATION_SCOPE",
    "ON_APPLICATION_SCOPE",
    "Application",
    "ApplicationPart",
    "ApplicationParty",
    "Appraisal",
    "ApprovalStep",
    "ChecklistItem",
    "Collateral",
    "CollateralKind",
    "CommitteeVote",
    "ConcessionLimit",
    "ConditionCheck",
    "Contract",
    "CustomerDocument",
    "Decision",
    "ExposureLimit",
    "IdentityCheck",
    "IdentityResult",
    "Interview",
    "InterviewKind",
    "Pledge",
    "PriorLien",
    "RoutingRule",
    "StageEvent",
]
