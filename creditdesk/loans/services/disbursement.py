"""Writes of the loans app: disbursement (放款), which books the loan (贷款账户) and its schedule.

``loan_disburse`` is one transaction: the application row is locked first (``application_lock``), so
two requests disbursing the same application queue instead of racing; the part's unique disbursement
makes a second one impossible whatever the idempotency key (a race that still reaches the constraint is
answered ``already_disbursed``, never a 500).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy, scope
from creditdesk.accounts.models import User
from creditdesk.agenda import services as agenda
from creditdesk.agenda.choices import TaskKind
from creditdesk.applications.models import Application, ApplicationPart, ConditionCheck, Contract
from creditdesk.applications.services.transitions import application_lock, application_move
from creditdesk.applications.terms import part_schedule, schedule_digest, schedule_rows
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import Conflict, DomainError, NotFound
from creditdesk.core.money import format_yuan
from creditdesk.finance.schedule import Schedule
from creditdesk.ledger.chart import Account, EntryKind
from creditdesk.ledger.services import signed_post
from creditdesk.loans.models import Disbursement, Installment, Loan, PaymentMode
from creditdesk.notifications.choices import Event
from creditdesk.notifications.services import outbox_put

SIGNED = "contract_signed"
DISBURSED = "disbursed"
PROOF_OF_USE_DAYS = 30  # 自主支付: the borrower reports the use of funds afterwards (RULES.md, 受托支付)
COORDINATION_DAYS = 7
ACCOUNT_DIGITS = (8, 32)
PERCENT_PLACES = Decimal("0.0001")
NAME_MAX, BANK_MAX, REFERENCE_MAX, KEY_MAX = 100, 100, 200, 100
_SEPARATORS = re.compile(r"[\s\-]")


@dataclass(frozen=True)
class EntrustedRequirement:
    """Whether 受托支付 is required for a part, and the threshold that decides it (RULES.md: above the
    product's threshold per drawdown; default consumer 300,000, business 500,000)."""

    required: bool
    threshold: Decimal | None
    amount: Decimal


def entrusted_requirement(part: ApplicationPart) -> EntrustedRequirement:
    """The part's 受托支付 rule: the product spec's threshold for the borrower's type (``Customer.kind``,
    as ``products.customer_facts`` reads it) and the application's purpose — the same question a quote
    asks (``solutions.offers.Quote.entrusted_payment_required``)."""
    application = part.application
    spec = part.product_version.as_spec()
    customer_type, purpose = application.customer.kind, application.purpose
    return EntrustedRequirement(
        required=spec.needs_entrusted_payment(part.amount, customer_type, purpose),
        threshold=spec.entrusted_payment_threshold_for(customer_type, purpose),
        amount=part.amount,
    )


def contract_part(contract: Contract, part_id: int) -> dict[str, Any] | None:
    """The contract's entry for a part (``content["parts"]``, written at signing), or None."""
    for entry in (contract.content or {}).get("parts", []):
        if isinstance(entry, dict) and entry.get("part_id") == part_id:
            return entry
    return None


def contract_value_date(contract: Contract, entry: dict[str, Any]) -> date:
    text = entry.get("value_date")
    return date.fromisoformat(text) if isinstance(text, str) else contract.value_date


def normalize_account(text: str) -> str:
    """An account number as typed (spaces and hyphens allowed) reduced to its digits; not checked."""
    return _SEPARATORS.sub("", text or "")


def _refuse(code: str, message: str, field: str | None = None, **extra: Any) -> DomainError:
    return DomainError(code, message, {**({"field": field} if field else {}), **extra})


def _validate_input(
    *, mode: str, payee_name: str, payee_account: str, payee_bank: str, payment_reference: str, key: str
) -> tuple[str, str, str, str]:
    """Constraints on what was typed, before any query: the mode, the key, the lengths, the account."""
    if mode not in PaymentMode.values:
        raise _refuse("payment_mode_invalid", _("请选择支付方式：受托支付或自主支付。"), "mode")
    if not key or len(key) > KEY_MAX:
        raise _refuse("idempotency_key_invalid", _("幂等键须为 1–100 个字符。"), "idempotency_key")
    name, bank, reference = payee_name.strip(), payee_bank.strip(), payment_reference.strip()
    if len(name) > NAME_MAX or len(bank) > BANK_MAX or len(reference) > REFERENCE_MAX:
        raise _refuse(
            "payee_too_long", _("收款人、收款行不能超过 100 个字，交易合同 / 发票号不能超过 200 个字。")
        )
    account = normalize_account(payee_account)
    if not account:
        raise _refuse("payee_required", _("请填写收款账号。"), "payee_account")
    low, high = ACCOUNT_DIGITS
    if not (account.isascii() and account.isdigit() and low <= len(account) <= high):
        raise _refuse(
            "payee_account_invalid",
            _("收款账号应为 %(low)s–%(high)s 位数字。") % {"low": low, "high": high},
            "payee_account",
        )
    return name, account, bank, reference


def _visible_application(actor: User, application_id: int) -> None:
    if not scope.visible(actor, Application.objects.filter(pk=application_id)).exists():
        raise NotFound("not_found", _("申请不存在，或不在您的权限范围内。"))


def _check_conditions(application: Application) -> None:
    """放款审核: the latest check by someone other than the CM must have passed (issue 15, item 9)."""
    latest = (
        ConditionCheck.objects.filter(application=application)
        .exclude(checked_by_id=application.owner_id)
        .order_by("-checked_at", "-id")
        .first()
    )
    if latest is None or not latest.passed:
        raise Conflict(
            "conditions_not_checked",
            _("放款条件尚未经客户经理以外的人员审核通过（放款审核），不能放款。"),
        )


def _apr_percent(entry: dict[str, Any]) -> Decimal:
    try:
        percent = Decimal(str(entry["apr"]))
    except (KeyError, InvalidOperation) as exc:
        raise Conflict(
            "schedule_differs_from_contract", _("借款合同缺少该笔贷款的年化利率，不能放款。")
        ) from exc
    return percent.quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)


def _loan_number(value_date: date, disbursement: Disbursement) -> str:
    return f"LN{value_date:%Y%m%d}{disbursement.pk:08d}"


def book_disbursed_part(
    *,
    actor: User,
    application: Application,
    part: ApplicationPart,
    disbursement: Disbursement,
    schedule: Schedule,
    digest: str,
    apr: Decimal,
) -> Loan:
    """Book the loan of a disbursed part: the loan row, its schedule, the ledger entry. Inside the
    caller's transaction; used by ``loan_disburse`` and by the demo history (``loans.seed_history``),
    which creates past disbursements directly."""
    rows = schedule.installments
    loan = Loan.objects.create(
        number=_loan_number(disbursement.value_date, disbursement),
        disbursement=disbursement,
        customer=application.customer,
        owner=application.owner,
        product_version=part.product_version,
        principal=part.amount,
        annual_rate=part.annual_rate,
        apr=apr,
        term_months=part.term_months,
        method=part.method,
        value_date=disbursement.value_date,
        maturity_date=rows[-1].due_date,
        principal_outstanding=part.amount,
        schedule_sha256=digest,
        accrued_through=disbursement.value_date,
        next_due_date=rows[0].due_date,
    )
    Installment.objects.bulk_create(
        Installment(
            loan=loan,
            period=row.period,
            due_date=row.due_date,
            principal=row.principal,
            interest=row.interest,
            fee=row.fee,
            payment=row.payment,
            balance=row.balance,
        )
        for row in rows
    )
    _post_disbursement(actor=actor, loan=loan, disbursement=disbursement, upfront_fees=schedule.upfront_fees)
    return loan


def _post_disbursement(*, actor: User, loan: Loan, disbursement: Disbursement, upfront_fees: Decimal) -> None:
    """The ledger entry of a disbursement: the loan's principal becomes receivable; the money paid out
    leaves through clearing; a fee charged at drawdown is income at once (the borrower receives the
    principal less that fee — never interest deducted up front, 砍头息, RULES.md)."""
    signed_post(
        kind=EntryKind.DISBURSEMENT,
        business_date=disbursement.value_date,
        deltas={
            Account.LOANS_RECEIVABLE: loan.principal,
            Account.CLEARING: -(loan.principal - upfront_fees),
            Account.FEE_INCOME: upfront_fees,
        },
        loan_id=loan.pk,
        reference=f"disbursement:{disbursement.pk}",
        memo=_("放款 %(number)s") % {"number": loan.number},
        actor=actor,
    )


def _follow_up_tasks(
    *, actor: User, application: Application, loan: Loan, mode: str, contract: Contract
) -> None:
    """自主支付 → a task on the CM's agenda to collect proof of use in 30 days (RULES.md: below the
    threshold the borrower pays itself and reports the use afterwards); each third party the contract
    names (``content["third_parties"]``: ``[{"name", "task"}]``, e.g. 抵押登记) → a coordination task.
    Through ``agenda.services.task_schedule``, inside this transaction."""
    today = timezone.localdate()
    wanted: list[tuple[str, str, date, str]] = []
    if mode == PaymentMode.SELF:
        wanted.append(
            (
                _("收集贷款资金用途凭证"),
                TaskKind.DOCUMENTS,
                today + timedelta(days=PROOF_OF_USE_DAYS),
                _("贷款 %(number)s 为自主支付，请收集借款人资金用途凭证（发票、合同或转账记录）。")
                % {"number": loan.number},
            )
        )
    for party in (contract.content or {}).get("third_parties", []) or []:
        if isinstance(party, dict) and party.get("name"):
            title = _("协调第三方：%(name)s %(task)s") % {
                "name": str(party["name"])[:40],
                "task": str(party.get("task", ""))[:60],
            }
            wanted.append(
                (
                    title.strip()[: agenda.TITLE_MAX],
                    TaskKind.OTHER,
                    today + timedelta(days=COORDINATION_DAYS),
                    _("贷款 %(number)s") % {"number": loan.number},
                )
            )
    for title, kind, due, notes in wanted:
        agenda.task_schedule(
            actor=actor,
            owner=application.owner,
            customer=application.customer,
            title=title,
            kind=kind,
            due_date=due,
            notes=notes,
        )


def _notify(*, application: Application, loan: Loan) -> None:
    """放款通知 (issue 15, item 10): put in the outbox in this transaction, to the loan's CM."""
    outbox_put(
        recipient=application.owner,
        event=Event.LOAN_DISBURSED,
        title=_("已放款：%(customer)s %(amount)s 元")
        % {"customer": application.customer.name, "amount": format_yuan(loan.principal)},
        body=_("借据号 %(number)s，申请 %(application)s，起息日 %(date)s。")
        % {"number": loan.number, "application": application.number, "date": loan.value_date.isoformat()},
        link=f"/loans/{loan.pk}/",
        dedupe_key=f"loan.disbursed:{loan.pk}",
    )


def loan_disburse(
    *,
    actor: User,
    application_id: int,
    part_id: int,
    value_date: date,
    mode: str,
    payee_name: str,
    payee_account: str,
    payee_bank: str = "",
    payment_reference: str = "",
    idempotency_key: str,
) -> Loan:
    """放款: pay out one part of a signed application and book its loan.

    Rules (issue 15, item 9; RULES.md 受托支付): the CM or team lead of the application
    (``Action.LOAN_DISBURSE``); the contract signed (``application_not_signed``) and the approval not
    lapsed (``approval_expired``); the approval conditions checked and passed by a person other than the
    CM (``conditions_not_checked``); a part is disbursed once (``already_disbursed``, 409); on the value
    date of the contract (``value_date_differs_from_contract``); the schedule booked is the one signed,
    digest for digest (``schedule_differs_from_contract``); above the product's threshold the bank pays
    the counterparty (``entrusted_payment_required``), named, not the borrower, with the contract or
    invoice paid (``payee_required``, ``payment_reference_required``); an account of 8–32 digits
    (``payee_account_invalid``). A replay (same part, same key, same person) returns the loan booked
    the first time and writes nothing."""
    try:
        return _disburse(
            actor=actor,
            application_id=application_id,
            part_id=part_id,
            value_date=value_date,
            mode=mode,
            payee_name=payee_name,
            payee_account=payee_account,
            payee_bank=payee_bank,
            payment_reference=payment_reference,
            idempotency_key=(idempotency_key or "").strip(),
        )
    except IntegrityError:
        # Two requests passed the check at the same instant (not possible under the application lock,
        # but the constraint is the last word): the part is disbursed.
        if Disbursement.objects.filter(part_id=part_id).exists():
            raise _already_disbursed() from None
        raise


def _already_disbursed() -> Conflict:
    return Conflict("already_disbursed", _("该笔贷款已放款，不能重复放款。"))


@transaction.atomic(durable=True)
def _disburse(
    *,
    actor: User,
    application_id: int,
    part_id: int,
    value_date: date,
    mode: str,
    payee_name: str,
    payee_account: str,
    payee_bank: str,
    payment_reference: str,
    idempotency_key: str,
) -> Loan:
    name, account, bank, reference = _validate_input(
        mode=mode,
        payee_name=payee_name,
        payee_account=payee_account,
        payee_bank=payee_bank,
        payment_reference=payment_reference,
        key=idempotency_key,
    )
    _visible_application(actor, application_id)
    application = application_lock(application_id=application_id)
    policy.require(actor, Action.LOAN_DISBURSE, application)
    part = (
        ApplicationPart.objects.select_related("product_version", "application__customer")
        .filter(application=application, pk=part_id)
        .first()
    )
    if part is None:
        raise NotFound("part_not_found", _("该申请没有这笔贷款。"))
    part.application = application  # the locked row, with its customer loaded once
    replay = (
        Disbursement.objects.filter(part=part, idempotency_key=idempotency_key, disbursed_by=actor)
        .select_related("loan")
        .first()
    )
    if replay is not None:
        return replay.loan
    if Disbursement.objects.filter(part=part).exists():
        raise _already_disbursed()
    if application.status != SIGNED:
        raise Conflict(
            "application_not_signed",
            _("申请当前为「%(status)s」，须已签约才能放款。") % {"status": application.get_status_display()},
        )
    today = timezone.localdate()
    if application.approval_expires_on is not None and application.approval_expires_on < today:
        raise Conflict(
            "approval_expired",
            _("批复已于 %(date)s 过期，不能放款，请重新申请。")
            % {"date": application.approval_expires_on.isoformat()},
        )
    _check_conditions(application)
    contract = Contract.objects.filter(application=application).first()
    entry = contract_part(contract, part.pk) if contract is not None else None
    if contract is None or entry is None:
        raise Conflict("application_not_signed", _("借款合同中没有这笔贷款，不能放款。"))
    signed_date = contract_value_date(contract, entry)
    if value_date != signed_date:
        raise _refuse(
            "value_date_differs_from_contract",
            _("放款日须为借款合同约定的 %(date)s。") % {"date": signed_date.isoformat()},
            "value_date",
            contract_value_date=signed_date.isoformat(),
        )
    schedule = part_schedule(part, value_date)
    digest = schedule_digest(schedule_rows(schedule))
    if digest != entry.get("schedule_sha256"):
        raise Conflict(
            "schedule_differs_from_contract",
            _("按当前条件生成的还款计划与借款合同不一致，不能放款；请核对贷款条件或重新签约。"),
        )
    apr = _apr_percent(entry)
    borrower = application.customer.name
    requirement = entrusted_requirement(part)
    if mode == PaymentMode.SELF:
        if requirement.required:
            raise _refuse(
                "entrusted_payment_required",
                _("放款金额 %(amount)s 元超过受托支付起点 %(threshold)s 元，须支付给交易对手。")
                % {"amount": format_yuan(part.amount), "threshold": format_yuan(requirement.threshold or 0)},
                "mode",
            )
        name = borrower
    else:
        if not name or name == borrower:
            raise _refuse(
                "payee_required", _("受托支付须填写交易对手（收款人），且不能是借款人本人。"), "payee_name"
            )
        if not reference:
            raise _refuse(
                "payment_reference_required",
                _("受托支付须填写所支付的交易合同或发票号。"),
                "payment_reference",
            )
    disbursement = Disbursement.objects.create(
        application=application,
        part=part,
        amount=part.amount,
        value_date=value_date,
        mode=mode,
        payee_name=name,
        payee_account=account,
        payee_account_tail=account[-4:],
        payee_bank=bank,
        payment_reference=reference,
        idempotency_key=idempotency_key,
        disbursed_by=actor,
        disbursed_at=timezone.now(),
    )
    loan = book_disbursed_part(
        actor=actor,
        application=application,
        part=part,
        disbursement=disbursement,
        schedule=schedule,
        digest=digest,
        apr=apr,
    )
    remaining = application.parts.filter(disbursement__isnull=True).exists()
    if not remaining:
        application_move(application=application, to=DISBURSED, actor=actor, note=loan.number)
    _follow_up_tasks(actor=actor, application=application, loan=loan, mode=mode, contract=contract)
    audit_record(
        actor=actor,
        action="loan.disburse",
        target=loan,
        after={
            "application": application.number,
            "part": part.pk,
            "loan": loan.number,
            "amount": loan.principal,
            "value_date": value_date,
            "mode": mode,
            "payee_name": name,
            "payee_account": "*" * (len(account) - 4) + account[-4:],
            "payee_bank": bank,
            "payment_reference": reference,
            "schedule_sha256": digest,
            "idempotency_key": idempotency_key,
        },
    )
    _notify(application=application, loan=loan)
    return loan
