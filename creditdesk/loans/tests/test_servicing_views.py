"""Loan servicing through the pages: the loan page (balances, schedule with paid parts, repayments,
classification history, ledger, timeline), the repayment, reversal and classification forms, and the
end-of-day pages. 李四's loan of ``book_loan`` (100,000 / 12 months at 3.60 %, 2026-01-10) left unpaid to
2026-03-12: 30 days past due (``test_servicing_story``'s hand-worked figures)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditdesk.core.models import AuditEvent
from creditdesk.core.testing.queries import assert_max_queries
from creditdesk.ledger.models import JournalEntry
from creditdesk.loans.models import ClassificationChange, EodRun, Installment, Loan, Repayment
from creditdesk.loans.services.eod import eod_catch_up, eod_run
from creditdesk.loans.services.repayments import repayment_post
from creditdesk.loans.tests.conftest import book_loan

pytestmark = pytest.mark.django_db

OVERDUE_TOTAL = "17034.25"  # 40.79 penalty and 复利 + 575.41 interest + 16,418.05 principal


@pytest.fixture
def overdue(org, li, xyd):
    loan = book_loan(org, li, xyd)
    eod_run(business_date=date(2026, 1, 10))
    eod_catch_up(until=date(2026, 3, 12))
    return Loan.objects.get(pk=loan.pk)


def repayment_form(**changes):
    data = {
        "amount": OVERDUE_TOTAL,
        "value_date": "2026-03-12",
        "channel": "counter",
        "reference": "GM-001",
        "idempotency_key": "page-r-1",
    }
    data.update(changes)
    return data


def snapshot(loan):
    loan.refresh_from_db()
    return (
        Repayment.objects.count(),
        JournalEntry.objects.count(),
        AuditEvent.objects.count(),
        loan.principal_outstanding,
        loan.penalty_receivable,
        loan.dpd,
        loan.risk_class,
    )


def test_the_loan_page_shows_balances_schedule_and_history(client, org, overdue):
    client.force_login(org.cm_a)
    text = client.get(f"/loans/{overdue.pk}/").content.decode()
    assert 'data-testid="overdue-principal">16,418.05<' in text
    assert 'data-testid="interest-receivable">575.41<' in text
    assert "40.79" in text
    assert 'data-testid="dpd">30' in text
    assert "关注" in text and "规则下限：关注" in text and "按规则认定" in text
    assert 'data-testid="state-1">逾期<' in text and 'data-testid="state-2">逾期<' in text
    assert 'data-testid="state-3">当期<' in text and 'data-testid="state-4">未到期<' in text
    assert "36.89" in text  # instalment 1's penalty
    assert "正常 → 关注（按规则）" in text  # the timeline's classification change
    assert "放款 100,000.00 元" in text
    assert "贷款本金" in text and "借" in text  # the disbursement entry, by account label
    assert 'data-testid="repayment-new"' in text  # the CM records repayments
    assert 'data-testid="classify"' not in text  # … but does not classify


def test_the_cm_records_a_repayment_and_the_page_shows_it(client, org, overdue):
    client.force_login(org.cm_a)
    url = f"/loans/{overdue.pk}/repayments/new/"
    form = client.get(url).content.decode()
    assert 'name="idempotency_key"' in form
    assert 'value="2026-03-13"' in form  # the business date after the last run
    response = client.post(url, repayment_form())
    assert response.status_code == 302 and response["Location"] == f"/loans/{overdue.pk}/"
    again = client.post(url, repayment_form())  # the same page submitted twice: one repayment
    assert again.status_code == 302
    repayment = Repayment.objects.get()
    assert (repayment.amount, repayment.value_date, repayment.business_date, repayment.posted_by) == (
        Decimal("17034.25"),
        date(2026, 3, 12),
        date(2026, 3, 13),
        org.cm_a,
    )
    overdue.refresh_from_db()
    assert (overdue.dpd, overdue.overdue_principal, overdue.penalty_receivable, overdue.status) == (
        0,
        Decimal("0.00"),
        Decimal("0.00"),
        "active",
    )
    assert overdue.principal_outstanding == Decimal("83581.95")
    first, second = Installment.objects.filter(loan=overdue).order_by("period")[:2]
    assert first.settled_on == second.settled_on == date(2026, 3, 12)
    page = client.get(f"/loans/{overdue.pk}/").content.decode()
    assert "已登记还款 17,034.25 元" in page
    assert 'data-testid="principal-outstanding">83,581.95<' in page
    assert 'data-testid="state-1">已结清<' in page and 'data-testid="state-2">已结清<' in page
    for part in ("罚息 39.36", "复利 1.43", "逾期利息 575.41", "逾期本金 16,418.05"):  # by bucket
        assert f'<span class="text-nowrap">{part}</span>' in page
    assert 'data-testid="reverse-' not in page  # the CM does not reverse


def test_a_refused_repayment_is_shown_on_the_form_and_changes_nothing(client, org, overdue):
    client.force_login(org.cm_a)
    url = f"/loans/{overdue.pk}/repayments/new/"
    before = snapshot(overdue)
    response = client.post(url, repayment_form(value_date="2026-03-20"))
    assert response.status_code == 200
    assert "起息日不能晚于当前营业日 2026-03-13。" in response.content.decode()
    response = client.post(url, repayment_form(amount="0"))
    assert response.status_code == 200
    assert "还款金额须大于零。" in response.content.decode()
    assert snapshot(overdue) == before


def test_repayment_form_out_of_scope_is_404_and_the_head_is_refused(client, org, overdue):
    client.force_login(org.cm_c)
    assert client.get(f"/loans/{overdue.pk}/repayments/new/").status_code == 404
    assert client.post(f"/loans/{overdue.pk}/repayments/new/", repayment_form()).status_code == 404
    client.force_login(org.head1)
    assert client.get(f"/loans/{overdue.pk}/repayments/new/").status_code == 403
    assert Repayment.objects.count() == 0


def test_the_risk_manager_reverses_a_repayment(client, org, overdue):
    repayment = repayment_post(
        actor=org.cm_a,
        loan_id=overdue.pk,
        amount=OVERDUE_TOTAL,
        idempotency_key="r",
        value_date=date(2026, 3, 12),
    )
    url = f"/loans/repayments/{repayment.pk}/reverse/"
    client.force_login(org.cm_a)
    assert client.get(url).status_code == 403  # maker-checker: never the CM
    client.force_login(org.cm_c)
    assert client.get(url).status_code == 404
    client.force_login(org.risk1)
    page = client.get(f"/loans/{overdue.pk}/").content.decode()
    assert f'data-testid="reverse-{repayment.pk}"' in page
    before = snapshot(overdue)
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200 and snapshot(overdue) == before
    response = client.post(url, {"reason": "款项误入本笔贷款"})
    assert response.status_code == 302
    repayment.refresh_from_db()
    assert (repayment.status, repayment.reversed_by, repayment.reversal_reason) == (
        "reversed",
        org.risk1,
        "款项误入本笔贷款",
    )
    overdue.refresh_from_db()
    assert (overdue.dpd, overdue.overdue_principal, overdue.status) == (30, Decimal("16418.05"), "overdue")
    again = client.post(url, {"reason": "再次冲正"})
    assert again.status_code == 200
    assert "该笔还款已冲正。" in again.content.decode()
    page = client.get(f"/loans/{overdue.pk}/").content.decode()
    assert "冲正 2026-03-12 的还款 17,034.25 元：款项误入本笔贷款" in page


def test_the_risk_manager_classifies_below_the_floor_and_not_above(client, org, overdue):
    url = f"/loans/{overdue.pk}/classify/"
    client.force_login(org.cm_a)
    assert client.get(url).status_code == 403
    client.force_login(org.risk2)
    assert client.get(url).status_code == 404
    client.force_login(org.risk1)
    before = snapshot(overdue)
    changes = ClassificationChange.objects.count()
    refused = client.post(url, {"risk_class": "normal", "reason": "借款人承诺下月还清"})
    assert refused.status_code == 200
    assert "逾期 30 天的贷款应至少归为「关注」" in refused.content.decode()
    assert snapshot(overdue) == before and ClassificationChange.objects.count() == changes
    response = client.post(url, {"risk_class": "doubtful", "reason": "借款人涉诉，经营停滞"})
    assert response.status_code == 302
    overdue.refresh_from_db()
    assert (overdue.risk_class, overdue.risk_manual, overdue.risk_floor) == (
        "doubtful",
        "doubtful",
        "special_mention",
    )
    withdrawn = client.post(url, {"risk_class": "withdraw", "reason": "诉讼已和解"})
    assert withdrawn.status_code == 302
    overdue.refresh_from_db()
    assert (overdue.risk_class, overdue.risk_manual) == ("special_mention", "")
    page = client.get(f"/loans/{overdue.pk}/").content.decode()
    assert "借款人涉诉，经营停滞" in page and "诉讼已和解" in page


def test_the_loan_page_runs_a_fixed_number_of_queries(client, org, overdue):
    client.force_login(org.risk1)
    client.get(f"/loans/{overdue.pk}/")  # warm the session and the caches
    repayment_post(actor=org.cm_a, loan_id=overdue.pk, amount="100.00", idempotency_key="q1")
    # session, user, loan, installments, repayments, classification changes, ledger entries and lines,
    # the CM's policy check, the notifications badge (+1)
    with assert_max_queries(12, label="loan page, one repayment") as one:
        client.get(f"/loans/{overdue.pk}/")
    for n in range(2, 5):
        repayment_post(actor=org.cm_a, loan_id=overdue.pk, amount="100.00", idempotency_key=f"q{n}")
    with assert_max_queries(len(one), label="loan page, four repayments"):
        response = client.get(f"/loans/{overdue.pk}/")
    assert response.content.decode().count('data-testid="reverse-') == 4


def test_the_end_of_day_pages(client, org, overdue):
    client.force_login(org.cm_a)
    assert client.get("/loans/eod/").status_code == 403
    assert client.get("/loans/eod/2026-03-12/").status_code == 403
    client.force_login(org.head1)
    listing = client.get("/loans/eod/").content.decode()
    assert 'data-testid="eod-2026-03-12"' in listing
    assert 'data-testid="eod-run-form"' not in listing  # the head reads, does not run
    assert client.post("/loans/eod/", {"business_date": "2026-03-13"}).status_code == 403
    report = client.get("/loans/eod/2026-03-12/").content.decode()
    assert "分户账与总账一致" in report and "当日借贷平衡" in report
    assert "关注" in report and "应收罚息及复利" in report
    assert client.get("/loans/eod/2026-03-31/").status_code == 404

    client.force_login(org.risk1)
    assert 'value="2026-03-13"' in client.get("/loans/eod/").content.decode()
    skipped = client.post("/loans/eod/", {"business_date": "2026-03-15"}, follow=True)
    assert "日终不能跳日：下一个应运行的营业日是 2026-03-13" in skipped.content.decode()
    assert not EodRun.objects.filter(business_date=date(2026, 3, 15)).exists()
    done = client.post("/loans/eod/", {"business_date": "2026-03-13"}, follow=True)
    assert "2026-03-13 的日终已完成" in done.content.decode()
    assert EodRun.objects.get(business_date=date(2026, 3, 13)).status == "done"
    overdue.refresh_from_db()
    assert (overdue.accrued_through, overdue.dpd) == (date(2026, 3, 13), 31)
