"""Writes to the marketing app. Each service is one transaction with its audit row.

``intake`` (录入线索), ``working`` (stage moves, need, follow-ups, customer link), ``assigning`` (分配、领取、
收回线索池、客户移交); everything callers use is re-exported here."""

from creditdesk.marketing.services.assigning import (
    RuleAssignment,
    lead_assign,
    lead_capacity_set,
    lead_claim,
    leads_assign_by_rule,
    leads_follow_handover,
    leads_recycle,
)
from creditdesk.marketing.services.care import (
    feedback_close,
    feedback_record,
    survey_answer,
    survey_send,
    surveys_after_disbursement,
)
from creditdesk.marketing.services.care_calendar import care_calendar_run
from creditdesk.marketing.services.intake import LeadInput, LeadIntake, lead_create
from creditdesk.marketing.services.knowledge import CaseInput, case_write, education_send
from creditdesk.marketing.services.offers import offer_make, offer_outcome
from creditdesk.marketing.services.scoring import lead_score, lead_scores_fit
from creditdesk.marketing.services.sources import (
    CampaignInput,
    PartnerInput,
    TerritoryInput,
    campaign_save,
    partner_save,
    territory_save,
)
from creditdesk.marketing.services.working import (
    lead_activity_log,
    lead_activity_record,
    lead_link_customer,
    lead_move,
    lead_plan_apply,
    lead_update,
)

__all__ = [
    "CampaignInput",
    "CaseInput",
    "LeadInput",
    "LeadIntake",
    "PartnerInput",
    "RuleAssignment",
    "TerritoryInput",
    "campaign_save",
    "care_calendar_run",
    "case_write",
    "education_send",
    "feedback_close",
    "feedback_record",
    "lead_activity_log",
    "lead_activity_record",
    "lead_assign",
    "lead_capacity_set",
    "lead_claim",
    "lead_create",
    "lead_link_customer",
    "lead_move",
    "lead_plan_apply",
    "lead_score",
    "lead_scores_fit",
    "lead_update",
    "leads_assign_by_rule",
    "leads_follow_handover",
    "leads_recycle",
    "offer_make",
    "offer_outcome",
    "partner_save",
    "survey_answer",
    "survey_send",
    "surveys_after_disbursement",
    "territory_save",
]
