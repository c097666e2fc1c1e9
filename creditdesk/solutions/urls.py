from django.urls import path

from creditdesk.solutions import views

app_name = "solutions"

urlpatterns = [
    path("customers/<int:customer_id>/", views.customer_match, name="match"),
    path("customers/<int:customer_id>/panel/", views.customer_panel, name="panel"),
    path("customers/<int:customer_id>/compare/", views.comparison, name="compare"),
    path("customers/<int:customer_id>/proposals/new/", views.proposal_new, name="proposal_new"),
    path("customers/<int:customer_id>/options/<str:code>/", views.option_detail, name="option"),
    path("proposals/<int:proposal_id>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:proposal_id>/pdf/", views.proposal_pdf, name="proposal_pdf"),
    path("competitors/", views.competitor_list, name="competitors"),
    path("competitors/new/", views.competitor_new, name="competitor_new"),
]
