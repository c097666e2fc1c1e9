"""Pages of the compliance app (``views``: one module per topic). Ids through the ``id`` converter: a number
out of the database's range does not match (404), never a 500."""

from django.urls import path

from creditdesk.compliance.views import check, log, rules
from creditdesk.core.api import ids  # noqa: F401 — registers the `id` path converter

app_name = "compliance"

urlpatterns = [
    path("check/", check.check, name="check"),
    path("preview/", check.preview, name="preview"),
    path("rules/", rules.rule_list, name="rules"),
    path("rules/new/", rules.rule_create, name="rule_create"),
    path("rules/<id:rule_id>/", rules.rule_edit, name="rule_edit"),
    path("checks/", log.check_list, name="checks"),
]
