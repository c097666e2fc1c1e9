from django.urls import path

from creditdesk.scoring import card_views, views

app_name = "scoring"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("customers/<int:customer_id>/new/", views.assessment_new, name="assess"),
    path("customers/<int:customer_id>/panel/", views.customer_panel, name="panel"),
    path("assessments/<int:assessment_id>/", views.assessment_detail, name="detail"),
    path("assessments/<int:assessment_id>/override/", views.assessment_override, name="override"),
    path("models/", views.model_list, name="models"),
    path("models/<int:model_id>/", views.model_detail, name="model"),
    path("models/<int:model_id>/approve/", views.model_approve, name="approve"),
    path("models/<int:model_id>/activate/", views.model_activate, name="activate"),
    path("models/<int:model_id>/edit/", card_views.card_edit, name="card_edit"),
]
