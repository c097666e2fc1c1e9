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
    path("applications/<int:application_id>/disburse/", views.disburse, name="disburse"),
    path("eod/", views.eod_list, name="eod_list"),
    re_path(r"^eod/(?P<day>\d{4}-\d{2}-\d{2})/$", views.eod_detail, name="eod_detail"),
]
