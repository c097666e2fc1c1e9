from django.urls import path

from creditdesk.consents import views

app_name = "consents"

urlpatterns = [
    path("customer/<int:customer_id>/", views.customer_consents, name="customer"),
    path("customer/<int:customer_id>/panel/", views.customer_panel, name="panel"),
    path("customer/<int:customer_id>/record/", views.consent_create, name="record"),
    path("customer/<int:customer_id>/inquire/", views.inquiry_create, name="inquire"),
    path("inquiry/<int:inquiry_id>/summary/", views.inquiry_summary, name="summary"),
    path("customer/<int:customer_id>/warnings/", views.customer_warnings, name="warnings"),
    path("<int:consent_id>/revoke/", views.consent_revoke, name="revoke"),
    path("<int:consent_id>/evidence/", views.consent_evidence, name="evidence"),
]
