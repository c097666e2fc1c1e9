"""Pages of application documents: the checklist (upload per item, 核验, HTMX refresh of the list), the
customer's file of documents, and the file itself — always a download, never shown inline."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from creditdesk.accounts import policy
from creditdesk.applications import documents as rules
from creditdesk.applications.forms_documents import CustomerDocumentForm, ItemUploadForm
from creditdesk.applications.lifecycle import EDITABLE
from creditdesk.applications.models import Application, CustomerDocument
from creditdesk.applications.selectors import documents as selectors
from creditdesk.applications.services import documents as services
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError
from creditdesk.core.htmx import is_htmx
from creditdesk.core.paging import paginate
from creditdesk.core.views.errors import refusals_as_http
from creditdesk.customers.selectors import customer_get_visible


def checklist_context(*, request: HttpRequest, application: Application) -> dict[str, Any]:
    """The context of ``applications/documents/_checklist.html`` (also for the application's page)."""
    can_change = application.status in EDITABLE and policy.can(
        request.user, Action.APPLICATION_WORK, application
    )
    return {
        "application": application,
        "checklist": selectors.checklist_state(application=application, today=timezone.localdate()),
        "can_change": can_change,
    }


def _checklist_response(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.application_get_visible(user=request.user, application_id=application_id)
    if is_htmx(request):
        context = {**checklist_context(request=request, application=application), "htmx": True}
        return render(request, "applications/documents/_checklist.html", context)
    return redirect("applications:checklist", application_id=application_id)


@login_required
@require_GET
def checklist(request: HttpRequest, application_id: int) -> HttpResponse:
    """资料清单 of an application: each item's state and what to do, the completeness score."""
    application = selectors.application_get_visible(user=request.user, application_id=application_id)
    context = checklist_context(request=request, application=application)
    context["form"] = ItemUploadForm()
    return render(request, "applications/documents/checklist.html", context)


@login_required
@require_POST
def checklist_upload(request: HttpRequest, application_id: int, item_id: int) -> HttpResponse:
    """上传 one item's document (multipart); with HTMX the checklist is sent back redrawn."""
    application = selectors.application_get_visible(user=request.user, application_id=application_id)
    item = application.checklist.filter(pk=item_id).first()
    form = ItemUploadForm(request.POST, request.FILES)
    try:
        with refusals_as_http():
            if not form.is_valid():
                # who may upload is answered before what was sent is judged (403 before 400)
                policy.require(request.user, Action.APPLICATION_WORK, application)
                raise DomainError("document_form_invalid", _form_errors(form))
            services.document_upload(
                actor=request.user,
                customer_id=item.customer_id if item is not None and item.customer_id else 0,
                kind=item.kind if item is not None else "",
                file=form.cleaned_data["file"],
                issued_on=form.cleaned_data.get("issued_on"),
                valid_until=form.cleaned_data.get("valid_until"),
                application_id=application.pk,
                item_id=item_id,
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已上传：%(name)s") % {"name": item.name if item else ""})
    return _checklist_response(request, application_id)


@login_required
@require_POST
def checklist_verify(request: HttpRequest, application_id: int, item_id: int) -> HttpResponse:
    """核验 the document of one item against the original."""
    try:
        with refusals_as_http():
            item = services.checklist_item_verify(
                actor=request.user, application_id=application_id, item_id=item_id
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已核验：%(name)s") % {"name": item.name})
    return _checklist_response(request, application_id)


def _attachment(document: CustomerDocument) -> FileResponse:
    """The stored file as a download: the type found in its first bytes, never rendered by the browser."""
    extension = rules.EXTENSIONS.get(document.content_type, "bin")
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        content_type=document.content_type,
        filename=f"document-{document.pk}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def checklist_download(request: HttpRequest, application_id: int, item_id: int) -> FileResponse:
    """The file of one checklist item (whoever sees the application, its approver included); audited."""
    with refusals_as_http():
        document = services.checklist_document_open(
            actor=request.user, application_id=application_id, item_id=item_id
        )
    return _attachment(document)


@login_required
@require_GET
def document_download(request: HttpRequest, document_id: int) -> FileResponse:
    """A file of a customer's documents (whoever sees the customer); audited."""
    with refusals_as_http():
        document = services.document_open(actor=request.user, document_id=document_id)
    return _attachment(document)


@login_required
@require_POST
def document_verify(request: HttpRequest, document_id: int) -> HttpResponse:
    """核验 a document of the customer's file."""
    document = selectors.document_list_visible_to(user=request.user).filter(pk=document_id).first()
    try:
        with refusals_as_http():
            services.document_verify(actor=request.user, document_id=document_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已核验。"))
    assert document is not None  # the service found it (404 otherwise)
    return redirect("applications:customer_documents", customer_id=document.customer_id)


@login_required
def customer_documents(request: HttpRequest, customer_id: int) -> HttpResponse:
    """客户资料: the documents on a customer's file (reused by every application while valid), and the
    form to add one."""
    customer = customer_get_visible(user=request.user, customer_id=customer_id)
    page = paginate(request, selectors.customer_documents(user=request.user, customer_id=customer.pk))
    context = {
        "customer": customer,
        "page": page,
        "form": CustomerDocumentForm(),
        "can_change": policy.can(request.user, Action.CUSTOMER_CHANGE, customer),
    }
    return render(request, "applications/documents/customer_documents.html", context)


@login_required
@require_POST
def customer_document_upload(request: HttpRequest, customer_id: int) -> HttpResponse:
    """上传资料 to the customer's file."""
    customer = customer_get_visible(user=request.user, customer_id=customer_id)
    form = CustomerDocumentForm(request.POST, request.FILES)
    try:
        with refusals_as_http():
            if not form.is_valid():
                policy.require(request.user, Action.CUSTOMER_CHANGE, customer)
                raise DomainError("document_form_invalid", _form_errors(form))
            document = services.document_upload(
                actor=request.user,
                customer_id=customer.pk,
                kind=form.cleaned_data["kind"],
                file=form.cleaned_data["file"],
                issued_on=form.cleaned_data.get("issued_on"),
                valid_until=form.cleaned_data.get("valid_until"),
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已上传：%(kind)s") % {"kind": document.kind})
    return redirect("applications:customer_documents", customer_id=customer.pk)


def _form_errors(form: Any) -> str:
    """The form's errors as one sentence for the message area ("文件：该字段是必填项。")."""
    parts: list[str] = []
    for name, errors in form.errors.items():
        label = f"{form.fields[name].label}：" if name in form.fields else ""
        parts.extend(f"{label}{error}" for error in errors)
    return "；".join(parts)
