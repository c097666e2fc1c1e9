from django.urls import path

from creditdesk.accounts.api import views

urlpatterns = [
    path("auth/token/", views.ObtainTokenView.as_view(), name="api-token"),
    path("me/", views.MeView.as_view(), name="api-me"),
]
