"""The disbursement page, the loan pages and the repayment notice, end to end through the pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from creditdesk.agenda.models import Task
from creditdesk.core.models import AuditEvent
from creditdesk.loans.models import Disbursement, Loan
from creditdesk.loans.tests.factories import make_signed_application

pytestmark = pytest.mark.django_db


def form_data(application, **changes):
    data = {
        "part": application.parts.get().pk,
        "value_date": timezone.localdate().isoformat(),
        "mode": "self",
        "payee_name": "",
        "payee_account": "6222 0212 3456 7890",
        "payee_bank": "",
        "payment_reference": "",
        "idempotency_key": "page-1",
    }
    data.update(changes)
    return data


def test_the_cm_disburses_from_the_page_and_lands_on_the_loan(client, org, signed):
    client.force_login(org.cm_a)
    url = f"/loans/applications/{signed.pk}/disburse/"
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "可自主支付" in text
    assert "不超过 300,000.00 元可自主支付" in text
    assert 'name="idempotency_key"' in text

    response = client.post(url, form_data(signed))
    loan = Loan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/loans/{loan.pk}/"
    assert loan.disbursement.mode == "self"
    assert Task.objects.get().title == "收集贷款资金用途凭证"

    again = client.post(url, form_data(signed))  # the same page submitted twice: one loan
    assert again.status_code == 302
    assert again["Location"] == f"/loans/{loan.pk}/"
    assert Loan.objects.count() == 1

    detail = client.get(f"/loans/{loan.pk}/").content.decode()
    assert loan.number in detail
    assert "4,441.96" in detail  # the first instalment of 150,000 at 4.20 % over 36 months
    assert detail.count("<tr><td>") == 36
    listing = client.get("/loans/").content.decode()
    assert f"/loans/{loan.pk}/" in listing


def test_a_refusal_is_shown_on_the_form_and_books_nothing(client, org, signed):
    client.force_login(org.cm_a)
    audits = AuditEvent.objects.count()
    response = client.post(
        f"/loans/applications/{signed.pk}/disburse/", form_data(signed, mode="entrusted", payee_name="")
    )
    assert response.status_code == 200
    assert "受托支付须填写交易对手（收款人），且不能是借款人本人。" in response.content.decode()
    assert (Disbursement.objects.count(), Loan.objects.count(), AuditEvent.objects.count()) == (0, 0, audits)
    signed.refresh_from_db()
    assert signed.status == "contract_signed"


def test_the_page_says_when_entrusted_payment_is_required(client, org, li, large_consumer):
    application = make_signed_application(
        customer=li, product_version=large_consumer, checked_by=org.risk1, amount="300001.00"
    )
    client.force_login(org.cm_a)
    url = f"/loans/applications/{application.pk}/disburse/"
    text = client.get(url).content.decode()
    assert "须受托支付" in text
    assert "放款金额 300,001.00 元超过受托支付起点 300,000.00 元" in text
    response = client.post(url, form_data(application))
    assert response.status_code == 200
    assert "须支付给交易对手" in response.content.decode()
    assert Loan.objects.count() == 0


def test_a_risk_manager_sees_the_page_refused(client, org, signed):
    client.force_login(org.risk1)
    assert client.get(f"/loans/applications/{signed.pk}/disburse/").status_code == 403
    client.force_login(org.cm_c)
    assert client.get(f"/loans/applications/{signed.pk}/disburse/").status_code == 404


def test_the_repayment_notice_page_and_pdf(client, org, signed):
    client.force_login(org.cm_a)
    client.post(f"/loans/applications/{signed.pk}/disburse/", form_data(signed))
    loan = Loan.objects.get()
    page = client.get(f"/loans/{loan.pk}/repayment-notice/").content.decode()
    assert "还款通知书" in page
    assert "尊敬的 李四" in page
    assert "150,000.00" in page
    assert "尾号 7890" in page
    assert f"{loan.apr:.2f}%" in page
    response = client.get(f"/loans/{loan.pk}/repayment-notice.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert loan.principal == Decimal("150000.00")


def test_the_loan_list_runs_a_fixed_number_of_queries(client, org, li, xyd):
    from creditdesk.core.testing.queries import assert_max_queries
    from creditdesk.loans import services

    for n in range(3):
        application = make_signed_application(customer=li, product_version=xyd, checked_by=org.risk1)
        services.loan_disburse(
            actor=org.cm_a,
            application_id=application.pk,
            part_id=application.parts.get().pk,
            value_date=timezone.localdate(),
            mode="self",
            payee_name="",
            payee_account="6222021234567890",
            idempotency_key=f"q{n}",
        )
    client.force_login(org.cm_a)
    client.get("/loans/")  # warm the session and the caches
    with assert_max_queries(8, label="loan list"):
        response = client.get("/loans/")
    text = response.content.decode()
    assert all(f'href="/loans/{loan.pk}/"' in text for loan in Loan.objects.all())
    assert Loan.objects.count() == 3


def test_the_customer_360_panel_lists_the_loans(client, org, signed):
    client.force_login(org.cm_a)
    client.post(f"/loans/applications/{signed.pk}/disburse/", form_data(signed))
    loan = Loan.objects.get()
    panel = client.get(f"/loans/customers/{loan.customer_id}/panel/").content.decode()
    assert loan.number in panel
    client.force_login(org.cm_c)
    assert client.get(f"/loans/customers/{loan.customer_id}/panel/").status_code == 404
