"""Manual classification (人工认定五级分类) by a risk manager.

Rules (RULES.md "Five-category classification"; issue 16, item 6): a risk manager of the loan's branch
(``Action.LOAN_CLASSIFY``) may push a loan *below* the floor the rules set, with a reason; a class better
than the floor is refused (``classification_above_floor``) — 逾期…天的，应**至少**归为…类. Withdrawing the
judgement (``risk_class`` None) returns the loan to its floor. Every change is kept with its reason
(``ClassificationChange``) and audited.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from creditdesk.accounts import policy, scope
from creditdesk.accounts.models import User
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import Conflict, DomainError, NotFound
from creditdesk.finance.classification import RiskClass
from creditdesk.loans import locks
from creditdesk.loans.models import ClassificationChange, Loan
from creditdesk.loans.services import sync
from creditdesk.loans.services.calendar import business_date

REASON_MAX = 300


@transaction.atomic(durable=True)
def loan_classify(*, actor: User, loan_id: int, risk_class: str | None, reason: str) -> Loan:
    """Set (or withdraw, ``risk_class`` None) a risk manager's judgement of the loan's class."""
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise DomainError(
            "reason_required",
            _("请填写认定理由（不超过 %(n)s 字）。") % {"n": REASON_MAX},
            {"field": "reason"},
        )
    if risk_class is not None and risk_class not in {member.value for member in RiskClass}:
        raise DomainError("risk_class_invalid", _("五级分类无效。"), {"field": "risk_class"})
    if not scope.visible(actor, Loan.objects.filter(pk=loan_id)).exists():
        raise NotFound("loan_not_found", _("没有这笔贷款。"))
    loan = locks.loan_lock(loan_id)
    policy.require(actor, Action.LOAN_CLASSIFY, loan)
    if loan.status not in sync.OPEN:
        raise Conflict(
            "loan_closed", _("贷款已%(status)s，不再分类。") % {"status": loan.get_status_display()}
        )
    floor = sync.rule_floor(loan)
    chosen = RiskClass(risk_class) if risk_class is not None else None
    if chosen is not None and chosen.rank < floor.rank:
        raise DomainError(
            "classification_above_floor",
            _("逾期 %(dpd)s 天的贷款应至少归为「%(floor)s」，不能认定为更好的「%(chosen)s」。")
            % {"dpd": loan.dpd, "floor": floor.label, "chosen": chosen.label},
            {"field": "risk_class", "floor": str(floor)},
        )
    before = {"risk_class": loan.risk_class, "risk_manual": loan.risk_manual}
    current = chosen or floor
    today = business_date()
    loan.risk_manual = chosen.value if chosen is not None else ""
    loan.risk_floor = floor
    if current != loan.risk_class:
        ClassificationChange.objects.create(
            loan=loan,
            business_date=today,
            from_class=loan.risk_class,
            to_class=current,
            floor=floor,
            dpd=loan.dpd,
            manual=True,
            reason=reason,
            changed_by=actor,
        )
        loan.risk_class = current
    loan.save(update_fields=["risk_class", "risk_floor", "risk_manual"])
    audit_record(
        actor=actor,
        action="loan.classify",
        target=loan,
        before=before,
        after={
            "risk_class": loan.risk_class,
            "risk_manual": loan.risk_manual,
            "floor": floor,
            "reason": reason,
        },
    )
    return loan
