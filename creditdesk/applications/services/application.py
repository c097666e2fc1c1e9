"""The application shell: create (from a proposal's options or from scratch), the CM's investigation,
parties, and withdrawal. Submission and decisions are in ``approval``, signing in ``signing``."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy
from creditdesk.accounts.models import User
from creditdesk.applications.lifecycle import EDITABLE, FINAL, Kind, PartyRole, Recommendation, Status
from creditdesk.applications.models import (
    Application,
    ApplicationPart,
    ApplicationParty,
    ApprovalStep,
    ConcessionLimit,
    StageEvent,
)
from creditdesk.applications.services import documents
from creditdesk.applications.services.transitions import (
    application_lock,
    application_lock_visible,
    application_move,
)
from creditdesk.consents.models import CreditInquiry
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record, audit_snapshot
from creditdesk.core.exceptions import Conflict, DomainError, NotFound
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import customer_list_visible_to
from creditdesk.products import selectors as product_selectors
from creditdesk.products.catalogue import ProductError, ProductSpec, ProvidentPricing, price_for
from creditdesk.products.models import ProductVersion
from creditdesk.scoring.selectors import assessments_of
from creditdesk.solutions.models import Proposal
from creditdesk.solutions.offers import pricing_grade

HUNDRED = Decimal(100)
RATE_PLACES = Decimal("0.0001")
INVESTIGATION_FIELDS = (
    "purpose_detail",
    "site_visit_notes",
    "business_observations",
    "cash_flow_analysis",
    "risk_points",
    "recommendation",
    "investigation_text",
)
AUDIT_FIELDS = ("status", "kind", "purpose", "grade", *INVESTIGATION_FIELDS)


@dataclass(frozen=True)
class PartInput:
    """One loan asked for: a product on sale (by code), amount, term, method, and optionally the rate
    offered in percent (None: the product's price for the customer's grade on the day)."""

    product_code: str
    amount: Decimal
    term_months: int
    method: str
    annual_rate: Decimal | None = None
    second_home: bool = False


@dataclass(frozen=True)
class PartyInput:
    customer_id: int
    role: str
    relation: str = ""


def new_number(today: date) -> str:
    return f"SQ{today:%Y%m%d}-{secrets.token_hex(3).upper()}"


def _visible_customer(actor: User, customer_id: int, field: str) -> Customer:
    customer = customer_list_visible_to(user=actor).filter(pk=customer_id).first()
    if customer is None:
        raise NotFound("customer_not_found", _("客户不存在或不在您的权限范围内。"), {"field": field})
    return customer


def current_version(code: str) -> ProductVersion:
    product = product_selectors.product_list().filter(code=code, is_active=True).first()
    if product is None or product.current_version is None:
        raise DomainError(
            "product_not_on_sale", _("产品 %(code)s 不存在或未上架。") % {"code": code}, {"field": "parts"}
        )
    return product.current_version


def grade_of(customer: Customer) -> str:
    assessment = assessments_of(customer=customer).order_by("-created_at", "-id").first()
    return assessment.final_grade if assessment is not None else ""


def _check_part(spec: ProductSpec, part: PartInput, n: int) -> None:
    where = {"field": "parts", "part": n}
    ceiling = _concession_ceiling(spec)
    if not spec.min_amount <= part.amount <= ceiling:
        raise DomainError(
            "amount_out_of_range",
            _("%(name)s 的金额须在 %(lo)s–%(hi)s 元之间（高于 %(max)s 元为额度优惠，须按授权审批）。")
            % {"name": spec.name, "lo": spec.min_amount, "hi": ceiling, "max": spec.max_amount},
            where,
        )
    if not spec.min_term_months <= part.term_months <= spec.max_term_months:
        raise DomainError(
            "term_out_of_range",
            _("%(name)s 的期限须在 %(lo)s–%(hi)s 个月之间。")
            % {"name": spec.name, "lo": spec.min_term_months, "hi": spec.max_term_months},
            where,
        )
    if part.method not in {str(m) for m in spec.methods}:
        raise DomainError(
            "method_not_offered",
            _("%(name)s 不提供该还款方式。") % {"name": spec.name},
            where,
        )
    if part.annual_rate is not None and not Decimal(0) < part.annual_rate < HUNDRED:
        raise DomainError("rate_invalid", _("年利率须大于 0 且小于 100%。"), where)


def _concession_ceiling(spec: ProductSpec) -> Decimal:
    """The most an application may ask of ``spec``: its maximum, or above it by the bank's highest limit
    concession (额度优惠, ``ConcessionLimit.max_amount_pct``) — a concession the approval must grant."""
    highest = ConcessionLimit.objects.aggregate(m=Max("max_amount_pct"))["m"] or 0
    return (spec.max_amount * (HUNDRED + highest) / HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)


def _check_kind(kind: str, specs: Sequence[ProductSpec]) -> None:
    """组合贷 is exactly one 公积金 part and one commercial part; every other kind asks for one loan."""
    if kind not in {k.value for k in Kind} or kind == Kind.REFINANCE:
        raise DomainError("kind_unknown", _("申请类型无效。"), {"field": "kind"})
    if kind == Kind.COMBINATION:
        provident = [s for s in specs if isinstance(s.pricing, ProvidentPricing)]
        if len(specs) != 2 or len(provident) != 1:
            raise DomainError(
                "combination_parts_invalid",
                _("组合贷须包含一笔公积金贷款和一笔商业贷款。"),
                {"field": "parts"},
            )
    elif len(specs) != 1:
        raise DomainError(
            "parts_count_invalid", _("该申请类型只能申请一笔贷款（组合贷除外）。"), {"field": "parts"}
        )


def price_on_the_day(
    spec: ProductSpec, grade: str, part: PartInput, today: date
) -> tuple[Decimal, dict[str, Any]]:
    """The product's price for the grade on ``today`` (percent, four places) and its breakdown."""
    used_grade, _note = pricing_grade(spec, grade or None)
    try:
        price = price_for(
            spec,
            used_grade,
            part.term_months,
            product_selectors.lpr_table(),
            today,
            provident_table=product_selectors.provident_table(),
            second_home=part.second_home,
        )
    except ProductError as exc:
        raise DomainError(exc.code, exc.message, {"field": "parts"}) from exc
    return (price.annual_rate * HUNDRED).quantize(RATE_PLACES), price.to_dict()


def _check_parties(
    actor: User, customer: Customer, parties: Sequence[PartyInput]
) -> list[tuple[Customer, PartyInput]]:
    found: list[tuple[Customer, PartyInput]] = []
    seen = {customer.pk}
    for party in parties:
        if party.role not in (PartyRole.CO_BORROWER.value, PartyRole.GUARANTOR.value):
            raise DomainError(
                "party_role_invalid", _("参与人角色须为共同借款人或保证人。"), {"field": "parties"}
            )
        if party.customer_id in seen:
            raise DomainError("party_duplicate", _("同一客户不能重复列为参与人。"), {"field": "parties"})
        seen.add(party.customer_id)
        found.append((_visible_customer(actor, party.customer_id, "parties"), party))
    return found


def _credit_inquiry(customer: Customer, inquiry_id: int | None) -> CreditInquiry | None:
    if inquiry_id is None:
        return None
    inquiry = CreditInquiry.objects.filter(pk=inquiry_id, customer=customer).first()
    if inquiry is None:
        raise DomainError(
            "credit_inquiry_not_found",
            _("该征信查询记录不存在或不属于该客户。"),
            {"field": "credit_inquiry"},
        )
    return inquiry


@transaction.atomic(durable=True)
def application_create(
    *,
    actor: User,
    customer_id: int,
    purpose: str,
    parts: Sequence[PartInput],
    kind: str = Kind.NEW.value,
    purpose_detail: str = "",
    parties: Sequence[PartyInput] = (),
    proposal_id: int | None = None,
    renews_id: int | None = None,
    credit_inquiry_id: int | None = None,
) -> Application:
    """发起贷款申请. Rules: by the customer's CM or team lead (``APPLICATION_CREATE``); each part a product
    on sale within its amount, term and methods; one part, or for a 组合贷 a 公积金 part and a commercial
    part; the rate as priced on the day for the customer's grade (LPR and its date, or the 公积金 table),
    unless the CM offers a lower one — a concession the approval must grant; a renewal names the
    application it renews (the same customer's). The checklist of documents is built with it."""
    customer = _visible_customer(actor, customer_id, "customer")
    policy.require(actor, Action.APPLICATION_CREATE, customer)
    if not purpose.strip():
        raise DomainError("purpose_required", _("请填写贷款用途。"), {"field": "purpose"})
    if not parts:
        raise DomainError("parts_required", _("请至少选择一笔贷款。"), {"field": "parts"})
    versions = [current_version(p.product_code) for p in parts]
    specs = [v.as_spec() for v in versions]
    _check_kind(kind, specs)
    for n, (spec, part) in enumerate(zip(specs, parts, strict=True), start=1):
        _check_part(spec, part, n)
    others = _check_parties(actor, customer, parties)
    proposal = None
    if proposal_id is not None:
        proposal = Proposal.objects.filter(pk=proposal_id, customer=customer).first()
        if proposal is None:
            raise DomainError("proposal_not_found", _("方案书不存在或不属于该客户。"), {"field": "proposal"})
    renews = None
    if kind in (Kind.RENEWAL, Kind.RENEWAL_NO_REPAYMENT):
        renews = Application.objects.filter(pk=renews_id, customer=customer).first() if renews_id else None
        if renews is None:
            raise DomainError(
                "renewal_original_required",
                _("续贷须选择该客户原有的贷款申请。"),
                {"field": "renews"},
            )
    inquiry = _credit_inquiry(customer, credit_inquiry_id)
    today = timezone.localdate()
    grade = grade_of(customer)
    now = timezone.now()
    application = Application.objects.create(
        number=new_number(today),
        kind=kind,
        customer=customer,
        proposal=proposal,
        renews=renews,
        purpose=purpose.strip(),
        purpose_detail=purpose_detail.strip()[:300],
        owner=customer.owner,
        grade=grade,
        credit_inquiry=inquiry,
        stage_entered_at=now,
        created_by=actor,
    )
    for n, (version, spec, part) in enumerate(zip(versions, specs, parts, strict=True), start=1):
        priced, breakdown = price_on_the_day(spec, grade, part, today)
        ApplicationPart.objects.create(
            application=application,
            position=n,
            product_version=version,
            amount=part.amount,
            term_months=part.term_months,
            method=part.method,
            annual_rate=part.annual_rate.quantize(RATE_PLACES) if part.annual_rate else priced,
            priced_rate=priced,
            price=breakdown,
            priced_on=today,
        )
    ApplicationParty.objects.create(application=application, customer=customer, role=PartyRole.BORROWER)
    for other, party in others:
        ApplicationParty.objects.create(
            application=application, customer=other, role=party.role, relation=party.relation[:50]
        )
    StageEvent.objects.create(
        application=application, from_status="", to_status=Status.DRAFT, entered_at=now, actor=actor
    )
    documents.checklist_build(application=application)  # the 资料清单 is built with the application
    audit_record(
        actor=actor,
        action="application.create",
        target=application,
        after={
            **audit_snapshot(application, AUDIT_FIELDS),
            "parts": [
                {"product": s.code, "amount": str(p.amount), "term_months": p.term_months}
                for s, p in zip(specs, parts, strict=True)
            ],
        },
    )
    return application


def _editable(actor: User, application_id: int) -> Application:
    application = application_lock_visible(actor=actor, application_id=application_id)
    policy.require(actor, Action.APPLICATION_WORK, application)
    if application.status not in {s.value for s in EDITABLE}:
        raise Conflict(
            "application_not_editable",
            _("申请当前为「%(status)s」，不能修改。") % {"status": application.get_status_display()},
        )
    return application


@transaction.atomic(durable=True)
def application_update(*, actor: User, application_id: int, data: dict[str, str]) -> Application:
    """贷前调查: the CM's investigation report (site visit, business observations, cash flow, risk points,
    recommendation) and the purpose detail, while the application is still the CM's to shape."""
    application = _editable(actor, application_id)
    before = audit_snapshot(application, AUDIT_FIELDS)
    for field, value in data.items():
        if field not in INVESTIGATION_FIELDS:
            raise DomainError("field_unknown", _("不能修改该字段。"), {"field": field})
        value = (value or "").strip()
        limit = Application._meta.get_field(field).max_length
        if limit and len(value) > limit:
            raise DomainError(
                "text_too_long", _("内容不能超过 %(n)s 个字。") % {"n": limit}, {"field": field}
            )
        if field == "recommendation" and value and value not in {r.value for r in Recommendation}:
            raise DomainError("recommendation_invalid", _("调查结论无效。"), {"field": field})
        setattr(application, field, value)
    application.save()
    audit_record(
        actor=actor,
        action="application.update",
        target=application,
        before=before,
        after=audit_snapshot(application, AUDIT_FIELDS),
    )
    return application


@transaction.atomic(durable=True)
def application_withdraw(*, actor: User, application_id: int, reason: str) -> Application:
    """撤回: the CM withdraws an application not yet signed (the customer gave up, or it must be redone);
    its open approval level is closed."""
    application = application_lock_visible(actor=actor, application_id=application_id)
    policy.require(actor, Action.APPLICATION_WORK, application)
    if not reason.strip():
        raise DomainError("reason_required", _("请填写撤回原因。"), {"field": "reason"})
    if application.status in {s.value for s in FINAL}:
        raise Conflict("application_closed", _("申请已结束，不能撤回。"))
    application_move(application=application, to=Status.WITHDRAWN, actor=actor, note=reason.strip())
    ApprovalStep.objects.filter(application=application, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    application.assigned_to = None
    application.current_level = None
    application.save(update_fields=["assigned_to", "current_level", "updated_at"])
    return application


# A draft nobody touched for this many days lapses (资料过期: the documents and the price are stale).
DRAFT_IDLE_DAYS = 90
LAPSING = (Status.APPROVED, Status.APPROVED_WITH_CHANGES, Status.CONTRACT_SIGNED)


def applications_expire(*, today: date) -> list[str]:
    """过期: an approval not signed and disbursed by its expiry date, and a draft idle for
    ``DRAFT_IDLE_DAYS``, move to expired (one transaction each, the row locked and checked again, so a
    disbursement or an edit at the same moment either comes first or is refused). Returns the numbers
    expired. Run daily (``creditdesk expire_applications``); running it twice changes nothing."""
    idle_since = timezone.now() - timedelta(days=DRAFT_IDLE_DAYS)
    due = Application.objects.filter(
        Q(status__in=[s.value for s in LAPSING], approval_expires_on__lt=today)
        | Q(status=Status.DRAFT, updated_at__lt=idle_since)
    ).values_list("pk", flat=True)
    expired = []
    for application_id in list(due):
        with transaction.atomic(durable=True):
            application = application_lock(application_id=application_id)
            lapsed = application.status in {s.value for s in LAPSING} and (
                application.approval_expires_on is not None and application.approval_expires_on < today
            )
            idle = application.status == Status.DRAFT and application.updated_at < idle_since
            if not (lapsed or idle):
                continue
            note = _("批复已过有效期") if lapsed else _("草稿超过 %(n)s 天未处理") % {"n": DRAFT_IDLE_DAYS}
            application_move(application=application, to=Status.EXPIRED, actor=None, note=note)
            application.steps.filter(ended_at__isnull=True).update(ended_at=timezone.now())
            expired.append(application.number)
    return expired
