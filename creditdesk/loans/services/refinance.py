"""Refinance (借新还旧): a new loan repays an old one in full; the old one closes as 已重组, linked.

Rules (issue 16, item 7; RULES.md "Five-category classification"):
- By a risk manager of the loan's branch (``Action.LOAN_RESTRUCTURE``), with a reason, on an open loan.
- The new loan is the old one's payoff on the business date — principal outstanding, interest, fees,
  penalty and 复利 due, and the interest of the running period for the days elapsed (Civil Code art. 677),
  less any credit balance — on the same product version and rate, for a term and method the product
  allows (``term_invalid``, ``method_invalid``). It is booked like any loan (an application of kind 借新还旧
  with its part and a disbursement paid to the old loan, ``book_disbursed_part``), so the ledger shows the
  new receivable and the old one repaid through clearing.
- Because of the borrower's financial difficulty: a restructuring — the new loan is observed from its
  first repayment date for two periods and a year (at best 关注; 次级 if the old loan was NPL, or on a
  miss). Otherwise (a business reason) the classification rules do not change.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, localcontext

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy
from creditdesk.accounts.models import User
from creditdesk.applications.lifecycle import Kind, PartyRole
from creditdesk.applications.models import Application, ApplicationPart, ApplicationParty
from creditdesk.applications.services.application import new_number
from creditdesk.applications.terms import apr_percent, part_schedule, schedule_digest, schedule_rows
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import Conflict, DomainError
from creditdesk.core.money import ZERO, round_fen, to_fen
from creditdesk.finance.classification import RiskClass, observation_end
from creditdesk.finance.schedule import PRECISION
from creditdesk.finance.schedule import Installment as Scheduled
from creditdesk.finance.terms import DAYS_IN_YEAR, Method
from creditdesk.ledger.chart import EntryKind
from creditdesk.loans import locks
from creditdesk.loans.choices import PaymentMode, RepaymentChannel, RepaymentKind, RestructuringKind
from creditdesk.loans.models import Disbursement, Loan, LoanStatus, Repayment, Restructuring
from creditdesk.loans.services import inputs, sync
from creditdesk.loans.services.calendar import business_date
from creditdesk.loans.services.disbursement import book_disbursed_part
from creditdesk.loans.services.rebuild import replace_open_schedule
from creditdesk.loans.services.restructuring import restructuring_reason

HUNDRED = Decimal(100)


def _accrued_interest(loaded: sync.Loaded, today: date) -> Decimal:
    """The running period's interest on the principal not yet due, for the days since the last due date
    (or the value date), at the contract rate, actual/360."""
    loan, book = loaded.loan, loaded.book
    future = [row for row in book.rows if row.due_date > today]
    principal = Decimal(sum(row.principal - row.principal_paid for row in future)) / HUNDRED
    past = [row.due_date for row in book.rows if row.due_date <= today]
    start = max(past) if past else loan.value_date
    with localcontext(prec=PRECISION):
        return round_fen(principal * loan.annual_rate / HUNDRED * (today - start).days / DAYS_IN_YEAR)


@transaction.atomic(durable=True)
def loan_refinance(
    *,
    actor: User,
    loan_id: int,
    term_months: object,
    method: str,
    reason: str,
    financial_difficulty: bool,
) -> Loan:
    """借新还旧 (see the module rules). Returns the new loan."""
    reason = restructuring_reason(reason)
    try:
        term = int(str(term_months))
    except (TypeError, ValueError):
        raise DomainError("term_invalid", _("请输入新贷款期限（月）。"), {"field": "term_months"}) from None
    inputs.require_loan_visible(actor, loan_id)
    old = locks.loan_lock(loan_id)
    policy.require(actor, Action.LOAN_RESTRUCTURE, old)
    if old.status not in sync.OPEN:
        raise Conflict(
            "loan_closed", _("贷款已%(status)s，不能借新还旧。") % {"status": old.get_status_display()}
        )
    spec = old.product_version.as_spec()
    if not spec.min_term_months <= term <= spec.max_term_months:
        raise DomainError(
            "term_invalid",
            _("新贷款期限须在 %(min)s–%(max)s 个月之间。")
            % {"min": spec.min_term_months, "max": spec.max_term_months},
            {"field": "term_months"},
        )
    if method not in {str(m) for m in spec.methods} or method == Method.REVOLVING:
        raise DomainError("method_invalid", _("该产品不支持所选还款方式。"), {"field": "method"})
    today = business_date()
    old_maturity = old.maturity_date
    loaded = sync.load(old)
    loaded.book.accrue(max(today, loaded.book.accrued_through))
    accrued = _accrued_interest(loaded, today)
    future_principal = sum(
        row.principal - row.principal_paid for row in loaded.book.rows if row.due_date > today
    )
    replace_open_schedule(
        loaded,
        after=today,
        rows=[
            Scheduled(
                0,
                today,
                Decimal(future_principal) / HUNDRED + accrued,
                Decimal(future_principal) / HUNDRED,
                accrued,
                ZERO,
                ZERO,
            )
        ]
        if future_principal
        else [],
        terms=None,
    )
    totals = loaded.book.totals()
    owed = (
        totals.principal_outstanding
        + totals.interest_billed
        - totals.interest_paid
        + totals.fee_receivable
        + totals.penalty_receivable
    )
    payoff = Decimal(owed - totals.credit) / HUNDRED
    was_npl = RiskClass(old.risk_class).is_npl
    new = _book_new_loan(actor=actor, old=old, amount=payoff, term=term, method=method, today=today)
    repayment = Repayment.objects.create(
        loan=old,
        value_date=today,
        business_date=today,
        amount=payoff,
        channel=RepaymentChannel.OTHER,
        kind=RepaymentKind.REFINANCE,
        idempotency_key=f"refinance:{new.pk}",
        posted_by=actor,
        posted_at=timezone.now(),
    )
    credit, loaded.book.credit = loaded.book.credit, 0
    repayment.allocation = sync.describe(loaded.book.pay(today, to_fen(payoff) + credit))
    repayment.save(update_fields=["allocation"])
    sync.save(
        loaded,
        business_date=today,
        cash_kind=EntryKind.RESTRUCTURE,
        reference=f"repayment:{repayment.pk}",
        memo=_("借新还旧，由 %(number)s 结清") % {"number": new.number},
        actor=actor,
    )
    Loan.objects.filter(pk=old.pk).update(status=LoanStatus.RESTRUCTURED, closed_on=today)
    observation = None
    if financial_difficulty:
        observation = observation_end(
            list(new.installments.order_by("due_date").values_list("due_date", flat=True))
        )
        new.restructured_on, new.observation_ends_on = today, observation
        new.observation_was_npl, new.restructure_count = was_npl, old.restructure_count + 1
        new.observation_missed = sync.in_observation(old, today)  # a second restructuring in the period
        sync.classify(
            new, business_date=today, actor=actor, reason=_("借新还旧（借款人财务困难），观察期内分类受限。")
        )
        new.save(
            update_fields=[
                "restructured_on",
                "observation_ends_on",
                "observation_was_npl",
                "restructure_count",
                "observation_missed",
                "risk_class",
                "risk_floor",
                "risk_manual",
            ]
        )
    restructuring = Restructuring.objects.create(
        loan=old,
        kind=RestructuringKind.REFINANCE,
        business_date=today,
        months=0,
        old_maturity=old_maturity,
        new_maturity=new.maturity_date,
        principal=payoff,
        financial_difficulty=financial_difficulty,
        observation_ends_on=observation,
        reason=reason,
        done_by=actor,
        done_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="loan.refinance",
        target=restructuring,
        after={
            "old_loan": old.number,
            "new_loan": new.number,
            "payoff": payoff,
            "term_months": term,
            "method": method,
            "financial_difficulty": financial_difficulty,
            "reason": reason,
        },
    )
    return new


def _book_new_loan(*, actor: User, old: Loan, amount: Decimal, term: int, method: str, today: date) -> Loan:
    """The new loan's application (kind 借新还旧, already decided), part, disbursement to the old loan,
    and the loan booked by the same code as any disbursement."""
    original = old.disbursement.application
    old_part = old.disbursement.part
    now = timezone.now()
    application = Application.objects.create(
        number=new_number(today),
        kind=Kind.REFINANCE,
        customer=old.customer,
        renews=original,
        purpose=original.purpose,
        purpose_detail=_("借新还旧：偿还贷款 %(number)s") % {"number": old.number},
        owner=old.owner,
        grade=original.grade,
        status="disbursed",
        stage_entered_at=now,
        created_by=actor,
        submitted_at=now,
        decided_at=now,
    )
    part = ApplicationPart.objects.create(
        application=application,
        position=1,
        product_version=old.product_version,
        amount=amount,
        term_months=term,
        method=method,
        annual_rate=old.annual_rate,
        priced_rate=old.annual_rate,
        price=old_part.price,
        priced_on=today,
    )
    ApplicationParty.objects.create(application=application, customer=old.customer, role=PartyRole.BORROWER)
    disbursement = Disbursement.objects.create(
        application=application,
        part=part,
        amount=amount,
        value_date=today,
        mode=PaymentMode.REFINANCE,
        payee_name=old.customer.name,
        payee_account=old.number,
        payee_account_tail=old.number[-4:],
        payee_bank=_("本行"),
        payment_reference=old.number,
        idempotency_key=f"refinance:{old.pk}",
        disbursed_by=actor,
        disbursed_at=now,
    )
    application.customer = old.customer
    part.application = application
    schedule = part_schedule(part, today)
    new = book_disbursed_part(
        actor=actor,
        application=application,
        part=part,
        disbursement=disbursement,
        schedule=schedule,
        digest=schedule_digest(schedule_rows(schedule)),
        apr=apr_percent(schedule),
    )
    new.refinances = old
    new.save(update_fields=["refinances"])
    return new
