from django.urls import path

from creditdesk.products import views

app_name = "products"

urlpatterns = [
    path("", views.product_list, name="list"),
    path("new/", views.product_new, name="new"),
    path("customers/<int:customer_id>/need/", views.customer_need, name="need"),
    path("customers/<int:customer_id>/panel/", views.customer_panel, name="panel"),
    path("<str:code>/", views.product_detail, name="detail"),
    path("<str:code>/revise/", views.product_version_new, name="revise"),
    path("<str:code>/active/", views.product_active, name="active"),
    path("<str:code>/evaluate/", views.product_evaluate, name="evaluate"),
]
