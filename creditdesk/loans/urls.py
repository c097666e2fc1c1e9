from django.urls import path, re_path

from creditdesk.loans import views

app_name = "loans"

urlpatterns = [
    path("", views.loan_list, name="list"),
    path("customers/<int:customer_id>/panel/", views.customer_panel, name="customer_panel"),
    path("<int:loan_id>/", views.loan_detail, name="detail"),
    path("<int:loan_id>/repayment-notice/", views.repayment_notice, name="notice"),
    path("<int:loan_id>/repayment-notice.pdf", views.repayment_notice_pdf, name="notice_pdf"),
    path("<int:loan_id>/repayments/new/", views.repayment_new, name="repayment_new"),
    path("<int:loan_id>/classify/", views.loan_classify, name="classify"),
    path("repayments/<int:repayment_id>/reverse/", views.repayment_reverse, name="repayment_reverse"),
    path("<int:loan_id>/settlement-quote/", views.loan_settlement_quote, name="settlement_quote"),
    path("<int:loan_id>/prepayment/", views.prepayment_new, name="prepayment"),
    path("<int:loan_id>/extension/", views.loan_extension, name="extension"),
    path("<int:loan_id>/refinance/", views.loan_refinance, name="refinance"),
    path("<int:loan_id>/write-off/", views.write_off_propose, name="write_off"),
    path("<int:loan_id>/recovery/", views.recovery_new, name="recovery"),
    path("<int:loan_id>/restructuring/", views.restructuring_panel, name="restructuring_panel"),
    path("write-offs/<int:write_off_id>/decide/", views.write_off_decide, name="write_off_decide"),
    path("applications/<int:application_id>/disburse/", views.disburse, name="disburse"),
    path("eod/", views.eod_list, name="eod_list"),
    re_path(r"^eod/(?P<day>\d{4}-\d{2}-\d{2})/$", views.eod_detail, name="eod_detail"),
]
