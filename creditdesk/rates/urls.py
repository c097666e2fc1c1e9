from django.urls import path

from creditdesk.rates import views

app_name = "rates"

urlpatterns = [
    path("", views.calculator_page, name="calculator"),
]
