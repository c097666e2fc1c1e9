"""Identity, interviews, the 放款审核 and the loan contract (issue 15 items 2 and 9).

Nobody is lent to who was not verified: the borrower's identity is checked (联网核查, ID not expired)
before submission, every borrower, co-borrower and guarantor before signing, and each borrower and
co-borrower is interviewed face to face or on video (面签/双录). A person other than the CM — a risk
manager of the branch — checks every approval condition before any money moves. The contract carries
the approved terms with the full schedule each part is signed on, its APR and the disclosures.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from creditdesk.accounts import policy
from creditdesk.accounts.models import User
from creditdesk.agenda.services import task_schedule
from creditdesk.applications.identity_verifier import RESULTS, identity_verifier
from creditdesk.applications.lifecycle import APPROVED, PartyRole, Status
from creditdesk.applications.models import (
    Application,
    ConditionCheck,
    Contract,
    IdentityCheck,
    Interview,
)
from creditdesk.applications.models.identity import InterviewKind
from creditdesk.applications.services.transitions import (
    application_lock_visible,
    application_move,
)
from creditdesk.applications.terms import apr_percent, part_schedule, schedule_digest, schedule_rows
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import Conflict, DomainError

SIGNERS = (PartyRole.BORROWER.value, PartyRole.CO_BORROWER.value, PartyRole.GUARANTOR.value)
INTERVIEWED = (PartyRole.BORROWER.value, PartyRole.CO_BORROWER.value)


def _party(application: Application, customer_id: int) -> Any:
    party = application.parties.select_related("customer").filter(customer_id=customer_id).first()
    if party is None:
        raise DomainError("party_unknown", _("该客户不是本申请的参与人。"), {"field": "customer"})
    return party


# --- identity --------------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def identity_check_record(
    *,
    actor: User,
    application_id: int,
    customer_id: int,
    result: str,
    reference: str,
    id_expires_on: date | None,
    id_long_term: bool = False,
) -> IdentityCheck:
    """联网核查: the result of verifying a party's ID (through the configured verifier), with its serial
    number and the ID's validity (an expiry date, or 长期). A mismatch is recorded too — it blocks."""
    application = application_lock_visible(actor=actor, application_id=application_id)
    policy.require(actor, Action.APPLICATION_WORK, application)
    party = _party(application, customer_id)
    if result not in RESULTS:
        raise DomainError("identity_result_invalid", _("核查结果无效。"), {"field": "result"})
    if not reference.strip():
        raise DomainError("identity_reference_required", _("请填写联网核查流水号。"), {"field": "reference"})
    if id_expires_on is None and not id_long_term:
        raise DomainError(
            "id_validity_required", _("请填写证件有效期，或勾选长期有效。"), {"field": "id_expires_on"}
        )
    found = identity_verifier().verify(
        name=party.customer.name,
        id_number=party.customer.id_number,
        recorded_result=result,
        reference=reference.strip(),
    )
    check = IdentityCheck.objects.create(
        application=application,
        customer=party.customer,
        verifier=found.channel,
        result=found.result,
        reference=found.reference[:100],
        id_expires_on=None if id_long_term else id_expires_on,
        id_long_term=id_long_term,
        checked_by=actor,
        checked_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="application.identity_check",
        target=application,
        after={"customer": party.customer_id, "result": check.result, "reference": check.reference},
    )
    return check


def require_identity_verified(
    *, application: Application, today: date, roles: Sequence[str] = SIGNERS
) -> None:
    """Every party of ``roles`` has a latest 联网核查 that matched, on an ID valid on ``today``."""
    for party in application.parties.select_related("customer").filter(role__in=roles):
        check = (
            IdentityCheck.objects.filter(application=application, customer=party.customer)
            .order_by("-checked_at", "-id")
            .first()
        )
        who = {"name": party.customer.name, "role": party.get_role_display()}
        if check is None or check.result != "match":
            raise DomainError(
                "identity_not_verified",
                _("%(role)s %(name)s 的身份尚未通过联网核查。") % who,
                {"customer": party.customer_id},
            )
        if not check.id_long_term and (check.id_expires_on is None or check.id_expires_on < today):
            raise DomainError(
                "identity_expired",
                _("%(role)s %(name)s 的身份证件已过有效期，请更新证件后重新核查。") % who,
                {"customer": party.customer_id},
            )


@transaction.atomic(durable=True)
def interview_record(
    *,
    actor: User,
    application_id: int,
    customer_id: int,
    kind: str,
    held_at: datetime,
    place: str,
    second_witness: str = "",
    recording_reference: str = "",
) -> Interview:
    """面签/双录: who was interviewed, by whom, when and where; a video interview (双录) names its
    recording; a face-to-face one its second witness (双人见证)."""
    application = application_lock_visible(actor=actor, application_id=application_id)
    policy.require(actor, Action.APPLICATION_WORK, application)
    party = _party(application, customer_id)
    if kind not in InterviewKind.values:
        raise DomainError("interview_kind_invalid", _("面签方式无效。"), {"field": "kind"})
    if not place.strip():
        raise DomainError("interview_place_required", _("请填写面签地点。"), {"field": "place"})
    if held_at > timezone.now():
        raise DomainError("interview_in_future", _("面签时间不能晚于现在。"), {"field": "held_at"})
    if kind == InterviewKind.VIDEO and not recording_reference.strip():
        raise DomainError(
            "recording_reference_required",
            _("视频面签（双录）须填写录音录像编号。"),
            {"field": "recording_reference"},
        )
    if kind == InterviewKind.FACE_TO_FACE and not second_witness.strip():
        raise DomainError(
            "second_witness_required",
            _("现场面签须填写双人见证的另一位见证人。"),
            {"field": "second_witness"},
        )
    interview = Interview.objects.create(
        application=application,
        customer=party.customer,
        kind=kind,
        conducted_by=actor,
        second_witness=second_witness.strip()[:50],
        held_at=held_at,
        place=place.strip()[:200],
        recording_reference=recording_reference.strip()[:100],
    )
    audit_record(
        actor=actor,
        action="application.interview",
        target=application,
        after={"customer": party.customer_id, "kind": kind, "place": interview.place},
    )
    return interview


def _require_interviews(application: Application) -> None:
    for party in application.parties.select_related("customer").filter(role__in=INTERVIEWED):
        if not Interview.objects.filter(application=application, customer=party.customer).exists():
            raise DomainError(
                "interview_missing",
                _("%(role)s %(name)s 尚未面签（现场或视频双录）。")
                % {"name": party.customer.name, "role": party.get_role_display()},
                {"customer": party.customer_id},
            )


# --- 放款审核 -----------------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def conditions_check(*, actor: User, application_id: int, items: Sequence[dict[str, Any]]) -> ConditionCheck:
    """放款审核 / 落实放款条件: a risk manager of the branch, not on their own case, says for every
    condition of the approval whether it is met (``items``: ``{condition, met, note}``, one per
    condition, none left out). Passed only when all are met; a failed check is kept too."""
    application = application_lock_visible(actor=actor, application_id=application_id)
    policy.require(actor, Action.CONDITIONS_CHECK, application)
    if application.status not in {*(s.value for s in APPROVED), Status.CONTRACT_SIGNED.value}:
        raise Conflict("not_approved", _("申请尚未获批，不能进行放款审核。"))
    expected = list(application.conditions)
    given = {str(item.get("condition", "")): item for item in items}
    missing = [c for c in expected if c not in given]
    unknown = [c for c in given if c not in expected]
    if missing or unknown:
        raise DomainError(
            "conditions_mismatch",
            _("请对批复的每一项放款条件逐项确认（缺少：%(missing)s）。")
            % {"missing": "；".join(missing) or "—"},
            {"field": "items", "missing": missing, "unknown": unknown},
        )
    rows = [
        {"condition": c, "met": bool(given[c].get("met")), "note": str(given[c].get("note", ""))[:500]}
        for c in expected
    ]
    check = ConditionCheck.objects.create(
        application=application,
        items=rows,
        passed=all(r["met"] for r in rows),
        checked_by=actor,
        checked_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="application.conditions_check",
        target=application,
        after={"passed": check.passed, "items": rows},
    )
    return check


# --- the contract ----------------------------------------------------------------------------------------


# Third parties a secured loan needs before money moves, as tasks on the CM's agenda (issue 15 item 9):
# the appraisal firm confirms its report, the registry records the mortgage or pledge (抵押/质押登记).
THIRD_PARTY_TASKS = (
    (gettext_noop("联系评估机构出具正式评估报告"), 3),
    (gettext_noop("办理抵押 / 质押登记并取得他项权利证明"), 7),
)


def _coordinate_third_parties(actor: User, application: Application, value_date: date) -> None:
    secured = any(part.product_version.as_spec().collateral for part in application.parts.all())
    if not secured:
        return
    for title, days in THIRD_PARTY_TASKS:
        task_schedule(
            actor=actor,
            owner=application.owner,
            customer=application.customer,
            title=f"{_(title)}（{application.number}）",
            due_date=min(value_date, timezone.localdate() + timedelta(days=days)),
            kind="documents",
        )


def contract_content(application: Application, value_date: date) -> dict[str, Any]:
    """What the contract says: parties, each part's approved terms with its full schedule (and digest)
    from ``value_date``, the APR, the conditions, and the disclosures the customer copy carried."""
    parts = []
    for part in application.parts.select_related("product_version").order_by("position"):
        schedule = part_schedule(part, value_date)
        rows = schedule_rows(schedule)
        spec = part.product_version.as_spec()
        parts.append(
            {
                "part_id": part.pk,
                "position": part.position,
                "product": spec.name,
                "product_code": spec.code,
                "amount": str(part.amount),
                "term_months": part.term_months,
                "method": part.method,
                "method_label": part.get_method_display(),
                "annual_rate": str(part.annual_rate),
                "apr": str(apr_percent(schedule)),
                "price": part.price,
                "value_date": value_date.isoformat(),
                "maturity_date": schedule.maturity_date.isoformat(),
                "total_interest": str(schedule.total_interest),
                "total_fees": str(schedule.total_fees),
                "penalty_uplift": str(spec.penalty_uplift),
                "schedule": rows,
                "schedule_sha256": schedule_digest(rows),
            }
        )
    disclosures: list[str] = []
    if application.proposal is not None:
        from creditdesk.solutions.proposal_content import shown_to_customer

        disclosures = list(shown_to_customer(application.proposal.content).get("disclosures", []))
    disclosures += [
        _("本合同各笔贷款的年化利率（IRR 复利口径，含全部费用）见上表，与执行利率一并披露。"),
        _("借款人逾期还款的，逾期本金自逾期之日起按执行利率上浮后计收罚息，未付利息按规定计收复利。"),
        _("借款人的信用信息将依法报送金融信用信息基础数据库；对信用记录有异议的，可依法提出异议申请。"),
    ]
    return {
        "application": application.number,
        "kind": application.get_kind_display(),
        "purpose": application.purpose,
        "purpose_detail": application.purpose_detail,
        "parties": [
            {"name": p.customer.name, "role": p.get_role_display(), "customer_id": p.customer_id}
            for p in application.parties.select_related("customer")
        ],
        "parts": parts,
        "conditions": list(application.conditions),
        "disclosures": disclosures,
    }


@transaction.atomic(durable=True)
def contract_sign(
    *, actor: User, application_id: int, value_date: date, place: str, signed_at: datetime | None = None
) -> Contract:
    """签约 (面签): the CM records the signing of the loan contract. Rules: the application is approved
    and its approval has not lapsed (``approval_expired``); every borrower, co-borrower and guarantor was
    verified on an ID valid today (``identity_not_verified`` / ``identity_expired``) and every borrower
    and co-borrower interviewed (``interview_missing``); the planned value date lies between today and the
    approval's expiry. The contract stores each part's schedule from that date and its PDF."""
    from creditdesk.solutions.pdf import render_document

    application = application_lock_visible(actor=actor, application_id=application_id)
    policy.require(actor, Action.APPLICATION_WORK, application)
    if application.status not in {s.value for s in APPROVED}:
        raise Conflict(
            "not_approved",
            _("申请当前为「%(status)s」，不能签约。") % {"status": application.get_status_display()},
        )
    today = timezone.localdate()
    if application.approval_expires_on is not None and application.approval_expires_on < today:
        raise Conflict(
            "approval_expired",
            _("批复已于 %(d)s 过期，不能签约。") % {"d": application.approval_expires_on},
        )
    if not place.strip():
        raise DomainError("place_required", _("请填写签约地点。"), {"field": "place"})
    expires = application.approval_expires_on
    if value_date < today or (expires is not None and value_date > expires):
        raise DomainError(
            "value_date_invalid",
            _("计划放款日须在今天与批复有效期之间。"),
            {"field": "value_date"},
        )
    require_identity_verified(application=application, today=today)
    _require_interviews(application)
    content = contract_content(application, value_date)
    number = f"HT{today:%Y%m%d}-{secrets.token_hex(3).upper()}"
    content["number"] = number
    pdf = render_document("applications/contract_pdf.html", {"c": content})
    contract = Contract.objects.create(
        application=application,
        number=number,
        value_date=value_date,
        content=content,
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        signed_by=actor,
        signed_at=signed_at or timezone.now(),
        place=place.strip()[:200],
    )
    application_move(application=application, to=Status.CONTRACT_SIGNED, actor=actor, note=number)
    _coordinate_third_parties(actor, application, value_date)
    audit_record(
        actor=actor,
        action="application.contract_sign",
        target=application,
        after={"contract": number, "value_date": value_date.isoformat(), "place": contract.place},
    )
    return contract
