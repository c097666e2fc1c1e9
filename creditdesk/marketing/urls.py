from django.urls import path

from creditdesk.marketing import views

app_name = "marketing"

urlpatterns = [
    path("leads/", views.lead_list, name="lead_list"),
    path("board/", views.board, name="board"),
    path("leads/new/", views.lead_create, name="lead_create"),
    path("leads/<int:lead_id>/", views.lead_detail, name="lead_detail"),
    path("leads/<int:lead_id>/stage/", views.lead_stage, name="lead_stage"),
    path("leads/<int:lead_id>/need/", views.lead_update, name="lead_update"),
    path("leads/<int:lead_id>/activities/", views.lead_activity, name="lead_activity"),
    path("leads/<int:lead_id>/customer/", views.lead_customer, name="lead_customer"),
    path("leads/<int:lead_id>/assign/", views.lead_assign, name="lead_assign"),
    path("leads/<int:lead_id>/claim/", views.lead_claim, name="lead_claim"),
    path("pool/", views.pool, name="pool"),
    path("pool/assign/", views.pool_assign, name="pool_assign"),
    path("capacity/<int:person_id>/", views.capacity, name="capacity"),
    path("customers/<int:customer_id>/panel/", views.customer_panel, name="customer_panel"),
]
