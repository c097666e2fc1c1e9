"""Prepayment and restructuring through the pages: the settlement quote, prepayment, extension (preview
then confirm), refinance, write-off (propose, decide) and recovery, and the loan page's 重组与核销 card.
李四's loan of ``book_loan`` (100,000 / 12 months at 3.60 %, 2026-01-10): instalment 1 paid, the business
date 2026-03-01 (``paid_once``); or left unpaid to 2026-05-12, 91 days past due, 次级 (``npl``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditdesk.core.models import AuditEvent
from creditdesk.ledger.models import JournalEntry
from creditdesk.loans.models import Installment, Loan, Repayment, Restructuring, WriteOff
from creditdesk.loans.services.eod import eod_catch_up, eod_run
from creditdesk.loans.services.restructuring import writeoff_propose

pytestmark = pytest.mark.django_db


def snapshot(loan):
    loan.refresh_from_db()
    return (
        Repayment.objects.count(),
        Restructuring.objects.count(),
        WriteOff.objects.count(),
        JournalEntry.objects.count(),
        AuditEvent.objects.count(),
        Installment.objects.filter(loan=loan).count(),
        loan.principal_outstanding,
        loan.status,
        loan.maturity_date,
    )


def test_the_settlement_quote_page(client, org, paid_once):
    client.force_login(org.cm_a)
    url = f"/loans/{paid_once.pk}/settlement-quote/"
    text = client.get(url).content.decode()
    assert 'value="2026-03-01"' in text  # the business date by default
    assert 'data-testid="quote-principal">91,803.27<' in text
    assert 'data-testid="quote-accrued_interest">174.43<' in text
    assert 'data-testid="quote-arrears">0.00<' in text
    assert 'data-testid="quote-total">91,977.70<' in text
    assert "溢缴款（结清后退还）" in text and "提前还款违约金" in text
    assert 'data-testid="prepayment-new"' in text  # the CM may prepay
    refused = client.get(url, {"date": "2026-02-01"}).content.decode()
    assert "试算日期须在当前营业日 2026-03-01 至到期日 2027-01-10 之前。" in refused
    assert 'data-testid="quote-total"' not in refused
    client.force_login(org.head1)
    head = client.get(url).content.decode()
    assert 'data-testid="quote-total">91,977.70<' in head and 'data-testid="prepayment-new"' not in head
    client.force_login(org.cm_c)
    assert client.get(url).status_code == 404


def test_a_partial_prepayment_and_a_refusal(client, org, paid_once):
    client.force_login(org.cm_a)
    url = f"/loans/{paid_once.pk}/prepayment/"
    form = client.get(url).content.decode()
    assert 'name="idempotency_key"' in form and "期限不变，月供减少" in form and "月供不变，期限缩短" in form
    before = snapshot(paid_once)
    blank = client.post(url, {"amount": "", "keep": "term", "idempotency_key": "k0"})
    assert blank.status_code == 200 and "请输入提前归还的本金，或勾选“全部结清”。" in blank.content.decode()
    zero = client.post(url, {"amount": "0", "keep": "term", "idempotency_key": "k0"})
    assert zero.status_code == 200 and "还款金额须大于零。" in zero.content.decode()
    assert snapshot(paid_once) == before
    data = {"amount": "20000", "keep": "term", "idempotency_key": "k1"}
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == f"/loans/{paid_once.pk}/"
    assert client.post(url, data).status_code == 302  # the same page twice: one prepayment
    repayment = Repayment.objects.get(kind="prepayment")
    assert repayment.amount == Decimal("20174.43")
    paid_once.refresh_from_db()
    assert paid_once.principal_outstanding == Decimal("71803.27")
    page = client.get(f"/loans/{paid_once.pk}/").content.decode()
    assert "已办理提前还款，收款 20,174.43 元" in page
    client.force_login(org.cm_c)
    assert client.post(url, data).status_code == 404
    client.force_login(org.head1)
    assert client.get(url).status_code == 403


def test_a_full_settlement_closes_the_loan(client, org, paid_once):
    client.force_login(org.cm_a)
    response = client.post(
        f"/loans/{paid_once.pk}/prepayment/", {"full": "on", "keep": "term", "idempotency_key": "all"}
    )
    assert response.status_code == 302
    paid_once.refresh_from_db()
    assert (paid_once.status, paid_once.principal_outstanding) == ("closed", Decimal("0.00"))
    assert Repayment.objects.get(kind="settlement").amount == Decimal("91977.70")


def test_an_extension_is_previewed_then_confirmed(client, org, paid_once):
    url = f"/loans/{paid_once.pk}/extension/"
    client.force_login(org.cm_a)
    assert client.get(url).status_code == 403
    client.force_login(org.risk2)
    assert client.get(url).status_code == 404
    client.force_login(org.risk1)
    preview = client.get(url, {"months": 6}).content.decode()
    assert 'data-testid="limit-months">12 个月<' in preview
    assert 'data-testid="already-extended">0 个月<' in preview
    assert 'data-testid="old-maturity">2027-01-10<' in preview
    assert 'data-testid="new-maturity">2027-07-10<' in preview
    assert 'data-testid="preview-row-17"' in preview and 'data-testid="preview-row-18"' not in preview
    beyond = client.get(url, {"months": 13}).content.decode()
    assert "原期限 12 个月的贷款展期累计不得超过 12 个月（已展期 0 个月）。" in beyond
    before = snapshot(paid_once)
    refused = client.post(url, {"months": 13, "reason": "经营周转困难", "financial_difficulty": "on"})
    assert refused.status_code == 200 and "展期累计不得超过 12 个月" in refused.content.decode()
    no_reason = client.post(url, {"months": 6, "reason": " "})
    assert no_reason.status_code == 200
    assert snapshot(paid_once) == before
    done = client.post(url, {"months": 6, "reason": "经营周转困难，申请展期", "financial_difficulty": "on"})
    assert done.status_code == 302 and done["Location"] == f"/loans/{paid_once.pk}/"
    paid_once.refresh_from_db()
    assert (paid_once.maturity_date, paid_once.risk_class, paid_once.observation_ends_on) == (
        date(2027, 7, 10),
        "special_mention",
        date(2027, 3, 10),
    )
    page = client.get(f"/loans/{paid_once.pk}/").content.decode()
    assert "已展期 6 个月，到期日由 2027-01-10 调整为 2027-07-10。" in page
    panel = client.get(f"/loans/{paid_once.pk}/restructuring/").content.decode()
    assert "经营周转困难，申请展期" in panel and "观察期至 2027-03-10" in panel


def test_a_refinance_opens_the_new_loan(client, org, booked):
    eod_run(business_date=date(2026, 1, 10))
    eod_catch_up(until=date(2026, 2, 28))
    url = f"/loans/{booked.pk}/refinance/"
    client.force_login(org.cm_a)
    assert client.get(url).status_code == 403
    client.force_login(org.risk2)
    assert client.get(url).status_code == 404
    client.force_login(org.risk1)
    form = client.get(url).content.decode()
    assert 'value="equal_installment"' in form and "等额本息" in form
    before = snapshot(booked)
    refused = client.post(url, {"term_months": 24, "method": "equal_installment", "reason": ""})
    assert refused.status_code == 200 and snapshot(booked) == before
    response = client.post(
        url,
        {
            "term_months": 24,
            "method": "equal_installment",
            "reason": "经营困难，借新还旧",
            "financial_difficulty": "on",
        },
    )
    new = Loan.objects.get(refinances=booked)
    assert response.status_code == 302 and response["Location"] == f"/loans/{new.pk}/"
    assert new.principal == Decimal("100498.65") and new.risk_class == "special_mention"
    booked.refresh_from_db()
    assert booked.status == "restructured"
    page = client.get(response["Location"]).content.decode()
    assert f"原贷款 {booked.number} 已结清" in page
    panel = client.get(f"/loans/{booked.pk}/restructuring/").content.decode()
    assert f">{new.number}</a>" in panel and 'data-testid="refinance"' not in panel


def test_a_write_off_proposed_decided_and_recovered(client, org, npl):
    url = f"/loans/{npl.pk}/write-off/"
    client.force_login(org.cm_a)
    assert client.get(url).status_code == 403
    client.force_login(org.risk2)
    assert client.get(url).status_code == 404
    client.force_login(org.risk1)
    assert 'data-testid="write-off"' in client.get(f"/loans/{npl.pk}/restructuring/").content.decode()
    before = snapshot(npl)
    assert client.post(url, {"reason": ""}).status_code == 200 and snapshot(npl) == before
    assert client.post(url, {"reason": "借款人失联，诉讼无可执行财产"}).status_code == 302
    write_off = WriteOff.objects.get(loan=npl)
    decide = f"/loans/write-offs/{write_off.pk}/decide/"
    assert client.get(decide).status_code == 403  # the proposer does not decide
    client.force_login(org.head2)
    assert client.get(decide).status_code == 404
    client.force_login(org.head1)
    panel = client.get(f"/loans/{npl.pk}/restructuring/").content.decode()
    assert 'data-testid="write-off-decide"' in panel and "待审批" in panel
    assert client.post(decide, {"decision": "approve"}).status_code == 302
    npl.refresh_from_db()
    write_off.refresh_from_db()
    assert (npl.status, write_off.status, write_off.principal) == (
        "written_off",
        "approved",
        Decimal("100000.00"),
    )
    again = client.post(decide, {"decision": "reject"})
    assert again.status_code == 200 and write_off.status == "approved"

    recovery = f"/loans/{npl.pk}/recovery/"
    client.force_login(org.cm_c)
    assert client.get(recovery).status_code == 404
    client.force_login(org.cm_a)
    assert 'data-testid="recovery"' in client.get(f"/loans/{npl.pk}/restructuring/").content.decode()
    before = snapshot(npl)
    zero = client.post(recovery, {"amount": "0", "idempotency_key": "r0"})
    assert zero.status_code == 200 and snapshot(npl) == before
    assert client.post(recovery, {"amount": "1000", "idempotency_key": "r1"}).status_code == 302
    assert client.post(recovery, {"amount": "1000", "idempotency_key": "r1"}).status_code == 302
    write_off.refresh_from_db()
    assert write_off.recovered == Decimal("1000.00")
    assert "已登记核销后收回 1,000.00 元" in client.get(f"/loans/{npl.pk}/").content.decode()


def test_a_rejected_write_off(client, org, npl):
    write_off = writeoff_propose(actor=org.risk1, loan_id=npl.pk, reason="借款人失联")
    client.force_login(org.head1)
    response = client.post(f"/loans/write-offs/{write_off.pk}/decide/", {"decision": "reject"}, follow=True)
    assert "已否决贷款" in response.content.decode()
    npl.refresh_from_db()
    assert npl.status == "overdue"
    assert WriteOff.objects.get(pk=write_off.pk).status == "rejected"


def test_the_loan_page_loads_the_card(client, org, paid_once):
    client.force_login(org.cm_a)
    page = client.get(f"/loans/{paid_once.pk}/").content.decode()
    assert f'hx-get="/loans/{paid_once.pk}/restructuring/"' in page
    panel = client.get(f"/loans/{paid_once.pk}/restructuring/").content.decode()
    assert 'data-testid="prepayment"' in panel and 'data-testid="extension"' not in panel
    assert "无展期或借新还旧记录。" in panel
    client.force_login(org.cm_c)
    assert client.get(f"/loans/{paid_once.pk}/restructuring/").status_code == 404
