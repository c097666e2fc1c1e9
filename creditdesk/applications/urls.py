"""Pages of the applications app: the application itself (``views``), its documents
(``urls_documents``) and the collateral register (``urls_collateral``)."""

from django.urls import path

from creditdesk.applications import urls_collateral, urls_documents, views

app_name = "applications"

urlpatterns = [
    *views.urlpatterns,
    *urls_documents.urlpatterns,
    *urls_collateral.urlpatterns,
]

__all__ = ["app_name", "path", "urlpatterns"]
