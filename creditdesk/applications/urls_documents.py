"""Pages of application documents (owned by the documents module): the checklist of an application
and the documents on a customer's file."""

from django.urls import path

from creditdesk.applications import views_documents as views
from creditdesk.core.api import ids  # noqa: F401 — registers the `id` path converter

urlpatterns = [
    path("<id:application_id>/documents/", views.checklist, name="checklist"),
    path(
        "<id:application_id>/documents/<id:item_id>/upload/",
        views.checklist_upload,
        name="checklist_upload",
    ),
    path(
        "<id:application_id>/documents/<id:item_id>/verify/",
        views.checklist_verify,
        name="checklist_verify",
    ),
    path(
        "<id:application_id>/documents/<id:item_id>/download/",
        views.checklist_download,
        name="checklist_download",
    ),
    path("customers/<id:customer_id>/documents/", views.customer_documents, name="customer_documents"),
    path(
        "customers/<id:customer_id>/documents/upload/",
        views.customer_document_upload,
        name="customer_document_upload",
    ),
    path("documents/<id:document_id>/download/", views.document_download, name="document_download"),
    path("documents/<id:document_id>/verify/", views.document_verify, name="document_verify"),
]
