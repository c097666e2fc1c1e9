"""The applications app in the generated access matrix: the application's endpoints (``access_core``),
documents (``access_documents``) and collateral (``access_collateral``)."""

from __future__ import annotations

from creditdesk.applications.tests import access_collateral, access_core, access_documents

PARTS = (access_core, access_documents, access_collateral)


def build(w) -> None:
    for part in PARTS:
        part.build(w)


DECLARATIONS = [declaration for part in PARTS for declaration in part.DECLARATIONS]
