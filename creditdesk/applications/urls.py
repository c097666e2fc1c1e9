"""Pages of the applications app: the application itself (below), its documents (``urls_documents``)
and the collateral register (``urls_collateral``)."""

from django.urls import path

from creditdesk.applications import urls_collateral, urls_documents, views
from creditdesk.core.api import ids  # noqa: F401 — registers the `id` path converter

app_name = "applications"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/", views.application_create, name="create"),
    path("queue/", views.approval_queue, name="queue"),
    path("customers/<id:customer_id>/panel/", views.customer_panel, name="customer_panel"),
    path("<id:application_id>/", views.application_detail, name="detail"),
    path("<id:application_id>/investigation/", views.investigation, name="investigation"),
    path("<id:application_id>/identity-checks/", views.identity_check, name="identity_check"),
    path("<id:application_id>/interviews/", views.interview, name="interview"),
    path("<id:application_id>/submit/", views.submit, name="submit"),
    path("<id:application_id>/decide/", views.decide, name="decide"),
    path("<id:application_id>/vote/", views.vote, name="vote"),
    path("<id:application_id>/conditions/", views.conditions, name="conditions"),
    path("<id:application_id>/sign/", views.sign, name="sign"),
    path("<id:application_id>/contract.pdf", views.contract_pdf, name="contract_pdf"),
    path("<id:application_id>/withdraw/", views.withdraw, name="withdraw"),
    *urls_documents.urlpatterns,
    *urls_collateral.urlpatterns,
]
