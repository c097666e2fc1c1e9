from django.urls import path

from creditdesk.rates.api import views

urlpatterns = [
    path("calculator/quote/", views.QuoteView.as_view(), name="api-calculator-quote"),
    path("calculator/prepayment/", views.PrepaymentView.as_view(), name="api-calculator-prepayment"),
    path("calculator/combination/", views.CombinationView.as_view(), name="api-calculator-combination"),
]
