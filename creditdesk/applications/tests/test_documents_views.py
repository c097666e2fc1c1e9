"""The checklist and document pages and API end to end: upload (HTMX and multipart), 核验, downloads
always as attachments, refusals with their codes, scope."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from creditdesk.applications.models import CustomerDocument
from creditdesk.applications.services import documents as services
from creditdesk.applications.tests.factories import make_application
from creditdesk.products import services as product_services
from creditdesk.solutions.tests.conftest import li  # noqa: F401 — a fixture
from creditdesk.solutions.tests.small_catalogue import XYD

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48
DOCS = [{"name": "身份证", "customer_types": ["individual"]}, {"name": "近 6 个月工资流水"}]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def application(org, li):  # noqa: F811
    product = product_services.product_create(
        actor=org.risk1, spec={**copy.deepcopy(XYD), "documents": DOCS}, note="首版"
    )
    application = make_application(customer=li, product_version=product.current_version)
    services.checklist_build(application=application)
    return application


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def item_pk(application, name: str) -> int:
    return application.checklist.get(name=name).pk


def test_checklist_page_upload_by_htmx_verify_and_download(org, li, application):  # noqa: F811
    client = client_for(org.cm_a)
    url = reverse("applications:checklist", args=[application.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "完整度 0%" in html
    assert "尚缺或无效的必备资料：身份证、近 6 个月工资流水、征信查询授权书" in html
    assert 'data-result="missing"' in html

    flow = item_pk(application, "近 6 个月工资流水")
    upload_url = reverse("applications:checklist_upload", args=[application.pk, flow])
    refused = client.post(
        upload_url,
        {"file": SimpleUploadedFile("流水.pdf", EXE), "issued_on": timezone.localdate().isoformat()},
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 200
    assert "只能上传 PDF、JPG 或 PNG 文件（按文件内容识别，修改扩展名无效）。" in refused.content.decode()
    assert CustomerDocument.objects.count() == 0

    response = client.post(
        upload_url,
        {"file": SimpleUploadedFile("流水.pdf", PDF), "issued_on": timezone.localdate().isoformat()},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.templates[0].name == "applications/documents/_checklist.html"
    partial = response.content.decode()
    assert "<html" not in partial
    assert f'id="checklist-item-{flow}" data-result="unverified"' in partial

    verified = client.post(
        reverse("applications:checklist_verify", args=[application.pk, flow]), headers={"HX-Request": "true"}
    )
    assert f'id="checklist-item-{flow}" data-result="ok"' in verified.content.decode()
    assert "完整度 33%" in verified.content.decode()

    download = client.get(reverse("applications:checklist_download", args=[application.pk, flow]))
    document = CustomerDocument.objects.get()
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f'attachment; filename="document-{document.pk}.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


def test_pages_outside_the_scope_are_404(org, li, application):  # noqa: F811
    client = client_for(org.cm_c)
    flow = item_pk(application, "近 6 个月工资流水")
    assert client.get(reverse("applications:checklist", args=[application.pk])).status_code == 404
    assert client.get(reverse("applications:customer_documents", args=[li.pk])).status_code == 404
    posted = client.post(
        reverse("applications:checklist_upload", args=[application.pk, flow]),
        {"file": SimpleUploadedFile("a.pdf", PDF), "issued_on": timezone.localdate().isoformat()},
    )
    assert posted.status_code == 404
    assert CustomerDocument.objects.count() == 0


def test_customer_documents_page_upload_and_list(org, li):  # noqa: F811
    client = client_for(org.cm_a)
    until = (timezone.localdate() + timedelta(days=365)).isoformat()
    response = client.post(
        reverse("applications:customer_document_upload", args=[li.pk]),
        {"kind": "身份证", "file": SimpleUploadedFile("id.pdf", PDF), "valid_until": until},
    )
    assert response.status_code == 302
    document = CustomerDocument.objects.get()
    assert (document.kind, document.customer_id, document.valid_until.isoformat()) == ("身份证", li.pk, until)
    page = client.get(reverse("applications:customer_documents", args=[li.pk])).content.decode()
    assert reverse("applications:document_download", args=[document.pk]) in page
    assert "待核验" in page


# --- API -----------------------------------------------------------------------------------------------


def test_api_checklist_upload_verify_download(org, li, application):  # noqa: F811
    client = client_for(org.cm_a)
    flow = item_pk(application, "近 6 个月工资流水")
    checklist_url = f"/api/v1/applications/{application.pk}/checklist/"
    body = client.get(checklist_url).json()
    assert (body["score"], body["complete"], body["missing"]) == (
        0,
        False,
        ["身份证", "近 6 个月工资流水", "征信查询授权书"],
    )
    assert [(i["name"], i["result"], i["document"]) for i in body["items"]] == [
        ("身份证", "missing", None),
        ("近 6 个月工资流水", "missing", None),
        ("征信查询授权书", "missing", None),
    ]
    assert body["items"][1]["max_age_days"] == 90
    assert body["items"][1]["message"] == "请上传近 6 个月工资流水。"

    upload_url = f"/api/v1/applications/{application.pk}/checklist/{flow}/upload/"
    today = timezone.localdate().isoformat()
    refused = client.post(upload_url, {"file": SimpleUploadedFile("流水.pdf", EXE), "issued_on": today})
    assert refused.status_code == 400
    assert refused.json()["code"] == "document_type_not_allowed"
    assert CustomerDocument.objects.count() == 0

    created = client.post(upload_url, {"file": SimpleUploadedFile("流水.pdf", PDF), "issued_on": today})
    assert created.status_code == 201
    document = created.json()
    assert (document["kind"], document["content_type"], document["size"], document["verified"]) == (
        "近 6 个月工资流水",
        "application/pdf",
        len(PDF),
        False,
    )

    verify_url = f"/api/v1/customer-documents/{document['id']}/verify/"
    assert client.post(verify_url).json()["verified"] is True
    again = client.post(verify_url)
    assert again.status_code == 409
    assert again.json()["code"] == "document_already_verified"

    body = client.get(checklist_url).json()
    assert (body["score"], body["items"][1]["result"]) == (33, "ok")

    download = client.get(f"/api/v1/customer-documents/{document['id']}/download/")
    assert download["Content-Disposition"] == f'attachment; filename="document-{document["id"]}.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF

    listed = client.get(f"/api/v1/customer-documents/?customer={li.pk}").json()
    assert [d["id"] for d in listed["results"]] == [document["id"]]


def test_api_upload_refusals(org, li, application):  # noqa: F811
    flow = item_pk(application, "近 6 个月工资流水")
    upload_url = f"/api/v1/applications/{application.pk}/checklist/{flow}/upload/"
    no_file = client_for(org.cm_a).post(upload_url, {}, content_type="application/json")
    assert (no_file.status_code, no_file.json()["code"]) == (400, "document_file_required")
    read_only = client_for(org.risk1).post(upload_url, {"file": SimpleUploadedFile("a.pdf", PDF)})
    assert (read_only.status_code, read_only.json()["code"]) == (403, "application_read_only")
    application.status = "submitted"
    application.save(update_fields=["status"])
    late = client_for(org.cm_a).post(
        upload_url, {"file": SimpleUploadedFile("a.pdf", PDF), "issued_on": timezone.localdate().isoformat()}
    )
    assert (late.status_code, late.json()["code"]) == (409, "application_not_editable")
    assert CustomerDocument.objects.count() == 0


def test_the_assigned_approver_reads_the_checklist_files_but_not_the_customer_file(org, li, application):  # noqa: F811
    document = services.document_upload(
        actor=org.cm_a,
        customer_id=li.pk,
        kind="身份证",
        file=SimpleUploadedFile("id.pdf", PDF),
        valid_until=timezone.localdate() + timedelta(days=30),
        application_id=application.pk,
        item_id=item_pk(application, "身份证"),
    )
    application.assigned_to = org.approver1
    application.save(update_fields=["assigned_to"])
    approver = client_for(org.approver1)
    assert approver.get(reverse("applications:checklist", args=[application.pk])).status_code == 200
    download = approver.get(
        reverse("applications:checklist_download", args=[application.pk, item_pk(application, "身份证")])
    )
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="document-{document.pk}.pdf"'
    assert approver.get(reverse("applications:document_download", args=[document.pk])).status_code == 404
    assert approver.get(reverse("applications:customer_documents", args=[li.pk])).status_code == 404


def test_queries_do_not_grow_with_the_rows(org, li, application):  # noqa: F811
    client = client_for(org.cm_a)
    today = timezone.localdate()

    def add(start: int, n: int) -> None:
        for i in range(start, start + n):
            document = services.document_upload(
                actor=org.cm_a,
                customer_id=li.pk,
                kind=f"其他{i}",
                file=SimpleUploadedFile("a.pdf", PDF + str(i).encode()),
                issued_on=today,
            )
            services.document_verify(actor=org.cm_a, document_id=document.pk)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    list_url = f"/api/v1/customer-documents/?customer={li.pk}"
    page_url = reverse("applications:customer_documents", args=[li.pk])
    checklist_url = reverse("applications:checklist", args=[application.pk])
    add(0, 1)
    count(list_url)  # the first request of the session reads more (the session, the person)
    few = (count(list_url), count(page_url), count(checklist_url))
    add(1, 3)
    services.document_upload(
        actor=org.cm_a,
        customer_id=li.pk,
        kind="身份证",
        file=SimpleUploadedFile("id.pdf", PDF),
        valid_until=today + timedelta(days=30),
        application_id=application.pk,
        item_id=item_pk(application, "身份证"),
    )
    assert (count(list_url), count(page_url), count(checklist_url)) == few
