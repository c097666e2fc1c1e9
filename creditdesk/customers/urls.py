from django.urls import path

from creditdesk.customers import views, views_export, views_import

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("industries/", views.industry_options, name="industries"),
    path("<int:customer_id>/", views.customer_detail, name="detail"),
    path("<int:customer_id>/edit/", views.customer_update, name="update"),
    path("<int:customer_id>/unmask/", views.customer_unmask, name="unmask"),
    path("handover/", views.customer_handover, name="handover"),
    path("duplicates/", views.duplicate_list, name="duplicates"),
    path("<int:customer_id>/merge/", views.customer_merge, name="merge"),
    path("<int:customer_id>/unmerge/", views.customer_merge_undo, name="unmerge"),
    path("<int:customer_id>/relationships/", views.relationship_add, name="relationship_add"),
    path(
        "<int:customer_id>/relationships/candidates/",
        views.relationship_candidates,
        name="relationship_candidates",
    ),
    path(
        "<int:customer_id>/relationships/<int:relationship_id>/delete/",
        views.relationship_remove,
        name="relationship_remove",
    ),
    path("export/", views_export.customer_export, name="export"),
    path("import/", views_import.customer_import, name="import"),
]
