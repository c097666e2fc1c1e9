"""The document services: the checklist made from the product and the parties, reuse of the customer's
file, uploads and their refusals (state unchanged), verification, completeness."""

from __future__ import annotations

import copy
import hashlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
from django.utils import timezone

from creditdesk.applications.models import ApplicationParty, ChecklistItem, CustomerDocument
from creditdesk.applications.selectors.documents import checklist_state
from creditdesk.applications.services import documents as services
from creditdesk.applications.tests.factories import make_application
from creditdesk.consents.models import CreditInquiry
from creditdesk.consents.tests.conftest import make_consent
from creditdesk.core.exceptions import Conflict, DomainError, NotAllowed, NotFound
from creditdesk.core.models import AuditEvent
from creditdesk.customers import services as customer_services
from creditdesk.customers.services import CustomerInput
from creditdesk.products import services as product_services
from creditdesk.solutions.tests.conftest import li  # noqa: F401 — a fixture
from creditdesk.solutions.tests.small_catalogue import XYD

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48
DOCS = [
    {"name": "身份证", "customer_types": ["individual"]},
    {"name": "收入证明（单位盖章）", "customer_types": ["individual"]},
    {"name": "近 6 个月工资流水", "customer_types": ["individual"]},
    {"name": "征信查询授权书"},
]
NAMES = ["身份证", "收入证明（单位盖章）", "近 6 个月工资流水", "征信查询授权书"]
WANG_ID = "110105198501011234"


def upload(content: bytes = PDF, name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()]


@pytest.fixture
def version(org):
    product = product_services.product_create(
        actor=org.risk1, spec={**copy.deepcopy(XYD), "documents": DOCS}, note="首版"
    )
    return product.current_version


@pytest.fixture
def application(org, li, version):  # noqa: F811
    application = make_application(customer=li, product_version=version)
    services.checklist_build(application=application)
    return application


def item(application, name: str) -> ChecklistItem:
    return application.checklist.get(name=name)


def documents_unchanged(media, application) -> None:
    assert CustomerDocument.objects.count() == 0
    assert not ChecklistItem.objects.filter(application=application, document__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="document.upload").exists()
    assert stored_files(media) == []


# --- the checklist ------------------------------------------------------------------------------------


def test_checklist_from_the_product_plus_id_and_authorization(application, li):  # noqa: F811
    items = list(application.checklist.order_by("position"))
    assert [i.name for i in items] == NAMES
    assert [i.position for i in items] == [1, 2, 3, 4]
    assert all(i.mandatory for i in items)
    assert [(i.max_age_days, i.must_be_unexpired) for i in items] == [
        (None, True),
        (90, False),
        (90, False),
        (None, True),
    ]
    assert [i.customer_id for i in items] == [li.pk, li.pk, li.pk, None]
    assert items[0].rule == "身份证件须在有效期内（本行贷款资料管理要求（可配置））"
    assert all(i.document_id is None for i in items)


def test_checklist_names_each_co_borrower_id_and_is_built_once(org, li, version):  # noqa: F811
    wang = customer_services.customer_create(
        actor=org.cm_a, data=CustomerInput(kind="individual", name="王五", id_number=WANG_ID)
    )
    application = make_application(customer=li, product_version=version)
    ApplicationParty.objects.create(
        application=application, customer=wang, role="co_borrower", relation="配偶"
    )
    services.checklist_build(application=application)
    assert services.checklist_build(application=application) == []  # nothing new the second time
    names = list(application.checklist.order_by("position").values_list("name", "customer_id", "kind"))
    assert names == [
        ("身份证", li.pk, "身份证"),
        ("收入证明（单位盖章）", li.pk, "收入证明（单位盖章）"),
        ("近 6 个月工资流水", li.pk, "近 6 个月工资流水"),
        ("征信查询授权书", None, "征信查询授权书"),  # where the product lists it
        ("身份证（共同借款人 王五）", wang.pk, "身份证"),
    ]


def test_checklist_reuses_a_still_valid_document_of_the_customer_file(org, li, version):  # noqa: F811
    today = timezone.localdate()
    id_card = services.document_upload(
        actor=org.cm_a,
        customer_id=li.pk,
        kind="身份证",
        file=upload(),
        valid_until=today + timedelta(days=365),
    )
    CustomerDocument.objects.create(  # issued 91 days ago: too old to reuse
        customer=li,
        kind="收入证明（单位盖章）",
        file="documents/old.pdf",
        original_name="old.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        issued_on=today - timedelta(days=91),
        uploaded_by=org.cm_a,
    )
    application = make_application(customer=li, product_version=version)
    services.checklist_build(application=application)
    assert item(application, "身份证").document_id == id_card.pk
    assert item(application, "收入证明（单位盖章）").document_id is None


def test_a_document_added_to_the_file_later_fills_the_open_items(org, li, application, version):  # noqa: F811
    today = timezone.localdate()
    submitted = make_application(customer=li, product_version=version, status="submitted")
    services.checklist_build(application=submitted)
    old = services.document_upload(
        actor=org.cm_a,
        customer_id=li.pk,
        kind="收入证明（单位盖章）",
        file=upload(PDF + b"old"),
        issued_on=today - timedelta(days=91),
    )
    assert item(application, "收入证明（单位盖章）").document_id is None  # too old for the item's rule
    fresh = services.document_upload(
        actor=org.cm_a,
        customer_id=li.pk,
        kind="收入证明（单位盖章）",
        file=upload(PDF + b"new"),
        issued_on=today - timedelta(days=1),
    )
    assert item(application, "收入证明（单位盖章）").document_id == fresh.pk
    assert item(submitted, "收入证明（单位盖章）").document_id is None  # no longer being prepared
    events = AuditEvent.objects.filter(action="document.upload").order_by("id")
    assert [e.after["filled_items"] for e in events] == [[], [item(application, "收入证明（单位盖章）").pk]]
    assert old.pk != fresh.pk


# --- uploads -------------------------------------------------------------------------------------------


def test_upload_to_an_item_stores_the_file_under_its_digest(org, li, application, media):  # noqa: F811
    today = timezone.localdate()
    document = services.document_upload(
        actor=org.cm_a,
        customer_id=li.pk,
        kind="收入证明（单位盖章）",
        file=upload(name="收入证明.exe.pdf"),
        issued_on=today - timedelta(days=10),
        application_id=application.pk,
        item_id=item(application, "收入证明（单位盖章）").pk,
    )
    digest = hashlib.sha256(PDF).hexdigest()
    assert (document.sha256, document.size, document.content_type) == (digest, len(PDF), "application/pdf")
    assert document.file.name == f"documents/{li.pk}/{digest[:2]}/{digest}"
    assert document.original_name == "收入证明.exe.pdf"
    assert document.uploaded_by == org.cm_a
    assert item(application, "收入证明（单位盖章）").document_id == document.pk
    assert [p.name for p in stored_files(media)] == [digest]
    event = AuditEvent.objects.get(action="document.upload")
    assert event.after["sha256"] == digest
    assert event.after["item"] == "收入证明（单位盖章）"
    assert event.after["reused"] is False


def test_the_same_file_again_reuses_the_row(org, li, media):  # noqa: F811
    until = timezone.localdate() + timedelta(days=30)
    first = services.document_upload(
        actor=org.cm_a, customer_id=li.pk, kind="身份证", file=upload(), valid_until=until
    )
    again = services.document_upload(
        actor=org.cm_a, customer_id=li.pk, kind="身份证", file=upload(), valid_until=until
    )
    assert again.pk == first.pk
    assert CustomerDocument.objects.count() == 1
    assert len(stored_files(media)) == 1
    assert [
        e.after["reused"] for e in AuditEvent.objects.filter(action="document.upload").order_by("id")
    ] == [
        False,
        True,
    ]


def test_the_same_file_at_the_same_moment_is_still_one_document(org, li, media, monkeypatch):  # noqa: F811
    """Two uploads of one file racing: the second finds no row when it looks, then the unique constraint
    (``customer_document_once``) refuses its insert — it takes the first one's row and leaves no file."""
    until = timezone.localdate() + timedelta(days=30)
    first = services.document_upload(
        actor=org.cm_a, customer_id=li.pk, kind="身份证", file=upload(), valid_until=until
    )
    original = QuerySet.first

    def first_unless_a_document(queryset):
        return None if queryset.model is CustomerDocument else original(queryset)

    monkeypatch.setattr(QuerySet, "first", first_unless_a_document)
    again = services.document_upload(
        actor=org.cm_a, customer_id=li.pk, kind="身份证", file=upload(), valid_until=until
    )
    assert again.pk == first.pk
    assert CustomerDocument.objects.count() == 1
    assert len(stored_files(media)) == 1
    assert AuditEvent.objects.filter(action="document.upload").order_by("-id").first().after["reused"] is True


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (EXE, "document_type_not_allowed"),  # an executable renamed .pdf
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 24, "document_type_not_allowed"),
        (b"#!/bin/sh\necho hi\n", "document_type_not_allowed"),
        (b"", "document_empty"),
        (PDF + b"x" * 200, "document_too_large"),
    ],
)
def test_upload_refusals_leave_nothing(org, li, application, media, settings, content, code):  # noqa: F811
    settings.CREDITDESK_DOCUMENT_MAX_BYTES = len(PDF) + 199
    with pytest.raises(DomainError) as refused:
        services.document_upload(
            actor=org.cm_a,
            customer_id=li.pk,
            kind="收入证明（单位盖章）",
            file=upload(content, "收入证明.pdf"),
            issued_on=timezone.localdate(),
            application_id=application.pk,
            item_id=item(application, "收入证明（单位盖章）").pk,
        )
    assert refused.value.code == code
    documents_unchanged(media, application)


def test_type_refusal_message(org, li):  # noqa: F811
    with pytest.raises(DomainError) as refused:
        services.document_upload(actor=org.cm_a, customer_id=li.pk, kind="其他", file=upload(EXE, "a.pdf"))
    assert refused.value.message == "只能上传 PDF、JPG 或 PNG 文件（按文件内容识别，修改扩展名无效）。"


def test_size_limit_defaults_to_10_mb(org, li, application, media):  # noqa: F811
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024 - len(PDF) + 1))
    with pytest.raises(DomainError) as refused:
        services.document_upload(
            actor=org.cm_a, customer_id=li.pk, kind="其他", file=big, application_id=application.pk
        )
    assert (refused.value.code, refused.value.message) == (
        "document_too_large",
        "文件不能超过 10 MB，请压缩或分页扫描后再上传。",
    )
    documents_unchanged(media, application)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": "身份证", "valid_until": None}, "document_valid_until_required"),
        ({"kind": "收入证明（单位盖章）", "issued_on": None}, "document_issued_on_required"),
        ({"kind": "身份证", "valid_until": -1}, "document_expired"),
        ({"kind": "其他", "issued_on": 1}, "document_issued_in_future"),
        ({"kind": "其他", "issued_on": -5, "valid_until": -6}, "document_dates_inverted"),
        ({"kind": " "}, "document_kind_required"),
    ],
)
def test_date_and_kind_refusals(org, li, media, kwargs, code):  # noqa: F811
    today = timezone.localdate()
    values = {k: (today + timedelta(days=v) if isinstance(v, int) else v) for k, v in kwargs.items()}
    with pytest.raises(DomainError) as refused:
        services.document_upload(actor=org.cm_a, customer_id=li.pk, file=upload(), **values)
    assert refused.value.code == code
    assert CustomerDocument.objects.count() == 0
    assert stored_files(media) == []


def test_upload_refused_once_the_application_is_submitted(org, li, application, media):  # noqa: F811
    application.status = "submitted"
    application.save(update_fields=["status"])
    with pytest.raises(Conflict) as refused:
        services.document_upload(
            actor=org.cm_a,
            customer_id=li.pk,
            kind="身份证",
            file=upload(),
            valid_until=timezone.localdate() + timedelta(days=30),
            application_id=application.pk,
            item_id=item(application, "身份证").pk,
        )
    assert (refused.value.code, refused.value.message) == (
        "application_not_editable",
        "申请当前为「已提交」，资料不能再修改。",
    )
    documents_unchanged(media, application)


def test_upload_refused_to_an_item_of_another_kind_or_the_authorization(org, li, application, media):  # noqa: F811
    with pytest.raises(DomainError) as wrong_kind:
        services.document_upload(
            actor=org.cm_a,
            customer_id=li.pk,
            kind="其他",
            file=upload(),
            application_id=application.pk,
            item_id=item(application, "身份证").pk,
        )
    assert wrong_kind.value.code == "document_kind_mismatch"
    with pytest.raises(Conflict) as consent:
        services.document_upload(
            actor=org.cm_a,
            customer_id=li.pk,
            kind="征信查询授权书",
            file=upload(),
            application_id=application.pk,
            item_id=item(application, "征信查询授权书").pk,
        )
    assert consent.value.code == "checklist_item_from_consent"
    documents_unchanged(media, application)


def test_who_may_upload(org, li, application, media):  # noqa: F811
    until = timezone.localdate() + timedelta(days=30)
    common = {"customer_id": li.pk, "kind": "身份证", "file": upload(), "valid_until": until}
    with pytest.raises(NotAllowed) as read_only:
        services.document_upload(actor=org.risk1, application_id=application.pk, **common)
    assert read_only.value.code == "application_read_only"
    with pytest.raises(NotFound):
        services.document_upload(actor=org.cm_c, application_id=application.pk, **common)
    with pytest.raises(NotAllowed) as customer_read_only:
        services.document_upload(actor=org.head1, **common)
    assert customer_read_only.value.code == "customer_read_only"
    documents_unchanged(media, application)
    lead = services.document_upload(actor=org.lead1, application_id=application.pk, **common)
    assert lead.uploaded_by == org.lead1


# --- verification and completeness ---------------------------------------------------------------------


def _id_card(org, li):  # noqa: F811
    return services.document_upload(
        actor=org.cm_a,
        customer_id=li.pk,
        kind="身份证",
        file=upload(PNG, "id.png"),
        valid_until=timezone.localdate() + timedelta(days=365),
    )


def test_verify_once(org, li):  # noqa: F811
    document = _id_card(org, li)
    with pytest.raises(NotAllowed) as read_only:
        services.document_verify(actor=org.risk1, document_id=document.pk)
    assert read_only.value.code == "customer_read_only"
    document.refresh_from_db()
    assert (document.verified_by, document.verified_at) == (None, None)

    verified = services.document_verify(actor=org.cm_a, document_id=document.pk)
    assert verified.verified_by == org.cm_a
    assert verified.verified_at is not None
    assert AuditEvent.objects.filter(action="document.verify", target_id=str(document.pk)).count() == 1

    with pytest.raises(Conflict) as again:
        services.document_verify(actor=org.lead1, document_id=document.pk)
    assert again.value.code == "document_already_verified"
    document.refresh_from_db()
    assert document.verified_by == org.cm_a
    assert AuditEvent.objects.filter(action="document.verify").count() == 1


def test_completeness_until_submission_is_possible(org, li, application):  # noqa: F811
    today = timezone.localdate()
    state = checklist_state(application=application, today=today)
    assert (state.score, state.complete, state.missing) == (0, False, tuple(NAMES))
    with pytest.raises(DomainError) as incomplete:
        services.require_checklist_complete(application=application, today=today)
    assert incomplete.value.code == "documents_incomplete"
    assert incomplete.value.extra == {"missing": NAMES}
    assert incomplete.value.message == f"申请资料不齐全，请补齐后再提交：{'、'.join(NAMES)}。"

    for name, dates in (
        ("身份证", {"valid_until": today + timedelta(days=365)}),
        ("收入证明（单位盖章）", {"issued_on": today - timedelta(days=90)}),
        ("近 6 个月工资流水", {"issued_on": today - timedelta(days=3)}),
    ):
        services.document_upload(
            actor=org.cm_a,
            customer_id=li.pk,
            kind=name,
            file=upload(PDF + name.encode(), "a.pdf"),
            application_id=application.pk,
            item_id=item(application, name).pk,
            **dates,
        )
    state = checklist_state(application=application, today=today)
    assert [s.result for s in state.items] == ["unverified", "unverified", "unverified", "missing"]
    assert state.score == 0

    for name in NAMES[:3]:
        services.checklist_item_verify(
            actor=org.cm_a, application_id=application.pk, item_id=item(application, name).pk
        )
    state = checklist_state(application=application, today=today)
    assert (state.score, state.complete, state.missing) == (75, False, ("征信查询授权书",))

    consent = make_consent(li)
    application.credit_inquiry = CreditInquiry.objects.create(
        customer=li, purpose="loan_review", consent=consent, requested_by=org.cm_a
    )
    application.save(update_fields=["credit_inquiry"])
    state = checklist_state(application=application, today=today)
    assert (state.score, state.complete, state.missing) == (100, True, ())
    services.require_checklist_complete(application=application, today=today)

    # a day after the income proof is 90 days old, the checklist is incomplete again
    later = checklist_state(application=application, today=today + timedelta(days=1))
    assert (later.score, later.missing) == (75, ("收入证明（单位盖章）",))
