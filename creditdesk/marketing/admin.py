"""The marketing rules in the audited admin: stage rules (the gates, idle and recycle days per tier), lost
reasons, activity plans and their steps, referral reward rules, the cross-sell catalogue, the care
templates and the education articles — data the bank edits, every change an audit row. Capacities are
shown, never edited here (team leads set them through ``lead_capacity_set``). Leads are not in the admin:
they change only through their services, and their clear phone and ID numbers are never shown outside the
scoped pages."""

from django.contrib import admin

from creditdesk.core.admin import ReadOnlyAdmin
from creditdesk.core.admin_audit import AuditedModelAdmin
from creditdesk.marketing.models import (
    ActivityPlan,
    CareTemplate,
    CrossSellProduct,
    EducationArticle,
    LeadCapacity,
    LostReason,
    PlanStep,
    ReferralReward,
    StageRule,
)


@admin.register(StageRule)
class StageRuleAdmin(AuditedModelAdmin):
    """The tier's row wins over the any-tier row; ``StageRule.clean`` checks the requirement keys and that
    the recycle days are not shorter than the idle days. An edited rule applies at a lead's next touch."""

    list_display = ["stage", "tier", "requirements", "max_idle_days", "recycle_days", "source"]
    list_filter = ["stage", "tier"]
    ordering = ["stage", "tier"]


@admin.register(LostReason)
class LostReasonAdmin(AuditedModelAdmin):
    """A reason in use cannot be deleted (leads protect it): make it inactive instead."""

    list_display = ["position", "code", "label", "active"]
    list_filter = ["active"]
    ordering = ["position", "id"]


@admin.register(LeadCapacity)
class LeadCapacityAdmin(ReadOnlyAdmin):
    list_display = ["person", "weight", "daily_quota", "accepting", "updated_by", "updated_at"]
    list_select_related = ["person", "updated_by"]
    list_filter = ["accepting"]


@admin.register(ActivityPlan)
class ActivityPlanAdmin(AuditedModelAdmin):
    list_display = ["name", "description", "active"]
    list_filter = ["active"]


@admin.register(PlanStep)
class PlanStepAdmin(AuditedModelAdmin):
    """A plan's steps, each audited on its own (an inline's rows would bypass the audit of ``save_model``)."""

    list_display = ["plan", "offset_days", "kind", "title"]
    list_filter = ["plan"]
    list_select_related = ["plan"]


@admin.register(ReferralReward)
class ReferralRewardAdmin(AuditedModelAdmin):
    list_display = [
        "referrer_kind",
        "per_loan",
        "per_mille",
        "cap_per_loan",
        "valid_from",
        "valid_until",
        "source",
    ]
    list_filter = ["referrer_kind"]


@admin.register(CrossSellProduct)
class CrossSellProductAdmin(AuditedModelAdmin):
    list_display = ["category", "name", "active", "weight", "fee_income", "source"]
    list_filter = ["active"]


@admin.register(CareTemplate)
class CareTemplateAdmin(AuditedModelAdmin):
    list_display = ["occasion", "festival", "days_ahead", "active", "text"]
    list_filter = ["occasion", "active"]


@admin.register(EducationArticle)
class EducationArticleAdmin(AuditedModelAdmin):
    list_display = ["topic", "title", "active", "source"]
    list_filter = ["topic", "active"]
