"""Steps of an application's life done through the services, for tests that need an application at a
given point (ready to submit, approved, signed): each step is the real service, nothing written
directly, so these tests break when a rule changes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from creditdesk.applications.models import Application
from creditdesk.applications.services import application as application_services
from creditdesk.applications.services import approval, documents, signing
from creditdesk.consents import services as consent_services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "资料.pdf", salt: str = "") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF + salt.encode(), content_type="application/pdf")


def authorize_inquiry(actor, customer):
    """A written 征信 authorization of ``customer`` and the inquiry made under it."""
    today = timezone.localdate()
    consent_services.consent_record(
        actor=actor,
        customer_id=customer.pk,
        kind="credit_inquiry",
        purpose="loan_review",
        signed_on=today,
        valid_until=today + timedelta(days=300),
        channel="paper",
        evidence=pdf("授权书.pdf"),
    )
    return consent_services.credit_inquiry_request(
        actor=actor, customer_id=customer.pk, purpose="loan_review"
    )


def create(
    actor,
    customer,
    *,
    product: str = "XYD",
    amount: str = "150000.00",
    term_months: int = 36,
    method: str = "equal_installment",
    annual_rate: str | None = None,
    inquiry=None,
) -> Application:
    return application_services.application_create(
        actor=actor,
        customer_id=customer.pk,
        purpose="renovation",
        parts=[
            application_services.PartInput(
                product_code=product,
                amount=Decimal(amount),
                term_months=term_months,
                method=method,
                annual_rate=Decimal(annual_rate) if annual_rate else None,
            )
        ],
        credit_inquiry_id=inquiry.pk if inquiry else None,
    )


def complete_checklist(actor, application: Application) -> None:
    """Upload and verify a valid document for every item that names a customer."""
    today = timezone.localdate()
    for item in application.checklist.select_related("customer").order_by("position"):
        if item.customer_id is None or item.document_id is not None:
            continue
        document = documents.document_upload(
            actor=actor,
            customer_id=item.customer_id,
            kind=item.kind,
            file=pdf(f"{item.kind}.pdf", salt=f"{application.pk}-{item.pk}"),
            issued_on=today - timedelta(days=10),
            valid_until=today + timedelta(days=3650) if item.must_be_unexpired else None,
            application_id=application.pk,
            item_id=item.pk,
        )
        if document.verified_at is None:
            documents.document_verify(actor=actor, document_id=document.pk)


def verify_identity(actor, application: Application) -> None:
    for party in application.parties.all():
        signing.identity_check_record(
            actor=actor,
            application_id=application.pk,
            customer_id=party.customer_id,
            result="match",
            reference=f"GA{party.customer_id:08d}",
            id_expires_on=timezone.localdate() + timedelta(days=3650),
        )


def ready(actor, customer, **kwargs) -> Application:
    """An application with its investigation concluded, identity verified and documents complete."""
    inquiry = authorize_inquiry(actor, customer)
    application = create(actor, customer, inquiry=inquiry, **kwargs)
    application_services.application_update(
        actor=actor,
        application_id=application.pk,
        data={"recommendation": "recommend", "cash_flow_analysis": "月收入 3 万，负债 2 千。"},
    )
    verify_identity(actor, application)
    complete_checklist(actor, application)
    application.refresh_from_db()
    return application


def approved(org, customer, **kwargs) -> Application:
    """Submitted by cm_a, recommended by lead1, approved by approver1 (≤ 300,000, grade A–C route)."""
    application = ready(org.cm_a, customer, **kwargs)
    approval.application_submit(actor=org.cm_a, application_id=application.pk)
    application.refresh_from_db()
    while application.status in ("submitted", "under_review"):
        person = application.assigned_to
        step = approval.current_step(application)
        last = not application.steps.filter(round=step.round, position__gt=step.position).exists()
        approval.application_decide(
            actor=person,
            application_id=application.pk,
            outcome="approve" if last else "recommend",
            conditions=["落实借款人工作单位收入证明原件核验"] if last else [],
        )
        application.refresh_from_db()
    return application


def signed(org, customer, **kwargs) -> Application:
    application = approved(org, customer, **kwargs)
    for party in application.parties.all():
        signing.interview_record(
            actor=org.cm_a,
            application_id=application.pk,
            customer_id=party.customer_id,
            kind="face_to_face",
            held_at=timezone.now() - timedelta(minutes=5),
            place="本行营业部二楼面签室",
            second_witness="王芳",
        )
    signing.contract_sign(
        actor=org.cm_a, application_id=application.pk, value_date=timezone.localdate(), place="本行营业部"
    )
    application.refresh_from_db()
    return application
