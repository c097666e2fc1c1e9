"""Django choices derived from the pure enumerations of the applications app."""

from creditdesk.applications import lifecycle, routing
from creditdesk.core.choices import text_choices

ApplicationStatus = text_choices(lifecycle.Status, "ApplicationStatus")
ApplicationKind = text_choices(lifecycle.Kind, "ApplicationKind")
PartyRole = text_choices(lifecycle.PartyRole)
Recommendation = text_choices(lifecycle.Recommendation)
ApprovalLevel = text_choices(routing.Level, "ApprovalLevel")
DecisionOutcome = text_choices(routing.Outcome, "DecisionOutcome")
RejectReason = text_choices(routing.RejectReason)
