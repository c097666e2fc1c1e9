"""API routes of application documents (``api/documents.py``), mounted under /api/v1/."""

from django.urls import path

from creditdesk.applications.api import documents as views
from creditdesk.core.api import ids  # noqa: F401 — registers the `id` path converter

urlpatterns = [
    path("applications/<id:pk>/checklist/", views.ChecklistView.as_view(), name="api-application-checklist"),
    path(
        "applications/<id:pk>/checklist/<id:item_id>/upload/",
        views.ChecklistUploadView.as_view(),
        name="api-application-checklist-upload",
    ),
    path(
        "applications/<id:pk>/checklist/<id:item_id>/download/",
        views.ChecklistDownloadView.as_view(),
        name="api-application-checklist-download",
    ),
    path("customer-documents/", views.CustomerDocumentListView.as_view(), name="api-customer-documents"),
    path(
        "customer-documents/<id:pk>/verify/",
        views.CustomerDocumentVerifyView.as_view(),
        name="api-customer-document-verify",
    ),
    path(
        "customer-documents/<id:pk>/download/",
        views.CustomerDocumentDownloadView.as_view(),
        name="api-customer-document-download",
    ),
]
