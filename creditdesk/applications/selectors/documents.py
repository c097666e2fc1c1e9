"""Reads of application documents: the checklist's state on a date (the pure rules applied to the rows),
the documents on a customer's file, each scoped to the person asking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.applications import documents as rules
from creditdesk.applications.models import Application, ChecklistItem, CustomerDocument
from creditdesk.applications.selectors import application as application_selectors
from creditdesk.consents.choices import WRITTEN_CHANNEL_VALUES


@dataclass(frozen=True)
class ItemState:
    """One checklist item on a date: the row, the document filling it (None if none), the result
    (``documents.ItemResult``) and the sentence that says what to do."""

    item: ChecklistItem
    document: CustomerDocument | None
    result: rules.ItemResult
    message: str

    @property
    def ok(self) -> bool:
        return self.result == rules.ItemResult.OK

    @property
    def from_consent(self) -> bool:
        """The 征信查询授权书, satisfied by the application's credit inquiry (no upload)."""
        return self.item.customer_id is None


@dataclass(frozen=True)
class ChecklistState:
    """The checklist of an application on ``today``: every item's state, the completeness ``score``
    (whole percent of mandatory items ok), ``complete`` and the ``missing`` mandatory items' names."""

    today: date
    items: tuple[ItemState, ...]
    score: int
    complete: bool
    missing: tuple[str, ...]


def document_facts(document: CustomerDocument) -> rules.DocumentFacts:
    return rules.DocumentFacts(
        issued_on=document.issued_on,
        valid_until=document.valid_until,
        verified=document.verified_at is not None,
    )


def _consent_facts(application: Application) -> rules.ConsentFacts | None:
    inquiry = application.credit_inquiry
    consent = inquiry.consent if inquiry is not None else None
    if consent is None:
        return None
    return rules.ConsentFacts(
        written=consent.channel in WRITTEN_CHANNEL_VALUES,
        signed_on=consent.signed_on,
        valid_until=consent.valid_until,
        revoked=consent.revoked_at is not None,
    )


def checklist_items(*, application: Application) -> QuerySet[ChecklistItem]:
    return (
        ChecklistItem.objects.filter(application=application)
        .select_related("document", "document__verified_by", "customer")
        .order_by("position", "id")
    )


def checklist_state(*, application: Application, today: date) -> ChecklistState:
    """The checklist's state on ``today`` (``documents.document_verdict`` per item, the authorization by
    ``documents.consent_verdict``; ``documents.summarize``). Three queries: the application's inquiry and
    consent, the items with their documents."""
    if application.credit_inquiry_id is not None:
        application = Application.objects.select_related("credit_inquiry__consent").get(pk=application.pk)
    states = []
    for item in checklist_items(application=application):
        if item.customer_id is None:
            verdict = rules.consent_verdict(consent=_consent_facts(application), today=today)
        else:
            verdict = rules.document_verdict(
                rule=rules.ItemRule(item.max_age_days, item.must_be_unexpired, item.rule),
                document=None if item.document is None else document_facts(item.document),
                today=today,
                name=item.name,
            )
        states.append(
            ItemState(item=item, document=item.document, result=verdict.result, message=verdict.message)
        )
    summary = rules.summarize(
        [
            rules.ItemOutcome(
                name=s.item.name, mandatory=s.item.mandatory, verdict=rules.Verdict(s.result, s.message)
            )
            for s in states
        ]
    )
    return ChecklistState(
        today=today,
        items=tuple(states),
        score=summary.score,
        complete=summary.complete,
        missing=summary.missing,
    )


# The one lookup of an application for a person (``selectors.application``), for this topic's pages.
application_get_visible = application_selectors.application_get_visible


def document_list_visible_to(*, user: User) -> QuerySet[CustomerDocument]:
    """The documents on the files of the customers ``user`` sees, newest first."""
    return scope.visible(
        user, CustomerDocument.objects.select_related("customer", "uploaded_by", "verified_by")
    ).order_by("-uploaded_at", "-id")


def customer_documents(*, user: User, customer_id: int | str) -> QuerySet[CustomerDocument]:
    return document_list_visible_to(user=user).filter(customer_id=customer_id)
