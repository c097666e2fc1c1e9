"""The loans API, mounted under ``/api/v1/``."""

from django.urls import path

from creditdesk.core.api.routers import ApiRouter
from creditdesk.loans.api.restructuring import (
    LoanExtensionPreviewView,
    LoanExtensionsView,
    LoanPrepaymentsView,
    LoanRecoveriesView,
    LoanRefinanceView,
    LoanSettlementQuoteView,
    LoanWriteOffView,
    WriteOffDecisionView,
)
from creditdesk.loans.api.servicing import (
    EodRunDetailView,
    EodRunListView,
    LoanClassificationHistoryView,
    LoanClassificationView,
    LoanRepaymentsView,
    LoanScheduleView,
    LoanSnapshotsView,
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
    path("loans/<id:id>/snapshots/", LoanSnapshotsView.as_view(), name="loan-snapshots"),
    path("repayments/<id:id>/reversal/", RepaymentReversalView.as_view(), name="repayment-reversal"),
    path("loans/<id:id>/settlement-quote/", LoanSettlementQuoteView.as_view(), name="loan-settlement-quote"),
    path("loans/<id:id>/prepayments/", LoanPrepaymentsView.as_view(), name="loan-prepayments"),
    path(
        "loans/<id:id>/extension-preview/",
        LoanExtensionPreviewView.as_view(),
        name="loan-extension-preview",
    ),
    path("loans/<id:id>/extensions/", LoanExtensionsView.as_view(), name="loan-extensions"),
    path("loans/<id:id>/refinance/", LoanRefinanceView.as_view(), name="loan-refinance"),
    path("loans/<id:id>/write-off/", LoanWriteOffView.as_view(), name="loan-write-off"),
    path("loans/<id:id>/recoveries/", LoanRecoveriesView.as_view(), name="loan-recoveries"),
    path("write-offs/<id:id>/decision/", WriteOffDecisionView.as_view(), name="write-off-decision"),
    path("eod-runs/", EodRunListView.as_view(), name="eod-runs"),
    path("eod-runs/<str:date>/", EodRunDetailView.as_view(), name="eod-run"),
    *router.urls,
]
