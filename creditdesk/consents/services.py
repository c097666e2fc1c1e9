"""Writes to consents and credit inquiries. Each service is one durable transaction with its audit row."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.consents.choices import (
    CONSENT_PURPOSE_CHOICES,
    EXEMPT_PURPOSES,
    WRITTEN_CHANNEL_VALUES,
    ConsentChannel,
    ConsentKind,
    Purpose,
)
from creditdesk.consents.models import Consent, CreditInquiry, CreditReportSummary
from creditdesk.consents.report import parse_summary
from creditdesk.consents.rules import (
    EVIDENCE_MAX_BYTES,
    SNIFF_BYTES,
    SigningChannel,
    latest_valid_until,
    max_validity_months,
    sniff,
)
from creditdesk.consents.selectors import customer_has_booked_loan
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record, audit_snapshot
from creditdesk.core.exceptions import Conflict, DomainError, NotFound
from creditdesk.customers.locks import customer_for_change
from creditdesk.customers.models import Customer

CONSENT_AUDIT_FIELDS = ("customer", "kind", "purpose", "signed_on", "valid_until", "channel")
INQUIRY_AUDIT_FIELDS = ("customer", "purpose", "consent", "result_reference", "exempt_reason")
EXEMPT_REASON_MIN = 4
EXEMPT_REASON_MAX = 500
REFERENCE_MAX = 200
REVOKE_REASON_MAX = 200


def _customer_for_change(*, actor: User, customer_id: int | str) -> Customer:
    """The customer, locked, if ``actor`` may change it: 404 outside the scope, 403 when read-only."""
    return customer_for_change(actor=actor, customer_id=customer_id, action=Action.CONSENT_RECORD)


def evidence_check(evidence: UploadedFile) -> str:
    """The evidence type (``pdf`` / ``jpg`` / ``png``) read from the file's first bytes; refuses a file
    over 10 MB or of any other type whatever its name says."""
    size = evidence.size or 0
    if size > EVIDENCE_MAX_BYTES:
        raise DomainError(
            "evidence_too_large",
            _("授权凭证文件不能超过 %(mb)s MB。") % {"mb": EVIDENCE_MAX_BYTES // (1024 * 1024)},
            {"field": "evidence"},
        )
    if size == 0:
        raise DomainError("evidence_empty", _("授权凭证文件是空的。"), {"field": "evidence"})
    evidence.seek(0)
    kind = sniff(evidence.read(SNIFF_BYTES))
    evidence.seek(0)
    if kind is None:
        raise DomainError(
            "evidence_type_invalid",
            _("授权凭证须为 PDF、JPG 或 PNG 文件（按文件内容识别，改扩展名无效）。"),
            {"field": "evidence"},
        )
    return kind


def _validate_consent(
    *, kind: str, purpose: str, channel: str, signed_on: date, valid_until: date, today: date
) -> str:
    if kind not in ConsentKind.values:
        raise DomainError("consent_kind_unknown", _("授权类型无效。"), {"field": "kind"})
    purpose = (purpose or "").strip()
    if kind == ConsentKind.CREDIT_INQUIRY:
        if purpose not in dict(CONSENT_PURPOSE_CHOICES):
            raise DomainError(
                "consent_purpose_required",
                _("征信查询授权须写明用途：贷款审批、信用卡审批、担保资格审查或特约商户实名审查。"),
                {"field": "purpose"},
            )
    elif purpose:
        raise DomainError(
            "consent_purpose_not_allowed", _("营销授权不填写征信查询用途。"), {"field": "purpose"}
        )
    if channel not in ConsentChannel.values:
        raise DomainError("consent_channel_unknown", _("签署方式无效。"), {"field": "channel"})
    if kind == ConsentKind.CREDIT_INQUIRY and not SigningChannel(channel).is_written:
        raise not_written(SigningChannel(channel).label)
    if signed_on > today:
        raise DomainError("consent_signed_in_future", _("签署日期不能晚于今天。"), {"field": "signed_on"})
    if valid_until <= signed_on:
        raise DomainError(
            "consent_validity_invalid", _("有效期截止日须晚于签署日期。"), {"field": "valid_until"}
        )
    months = max_validity_months()
    if valid_until > latest_valid_until(signed_on, months):
        raise DomainError(
            "consent_validity_too_long",
            _("授权有效期自签署日起最长 %(months)s 个月（最晚至 %(latest)s）。")
            % {"months": months, "latest": latest_valid_until(signed_on, months).isoformat()},
            {"field": "valid_until"},
        )
    return purpose


@transaction.atomic(durable=True)
def consent_record(
    *,
    actor: User,
    customer_id: int | str,
    kind: str,
    signed_on: date,
    valid_until: date,
    channel: str,
    purpose: str = "",
    evidence: UploadedFile | None = None,
) -> Consent:
    """登记授权. Rules: the customer's owner or team lead records it; a credit-inquiry authorization
    names exactly one purpose and has its evidence (written authorization, RULES.md); signed no later
    than today; valid after the signing date for at most ``max_validity_months()`` months; evidence is a
    PDF, JPG or PNG of at most 10 MB, recognised by its content."""
    customer = _customer_for_change(actor=actor, customer_id=customer_id)
    purpose = _validate_consent(
        kind=kind,
        purpose=purpose,
        channel=channel,
        signed_on=signed_on,
        valid_until=valid_until,
        today=timezone.localdate(),
    )
    evidence_type = evidence_check(evidence) if evidence is not None else None
    if kind == ConsentKind.CREDIT_INQUIRY and evidence is None:
        raise DomainError(
            "evidence_required",
            _("征信查询须有客户的书面授权：请上传授权凭证（PDF、JPG 或 PNG）。"),
            {"field": "evidence"},
        )
    consent = Consent(
        customer=customer,
        kind=kind,
        purpose=purpose,
        signed_on=signed_on,
        valid_until=valid_until,
        channel=channel,
        recorded_by=actor,
    )
    consent.full_clean(exclude=["customer", "recorded_by", "evidence"])
    if evidence is not None:
        # The stored name is random with the sniffed extension (``evidence_upload_to``).
        consent.evidence.save(f"evidence.{evidence_type}", evidence, save=False)
    try:
        consent.save()
        audit_record(
            actor=actor,
            action="consent.record",
            target=consent,
            after={**audit_snapshot(consent, CONSENT_AUDIT_FIELDS), "evidence": consent.evidence.name},
        )
    except Exception:
        if consent.evidence:
            consent.evidence.delete(save=False)  # no orphan file when the row is not written
        raise
    return consent


@transaction.atomic(durable=True)
def consent_revoke(*, actor: User, consent_id: int | str, reason: str = "") -> Consent:
    """撤回授权: the customer withdrew it (PIPL art. 15). From now on it authorizes nothing; inquiries
    already made under it stay logged. Only the customer's owner or team lead records it, once."""
    consent = scope.get_for_change(
        actor,
        Consent.objects.all(),
        consent_id,
        action=Action.CONSENT_RECORD,
        missing=_("授权书不存在，或不在您的权限范围内。"),
    )
    if consent.revoked_at is not None:
        raise Conflict(
            "consent_already_revoked",
            _("该授权已于 %(when)s 撤回。")
            % {"when": timezone.localtime(consent.revoked_at).strftime("%Y-%m-%d %H:%M")},
        )
    reason = (reason or "").strip()
    if len(reason) > REVOKE_REASON_MAX:
        raise DomainError(
            "revoke_reason_too_long",
            _("撤回说明不能超过 %(n)s 个字。") % {"n": REVOKE_REASON_MAX},
            {"field": "reason"},
        )
    consent.revoked_at = timezone.now()
    consent.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="consent.revoke",
        target=consent,
        before={"revoked_at": None},
        after={"revoked_at": consent.revoked_at, "reason": reason},
    )
    return consent


def not_written(channel_label: str, purpose: str = "") -> DomainError:
    """征信业管理条例 art. 18: a credit inquiry needs the person's 书面同意 (paper or an e-signature)."""
    if purpose:
        message = _(
            "该客户的“%(purpose)s”授权是以“%(channel)s”方式取得的，不是书面授权，不能据此查询征信"
            "（《征信业管理条例》第十八条：须经本人书面同意；录音或口头同意不算）。请客户签署纸质或电子授权书后再查询。"
        ) % {"purpose": Purpose(purpose).label, "channel": channel_label}
    else:
        message = _(
            "征信查询授权须为书面授权（纸质或电子签），不能以“%(channel)s”方式登记"
            "（《征信业管理条例》第十八条：须经本人书面同意；录音或口头同意不算）。"
        ) % {"channel": channel_label}
    return DomainError("consent_not_written", message, {"field": "channel", "purpose": purpose})


def post_loan_needs_loan() -> DomainError:
    return DomainError(
        "post_loan_needs_loan",
        _(
            "贷后管理免授权查询仅适用于该客户在本行已发放、尚在管理中的贷款（正常、逾期，或已核销仍在追偿）；"
            "该客户在本行没有这样的贷款，不能以贷后管理为由免授权查询。"
            "请取得客户的书面授权后按相应用途查询。"
        ),
        {"field": "purpose", "purpose": Purpose.POST_LOAN},
    )


def no_valid_consent(purpose: str) -> DomainError:
    return DomainError(
        "no_valid_consent",
        _(
            "该客户没有在有效期内、未撤回的“%(purpose)s”征信查询授权，不能查询征信。"
            "请先登记客户为此用途签署的书面授权。"
        )
        % {"purpose": Purpose(purpose).label},
        {"field": "purpose", "purpose": purpose},
    )


@transaction.atomic(durable=True)
def credit_inquiry_request(
    *,
    actor: User,
    customer_id: int | str,
    purpose: str,
    exempt_reason: str = "",
    result_reference: str = "",
) -> CreditInquiry:
    """查询征信. Rule (RULES.md, "Personal information"): refused unless the customer signed a credit-
    inquiry authorization for exactly this purpose that is in force today (signed on or before today,
    valid until today or later, not revoked) through a written channel (paper or e-signature: a recorded
    call is refused, ``consent_not_written``); post-loan management (贷后管理) is exempt only for an
    existing loan of this customer under management (``customer_has_booked_loan``, answered by the loan
    book; otherwise refused: ``post_loan_needs_loan``) and needs a written reason. Every inquiry made is
    logged: its row and an audit event. A refusal writes nothing.

    The authorization row is locked, so a revocation running at the same moment either comes first (and
    this is refused) or waits until this inquiry is logged under the authorization that was in force.
    """
    customer = _customer_for_change(actor=actor, customer_id=customer_id)
    if purpose not in Purpose.values:
        raise DomainError("purpose_unknown", _("查询用途无效。"), {"field": "purpose"})
    result_reference = (result_reference or "").strip()
    if len(result_reference) > REFERENCE_MAX:
        raise DomainError(
            "result_reference_too_long",
            _("报告编号不能超过 %(n)s 个字。") % {"n": REFERENCE_MAX},
            {"field": "result_reference"},
        )
    consent: Consent | None = None
    reason = ""
    if purpose in EXEMPT_PURPOSES:
        if not customer_has_booked_loan(customer):
            raise post_loan_needs_loan()
        reason = (exempt_reason or "").strip()
        if len(reason) < EXEMPT_REASON_MIN:
            raise DomainError(
                "exempt_reason_required",
                _("贷后管理查询无须授权，但须写明理由（至少 %(n)s 个字，如所管理的贷款及查询原因）。")
                % {"n": EXEMPT_REASON_MIN},
                {"field": "exempt_reason"},
            )
        if len(reason) > EXEMPT_REASON_MAX:
            raise DomainError(
                "exempt_reason_too_long",
                _("免授权理由不能超过 %(n)s 个字。") % {"n": EXEMPT_REASON_MAX},
                {"field": "exempt_reason"},
            )
    else:
        today = timezone.localdate()
        in_force = Consent.objects.select_for_update().filter(
            customer=customer,
            kind=ConsentKind.CREDIT_INQUIRY,
            purpose=purpose,
            revoked_at__isnull=True,
            signed_on__lte=today,
            valid_until__gte=today,
        )
        # Only a written authorization counts; a recorded-call one stays on file as history.
        consent = in_force.filter(channel__in=WRITTEN_CHANNEL_VALUES).order_by("-valid_until", "-id").first()
        if consent is None:
            spoken = in_force.exclude(channel__in=WRITTEN_CHANNEL_VALUES).first()
            if spoken is not None:
                raise not_written(str(spoken.get_channel_display()), purpose)
            raise no_valid_consent(purpose)
    inquiry = CreditInquiry.objects.create(
        customer=customer,
        purpose=purpose,
        consent=consent,
        requested_by=actor,
        result_reference=result_reference,
        exempt_reason=reason,
    )
    after: dict[str, Any] = audit_snapshot(inquiry, INQUIRY_AUDIT_FIELDS)
    audit_record(actor=actor, action="credit_inquiry.request", target=inquiry, after=after)
    return inquiry


@transaction.atomic(durable=True)
def consent_evidence_open(*, actor: User, consent_id: int | str) -> Consent:
    """查看授权凭证: the signed form shows the person's ID and signature, so opening it is audited like
    unmasking. Anyone who may see the customer may open it."""
    consent = scope.visible(actor, Consent.objects.filter(pk=consent_id)).first()
    if consent is None or not consent.evidence:
        raise NotFound("not_found", _("授权凭证不存在，或不在您的权限范围内。"))
    audit_record(
        actor=actor, action="consent.evidence_view", target=consent, after={"evidence": consent.evidence.name}
    )
    return consent


SUMMARY_AUDIT_FIELDS = ("inquiry", "report_date")


@transaction.atomic(durable=True)
def credit_report_summary_record(
    *,
    actor: User,
    inquiry_id: int | str,
    report_date: date,
    current_overdue: object,
    status_24m: object,
    inquiries_6m: object,
    debt_count: object,
    debt_balance: object,
    current_overdue_amount: object = None,
    monthly_obligation: object = None,
    revolving_limit: object = None,
    revolving_used: object = None,
) -> CreditReportSummary:
    """登记征信报告摘要. Rule (RULES.md, "Personal information"): a report summary belongs to the dated
    inquiry that fetched it and serves that inquiry's purpose only — so it is recorded on the inquiry,
    once (``summary_already_recorded``), dated no earlier than the inquiry and no later than today, by
    whoever may record the customer's consents. The content is validated by ``report.parse_summary`` and
    stored encrypted; the audit row names the inquiry and the report date, never the content."""
    inquiry = scope.get_for_change(
        actor,
        CreditInquiry.objects.all(),
        inquiry_id,
        action=Action.CONSENT_RECORD,
        missing=_("征信查询记录不存在，或不在您的权限范围内。"),
    )
    if CreditReportSummary.objects.filter(inquiry=inquiry).exists():
        raise Conflict(
            "summary_already_recorded",
            _("该次征信查询已登记报告摘要；摘要属于该次查询，不能修改或覆盖。新的报告请以新的查询登记。"),
        )
    inquired_on = timezone.localdate(inquiry.requested_at)
    today = timezone.localdate()
    if not inquired_on <= report_date <= today:
        raise DomainError(
            "summary_report_date_invalid",
            _("报告日期须在查询日（%(inquired)s）与今天之间。") % {"inquired": inquired_on.isoformat()},
            {"field": "report_date"},
        )
    summary = parse_summary(
        current_overdue=current_overdue,
        current_overdue_amount=current_overdue_amount,
        status_24m=status_24m,
        inquiries_6m=inquiries_6m,
        debt_count=debt_count,
        debt_balance=debt_balance,
        monthly_obligation=monthly_obligation,
        revolving_limit=revolving_limit,
        revolving_used=revolving_used,
    )
    row = CreditReportSummary.objects.create(
        inquiry=inquiry,
        report_date=report_date,
        content=json.dumps(summary.to_json(), ensure_ascii=False),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="credit_report_summary.record",
        target=row,
        after={**audit_snapshot(row, SUMMARY_AUDIT_FIELDS), "purpose": inquiry.purpose},
    )
    return row
