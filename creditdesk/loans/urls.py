from django.urls import path

from creditdesk.loans import views

app_name = "loans"

urlpatterns = [
    path("", views.calculator_page, name="calculator"),
]
