"""Writes of the collateral register (押品登记; issue 15, item 3): collaterals, appraisals, prior liens and
pledges. Each service is one durable transaction with its audit row; the arithmetic is
``applications.collateral`` (pure)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.applications import collateral as arithmetic
from creditdesk.applications import lifecycle
from creditdesk.applications.models import (
    Application,
    ApplicationParty,
    Appraisal,
    Collateral,
    CollateralKind,
    Pledge,
    PriorLien,
)
from creditdesk.applications.selectors.collateral import collateral_position
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record, audit_snapshot
from creditdesk.core.exceptions import Conflict, DomainError, NotFound
from creditdesk.core.money import format_rate, format_yuan, is_fen_amount
from creditdesk.customers.models import Customer

COLLATERAL_FIELDS = (
    "customer",
    "kind",
    "description",
    "owners",
    "certificate_number",
    "location",
    "next_revaluation_on",
)
APPRAISAL_FIELDS = ("collateral", "appraiser", "appraised_on", "value")
LIEN_FIELDS = ("collateral", "holder", "rank", "amount", "released_on")
PLEDGE_FIELDS = ("collateral", "application", "amount", "ltv", "released_at")

# A pledge may be released while the CM still shapes the application, or once it ended without a loan;
# not while it is reviewed, approved, signed or disbursed: the approval was given on that security.
RELEASABLE = lifecycle.EDITABLE | {
    lifecycle.Status.REJECTED,
    lifecycle.Status.WITHDRAWN,
    lifecycle.Status.EXPIRED,
}


def _missing_collateral() -> str:
    return _("押品不存在，或不在您的权限范围内。")


def _text(value: str, *, field: str, label: str, limit: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"{field}_required", _("请填写%(label)s。") % {"label": label}, {"field": field})
    if len(text) > limit:
        raise DomainError(
            f"{field}_too_long",
            _("%(label)s不能超过 %(n)s 个字。") % {"label": label, "n": limit},
            {"field": field},
        )
    return text


def _amount(value: Decimal, *, field: str, code: str, positive: bool = True) -> Decimal:
    """An exact amount in yuan (two places at most), above zero (or at least zero)."""
    if not isinstance(value, Decimal) or not value.is_finite() or not is_fen_amount(value):
        raise DomainError(code, _("请输入金额（元），最多两位小数。"), {"field": field})
    if value < 0 or (positive and value == 0):
        message = _("金额必须大于零。") if positive else _("金额不能为负数。")
        raise DomainError(code, message, {"field": field})
    return value


def _collateral_for_change(*, actor: User, collateral_id: int) -> Collateral:
    """The collateral, row-locked, if ``actor`` may keep its register (``Action.COLLATERAL_RECORD``)."""
    return scope.get_for_change(
        actor,
        Collateral.objects.all(),
        collateral_id,
        missing=_missing_collateral(),
        action=Action.COLLATERAL_RECORD,
    )


@transaction.atomic(durable=True)
def collateral_register(
    *,
    actor: User,
    customer_id: int,
    kind: str,
    description: str,
    owners: str,
    certificate_number: str = "",
    location: str = "",
    next_revaluation_on: date | None = None,
) -> Collateral:
    """押品登记. Rule: the register is kept by whoever works the customer (``Action.COLLATERAL_RECORD``:
    the owner CM or the team lead); a kind of the register, a description and every owner the title deed
    names are required."""
    customer = scope.get_for_change(
        actor,
        Customer.objects.all(),
        customer_id,
        missing=_("客户不存在，或不在您的权限范围内。"),
        action=Action.COLLATERAL_RECORD,
    )
    if kind not in CollateralKind.values:
        raise DomainError("collateral_kind_unknown", _("请选择押品类型。"), {"field": "kind"})
    collateral = Collateral.objects.create(
        customer=customer,
        kind=kind,
        description=_text(description, field="description", label=_("押品描述"), limit=300),
        owners=_text(owners, field="owners", label=_("全部所有权人"), limit=300),
        certificate_number=_text(
            certificate_number,
            field="certificate_number",
            label=_("权属证书编号"),
            limit=100,
            required=False,
        ),
        location=_text(location, field="location", label=_("坐落 / 存放地"), limit=300, required=False),
        next_revaluation_on=next_revaluation_on,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="collateral.register",
        target=collateral,
        after=audit_snapshot(collateral, COLLATERAL_FIELDS),
    )
    return collateral


@transaction.atomic(durable=True)
def appraisal_record(
    *, actor: User, collateral_id: int, appraiser: str, appraised_on: date, value: Decimal
) -> Appraisal:
    """押品评估. Rules: the value is above zero, exact to the fen; the appraisal date is not in the future
    (an appraisal records a valuation made). The latest appraisal by date counts."""
    collateral = _collateral_for_change(actor=actor, collateral_id=collateral_id)
    appraiser = _text(appraiser, field="appraiser", label=_("评估机构 / 评估人"), limit=100)
    if appraised_on > timezone.localdate():
        raise DomainError("appraisal_date_in_future", _("评估日期不能晚于今天。"), {"field": "appraised_on"})
    value = _amount(value, field="value", code="appraisal_value_invalid")
    appraisal = Appraisal.objects.create(
        collateral=collateral,
        appraiser=appraiser,
        appraised_on=appraised_on,
        value=value,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="collateral.appraisal",
        target=appraisal,
        after=audit_snapshot(appraisal, APPRAISAL_FIELDS),
    )
    return appraisal


@transaction.atomic(durable=True)
def prior_lien_record(
    *, actor: User, collateral_id: int, holder: str, rank: int, amount: Decimal
) -> PriorLien:
    """已有抵押登记. Rules: a holder, a rank (顺位) from 1 not held by another lien in force on the same
    collateral, and the balance it secures (zero or more, exact to the fen)."""
    collateral = _collateral_for_change(actor=actor, collateral_id=collateral_id)
    holder = _text(holder, field="holder", label=_("抵押权人"), limit=100)
    if not isinstance(rank, int) or isinstance(rank, bool) or not 1 <= rank <= 99:
        raise DomainError("lien_rank_invalid", _("顺位须为 1 到 99 之间的整数。"), {"field": "rank"})
    amount = _amount(amount, field="amount", code="lien_amount_invalid", positive=False)
    if collateral.prior_liens.filter(rank=rank, released_on__isnull=True).exists():
        raise DomainError(
            "lien_rank_taken",
            _("该押品已有第 %(rank)s 顺位的在押抵押，请核对顺位。") % {"rank": rank},
            {"field": "rank"},
        )
    lien = PriorLien.objects.create(collateral=collateral, holder=holder, rank=rank, amount=amount)
    audit_record(actor=actor, action="collateral.lien", target=lien, after=audit_snapshot(lien, LIEN_FIELDS))
    return lien


@transaction.atomic(durable=True)
def prior_lien_release(*, actor: User, lien_id: int, released_on: date | None = None) -> PriorLien:
    """解押登记: the holder released a prior lien (on ``released_on``, today by default, not in the future);
    from then on it no longer reduces the collateral's value. A lien is released once."""
    found = PriorLien.objects.filter(pk=lien_id).values_list("collateral_id", flat=True).first()
    if found is None:
        raise NotFound("not_found", _("已有抵押记录不存在，或不在您的权限范围内。"))
    _collateral_for_change(actor=actor, collateral_id=found)
    lien = PriorLien.objects.select_for_update().get(pk=lien_id)
    today = timezone.localdate()
    released_on = released_on or today
    if released_on > today:
        raise DomainError("lien_release_in_future", _("解押日期不能晚于今天。"), {"field": "released_on"})
    if lien.released_on is not None:
        raise Conflict(
            "lien_already_released",
            _("该抵押已于 %(day)s 解押。") % {"day": lien.released_on.isoformat()},
        )
    before = audit_snapshot(lien, ("released_on",))
    lien.released_on = released_on
    lien.save(update_fields=["released_on"])
    audit_record(
        actor=actor,
        action="collateral.lien_release",
        target=lien,
        before=before,
        after=audit_snapshot(lien, ("released_on",)),
    )
    return lien


def _party_collateral(*, actor: User, application: Application, collateral_id: int) -> Collateral:
    """The collateral, row-locked (two pledges at once cannot both see the same remaining value): it must
    belong to a party of the application (borrower, co-borrower or guarantor)."""
    parties = set(
        ApplicationParty.objects.filter(application=application).values_list("customer_id", flat=True)
    )
    try:
        collateral = Collateral.objects.select_for_update().filter(pk=collateral_id).first()
    except (ValueError, TypeError):
        collateral = None
    if collateral is None or (collateral.customer_id not in parties and not scope.can_see(actor, collateral)):
        raise NotFound("not_found", _missing_collateral())
    if collateral.customer_id not in parties:
        raise DomainError(
            "collateral_not_of_party",
            _("该押品不属于本申请的借款人、共同借款人或保证人，请先把押品所有人加为申请参与人。"),
            {"field": "collateral"},
        )
    return collateral


def _cap_for(*, application: Application, kind: str) -> Decimal:
    """The strictest LTV cap of the application's products for a collateral of ``kind``."""
    caps: list[Decimal] = []
    for part in application.parts.select_related("product_version"):
        spec = part.product_version.as_spec()
        cap = arithmetic.product_cap(kind, ((c.type, c.max_ltv) for c in spec.collateral))
        if cap is None:
            raise DomainError(
                "collateral_type_not_accepted",
                _("产品「%(product)s」不接受%(kind)s作为抵质押物，请换用其他押品或产品。")
                % {"product": spec.name, "kind": CollateralKind(kind).label},
                {"field": "collateral"},
            )
        caps.append(cap)
    if not caps:
        raise DomainError("application_has_no_parts", _("申请尚未填写贷款品种，不能登记押品担保。"))
    return min(caps)


@transaction.atomic(durable=True)
def pledge_create(*, actor: User, collateral_id: int, application_id: int, amount: Decimal) -> Pledge:
    """押品担保. Rules: the CM works the application (``Action.APPLICATION_WORK``) and it is still being
    shaped (``lifecycle.EDITABLE``); the collateral belongs to a party of the application and has an
    appraisal; the amount secured is at most the application's total and at most the collateral's
    remaining value (appraisal − prior liens − our other pledges: several loans within it, never more);
    the combined LTV is within the product's cap for that collateral (``collateral.combined_ltv``). The
    collateral row is locked, so two pledges at once cannot both pass."""
    application = scope.get_for_change(
        actor,
        Application.objects.all(),
        application_id,
        missing=_("申请不存在，或不在您的权限范围内。"),
        action=Action.APPLICATION_WORK,
    )
    if application.status not in lifecycle.EDITABLE:
        raise Conflict(
            "application_not_editable",
            _("申请当前为「%(status)s」，不能再登记押品担保。")
            % {"status": application.get_status_display()},
            {"status": application.status},
        )
    collateral = _party_collateral(actor=actor, application=application, collateral_id=collateral_id)
    amount = _amount(amount, field="amount", code="pledge_amount_invalid")
    requested = sum((part.amount for part in application.parts.all()), Decimal("0.00"))
    if amount > requested:
        raise DomainError(
            "pledge_above_application_amount",
            _("担保金额不能超过申请金额 %(requested)s 元。") % {"requested": format_yuan(requested)},
            {"field": "amount"},
        )
    if collateral.pledges.filter(application=application, released_at__isnull=True).exists():
        raise Conflict(
            "pledge_exists",
            _("该押品已为本申请登记担保；如需修改金额，请先解除原担保。"),
            {"field": "collateral"},
        )
    position = collateral_position(collateral=collateral)
    if not position.appraised:
        raise DomainError(
            "collateral_not_appraised", _("该押品尚未评估，请先登记评估价值。"), {"field": "collateral"}
        )
    assert position.value is not None
    if amount > position.remaining:
        raise DomainError(
            "collateral_value_exceeded",
            _(
                "担保金额超过押品剩余可担保价值 %(remaining)s 元"
                "（评估价值减已有抵押和本行其他担保），请降低担保金额。"
            )
            % {"remaining": format_yuan(position.remaining)},
            {"field": "amount", "remaining": str(position.remaining)},
        )
    cap = _cap_for(application=application, kind=collateral.kind)
    ltv = arithmetic.combined_ltv(
        amount=amount, value=position.value, prior_liens=position.prior_liens, pledged=position.pledged
    )
    if ltv is None or ltv > cap:
        raise DomainError(
            "ltv_above_product_cap",
            _("抵质押率 %(ltv)s 超过产品上限 %(cap)s，请降低担保金额（最多 %(most)s 元）。")
            % {
                "ltv": format_rate(ltv) if ltv is not None else "—",
                "cap": format_rate(cap),
                "most": format_yuan(_most_within(cap, position)),
            },
            {"field": "amount", "ltv": str(ltv), "cap": str(cap)},
        )
    pledge = Pledge.objects.create(
        collateral=collateral, application=application, amount=amount, ltv=ltv, pledged_by=actor
    )
    audit_record(
        actor=actor, action="collateral.pledge", target=pledge, after=audit_snapshot(pledge, PLEDGE_FIELDS)
    )
    return pledge


def _most_within(cap: Decimal, position: arithmetic.Position) -> Decimal:
    """The largest pledge (down to the fen) whose combined LTV stays within ``cap``."""
    most = (cap * position.net_value - position.pledged).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return max(min(most, position.remaining), Decimal("0.00"))


@transaction.atomic(durable=True)
def pledge_release(*, actor: User, pledge_id: int) -> Pledge:
    """解除押品担保. Rules: by whoever works the application (``Action.APPLICATION_WORK``), while it is
    still being shaped or after it ended without a loan (rejected, withdrawn, expired) — not while it is
    reviewed, approved, signed or disbursed (the decision was made on that security); once."""
    pledge = scope.get_for_change(
        actor,
        Pledge.objects.all(),
        pledge_id,
        missing=_("押品担保不存在，或不在您的权限范围内。"),
        action=Action.APPLICATION_WORK,
    )
    if pledge.released_at is not None:
        raise Conflict("pledge_already_released", _("该押品担保已解除。"))
    application = Application.objects.only("status").get(pk=pledge.application_id)
    if application.status not in RELEASABLE:
        raise Conflict(
            "pledge_in_force",
            _("申请当前为「%(status)s」，押品担保不能解除。") % {"status": application.get_status_display()},
            {"status": application.status},
        )
    before = audit_snapshot(pledge, ("released_at",))
    pledge.released_at = timezone.now()
    pledge.save(update_fields=["released_at"])
    audit_record(
        actor=actor,
        action="collateral.pledge_release",
        target=pledge,
        before=before,
        after=audit_snapshot(pledge, ("released_at",)),
    )
    return pledge
