from django.urls import path

from creditdesk.loans import views

app_name = "loans"

urlpatterns = [
    path("", views.loan_list, name="list"),
    path("customers/<int:customer_id>/panel/", views.customer_panel, name="customer_panel"),
    path("<int:loan_id>/", views.loan_detail, name="detail"),
    path("<int:loan_id>/repayment-notice/", views.repayment_notice, name="notice"),
    path("<int:loan_id>/repayment-notice.pdf", views.repayment_notice_pdf, name="notice_pdf"),
    path("applications/<int:application_id>/disburse/", views.disburse, name="disburse"),
]
