"""The loans API, mounted under ``/api/v1/``."""

from django.urls import path

from creditdesk.core.api.routers import ApiRouter
from creditdesk.loans.api.servicing import (
    EodRunDetailView,
    EodRunListView,
    LoanClassificationHistoryView,
    LoanClassificationView,
    LoanRepaymentsView,
    LoanScheduleView,
    RepaymentReversalView,
)
from creditdesk.loans.api.views import DisbursementCreateView, LoanViewSet

router = ApiRouter()
router.register("loans", LoanViewSet, basename="loan")

urlpatterns = [
    path(
        "applications/<id:id>/disbursements/",
        DisbursementCreateView.as_view(),
        name="application-disbursements",
    ),
    path("loans/<id:id>/schedule/", LoanScheduleView.as_view(), name="loan-schedule"),
    path("loans/<id:id>/repayments/", LoanRepaymentsView.as_view(), name="loan-repayments"),
    path("loans/<id:id>/classification/", LoanClassificationView.as_view(), name="loan-classification"),
    path(
        "loans/<id:id>/classification-history/",
        LoanClassificationHistoryView.as_view(),
        name="loan-classification-history",
    ),
    path("repayments/<id:id>/reversal/", RepaymentReversalView.as_view(), name="repayment-reversal"),
    path("eod-runs/", EodRunListView.as_view(), name="eod-runs"),
    path("eod-runs/<str:date>/", EodRunDetailView.as_view(), name="eod-run"),
    *router.urls,
]
