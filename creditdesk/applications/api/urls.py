"""The applications API, mounted under /api/v1/: the application and its actions (``views``),
documents (``documents``), collateral (``collateral``)."""

from django.urls import path

from creditdesk.applications.api import urls_collateral, urls_documents, views
from creditdesk.core.api.routers import ApiRouter

router = ApiRouter()
router.register("applications", views.ApplicationViewSet, basename="application")

urlpatterns = [
    path("approval-queue/", views.ApprovalQueueView.as_view(), name="api-approval-queue"),
    *router.urls,
    *urls_documents.urlpatterns,
    *urls_collateral.urlpatterns,
]
