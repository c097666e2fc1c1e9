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

from creditdesk.accounts import policy
from creditdesk.accounts.models import User
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import Conflict, DomainError
from creditdesk.finance.classification import RiskClass
from creditdesk.loans import locks
from creditdesk.loans.models import Loan
from creditdesk.loans.services import inputs, sync
from creditdesk.loans.services.calendar import business_date

REASON_MAX = 300


@transaction.atomic(durable=True)
def loan_classify(*, actor: User, loan_id: int, risk_class: str | None, reason: str) -> Loan:
    """Set (or withdraw, ``risk_class`` None) a risk manager's judgement of the loan's class."""
    reason = inputs.reason(reason, limit=REASON_MAX, message=_("请填写认定理由（不超过 %(n)s 字）。"))
    if risk_class is not None and risk_class not in {member.value for member in RiskClass}:
        raise DomainError("risk_class_invalid", _("五级分类无效。"), {"field": "risk_class"})
    inputs.require_loan_visible(actor, loan_id)
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
    loan.risk_manual = chosen.value if chosen is not None else ""
    change = sync.classification_change(
        loan, business_date=business_date(), actor=actor, reason=reason, manual=True
    )
    if change is not None:
        change.save()
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
