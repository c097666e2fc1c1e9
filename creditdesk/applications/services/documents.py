"""Writes of an application's documents (申请资料, issue 15 item 6): the checklist made with the
application, uploads (to a checklist item or to the customer's file), verification against the original
(核验), and opening a file (audited). The validity rules are the pure ``applications.documents``."""

from __future__ import annotations

import hashlib
import os
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.applications import documents as rules
from creditdesk.applications.lifecycle import EDITABLE, PartyRole, Status
from creditdesk.applications.models import Application, ChecklistItem, CustomerDocument
from creditdesk.applications.selectors.documents import checklist_state, document_facts
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record, audit_snapshot
from creditdesk.core.enums import CustomerKind
from creditdesk.core.exceptions import Conflict, DomainError, NotFound
from creditdesk.customers.locks import customer_for_change
from creditdesk.customers.models import Customer

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
KIND_MAX = 100
NAME_MAX = 200
DOCUMENT_AUDIT_FIELDS = (
    "customer",
    "kind",
    "original_name",
    "content_type",
    "size",
    "sha256",
    "issued_on",
    "valid_until",
)


def max_bytes() -> int:
    """The largest file accepted (``settings.CREDITDESK_DOCUMENT_MAX_BYTES``, 10 MB by default)."""
    return int(getattr(settings, "CREDITDESK_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


# --- the checklist ---------------------------------------------------------------------------------------


def _collateral_type(application: Application) -> str | None:
    """The collateral the customer's need named (the proposal's need), or None: the product's
    collateral-specific documents (不动产权证书 …) follow it."""
    proposal = application.proposal
    need = getattr(proposal, "need", None) if proposal is not None else None
    collateral = getattr(need, "collateral_type", None)
    return None if not collateral or collateral == "none" else str(collateral)


def _party_documents(application: Application) -> list[tuple[str, Customer, str]]:
    """(item name, whose document, kind on their file) of each co-borrower's and guarantor's identity
    document: a person's 身份证, a business's 营业执照."""
    found = []
    for party in application.parties.select_related("customer").order_by("id"):
        if party.role == PartyRole.BORROWER:
            continue
        person = party.customer
        kind = rules.ID_CARD if person.kind == CustomerKind.INDIVIDUAL else rules.BUSINESS_LICENCE
        found.append((f"{kind}（{PartyRole(party.role).label} {person.name}）", person, kind))
    return found


def _usable_document(*, customer: Customer, kind: str, rule: rules.ItemRule, today: date) -> Any:
    """The customer's newest document of ``kind`` still valid by ``rule`` on ``today`` (reused), or None."""
    for document in CustomerDocument.objects.filter(customer=customer, kind=kind).order_by(
        "-uploaded_at", "-id"
    ):
        if rules.is_usable(rule=rule, document=document_facts(document), today=today):
            return document
    return None


def checklist_build(*, application: Application) -> list[ChecklistItem]:
    """资料清单: the documents the application needs, made inside the caller's transaction (the lead's
    ``application_create``; not durable). Rule (PRODUCT.md §5; issue 15 item 6): each part's product
    asks its documents for the borrower's customer type and the collateral (``ProductSpec.documents_for``);
    every application also needs the borrower's 身份证 (a person's), each co-borrower's and guarantor's
    identity document, and the 征信查询授权书 (satisfied by the application's credit inquiry). Names
    are de-duplicated, every item is mandatory, its validity rule comes from ``documents.DEFAULT_RULES``,
    and a document still valid on the customer's file is reused. Items already there are kept (calling it
    again adds only what is new)."""
    today = timezone.localdate()
    borrower = application.customer
    collateral = _collateral_type(application)
    wanted: list[tuple[str, Customer | None, str]] = []
    if borrower.kind == CustomerKind.INDIVIDUAL:
        wanted.append((rules.ID_CARD, borrower, rules.ID_CARD))
    for part in application.parts.select_related("product_version").order_by("position"):
        spec = part.product_version.as_spec()
        for name in spec.documents_for(borrower.kind, collateral):
            wanted.append((name, None if name == rules.CONSENT_ITEM else borrower, name))
    wanted.extend(_party_documents(application))
    wanted.append((rules.CONSENT_ITEM, None, rules.CONSENT_ITEM))

    existing = {item.name: item for item in application.checklist.all()}
    position = max((item.position for item in existing.values()), default=0)
    created = []
    for name, customer, kind in wanted:
        if name in existing:
            continue
        rule = rules.default_rule(kind)
        position += 1
        item = ChecklistItem(
            application=application,
            position=position,
            name=name,
            customer=customer,
            kind=kind,
            mandatory=True,
            max_age_days=rule.max_age_days,
            must_be_unexpired=rule.must_be_unexpired,
            rule=rule.text,
            document=None
            if customer is None
            else _usable_document(customer=customer, kind=kind, rule=rule, today=today),
        )
        existing[name] = item
        created.append(item)
    ChecklistItem.objects.bulk_create(created)
    return created


def require_checklist_complete(*, application: Application, today: date) -> None:
    """Refuse (``documents_incomplete``, the names in ``extra["missing"]``) unless every mandatory item
    is present, valid on ``today`` and verified: an incomplete application cannot be submitted
    (PRODUCT.md §5). Called by ``application_submit`` inside its transaction."""
    state = checklist_state(application=application, today=today)
    if not state.complete:
        raise DomainError(
            "documents_incomplete",
            _("申请资料不齐全，请补齐后再提交：%(names)s。") % {"names": "、".join(state.missing)},
            {"missing": list(state.missing)},
        )


# --- uploads ---------------------------------------------------------------------------------------------


def _refuse(code: str, message: str, field: str = "file") -> DomainError:
    return DomainError(code, message, {"field": field})


def _check_file(file: UploadedFile | None) -> str:
    """The file's content type read from its first bytes (PDF, JPEG or PNG); refuses no file, an empty
    one, one over the size limit, and any other type whatever its name or the client say."""
    if file is None:
        raise _refuse("document_file_required", _("请选择要上传的文件。"))
    size = file.size or 0
    if size == 0:
        raise _refuse("document_empty", _("上传的文件是空的，请重新选择文件。"))
    limit = max_bytes()
    if size > limit:
        raise _refuse(
            "document_too_large",
            _("文件不能超过 %(mb)s MB，请压缩或分页扫描后再上传。") % {"mb": f"{limit / 1024 / 1024:g}"},
        )
    file.seek(0)
    content_type = rules.sniff(file.read(rules.SNIFF_BYTES))
    file.seek(0)
    if content_type is None:
        raise _refuse(
            "document_type_not_allowed",
            _("只能上传 PDF、JPG 或 PNG 文件（按文件内容识别，修改扩展名无效）。"),
        )
    return content_type


def _sha256(file: UploadedFile) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _check_dates(
    *, rule: rules.ItemRule, issued_on: date | None, valid_until: date | None, today: date
) -> None:
    if issued_on is not None and issued_on > today:
        raise _refuse("document_issued_in_future", _("出具日期不能晚于今天。"), "issued_on")
    if issued_on is not None and valid_until is not None and valid_until < issued_on:
        raise _refuse("document_dates_inverted", _("有效期至不能早于出具日期。"), "valid_until")
    if valid_until is not None and valid_until < today:
        raise _refuse("document_expired", _("该资料已过有效期，请上传有效期内的资料。"), "valid_until")
    if rule.must_be_unexpired and valid_until is None:
        raise _refuse(
            "document_valid_until_required",
            _("该类资料须填写有效期至（如身份证背面的有效期限）。"),
            "valid_until",
        )
    if rule.max_age_days is not None and issued_on is None:
        raise _refuse(
            "document_issued_on_required",
            _("该类资料须填写出具日期（须为近 %(days)s 天内出具）。") % {"days": rule.max_age_days},
            "issued_on",
        )


def _application_for_work(*, actor: User, application_id: int | str) -> Application:
    """The application, locked, if ``actor`` may work on it (``Action.APPLICATION_WORK``) and it is still
    editable (草稿 / 资料齐全 / 退回补充)."""
    application = scope.get_for_change(
        actor,
        Application.objects.all(),
        application_id,
        action=Action.APPLICATION_WORK,
        missing=_("申请不存在，或不在您的权限范围内。"),
    )
    if application.status not in EDITABLE:
        raise Conflict(
            "application_not_editable",
            _("申请当前为「%(status)s」，资料不能再修改。") % {"status": Status(application.status).label},
            {"status": application.status},
        )
    return application


def _item_of(*, application: Application, item_id: int | str) -> ChecklistItem:
    item = (
        ChecklistItem.objects.select_for_update(of=("self",))
        .filter(application=application, pk=item_id)
        .select_related("customer")
        .first()
    )
    if item is None:
        raise NotFound("checklist_item_not_found", _("该申请没有这项资料。"))
    if item.customer_id is None:
        raise Conflict(
            "checklist_item_from_consent",
            _("征信查询授权书请在客户的「授权与征信」中登记书面授权，并以该授权为本申请查询征信。"),
            {"item": item.pk},
        )
    return item


@transaction.atomic(durable=True)
def document_upload(
    *,
    actor: User,
    customer_id: int | str,
    kind: str,
    file: UploadedFile | None,
    issued_on: date | None = None,
    valid_until: date | None = None,
    application_id: int | str | None = None,
    item_id: int | str | None = None,
) -> CustomerDocument:
    """上传资料 to ``customer_id``'s file, and to a checklist item of an application when given.

    Who: for an application, whoever may work on it (``Action.APPLICATION_WORK``: its CM or the team
    lead), while it is editable; for the customer's file alone, whoever may change the customer
    (``Action.CUSTOMER_CHANGE``). What: a PDF, JPEG or PNG by its first bytes (never the name or the
    client's type: an executable renamed .pdf is refused), not empty, at most ``max_bytes()``; stored
    under its SHA-256 and never served inline. The same file of the same kind for the same customer is
    the same document (the row is reused, not stored twice). Dates: not issued in the future, not already
    expired; an ID-like kind needs its expiry, a kind with a maximum age its issue date. An item is
    filled only by a document of its own customer and kind; the document also fills the empty items of
    that customer and kind in applications still being prepared (``_fill_open_items``)."""
    today = timezone.localdate()
    kind = (kind or "").strip()
    item: ChecklistItem | None = None
    if item_id is not None and application_id is None:
        owner = scope.visible(actor, ChecklistItem.objects.filter(pk=item_id)).values_list(
            "application_id", flat=True
        )
        application_id = owner.first()
        if application_id is None:
            raise NotFound("checklist_item_not_found", _("该资料项不存在，或不在您的权限范围内。"))
    if application_id is not None:
        application = _application_for_work(actor=actor, application_id=application_id)
        if item_id is not None:
            item = _item_of(application=application, item_id=item_id)
            kind = kind or item.kind
        parties = set(application.parties.values_list("customer_id", flat=True)) | {application.customer_id}
        customer = Customer.objects.filter(pk=customer_id, pk__in=parties).first()
        if customer is None:
            raise _refuse(
                "document_customer_not_party", _("资料所属客户不是该申请的借款参与人。"), "customer"
            )
        if item is not None and (item.customer_id != customer.pk or item.kind != kind):
            raise _refuse(
                "document_kind_mismatch",
                _("上传的资料与该资料项不符：该项需要%(name)s。") % {"name": item.name},
                "kind",
            )
    else:
        customer = customer_for_change(actor=actor, customer_id=customer_id, action=Action.CUSTOMER_CHANGE)
    if not kind:
        raise _refuse("document_kind_required", _("请填写资料类型。"), "kind")
    if len(kind) > KIND_MAX:
        raise _refuse("document_kind_too_long", _("资料类型不能超过 %(n)s 个字。") % {"n": KIND_MAX}, "kind")
    rule = (
        rules.ItemRule(item.max_age_days, item.must_be_unexpired, item.rule)
        if item is not None
        else rules.default_rule(kind)
    )
    content_type = _check_file(file)
    assert file is not None  # _check_file refused None
    _check_dates(rule=rule, issued_on=issued_on, valid_until=valid_until, today=today)

    sha256 = _sha256(file)
    document = CustomerDocument.objects.filter(customer=customer, kind=kind, sha256=sha256).first()
    reused = document is not None
    stored = None
    try:
        if document is None:
            document = CustomerDocument(
                customer=customer,
                kind=kind,
                original_name=os.path.basename(file.name or "")[:NAME_MAX] or "-",
                content_type=content_type,
                size=file.size or 0,
                sha256=sha256,
                issued_on=issued_on,
                valid_until=valid_until,
                uploaded_by=actor,
            )
            document.file.save(f"{sha256}.{rules.EXTENSIONS[content_type]}", file, save=False)
            stored = document.file.name
            try:
                with transaction.atomic():
                    document.save()
            except IntegrityError:
                # the same file arrived at the same moment (``customer_document_once``): that row is it
                document.file.storage.delete(stored)
                stored = None
                document = CustomerDocument.objects.get(customer=customer, kind=kind, sha256=sha256)
                reused = True
        if item is not None:
            item.document = document
            item.save(update_fields=["document"])
        filled = _fill_open_items(document=document, today=today)
        after: dict[str, Any] = {
            **audit_snapshot(document, DOCUMENT_AUDIT_FIELDS),
            "reused": reused,
            "application": application_id,
            "item": item.name if item is not None else None,
            "filled_items": filled,
        }
        audit_record(actor=actor, action="document.upload", target=document, after=after)
    except BaseException:
        if stored and document is not None:  # no orphan file when the row is not written
            document.file.storage.delete(stored)
        raise
    return document


def _fill_open_items(*, document: CustomerDocument, today: date) -> list[int]:
    """Reuse on the way in: the empty items of the customer's applications still being prepared that ask
    for this kind of document are filled by it, when it is valid by their rule (a document added to the
    customer's file after the checklist was made)."""
    filled = []
    items = ChecklistItem.objects.select_for_update(of=("self",)).filter(
        customer=document.customer,
        kind=document.kind,
        document__isnull=True,
        application__status__in=EDITABLE,
    )
    facts = document_facts(document)
    for item in items.order_by("pk"):
        rule = rules.ItemRule(item.max_age_days, item.must_be_unexpired, item.rule)
        if rules.is_usable(rule=rule, document=facts, today=today):
            item.document = document
            item.save(update_fields=["document"])
            filled.append(item.pk)
    return filled


@transaction.atomic(durable=True)
def document_verify(*, actor: User, document_id: int | str) -> CustomerDocument:
    """核验: a person records that the document matches the original they saw. Who: whoever may change the
    customer whose document it is (``Action.CUSTOMER_CHANGE``: the CM, the team lead). Once only (a
    second verification is refused: ``document_already_verified``)."""
    document = scope.get_for_change(
        actor,
        CustomerDocument.objects.all(),
        document_id,
        action=Action.CUSTOMER_CHANGE,
        missing=_("资料不存在，或不在您的权限范围内。"),
    )
    if document.verified_at is not None:
        raise Conflict(
            "document_already_verified",
            _("该资料已于 %(at)s 核验，无需重复核验。")
            % {"at": timezone.localtime(document.verified_at).strftime("%Y-%m-%d %H:%M")},
            {"verified_by": document.verified_by_id},
        )
    document.verified_by = actor
    document.verified_at = timezone.now()
    document.save(update_fields=["verified_by", "verified_at"])
    audit_record(
        actor=actor,
        action="document.verify",
        target=document,
        after={"kind": document.kind, "sha256": document.sha256, "customer": document.customer_id},
    )
    return document


@transaction.atomic(durable=True)
def checklist_item_verify(*, actor: User, application_id: int | str, item_id: int | str) -> ChecklistItem:
    """核验 the document filling a checklist item (the checklist page's button): the same rule as
    ``document_verify`` (whoever may change the customer), and the application must be one the person may
    work on; an empty item cannot be verified (``checklist_item_empty``)."""
    application = _application_for_work(actor=actor, application_id=application_id)
    item = _item_of(application=application, item_id=item_id)
    if item.document_id is None:
        raise Conflict("checklist_item_empty", _("请先上传该资料，再核验。"), {"item": item.pk})
    document = scope.get_for_change(
        actor,
        CustomerDocument.objects.all(),
        item.document_id,
        action=Action.CUSTOMER_CHANGE,
        missing=_("资料不存在，或不在您的权限范围内。"),
    )
    if document.verified_at is not None:
        raise Conflict(
            "document_already_verified",
            _("该资料已核验，无需重复核验。"),
            {"verified_by": document.verified_by_id},
        )
    document.verified_by = actor
    document.verified_at = timezone.now()
    document.save(update_fields=["verified_by", "verified_at"])
    audit_record(
        actor=actor,
        action="document.verify",
        target=document,
        after={"kind": document.kind, "sha256": document.sha256, "customer": document.customer_id},
    )
    item.document = document
    return item


# --- opening a file --------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def document_open(*, actor: User, document_id: int | str) -> CustomerDocument:
    """查看资料 from the customer's file: an ID copy or a bank statement is personal information, so each
    opening is audited (as an evidence file is). Anyone who may see the customer."""
    document = scope.visible(actor, CustomerDocument.objects.filter(pk=document_id)).first()
    if document is None:
        raise NotFound("not_found", _("资料不存在，或不在您的权限范围内。"))
    audit_record(actor=actor, action="document.download", target=document, after={"sha256": document.sha256})
    return document


@transaction.atomic(durable=True)
def checklist_document_open(
    *, actor: User, application_id: int | str, item_id: int | str
) -> CustomerDocument:
    """查看资料 of a checklist item: anyone who sees the application (its approver included, who may not
    see the customer's whole file); audited."""
    item = (
        scope.visible(actor, ChecklistItem.objects.filter(pk=item_id, application_id=application_id))
        .select_related("document")
        .first()
    )
    if item is None or item.document is None:
        raise NotFound("not_found", _("资料不存在，或不在您的权限范围内。"))
    document = item.document
    audit_record(
        actor=actor,
        action="document.download",
        target=document,
        after={"sha256": document.sha256, "application": item.application_id, "item": item.name},
    )
    return document
