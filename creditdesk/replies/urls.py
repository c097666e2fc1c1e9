"""Pages of the 话术库 (``views``: one module per topic). Ids through the ``id`` converter: a number out of
the database's range does not match (404), never a 500."""

from django.urls import path

from creditdesk.core.api import ids  # noqa: F401 — registers the `id` path converter
from creditdesk.replies.views import compose, library, uses

app_name = "replies"

urlpatterns = [
    path("", library.home, name="home"),
    path("new/", library.script_create, name="script_create"),
    path("review/", library.review_queue, name="review_queue"),
    path("<id:script_id>/", library.detail, name="detail"),
    path("<id:script_id>/edit/", library.script_edit, name="script_edit"),
    path("<id:script_id>/submit/", library.script_submit, name="script_submit"),
    path("<id:script_id>/review/", library.script_review, name="script_review"),
    path("<id:script_id>/retire/", library.script_retire, name="script_retire"),
    # writing to a customer or a lead
    path("compose/", compose.compose, name="compose"),
    path("compose/search/", compose.compose_search, name="compose_search"),
    # what the scripts produced
    path("uses/", uses.uses, name="uses"),
    path("uses/<id:use_id>/outcome/", uses.use_outcome, name="use_outcome"),
    path("results/", uses.results, name="results"),
    path("customers/<id:customer_id>/panel/", uses.customer_panel, name="customer_panel"),
]
