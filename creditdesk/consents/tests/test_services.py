"""Consent services: recording with evidence, revoking, and the inquiry rule (RULES.md, "Personal
information") — every refusal asserts that nothing changed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from creditdesk.consents import selectors, services
from creditdesk.consents.models import Consent, CreditInquiry
from creditdesk.consents.rules import EVIDENCE_MAX_BYTES
from creditdesk.consents.tests.conftest import EXE, JPG, PDF, PNG, make_consent, stored_files, upload
from creditdesk.core.exceptions import Conflict, DomainError, NotAllowed, NotFound
from creditdesk.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def record(actor, customer, today, **overrides):
    values = {
        "kind": "credit_inquiry",
        "purpose": "loan_review",
        "signed_on": today,
        "valid_until": today + timedelta(days=180),
        "channel": "paper",
        "evidence": upload(),
    } | overrides
    return services.consent_record(actor=actor, customer_id=customer.pk, **values)


def inquire(actor, customer, purpose="loan_review", **kwargs):
    return services.credit_inquiry_request(actor=actor, customer_id=customer.pk, purpose=purpose, **kwargs)


# --- recording --------------------------------------------------------------------------------------


def test_record_stores_the_evidence_under_a_random_name_and_audits(org, zhang, today, media):
    consent = record(org.cm_a, zhang, today)
    assert (consent.kind, consent.purpose, consent.recorded_by) == ("credit_inquiry", "loan_review", org.cm_a)
    assert consent.evidence.name.startswith(f"consents/{today:%Y}/{today:%m}/")
    assert consent.evidence.name.endswith(".pdf") and "授权书" not in consent.evidence.name
    assert (media / consent.evidence.name).read_bytes() == PDF
    event = AuditEvent.objects.get(action="consent.record")
    assert event.actor == org.cm_a and event.target_id == str(consent.pk)
    assert event.after["purpose"] == "loan_review" and event.after["evidence"] == consent.evidence.name


def test_the_stored_type_is_the_sniffed_one_not_the_name(org, zhang, today):
    png_named_pdf = record(org.cm_a, zhang, today, evidence=upload(PNG, "scan.pdf"))
    jpg = record(org.cm_a, zhang, today, evidence=upload(JPG, "photo.jpeg"))
    assert png_named_pdf.evidence.name.endswith(".png")
    assert jpg.evidence.name.endswith(".jpg")


def test_a_team_lead_may_record_for_the_team(org, zhang, today):
    assert record(org.lead1, zhang, today).recorded_by == org.lead1


def test_marketing_consent_needs_no_purpose_nor_evidence(org, zhang, today):
    consent = record(
        org.cm_a, zhang, today, kind="marketing", purpose="", evidence=None, channel="electronic"
    )
    assert consent.purpose == "" and not consent.evidence


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"evidence": upload(EXE, "授权书.pdf")}, "evidence_type_invalid", "evidence"),
        ({"evidence": upload(b"GIF89a" + b"\x00" * 20, "a.png")}, "evidence_type_invalid", "evidence"),
        ({"evidence": upload(b"", "a.pdf")}, "evidence_empty", "evidence"),
        (
            {"evidence": upload(PDF + b"\x00" * EVIDENCE_MAX_BYTES, "big.pdf")},
            "evidence_too_large",
            "evidence",
        ),
        ({"evidence": None}, "evidence_required", "evidence"),
        ({"purpose": ""}, "consent_purpose_required", "purpose"),
        ({"purpose": "post_loan"}, "consent_purpose_required", "purpose"),
        ({"kind": "marketing"}, "consent_purpose_not_allowed", "purpose"),
        ({"kind": "sms"}, "consent_kind_unknown", "kind"),
        ({"channel": "fax"}, "consent_channel_unknown", "channel"),
        ({"signed_on": "tomorrow"}, "consent_signed_in_future", "signed_on"),
        ({"valid_until": "same_day"}, "consent_validity_invalid", "valid_until"),
        ({"valid_until": "13_months"}, "consent_validity_too_long", "valid_until"),
    ],
)
def test_bad_consents_are_refused_and_nothing_is_saved(org, zhang, today, media, overrides, code, field):
    relative = {
        "tomorrow": today + timedelta(days=1),
        "same_day": today,
        "13_months": today + timedelta(days=367),
    }
    values = {k: relative.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()}
    with pytest.raises(DomainError) as refused:
        record(org.cm_a, zhang, today, **values)
    assert (refused.value.code, refused.value.extra["field"]) == (code, field)
    assert not Consent.objects.exists()
    assert not AuditEvent.objects.filter(action="consent.record").exists()
    assert stored_files(media) == []


def test_the_maximum_validity_is_one_year_and_configurable(org, zhang, today, settings):
    signed = today - timedelta(days=10)
    one_year = signed.replace(year=signed.year + 1) if (signed.month, signed.day) != (2, 29) else None
    if one_year:
        assert record(org.cm_a, zhang, today, signed_on=signed, valid_until=one_year).valid_until == one_year
    settings.CREDITDESK_CONSENT_MAX_VALIDITY_MONTHS = 6
    with pytest.raises(DomainError) as refused:
        record(org.cm_a, zhang, today, signed_on=signed, valid_until=signed + timedelta(days=200))
    assert refused.value.code == "consent_validity_too_long" and "6 个月" in refused.value.message


@pytest.mark.parametrize(("who", "error"), [("cm_b", NotFound), ("cm_d", NotFound), ("head1", NotAllowed)])
def test_recording_outside_the_scope_is_refused(org, zhang, today, who, error):
    with pytest.raises(error):
        record(getattr(org, who), zhang, today)
    assert not Consent.objects.exists()


# --- revoking ---------------------------------------------------------------------------------------


def test_revoke_once_audited(org, zhang, today):
    consent = record(org.cm_a, zhang, today)
    revoked = services.consent_revoke(actor=org.lead1, consent_id=consent.pk, reason="客户来电撤回")
    assert revoked.revoked_at is not None
    event = AuditEvent.objects.get(action="consent.revoke")
    assert event.actor == org.lead1 and event.after["reason"] == "客户来电撤回"
    with pytest.raises(Conflict) as again:
        services.consent_revoke(actor=org.cm_a, consent_id=consent.pk)
    assert again.value.code == "consent_already_revoked"
    assert AuditEvent.objects.filter(action="consent.revoke").count() == 1


@pytest.mark.parametrize(("who", "error"), [("cm_b", NotFound), ("cm_d", NotFound), ("head1", NotAllowed)])
def test_revoking_outside_the_scope_is_refused(org, zhang, who, error):
    consent = make_consent(zhang)
    with pytest.raises(error):
        services.consent_revoke(actor=getattr(org, who), consent_id=consent.pk)
    consent.refresh_from_db()
    assert consent.revoked_at is None
    assert not AuditEvent.objects.filter(action="consent.revoke").exists()


# --- the inquiry rule -------------------------------------------------------------------------------


def test_an_inquiry_under_a_valid_consent_is_logged(org, zhang):
    consent = make_consent(zhang)
    inquiry = inquire(org.cm_a, zhang, result_reference="R2025001")
    assert (inquiry.consent, inquiry.purpose, inquiry.requested_by) == (consent, "loan_review", org.cm_a)
    assert inquiry.result_reference == "R2025001" and inquiry.exempt_reason == ""
    event = AuditEvent.objects.get(action="credit_inquiry.request")
    assert (event.actor, event.target_id) == (org.cm_a, str(inquiry.pk))
    assert event.after == {
        "customer": zhang.pk,
        "purpose": "loan_review",
        "consent": consent.pk,
        "result_reference": "R2025001",
        "exempt_reason": "",
    }


@pytest.mark.parametrize(
    "consent_kwargs",
    [
        pytest.param({"signed": -30, "until": 0}, id="last_valid_day"),
        pytest.param({"signed": 0, "until": 365}, id="signed_today"),
    ],
)
def test_both_ends_of_the_validity_count(org, zhang, consent_kwargs):
    make_consent(zhang, **consent_kwargs)
    assert inquire(org.cm_a, zhang).consent is not None


@pytest.mark.parametrize(
    "consent_kwargs",
    [
        pytest.param(None, id="no_consent"),
        pytest.param({"signed": -400, "until": -1}, id="expired"),
        pytest.param({"revoked": True}, id="revoked"),
        pytest.param({"purpose": "card_review"}, id="wrong_purpose"),
        pytest.param({"signed": 1, "until": 300}, id="not_yet_signed"),
        pytest.param({"kind": "marketing"}, id="marketing_is_not_an_inquiry_consent"),
    ],
)
def test_an_inquiry_without_a_consent_in_force_for_its_purpose_is_refused(org, zhang, consent_kwargs):
    if consent_kwargs is not None:
        make_consent(zhang, **consent_kwargs)
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        inquire(org.cm_a, zhang, "loan_review")
    assert refused.value.code == "no_valid_consent"
    assert "“贷款审批”" in refused.value.message
    assert refused.value.extra == {"field": "purpose", "purpose": "loan_review"}
    assert not CreditInquiry.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_consent_authorizes_only_its_own_purpose(org, zhang):
    make_consent(zhang, purpose="guarantor_review")
    assert inquire(org.cm_a, zhang, "guarantor_review").purpose == "guarantor_review"
    for other in ("loan_review", "card_review", "entity_review"):
        with pytest.raises(DomainError) as refused:
            inquire(org.cm_a, zhang, other)
        assert refused.value.code == "no_valid_consent"
    assert CreditInquiry.objects.count() == 1


def test_revoking_stops_later_inquiries_and_keeps_earlier_ones(org, zhang):
    consent = make_consent(zhang)
    first = inquire(org.cm_a, zhang)
    services.consent_revoke(actor=org.cm_a, consent_id=consent.pk)
    with pytest.raises(DomainError):
        inquire(org.cm_a, zhang)
    assert list(CreditInquiry.objects.all()) == [first]


def test_post_loan_without_a_loan_under_management_is_refused(org, zhang):
    """张三 has no loan here: the post-loan exemption is refused (the loan book's answer: ``loans``)."""
    assert selectors.customer_has_booked_loan(zhang) is False
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        inquire(org.cm_a, zhang, "post_loan", exempt_reason="贷后年度检查：经营贷 2024-001")
    assert refused.value.code == "post_loan_needs_loan"
    assert refused.value.message == (
        "贷后管理免授权查询仅适用于该客户在本行已发放、尚在管理中的贷款（正常、逾期，或已核销仍在追偿）；"
        "该客户在本行没有这样的贷款，不能以贷后管理为由免授权查询。"
        "请取得客户的书面授权后按相应用途查询。"
    )
    assert refused.value.extra == {"field": "purpose", "purpose": "post_loan"}
    assert not CreditInquiry.objects.exists() and AuditEvent.objects.count() == before


def test_post_loan_with_a_booked_loan_is_exempt_but_needs_a_reason(org, zhang, monkeypatch):
    """The exemption when the loan book says the customer has a loan under management (the real answer
    is tested with a booked loan in ``loans/tests/test_post_loan_inquiry.py``)."""
    monkeypatch.setattr(services, "customer_has_booked_loan", lambda customer: True)
    before = AuditEvent.objects.count()
    for reason in ("", "  ", "复核"):
        with pytest.raises(DomainError) as refused:
            inquire(org.cm_a, zhang, "post_loan", exempt_reason=reason)
        assert refused.value.code == "exempt_reason_required"
    assert not CreditInquiry.objects.exists() and AuditEvent.objects.count() == before
    inquiry = inquire(org.cm_a, zhang, "post_loan", exempt_reason="贷后年度检查：经营贷 2024-001")
    assert inquiry.consent is None and inquiry.exempt_reason == "贷后年度检查：经营贷 2024-001"
    event = AuditEvent.objects.get(action="credit_inquiry.request")
    assert event.after["exempt_reason"] == "贷后年度检查：经营贷 2024-001"


def test_every_inquiry_is_logged(org, zhang):
    make_consent(zhang, purpose="loan_review")
    make_consent(zhang, purpose="card_review")
    made = [
        inquire(org.cm_a, zhang, "loan_review"),
        inquire(org.lead1, zhang, "card_review"),
        inquire(org.cm_a, zhang, "loan_review"),
    ]
    assert CreditInquiry.objects.count() == 3
    events = AuditEvent.objects.filter(action="credit_inquiry.request").order_by("id")
    assert [(e.target_id, e.actor_username, e.after["purpose"]) for e in events] == [
        (str(i.pk), i.requested_by.username, i.purpose) for i in made
    ]


@pytest.mark.parametrize(("who", "error"), [("cm_b", NotFound), ("cm_d", NotFound), ("head1", NotAllowed)])
def test_inquiring_outside_the_scope_is_refused(org, zhang, who, error):
    make_consent(zhang)
    with pytest.raises(error):
        inquire(getattr(org, who), zhang)
    assert not CreditInquiry.objects.exists()
    assert not AuditEvent.objects.filter(action="credit_inquiry.request").exists()


def test_unknown_purpose_is_refused(org, zhang):
    with pytest.raises(DomainError) as refused:
        inquire(org.cm_a, zhang, "curiosity")
    assert refused.value.code == "purpose_unknown"


# --- selectors --------------------------------------------------------------------------------------


def test_marketing_allowed(org, zhang):
    assert selectors.marketing_allowed(zhang) is False
    make_consent(zhang, purpose="loan_review")
    assert selectors.marketing_allowed(zhang) is False  # an inquiry consent is not a marketing one
    make_consent(zhang, kind="marketing", signed=-400, until=-1)
    assert selectors.marketing_allowed(zhang) is False  # expired
    marketing = make_consent(zhang, kind="marketing")
    assert selectors.marketing_allowed(zhang) is True
    services.consent_revoke(actor=org.cm_a, consent_id=marketing.pk)
    assert selectors.marketing_allowed(zhang) is False


def test_summary_lists_the_purposes_in_force(org, zhang):
    make_consent(zhang, purpose="loan_review")
    make_consent(zhang, purpose="card_review", revoked=True)
    make_consent(zhang, purpose="entity_review", signed=-400, until=-1)
    make_consent(zhang, kind="marketing")
    summary = selectors.consent_summary(customer=zhang)
    assert summary.valid_purposes == ["loan_review"]
    assert summary.valid_purpose_labels == ["贷款审批"]
    assert summary.marketing_allowed is True and summary.total == 4
