"""URL map: pages at the root, the REST API under /api/v1/, its schema and docs under /api/."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from creditdesk.agenda.api.views import TaskViewSet
from creditdesk.compliance.api.check import ComplianceCheckView
from creditdesk.compliance.api.checks import ComplianceLogViewSet
from creditdesk.compliance.api.rules import ComplianceRuleViewSet
from creditdesk.consents.api.views import ConsentViewSet, CreditInquiryViewSet
from creditdesk.core.api.routers import ApiRouter
from creditdesk.core.api.views import AuditEventViewSet
from creditdesk.customers.api.industries import IndustryViewSet
from creditdesk.customers.api.views import CustomerViewSet
from creditdesk.marketing.api.care import FeedbackViewSet, SurveyViewSet
from creditdesk.marketing.api.knowledge import ActivityPlanViewSet, CaseViewSet, EducationViewSet
from creditdesk.marketing.api.offers import OfferViewSet
from creditdesk.marketing.api.sources import (
    CampaignViewSet,
    MarketingResultsViewSet,
    PartnerViewSet,
    TerritoryViewSet,
)
from creditdesk.marketing.api.views import LeadCapacityViewSet, LeadViewSet
from creditdesk.products.api.views import NeedViewSet, ProductViewSet
from creditdesk.rates.api.views import LprRateViewSet, ProvidentRateViewSet
from creditdesk.replies.api.scripts import ScriptViewSet
from creditdesk.replies.api.uses import MessageViewSet, ScriptResultViewSet, ScriptUseViewSet
from creditdesk.scoring.api.cards import CardDraftView
from creditdesk.scoring.api.views import AssessmentViewSet, ScoreModelViewSet
from creditdesk.servicedesk.api.views import ServiceRequestViewSet, TierRuleViewSet
from creditdesk.solutions.api.views import CompetitorOfferViewSet, MatchViewSet, ProposalViewSet

router = ApiRouter()  # `<id:pk>`: an id the database cannot hold is 404, never a 500
router.register("tasks", TaskViewSet, basename="task")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("compliance/rules", ComplianceRuleViewSet, basename="compliance-rule")
router.register("compliance/checks", ComplianceLogViewSet, basename="compliance-log")
router.register("lpr", LprRateViewSet, basename="lpr")
router.register("provident-rates", ProvidentRateViewSet, basename="provident-rate")
router.register("customers", CustomerViewSet, basename="customer")
router.register("industries", IndustryViewSet, basename="industry")
router.register("consents", ConsentViewSet, basename="consent")
router.register("credit-inquiries", CreditInquiryViewSet, basename="credit-inquiry")
router.register("products", ProductViewSet, basename="product")
router.register("needs", NeedViewSet, basename="need")
router.register("score-models", ScoreModelViewSet, basename="score-model")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("matches", MatchViewSet, basename="match")
router.register("competitor-offers", CompetitorOfferViewSet, basename="competitor-offer")
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("leads", LeadViewSet, basename="lead")
router.register("lead-capacities", LeadCapacityViewSet, basename="lead-capacity")
router.register("activity-plans", ActivityPlanViewSet, basename="activity-plan")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("partners", PartnerViewSet, basename="partner")
router.register("territories", TerritoryViewSet, basename="territory")
router.register("marketing", MarketingResultsViewSet, basename="marketing")
router.register("surveys", SurveyViewSet, basename="survey")
router.register("feedback", FeedbackViewSet, basename="feedback")
router.register("offers", OfferViewSet, basename="offer")
router.register("cases", CaseViewSet, basename="case")
router.register("education", EducationViewSet, basename="education")
router.register("scripts", ScriptViewSet, basename="script")
router.register("messages", MessageViewSet, basename="message")
router.register("script-uses", ScriptUseViewSet, basename="script-use")
router.register("script-results", ScriptResultViewSet, basename="script-result")
router.register("service-requests", ServiceRequestViewSet, basename="service-request")
router.register("tier-rules", TierRuleViewSet, basename="tier-rule")

api_v1 = [
    path("", include("creditdesk.accounts.api.urls")),
    path("", include("creditdesk.rates.api.urls")),
    path("", include("creditdesk.applications.api.urls")),
    path("", include("creditdesk.notifications.api.urls")),
    path("", include("creditdesk.loans.api.urls")),
    path("score-models/<id:id>/drafts/", CardDraftView.as_view(), name="score-model-drafts"),
    path("compliance/check/", ComplianceCheckView.as_view(), name="compliance-check"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", include("creditdesk.workbench.urls")),
    path("accounts/", include("creditdesk.accounts.urls")),
    path("agenda/", include("creditdesk.agenda.urls")),
    path("customers/", include("creditdesk.customers.urls")),
    path("consents/", include("creditdesk.consents.urls")),
    path("calculator/", include("creditdesk.rates.urls")),
    path("products/", include("creditdesk.products.urls")),
    path("scoring/", include("creditdesk.scoring.urls")),
    path("solutions/", include("creditdesk.solutions.urls")),
    path("applications/", include("creditdesk.applications.urls")),
    path("notifications/", include("creditdesk.notifications.urls")),
    path("compliance/", include("creditdesk.compliance.urls")),
    path("loans/", include("creditdesk.loans.urls")),
    path("marketing/", include("creditdesk.marketing.urls")),
    path("replies/", include("creditdesk.replies.urls")),
    path("servicedesk/", include("creditdesk.servicedesk.urls")),
    path("", include("creditdesk.core.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = "creditdesk.core.views.errors.bad_request"
handler403 = "creditdesk.core.views.errors.permission_denied"
handler404 = "creditdesk.core.views.errors.page_not_found"
handler500 = "creditdesk.core.views.errors.server_error"
