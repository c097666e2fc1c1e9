"""The collateral register's and 统一授信's API routes (``api.collateral``), under ``/api/v1/``."""

from django.urls import path

from creditdesk.applications.api import collateral as views
from creditdesk.core.api.routers import ApiRouter

router = ApiRouter()
router.register("collateral", views.CollateralViewSet, basename="collateral")

urlpatterns = [
    path(
        "collateral/liens/<id:id>/release/",
        views.PriorLienReleaseView.as_view(),
        name="collateral-lien-release",
    ),
    path("pledges/", views.PledgeCreateView.as_view(), name="pledge-create"),
    path("pledges/<id:id>/release/", views.PledgeReleaseView.as_view(), name="pledge-release"),
    path("applications/<id:id>/exposure/", views.ExposureView.as_view(), name="application-exposure"),
    *router.urls,
]
