"""The loans API, mounted under ``/api/v1/``."""

from django.urls import path

from creditdesk.core.api.routers import ApiRouter
from creditdesk.loans.api.views import DisbursementCreateView, LoanViewSet

router = ApiRouter()
router.register("loans", LoanViewSet, basename="loan")

urlpatterns = [
    path(
        "applications/<id:id>/disbursements/",
        DisbursementCreateView.as_view(),
        name="application-disbursements",
    ),
    *router.urls,
]
