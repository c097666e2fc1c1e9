"""The applications API: the application (``views``), documents (``documents``), collateral
(``collateral``)."""

from creditdesk.applications.api import urls_collateral, urls_documents, views

urlpatterns = [*views.urlpatterns, *urls_documents.urlpatterns, *urls_collateral.urlpatterns]
