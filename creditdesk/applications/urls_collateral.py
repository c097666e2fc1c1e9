"""Pages of the collateral register and of an application's exposure (统一授信), owned by the collateral
module (``views_collateral``)."""

from django.urls import path

from creditdesk.applications import views_collateral as views
from creditdesk.core.api import ids  # noqa: F401 — registers the `id` path converter (404 for an id no row can have)

urlpatterns = [
    path("customers/<id:customer_id>/collateral/", views.collateral_list, name="collateral_list"),
    path("customers/<id:customer_id>/collateral/new/", views.collateral_create, name="collateral_create"),
    path("collateral/<id:collateral_id>/", views.collateral_detail, name="collateral_detail"),
    path("collateral/<id:collateral_id>/appraisals/", views.appraisal_create, name="appraisal_create"),
    path("collateral/<id:collateral_id>/liens/", views.lien_create, name="lien_create"),
    path("collateral/liens/<id:lien_id>/release/", views.lien_release, name="lien_release"),
    path("collateral/pledges/<id:pledge_id>/release/", views.pledge_release, name="pledge_release"),
    path("<id:application_id>/pledges/", views.application_pledges, name="application_pledges"),
    path("<id:application_id>/pledges/new/", views.pledge_create, name="pledge_create"),
    path("<id:application_id>/exposure/", views.application_exposure, name="application_exposure"),
]
