"""Pages of customer requests (客户诉求). Ids through the ``id`` converter: a number out of the database's
range does not match (404), never a 500."""

from django.urls import path

from creditdesk.core.api import ids  # noqa: F401 — registers the `id` path converter
from creditdesk.servicedesk.views import panel, requests

app_name = "servicedesk"

urlpatterns = [
    path("", requests.request_list, name="list"),
    path("new/", requests.request_create, name="create"),
    path("suggest/", requests.suggest, name="suggest"),
    path("<id:request_id>/", requests.request_detail, name="detail"),
    path("<id:request_id>/respond/", requests.request_respond, name="respond"),
    path("<id:request_id>/close/", requests.request_close, name="close"),
    path("<id:request_id>/escalate/", requests.request_escalate, name="escalate"),
    path("customers/<id:customer_id>/panel/", panel.customer_panel, name="customer_panel"),
]
