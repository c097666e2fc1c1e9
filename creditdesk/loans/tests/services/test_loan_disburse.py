"""loan_disburse: the loan booked from a signed, checked application; each refusal leaves nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from creditdesk.agenda.models import Task
from creditdesk.applications.models import Application, ConditionCheck, Contract, StageEvent
from creditdesk.core.exceptions import Conflict, DomainError, NotAllowed, NotFound
from creditdesk.core.models import AuditEvent
from creditdesk.loans import selectors
from creditdesk.loans.models import Disbursement, Installment, Loan
from creditdesk.loans.services import disbursement as services
from creditdesk.loans.tests.factories import make_signed_application

pytestmark = pytest.mark.django_db

ACCOUNT = "6222 0212 3456 7890"


def disburse(application, actor, **changes):
    today = timezone.localdate()
    values = {
        "actor": actor,
        "application_id": application.pk,
        "value_date": today,
        "mode": "entrusted",
        "payee_name": "北京美家装饰有限公司",
        "payee_account": ACCOUNT,
        "payee_bank": "工商银行北京分行",
        "payment_reference": "装修合同 ZX-2026-001",
        "idempotency_key": "k-1",
    }
    values.update(changes)
    if "part_id" not in values:
        values["part_id"] = application.parts.get().pk
    return services.loan_disburse(**values)


def state(application):
    application.refresh_from_db()
    return (
        Disbursement.objects.count(),
        Loan.objects.count(),
        Installment.objects.count(),
        Task.objects.count(),
        AuditEvent.objects.count(),
        StageEvent.objects.count(),
        application.status,
    )


def test_disbursement_books_the_loan_the_customer_signed(org, signed):
    contract = Contract.objects.get(application=signed)
    entry = contract.content["parts"][0]
    audits = AuditEvent.objects.count()

    loan = disburse(signed, org.cm_a)

    loan = Loan.objects.get(pk=loan.pk)
    part = signed.parts.get()
    today = timezone.localdate()
    assert (loan.principal, loan.annual_rate, loan.term_months, loan.method) == (
        Decimal("150000.00"),
        Decimal("4.2000"),
        36,
        "equal_installment",
    )
    assert (loan.customer, loan.owner, loan.product_version, loan.status) == (
        signed.customer,
        org.cm_a,
        part.product_version,
        "active",
    )
    assert loan.value_date == today
    assert loan.principal_outstanding == Decimal("150000.00")
    assert loan.apr == Decimal(entry["apr"])
    assert Decimal("4.2") < loan.apr < Decimal("4.4")  # 4.20% a year paid monthly: IRR compound ≈ 4.28%
    assert loan.schedule_sha256 == entry["schedule_sha256"]
    assert loan.number == f"LN{today:%Y%m%d}{loan.disbursement_id:08d}"
    rows = [
        {
            "period": i.period,
            "due_date": i.due_date.isoformat(),
            "payment": str(i.payment),
            "principal": str(i.principal),
            "interest": str(i.interest),
            "fee": str(i.fee),
            "balance": str(i.balance),
        }
        for i in loan.installments.order_by("period")
    ]
    assert len(rows) == 36
    assert rows == entry["schedule"]
    assert sum(i.principal for i in loan.installments.all()) == Decimal("150000.00")
    assert loan.maturity_date == loan.installments.get(period=36).due_date
    assert rows[0]["payment"] == "4441.96"  # 150,000 · 0.0035 · 1.0035^36 / (1.0035^36 − 1)

    d = loan.disbursement
    assert (d.application, d.part, d.amount, d.mode, d.payee_name, d.payee_account, d.payee_account_tail) == (
        signed,
        part,
        Decimal("150000.00"),
        "entrusted",
        "北京美家装饰有限公司",
        "6222021234567890",
        "7890",
    )
    assert (d.payment_reference, d.idempotency_key, d.disbursed_by) == (
        "装修合同 ZX-2026-001",
        "k-1",
        org.cm_a,
    )

    signed.refresh_from_db()
    assert signed.status == "disbursed"
    event = StageEvent.objects.get(application=signed)
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        "contract_signed",
        "disbursed",
        org.cm_a,
        loan.number,
    )
    assert Task.objects.count() == 0  # 受托支付: no proof of use to collect
    row = AuditEvent.objects.get(action="loan.disburse")
    assert (row.actor, row.target_id, row.after["payee_account"], row.after["amount"]) == (
        org.cm_a,
        str(loan.pk),
        "************7890",
        "150000.00",
    )
    assert "6222021234567890" not in str(row.after)
    assert AuditEvent.objects.count() == audits + 2  # application.status and loan.disburse


def test_self_payment_below_the_threshold_leaves_a_task_to_collect_proof_of_use(org, signed):
    loan = disburse(signed, org.cm_a, mode="self", payee_name="", payment_reference="")
    d = loan.disbursement
    assert (d.mode, d.payee_name, d.payment_reference) == ("self", "李四", "")
    task = Task.objects.get()
    assert (task.owner, task.customer, task.title, task.kind, task.due_date, task.created_by) == (
        org.cm_a,
        signed.customer,
        "收集贷款资金用途凭证",
        "documents",
        timezone.localdate() + timedelta(days=30),
        org.cm_a,
    )
    assert AuditEvent.objects.filter(action="task.create", target_id=str(task.pk)).count() == 1


def test_a_team_lead_may_disburse_for_the_team(org, signed):
    loan = disburse(signed, org.lead1)
    assert loan.disbursement.disbursed_by == org.lead1


def test_a_replay_with_the_same_key_returns_the_same_loan_and_writes_nothing(org, signed):
    first = disburse(signed, org.cm_a)
    before = state(signed)
    again = disburse(signed, org.cm_a)
    assert again.pk == first.pk
    assert state(signed) == before


def test_a_second_disbursement_with_another_key_is_refused(org, signed):
    disburse(signed, org.cm_a)
    before = state(signed)
    with pytest.raises(Conflict) as refused:
        disburse(signed, org.cm_a, idempotency_key="k-2")
    assert (refused.value.code, refused.value.status) == ("already_disbursed", 409)
    assert state(signed) == before


def test_the_same_key_by_another_person_is_no_replay(org, signed):
    disburse(signed, org.cm_a)
    before = state(signed)
    with pytest.raises(Conflict):
        disburse(signed, org.lead1)
    assert state(signed) == before


def test_a_part_already_disbursed_is_refused_409(org, li, xyd):
    """Two parts (组合贷): the first part again, while the application still waits for the second."""
    application = make_signed_application(customer=li, product_version=xyd, checked_by=org.risk1)
    first = application.parts.get()
    second = first.__class__.objects.create(
        application=application,
        position=2,
        product_version=xyd,
        amount=Decimal("50000.00"),
        term_months=12,
        method="equal_installment",
        annual_rate=Decimal("3.8000"),
        priced_rate=Decimal("3.8000"),
        price={"kind": "fixed"},
        priced_on=timezone.localdate(),
    )
    from creditdesk.loans.tests.factories import contract_entry

    contract = Contract.objects.get(application=application)
    Contract.objects.filter(pk=contract.pk).update(
        content={"parts": [*contract.content["parts"], contract_entry(second, timezone.localdate())]}
    )
    disburse(application, org.cm_a, part_id=first.pk)
    application.refresh_from_db()
    assert application.status == "contract_signed"  # one part still to pay out
    before = state(application)
    with pytest.raises(Conflict) as refused:
        disburse(application, org.cm_a, part_id=first.pk, idempotency_key="k-2")
    assert (refused.value.code, refused.value.status) == ("already_disbursed", 409)
    assert state(application) == before
    loan = disburse(application, org.cm_a, part_id=second.pk, idempotency_key="k-3")
    assert loan.principal == Decimal("50000.00")
    application.refresh_from_db()
    assert application.status == "disbursed"


def test_the_unique_part_turns_a_race_into_already_disbursed(org, signed, monkeypatch):
    """Had two requests passed the check at once, the constraint answers: already_disbursed."""
    disburse(signed, org.cm_a)
    before = state(signed)
    original = services.Disbursement.objects.filter

    def blind(*args, **kwargs):  # the check before the write sees no disbursement
        if "part" in kwargs and len(kwargs) == 1:
            return original(pk__in=[])
        return original(*args, **kwargs)

    monkeypatch.setattr(services.Disbursement.objects, "filter", blind)
    monkeypatch.setattr(services, "SIGNED", "disbursed")  # and the status check lets it through
    with pytest.raises(Conflict) as refused:
        disburse(signed, org.cm_a, idempotency_key="k-2")
    assert refused.value.code == "already_disbursed"
    monkeypatch.undo()
    assert state(signed) == before


@pytest.mark.parametrize(
    ("status", "code"),
    [("approved", "application_not_signed"), ("submitted", "application_not_signed")],
)
def test_an_application_not_signed_is_refused(org, signed, status, code):
    Application.objects.filter(pk=signed.pk).update(status=status)
    before = state(signed)
    with pytest.raises(Conflict) as refused:
        disburse(signed, org.cm_a)
    assert refused.value.code == code
    assert state(signed) == before


def test_an_expired_approval_is_refused(org, signed):
    Application.objects.filter(pk=signed.pk).update(
        approval_expires_on=timezone.localdate() - timedelta(days=1)
    )
    before = state(signed)
    with pytest.raises(Conflict) as refused:
        disburse(signed, org.cm_a)
    assert refused.value.code == "approval_expired"
    assert state(signed) == before


def test_an_approval_expiring_today_still_disburses(org, signed):
    Application.objects.filter(pk=signed.pk).update(approval_expires_on=timezone.localdate())
    assert disburse(signed, org.cm_a).principal == Decimal("150000.00")


@pytest.mark.parametrize("how", ["none", "failed", "by_the_cm"])
def test_conditions_not_checked_by_another_person_are_refused(org, signed, how):
    ConditionCheck.objects.all().delete()
    if how != "none":
        ConditionCheck.objects.create(
            application=signed,
            items=[],
            passed=how == "by_the_cm",
            checked_by=org.cm_a if how == "by_the_cm" else org.risk1,
            checked_at=timezone.now(),
        )
    before = state(signed)
    with pytest.raises(Conflict) as refused:
        disburse(signed, org.cm_a)
    assert refused.value.code == "conditions_not_checked"
    assert state(signed) == before


def test_a_value_date_other_than_the_contracts_is_refused(org, signed):
    before = state(signed)
    with pytest.raises(DomainError) as refused:
        disburse(signed, org.cm_a, value_date=timezone.localdate() + timedelta(days=1))
    assert refused.value.code == "value_date_differs_from_contract"
    assert refused.value.extra["contract_value_date"] == timezone.localdate().isoformat()
    assert state(signed) == before


def test_a_schedule_other_than_the_signed_one_is_refused(org, signed):
    """The part's rate changed after signing: the schedule no longer matches the contract's digest."""
    signed.parts.update(annual_rate=Decimal("4.1000"))
    before = state(signed)
    with pytest.raises(Conflict) as refused:
        disburse(signed, org.cm_a)
    assert refused.value.code == "schedule_differs_from_contract"
    assert state(signed) == before


def test_a_consumer_loan_over_300000_paid_to_the_borrower_is_refused(org, li, large_consumer):
    application = make_signed_application(
        customer=li, product_version=large_consumer, checked_by=org.risk1, amount="300001.00"
    )
    requirement = services.entrusted_requirement(application.parts.get())
    assert (requirement.required, requirement.threshold) == (True, Decimal("300000.00"))
    before = state(application)
    with pytest.raises(DomainError) as refused:
        disburse(application, org.cm_a, mode="self", payee_name="", payment_reference="")
    assert refused.value.code == "entrusted_payment_required"
    assert refused.value.extra["field"] == "mode"
    assert state(application) == before
    # paid to the seller instead, it goes
    assert disburse(application, org.cm_a).principal == Decimal("300001.00")


def test_300000_exactly_may_be_paid_to_the_borrower(org, li, large_consumer):
    application = make_signed_application(
        customer=li, product_version=large_consumer, checked_by=org.risk1, amount="300000.00"
    )
    assert services.entrusted_requirement(application.parts.get()).required is False
    loan = disburse(application, org.cm_a, mode="self", payee_name="", payment_reference="")
    assert loan.disbursement.mode == "self"


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"payee_name": ""}, "payee_required", "payee_name"),
        ({"payee_name": "李四"}, "payee_required", "payee_name"),
        ({"payment_reference": "  "}, "payment_reference_required", "payment_reference"),
        ({"payee_account": ""}, "payee_required", "payee_account"),
        ({"payee_account": "1234567"}, "payee_account_invalid", "payee_account"),
        ({"payee_account": "1" * 33}, "payee_account_invalid", "payee_account"),
        ({"payee_account": "62220212345678AB"}, "payee_account_invalid", "payee_account"),
        ({"mode": "cash"}, "payment_mode_invalid", "mode"),
    ],
)
def test_entrusted_payment_needs_a_payee_and_what_it_pays(org, signed, changes, code, field):
    before = state(signed)
    with pytest.raises(DomainError) as refused:
        disburse(signed, org.cm_a, **changes)
    assert (refused.value.code, refused.value.extra.get("field")) == (code, field)
    assert state(signed) == before


def test_account_of_8_and_32_digits_are_accepted(org, signed):
    assert disburse(signed, org.cm_a, payee_account="1" * 32).disbursement.payee_account_tail == "1111"


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("cm_b", NotFound),
        ("cm_c", NotFound),
        ("risk1", NotAllowed),
        ("head1", NotAllowed),
        ("approver1", NotFound),
    ],
)
def test_only_the_cm_or_the_team_lead_disburses(org, signed, who, error):
    before = state(signed)
    with pytest.raises(error):
        disburse(signed, getattr(org, who))
    assert state(signed) == before


def test_a_part_of_another_application_is_not_found(org, signed, li, xyd):
    other = make_signed_application(customer=li, product_version=xyd, checked_by=org.risk1)
    before = state(signed)
    with pytest.raises(NotFound):
        disburse(signed, org.cm_a, part_id=other.parts.get().pk)
    assert state(signed) == before


def test_the_balance_source_counts_active_loans(org, signed, li):
    loan = disburse(signed, org.cm_a)
    assert selectors.loan_balances([li.pk, li.pk + 1000]) == {li.pk: Decimal("150000.00")}
    Loan.objects.filter(pk=loan.pk).update(status="closed")
    assert selectors.loan_balances([li.pk]) == {}


def test_third_parties_named_by_the_contract_get_a_coordination_task(org, li, xyd):
    application = make_signed_application(
        customer=li,
        product_version=xyd,
        checked_by=org.risk1,
        content_extra={"third_parties": [{"name": "北京市不动产登记中心", "task": "办理抵押登记"}]},
    )
    loan = disburse(application, org.cm_a)
    task = Task.objects.get()
    assert (task.owner, task.customer, task.title, task.kind, task.due_date, task.notes) == (
        org.cm_a,
        li,
        "协调第三方：北京市不动产登记中心 办理抵押登记",
        "other",
        timezone.localdate() + timedelta(days=7),
        f"贷款 {loan.number}",
    )
