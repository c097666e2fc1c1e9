"""A loan's story told as postings and balances: disbursement, end-of-day runs, a late repayment, a
backdated one, a reversal — each figure worked by hand (RULES.md: penalty at R × 1.5 / 360 a day)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import F

from creditdesk.agenda.models import Task
from creditdesk.core.exceptions import DomainError
from creditdesk.core.models import AuditEvent
from creditdesk.ledger.chart import Account, EntryKind
from creditdesk.ledger.models import JournalEntry, JournalLine
from creditdesk.ledger.selectors import debit_credit_totals, loan_account_balances
from creditdesk.loans.models import ClassificationChange, EodRun, Installment, Loan, Repayment
from creditdesk.loans.services.classification import loan_classify
from creditdesk.loans.services.eod import eod_catch_up, eod_run
from creditdesk.loans.services.reconciliation import reconcile
from creditdesk.loans.services.repayments import repayment_post, repayment_reverse
from creditdesk.loans.tests.conftest import book_loan

pytestmark = pytest.mark.django_db


def close_days(first: date, until: date) -> None:
    eod_run(business_date=first)
    eod_catch_up(until=until)


def balances(loan: Loan) -> dict[Account, Decimal]:
    return {
        account: amount for account, amount in loan_account_balances([loan.pk])[loan.pk].items() if amount
    }


def test_disbursement_posts_the_principal(booked):
    assert balances(booked) == {
        Account.LOANS_RECEIVABLE: Decimal("100000.00"),
        Account.CLEARING: Decimal("-100000.00"),
    }
    assert booked.accrued_through == date(2026, 1, 10) and booked.next_due_date == date(2026, 2, 10)


def test_thirty_days_unpaid_accrues_the_hand_worked_penalty(booked, org):
    close_days(date(2026, 1, 10), date(2026, 3, 12))
    loan = Loan.objects.get(pk=booked.pk)
    # instalment 1, 30 days: 8,196.73 × 0.054/360 × 30 = 36.89, 复利 300.00 → 1.35;
    # instalment 2 (8,221.32 + 275.41, due 03-10), 2 days: 2.47 and 0.08
    first, second = Installment.objects.filter(loan=loan).order_by("period")[:2]
    assert (first.penalty, first.compound, second.penalty, second.compound) == (
        Decimal("36.89"),
        Decimal("1.35"),
        Decimal("2.47"),
        Decimal("0.08"),
    )
    assert (loan.status, loan.dpd, loan.risk_class, loan.risk_floor) == (
        "overdue",
        30,
        "special_mention",
        "special_mention",
    )
    assert loan.penalty_receivable == Decimal("40.79")
    assert loan.interest_receivable == Decimal("575.41")
    assert loan.overdue_principal == Decimal("16418.05")
    assert reconcile([loan.pk]) == []
    assert debit_credit_totals().balanced
    # turned overdue once, on 02-11: one change of class, one task for the CM
    change = ClassificationChange.objects.get(loan=loan)
    assert (change.business_date, change.from_class, change.to_class, change.dpd) == (
        date(2026, 2, 11),
        "normal",
        "special_mention",
        1,
    )
    assert Task.objects.filter(owner=loan.owner, kind="collection", customer=loan.customer).count() == 1
    run = EodRun.objects.get(business_date=date(2026, 3, 12))
    assert run.status == "done" and run.report["mismatch_count"] == 0 and run.report["overdue_loans"] == 1


def test_a_late_repayment_pays_penalty_first_and_a_rerun_changes_nothing(booked, org):
    close_days(date(2026, 1, 10), date(2026, 2, 10))
    repayment = repayment_post(
        actor=org.cm_a,
        loan_id=booked.pk,
        amount="8498.01",
        idempotency_key="r-1",
        value_date=date(2026, 2, 11),
    )
    # one day late: 1.23 penalty + 0.05 复利 (half-up from 0.045) before interest and principal
    assert repayment.allocation["buckets"] == {
        "penalty": "1.23",
        "compound": "0.05",
        "overdue_interest": "300.00",
        "overdue_principal": "8196.73",
    }
    loan = Loan.objects.get(pk=booked.pk)
    assert (loan.status, loan.dpd, loan.principal_outstanding, loan.penalty_receivable) == (
        "active",
        0,
        Decimal("91803.27"),
        Decimal("0.00"),
    )
    assert reconcile([loan.pk]) == []
    entries, lines = JournalEntry.objects.count(), JournalLine.objects.count()
    replay = repayment_post(
        actor=org.cm_a,
        loan_id=booked.pk,
        amount="8498.01",
        idempotency_key="r-1",
        value_date=date(2026, 2, 11),
    )
    assert replay.pk == repayment.pk and (JournalEntry.objects.count(), JournalLine.objects.count()) == (
        entries,
        lines,
    )
    # rerunning a closed day is a no-op
    eod_run(business_date=date(2026, 2, 10))
    assert (JournalEntry.objects.count(), JournalLine.objects.count()) == (entries, lines)


def test_a_backdated_repayment_recomputes_penalty_from_its_value_date(booked, org):
    close_days(date(2026, 1, 10), date(2026, 3, 12))
    repayment = repayment_post(
        actor=org.cm_a,
        loan_id=booked.pk,
        amount="8496.73",
        idempotency_key="late",
        value_date=date(2026, 2, 20),
    )
    assert repayment.allocation["buckets"] == {
        "penalty": "12.30",
        "compound": "0.45",
        "overdue_interest": "300.00",
        "overdue_principal": "8183.98",
    }
    loan = Loan.objects.get(pk=booked.pk)
    first = Installment.objects.get(loan=loan, period=1)
    # 12.75 of principal left from 02-21 to 03-12: 12.30 becomes 12.33
    assert (first.penalty, first.penalty_paid, first.principal_paid) == (
        Decimal("12.33"),
        Decimal("12.30"),
        Decimal("8183.98"),
    )
    assert loan.penalty_receivable == Decimal("2.58")  # 0.03 + instalment 2's 2.47 + 0.08
    assert loan.dpd == 30
    assert JournalEntry.objects.filter(loan_id=loan.pk, kind=EntryKind.ADJUSTMENT).count() == 1
    assert reconcile([loan.pk]) == [] and debit_credit_totals().balanced


def test_a_reversal_by_the_risk_manager_restores_the_arrears(booked, org):
    close_days(date(2026, 1, 10), date(2026, 2, 15))
    repayment = repayment_post(actor=org.cm_a, loan_id=booked.pk, amount="9000", idempotency_key="x")
    with pytest.raises(DomainError) as refused:
        repayment_reverse(actor=org.cm_a, repayment_id=repayment.pk, reason="串户")
    assert refused.value.code == "repayment_reverse_not_allowed"
    repayment_reverse(actor=org.risk1, repayment_id=repayment.pk, reason="串户：应入账 LN 另一笔")
    loan = Loan.objects.get(pk=booked.pk)
    assert (loan.status, loan.dpd, loan.credit_balance) == ("overdue", 6, Decimal("0.00"))
    assert Repayment.objects.get(pk=repayment.pk).status == "reversed"
    assert reconcile([loan.pk]) == [] and debit_credit_totals().balanced
    assert AuditEvent.objects.filter(action="repayment.reverse").count() == 1
    with pytest.raises(DomainError) as twice:
        repayment_reverse(actor=org.risk1, repayment_id=repayment.pk, reason="again")
    assert twice.value.code == "repayment_already_reversed"


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("0", "amount_not_positive"),
        ("-5", "amount_not_positive"),
        ("abc", "amount_invalid"),
        ("1.234", "amount_invalid"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_changes(booked, org, amount, code):
    before = (Repayment.objects.count(), JournalLine.objects.count(), AuditEvent.objects.count())
    with pytest.raises(DomainError) as refused:
        repayment_post(actor=org.cm_a, loan_id=booked.pk, amount=amount, idempotency_key="bad")
    assert refused.value.code == code
    assert (Repayment.objects.count(), JournalLine.objects.count(), AuditEvent.objects.count()) == before


def test_dates_before_disbursement_and_after_the_business_date_are_refused(booked, org):
    close_days(date(2026, 1, 10), date(2026, 1, 20))
    for on, code in (
        (date(2026, 1, 9), "value_date_before_disbursement"),
        (date(2026, 1, 22), "value_date_in_future"),
    ):
        with pytest.raises(DomainError) as refused:
            repayment_post(
                actor=org.cm_a, loan_id=booked.pk, amount="100", idempotency_key=str(on), value_date=on
            )
        assert refused.value.code == code
    assert Repayment.objects.count() == 0


def test_an_advance_payment_pays_each_instalment_on_its_due_date(booked, org):
    close_days(date(2026, 1, 10), date(2026, 1, 20))
    repayment_post(actor=org.cm_a, loan_id=booked.pk, amount="50000", idempotency_key="advance")
    eod_catch_up(until=date(2026, 6, 10))
    loan = Loan.objects.get(pk=booked.pk)
    settled = list(
        Installment.objects.filter(loan=loan, settled_on__isnull=False).values_list("settled_on", flat=True)
    )
    assert settled == [date(2026, month, 10) for month in range(2, 7)]
    assert (loan.status, loan.dpd, loan.credit_balance) == (
        "active",
        0,
        Decimal("50000.00") - 5 * Decimal("8496.73"),
    )
    assert loan.penalty_receivable == Decimal("0.00") and reconcile([loan.pk]) == []


def test_a_closed_loan_takes_no_repayment(booked, org):
    Loan.objects.filter(pk=booked.pk).update(status="closed")
    with pytest.raises(DomainError) as refused:
        repayment_post(actor=org.cm_a, loan_id=booked.pk, amount="1", idempotency_key="more")
    assert refused.value.code == "loan_closed"
    assert Repayment.objects.count() == 0


def test_eod_dates_are_checked(booked):
    eod_run(business_date=date(2026, 1, 10))
    eod_run(business_date=date(2026, 1, 11))
    for day, code in (
        (date(2026, 1, 9), "eod_out_of_order"),
        (date(2026, 1, 13), "eod_date_skipped"),
        (date(2099, 1, 1), "eod_future_date"),
    ):
        with pytest.raises(DomainError) as refused:
            eod_run(business_date=day)
        assert refused.value.code == code


def test_a_run_killed_half_way_finishes_with_the_same_state(booked, org, li, xyd, monkeypatch):
    from creditdesk.loans.services import eod as eod_module

    close_days(date(2026, 1, 10), date(2026, 2, 10))
    calls = {"n": 0}
    real = eod_module.sync.persist

    def crash_on_second(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("killed")
        return real(*args, **kwargs)

    # a second loan, so the day has two chunks of one loan each: the first commits, the second is killed
    second = book_loan(org, li, xyd, key="booked-2")
    monkeypatch.setattr(eod_module.sync, "persist", crash_on_second)
    with pytest.raises(SystemExit):
        eod_run(business_date=date(2026, 2, 11), chunk=1)
    run = EodRun.objects.get(business_date=date(2026, 2, 11))
    assert run.status == "running"
    monkeypatch.setattr(eod_module.sync, "persist", real)
    eod_run(business_date=date(2026, 2, 11), chunk=1)
    run.refresh_from_db()
    first, other = Loan.objects.get(pk=booked.pk), Loan.objects.get(pk=second.pk)
    assert run.status == "done" and run.attempts == 2 and run.report["loans_processed"] == 2
    for loan in (first, other):  # both exactly as an uninterrupted run leaves them
        assert (loan.dpd, loan.penalty_receivable, loan.accrued_through) == (
            1,
            Decimal("1.28"),
            date(2026, 2, 11),
        )
    assert JournalEntry.objects.filter(reference="eod:2026-02-11").count() == 2
    assert reconcile() == [] and debit_credit_totals().balanced


def test_manual_classification_only_downwards(booked, org):
    close_days(date(2026, 1, 10), date(2026, 2, 20))
    with pytest.raises(DomainError) as refused:
        loan_classify(actor=org.risk1, loan_id=booked.pk, risk_class="normal", reason="客户承诺还款")
    assert refused.value.code == "classification_above_floor"
    with pytest.raises(DomainError) as cm:
        loan_classify(actor=org.cm_a, loan_id=booked.pk, risk_class="substandard", reason="x")
    assert cm.value.code == "classify_not_allowed"
    loan = loan_classify(
        actor=org.risk1, loan_id=booked.pk, risk_class="substandard", reason="经营停滞，现金流不足"
    )
    assert (loan.risk_class, loan.risk_floor, loan.risk_manual) == (
        "substandard",
        "special_mention",
        "substandard",
    )
    eod_run(business_date=date(2026, 2, 21))  # the batch keeps the judgement below the floor
    assert Loan.objects.get(pk=booked.pk).risk_class == "substandard"
    assert ClassificationChange.objects.filter(loan=booked, manual=True).count() == 1


def test_reminders_go_out_three_days_before_and_on_the_due_date_once(org, li, xyd):
    from django.utils import timezone

    from creditdesk.finance.terms import due_date
    from creditdesk.notifications.models import OutboxMessage
    from creditdesk.notifications.services import deliver_due

    today = timezone.localdate()
    target = today + timedelta(days=4)  # the first instalment falls due four days after today
    value_date = due_date(target, -1)
    if due_date(value_date, 1) != target:
        pytest.skip("no drawdown a month before falls due on that day (end of a longer month)")
    loan = book_loan(org, li, xyd, key="remind", value_date=value_date)
    first_due = Installment.objects.get(loan=loan, period=1).due_date
    assert first_due == target
    eod_run(business_date=today)  # prepares tomorrow: T-3 reminders for instalments due today + 4
    reminder = OutboxMessage.objects.get(event="repayment_due")
    assert reminder.channel == "sms" and reminder.dedupe_key == f"loan:{loan.pk}:due:{first_due}:T-3:sms"
    # queued as a key: no text, no copy of the phone until it is sent
    assert (reminder.title, reminder.body, reminder.address, reminder.status) == ("", "", "", "pending")
    eod_run(business_date=today)  # a rerun changes nothing
    assert OutboxMessage.objects.filter(event="repayment_due").count() == 1

    # paid in part before it goes out: the text says what is still owed, written when it is sent, to the
    # phone the customer has then
    type(li).objects.filter(pk=li.pk).update(phone="13912345678")
    repayment_post(actor=org.cm_a, loan_id=loan.pk, amount="496.73", idempotency_key="part")
    deliver_due(now=reminder.next_attempt_at)
    reminder.refresh_from_db()
    assert reminder.status == "sent" and reminder.title == "还款提醒"
    assert reminder.address == "13912345678"
    assert reminder.body == (
        f"尊敬的{li.name}：您的贷款 {loan.number} 第 1 期应还 8,000.00 元，"
        f"还款日为4 天后（{first_due}），请按时存入还款账户。"
    )


def test_a_reminder_with_nothing_left_to_say_is_withdrawn_not_sent(org, li, xyd):
    from django.utils import timezone

    from creditdesk.finance.terms import due_date
    from creditdesk.notifications.models import OutboxMessage
    from creditdesk.notifications.services import deliver_due

    today = timezone.localdate()
    target = today + timedelta(days=1)  # due the next business day: the due-day (T-0) reminder
    value_date = due_date(target, -1)
    if due_date(value_date, 1) != target:
        pytest.skip("no drawdown a month before falls due on that day (end of a longer month)")
    loan = book_loan(org, li, xyd, key="remind-paid", value_date=value_date)
    eod_run(business_date=today)
    reminder = OutboxMessage.objects.get(event="repayment_due", dedupe_key__contains=":T-0:")
    repayment_post(actor=org.cm_a, loan_id=loan.pk, amount="8496.73", idempotency_key="all")  # paid early
    assert deliver_due(now=reminder.next_attempt_at).withdrawn == 1
    reminder.refresh_from_db()
    assert (reminder.status, reminder.body, reminder.address) == ("withdrawn", "", "")


def test_a_reminder_key_the_composer_cannot_read_fails_at_once(org):
    from django.db import transaction

    from creditdesk.notifications.choices import Event
    from creditdesk.notifications.models import OutboxMessage
    from creditdesk.notifications.services import deliver_due, outbox_queue_keys

    with transaction.atomic():
        keys = Loan.objects.none().values("number")  # nothing: the statement still runs
        assert (
            outbox_queue_keys(event=Event.REPAYMENT_DUE, channel="sms", keys=keys.values(key=F("number")))
            == 0
        )
    message = OutboxMessage.objects.create(
        channel="sms",
        event="repayment_due",
        title="",
        body="",
        dedupe_key="loan:x:sms",
        next_attempt_at=date(2026, 1, 1),
    )
    assert deliver_due().failed == 1
    message.refresh_from_db()
    assert message.status == "failed" and "not a repayment reminder key" in message.last_error
