"""Core pages (audit trail, health, language) and the API schema and its docs in the
generated access matrix (``creditdesk/core/testing/access.py``; grids in ``accounts/tests/grids.py``)."""

from __future__ import annotations

from django.db import transaction

from creditdesk.accounts.tests.grids import AUDIT_EVENT, EVERYONE
from creditdesk.core.audit import audit_record
from creditdesk.core.testing.access import ALLOW, api, page


def build(w) -> None:
    """An audit event of cm_a (an event's relation is its actor's)."""
    with transaction.atomic():
        w.audit_event = audit_record(actor=w.cm_a, action="access_matrix.probe", target=w.cm_a)


PUBLIC = EVERYONE.but(why="load balancers and the language switch ask without signing in")

DECLARATIONS = [
    # narrowed to cm_a's events (the apps built after core write more than a page holds); not by the action,
    # which the filter form would echo
    page(
        "core:audit_list",
        AUDIT_EVENT.as_list(),
        subject="audit_event",
        query={"actor": "cm_a"},
        listed=lambda w: w.audit_event.action,
    ),
    page("core:healthz", PUBLIC, anonymous=ALLOW),
    page("set_language", PUBLIC, method="POST", anonymous=ALLOW, data={"language": "en", "next": "/"}),
    # The schema and its docs: signed-in staff and API clients only (SPECTACULAR_SETTINGS); 401 otherwise.
    page("api-schema", EVERYONE),
    page("api-docs", EVERYONE),
    api(  # narrowed to the probe: the apps built after core write more events than a page holds
        "GET /api/v1/audit-events/",
        AUDIT_EVENT.as_list(),
        subject="audit_event",
        query={"action": "access_matrix.probe"},
        listed=True,
    ),
    api("GET /api/v1/audit-events/{id}/", AUDIT_EVENT, subject="audit_event"),
]
