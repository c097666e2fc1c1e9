"""Application documents in the generated access matrix: the checklist of an application of 张三 (cm_a's)
and the documents on his file."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from creditdesk.accounts.tests.grids import CHANGES, SEES
from creditdesk.applications.services import documents as services
from creditdesk.applications.tests.factories import make_application
from creditdesk.core.testing.access import api, page

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def build(w) -> None:
    """A draft application of 张三 for 信用贷 with its checklist (身份证, 征信查询授权书), and his ID
    uploaded to it, not yet verified (``w.customer_document``, filling ``w.checklist_item``)."""
    w.doc_application = make_application(customer=w.customer, product_version=w.product.current_version)
    services.checklist_build(application=w.doc_application)
    w.checklist_item = w.doc_application.checklist.get(name="身份证")
    w.customer_document = services.document_upload(
        actor=w.cm_a,
        customer_id=w.customer.pk,
        kind="身份证",
        file=SimpleUploadedFile("身份证.pdf", PDF),
        valid_until=timezone.localdate() + timedelta(days=365),
        application_id=w.doc_application.pk,
        item_id=w.checklist_item.pk,
    )


def _application(w, me) -> int:
    return w.doc_application.pk


def _item(w, me) -> int:
    return w.checklist_item.pk


def _document(w, me) -> int:
    return w.customer_document.pk


ITEM = {"application_id": _application, "item_id": _item}

DECLARATIONS = [
    page("applications:checklist", SEES, subject="doc_application", params={"application_id": _application}),
    # no file sent: refused after the access check (the person is told to choose a file)
    page("applications:checklist_upload", CHANGES, method="POST", subject="doc_application", params=ITEM),
    page("applications:checklist_verify", CHANGES, method="POST", subject="doc_application", params=ITEM),
    page("applications:checklist_download", SEES, subject="doc_application", params=ITEM),
    page("applications:customer_documents", SEES, subject="customer"),
    page(
        "applications:customer_document_upload",
        CHANGES,
        method="POST",
        subject="customer",
        data={"kind": "其他"},
    ),
    page(
        "applications:document_download", SEES, subject="customer_document", params={"document_id": _document}
    ),
    page(
        "applications:document_verify",
        CHANGES,
        method="POST",
        subject="customer_document",
        params={"document_id": _document},
    ),
    api("GET /api/v1/applications/{id}/checklist/", SEES, subject="doc_application"),
    api(
        "POST /api/v1/applications/{id}/checklist/{item_id}/upload/",
        CHANGES,
        subject="doc_application",
        params={"item_id": _item},
    ),
    api(
        "GET /api/v1/applications/{id}/checklist/{item_id}/download/",
        SEES,
        subject="doc_application",
        params={"item_id": _item},
    ),
    api("GET /api/v1/customer-documents/", SEES.as_list(), subject="customer_document", listed=True),
    api(
        "POST /api/v1/customer-documents/",
        CHANGES,
        subject="customer",
        body=lambda w, me: {"customer": w.customer.pk, "kind": "其他"},
    ),
    api("POST /api/v1/customer-documents/{id}/verify/", CHANGES, subject="customer_document"),
    api("GET /api/v1/customer-documents/{id}/download/", SEES, subject="customer_document"),
]
