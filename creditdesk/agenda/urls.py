from django.urls import path

from creditdesk.agenda import views

app_name = "agenda"

urlpatterns = [
    path("", views.task_list, name="list"),
    path("new/", views.task_create, name="create"),
    path("customer-candidates/", views.customer_candidates, name="customer_candidates"),
    path("customers/<int:customer_id>/panel/", views.customer_panel, name="customer_panel"),
    path("<int:task_id>/", views.task_detail, name="detail"),
    path("<int:task_id>/status/<slug:status>/", views.task_status, name="status"),
    path("<int:task_id>/customer/", views.task_customer, name="customer"),
]
