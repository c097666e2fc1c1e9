"""Issue 13 item 7: only written authorizations count for a credit inquiry, the post-loan exemption
needs a loan, the structured report summary belongs to its inquiry, and the 360 预警 shows a current
overdue. Every refusal asserts that nothing was written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from creditdesk.consents import selectors, services
from creditdesk.consents.models import Consent, CreditInquiry, CreditReportSummary
from creditdesk.consents.rules import WRITTEN_CHANNELS, SigningChannel
from creditdesk.consents.tests.conftest import make_consent, upload
from creditdesk.core.exceptions import Conflict, DomainError, NotAllowed, NotFound
from creditdesk.core.models import AuditEvent

pytestmark = pytest.mark.django_db

SUMMARY = {
    "current_overdue": True,
    "current_overdue_amount": "3200.00",
    "status_24m": "NNNNNNNNNNNNNNNNNNN123NN",
    "inquiries_6m": 5,
    "debt_count": 2,
    "debt_balance": "86000.00",
    "monthly_obligation": "4100.00",
}
WRITTEN_RULE = "（《征信业管理条例》第十八条：须经本人书面同意；录音或口头同意不算）"


def _inquiry(org, customer, purpose="loan_review"):
    make_consent(customer, purpose=purpose)
    return services.credit_inquiry_request(actor=org.cm_a, customer_id=customer.pk, purpose=purpose)


def _summary(actor, inquiry, **change):
    values = {"report_date": timezone.localdate(inquiry.requested_at), **SUMMARY, **change}
    return services.credit_report_summary_record(actor=actor, inquiry_id=inquiry.pk, **values)


# --- 1. written authorizations only ------------------------------------------------------------------


def test_the_channels_say_which_are_written():
    assert [(c.value, c.label, c.is_written) for c in SigningChannel] == [
        ("paper", "纸质", True),
        ("electronic", "电子签", True),
        ("recorded_call", "录音", False),
    ]
    assert {SigningChannel.PAPER, SigningChannel.ELECTRONIC} == WRITTEN_CHANNELS


def test_a_recorded_call_credit_inquiry_authorization_is_refused(org, zhang, today, media):
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        services.consent_record(
            actor=org.cm_a,
            customer_id=zhang.pk,
            kind="credit_inquiry",
            purpose="loan_review",
            signed_on=today,
            valid_until=today + timedelta(days=100),
            channel="recorded_call",
            evidence=upload(),
        )
    assert refused.value.code == "consent_not_written"
    assert refused.value.message == (
        "征信查询授权须为书面授权（纸质或电子签），不能以“录音”方式登记" + WRITTEN_RULE + "。"
    )
    assert refused.value.extra == {"field": "channel", "purpose": ""}
    assert not Consent.objects.exists() and AuditEvent.objects.count() == before
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_marketing_consent_may_still_be_a_recorded_call(org, zhang, today):
    consent = services.consent_record(
        actor=org.cm_a,
        customer_id=zhang.pk,
        kind="marketing",
        signed_on=today,
        valid_until=today + timedelta(days=100),
        channel="recorded_call",
    )
    assert consent.channel == "recorded_call" and consent.is_written is False
    assert selectors.marketing_allowed(zhang) is True


def test_an_inquiry_does_not_rely_on_an_existing_recorded_call_authorization(org, zhang):
    legacy = make_consent(zhang, purpose="loan_review")
    Consent.objects.filter(pk=legacy.pk).update(channel="recorded_call")  # recorded before the rule
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        services.credit_inquiry_request(actor=org.cm_a, customer_id=zhang.pk, purpose="loan_review")
    assert refused.value.code == "consent_not_written"
    assert refused.value.message == (
        "该客户的“贷款审批”授权是以“录音”方式取得的，不是书面授权，不能据此查询征信"
        + WRITTEN_RULE
        + "。请客户签署纸质或电子授权书后再查询。"
    )
    assert not CreditInquiry.objects.exists() and AuditEvent.objects.count() == before
    assert Consent.objects.filter(pk=legacy.pk, channel="recorded_call").exists()  # kept as history
    assert selectors.consent_summary(customer=zhang).valid_purposes == []
    # A written authorization for the same purpose is then the one used.
    written = make_consent(zhang, purpose="loan_review")
    inquiry = services.credit_inquiry_request(actor=org.cm_a, customer_id=zhang.pk, purpose="loan_review")
    assert inquiry.consent == written


def test_the_page_marks_a_recorded_call_credit_authorization(client, org, zhang):
    legacy = make_consent(zhang, purpose="card_review")
    Consent.objects.filter(pk=legacy.pk).update(channel="recorded_call")
    client.force_login(org.cm_a)
    html = client.get(f"/consents/customer/{zhang.pk}/").content.decode()
    assert html.count('data-testid="not-written"') == 1
    assert "非书面，不能用于征信查询" in html


# --- 2. post-loan exemption: not offered while no loan can be checked --------------------------------


def test_the_inquiry_form_does_not_offer_the_post_loan_exemption(client, org, zhang):
    client.force_login(org.cm_a)
    html = client.get(f"/consents/customer/{zhang.pk}/").content.decode()
    assert 'value="post_loan"' not in html
    assert "贷后管理免授权查询暂不可用：该豁免只适用于客户在本行已有的贷款，贷款台账上线前无法核实。" in html
    before = AuditEvent.objects.count()
    response = client.post(
        f"/consents/customer/{zhang.pk}/inquire/", {"purpose": "post_loan", "exempt_reason": "贷后例行检查"}
    )
    assert response.status_code == 400
    assert not CreditInquiry.objects.exists() and AuditEvent.objects.count() == before


# --- 3. the structured summary ---------------------------------------------------------------------


def test_summary_is_recorded_on_its_inquiry_encrypted_and_audited(org, zhang):
    inquiry = _inquiry(org, zhang)
    row = _summary(org.cm_a, inquiry)
    assert row.inquiry == inquiry and row.report_date == timezone.localdate(inquiry.requested_at)
    summary = CreditReportSummary.objects.get(pk=row.pk).summary
    assert summary.current_overdue is True and str(summary.current_overdue_amount) == "3200.00"
    assert (summary.consecutive_overdue_months, summary.cumulative_overdue_months) == (3, 3)
    assert (summary.inquiries_6m, summary.debt_count, str(summary.debt_balance)) == (5, 2, "86000.00")
    assert str(summary.monthly_obligation) == "4100.00"
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM consents_creditreportsummary WHERE id = %s", [row.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("v1.") and "3200" not in raw and "NNN" not in raw
    event = AuditEvent.objects.get(action="credit_report_summary.record")
    assert event.after == {
        "inquiry": inquiry.pk,
        "report_date": timezone.localdate(inquiry.requested_at).isoformat(),
        "purpose": "loan_review",
    }


def test_summary_once_per_inquiry_and_dated_within_bounds(org, zhang, today):
    inquiry = _inquiry(org, zhang)
    before = AuditEvent.objects.count()
    for day in (today - timedelta(days=1), today + timedelta(days=1)):
        with pytest.raises(DomainError) as refused:
            _summary(org.cm_a, inquiry, report_date=day)
        assert refused.value.code == "summary_report_date_invalid"
    with pytest.raises(DomainError) as refused:
        _summary(org.cm_a, inquiry, status_24m="NNN")
    assert refused.value.code == "summary_status_invalid"
    assert not CreditReportSummary.objects.exists() and AuditEvent.objects.count() == before
    _summary(org.cm_a, inquiry)
    with pytest.raises(Conflict) as refused:
        _summary(org.lead1, inquiry, current_overdue=False, current_overdue_amount=None)
    assert refused.value.code == "summary_already_recorded"
    assert CreditReportSummary.objects.count() == 1
    assert AuditEvent.objects.count() == before + 1


def test_summary_scope(org, zhang):
    inquiry = _inquiry(org, zhang)
    with pytest.raises(NotFound):
        _summary(org.cm_b, inquiry)
    with pytest.raises(NotAllowed):
        _summary(org.head1, inquiry)
    assert not CreditReportSummary.objects.exists()


def test_summary_page_and_api(client, api_client, org, zhang, today):
    inquiry = _inquiry(org, zhang)
    client.force_login(org.cm_a)
    form = client.get(f"/consents/inquiry/{inquiry.pk}/summary/")
    assert form.status_code == 200 and 'name="status_24m"' in form.content.decode()
    bad = client.post(
        f"/consents/inquiry/{inquiry.pk}/summary/",
        {**SUMMARY, "report_date": today.isoformat(), "current_overdue": "yes", "status_24m": "N"},
    )
    assert bad.status_code == 400 and "近 24 个月还款状态须为 24 个字符" in bad.content.decode()
    assert not CreditReportSummary.objects.exists()
    done = client.post(
        f"/consents/inquiry/{inquiry.pk}/summary/",
        {**SUMMARY, "report_date": today.isoformat(), "current_overdue": "yes"},
    )
    assert done.status_code == 302
    assert CreditReportSummary.objects.get().summary.current_overdue is True
    listing = client.get(f"/consents/customer/{zhang.pk}/").content.decode()
    assert f"已登记（{today:%Y-%m-%d}）" in listing
    again = client.get(f"/consents/inquiry/{inquiry.pk}/summary/").content.decode()
    assert 'data-testid="summary-recorded"' in again and 'name="status_24m"' not in again

    second = _inquiry(org, zhang, purpose="card_review")
    api_client.force_authenticate(org.cm_a)
    body = {
        **SUMMARY,
        "report_date": today.isoformat(),
        "current_overdue": False,
        "current_overdue_amount": "",
    }
    created = api_client.post(f"/api/v1/credit-inquiries/{second.pk}/summary/", body, format="json")
    assert created.status_code == 201
    assert set(created.json()) == {"id", "inquiry", "report_date", "recorded_by", "recorded_at"}
    conflict = api_client.post(f"/api/v1/credit-inquiries/{second.pk}/summary/", body, format="json")
    assert conflict.status_code == 409 and conflict.json()["code"] == "summary_already_recorded"


# --- 5. the 360 预警 panel ----------------------------------------------------------------------------


def test_warnings_panel_shows_a_current_overdue_and_the_prime_segment_under_review(client, org, zhang):
    client.force_login(org.cm_a)
    url = f"/consents/customer/{zhang.pk}/warnings/"
    assert "暂无预警。" in client.get(url).content.decode()
    page = client.get(f"/customers/{zhang.pk}/").content.decode()
    assert f'hx-get="{url}"' in page and 'id="customer-quality-segment"' in page

    inquiry = _inquiry(org, zhang)
    _summary(org.cm_a, inquiry)
    asked_on = timezone.localdate(inquiry.requested_at)
    html = client.get(url).content.decode()
    assert f"征信显示当前逾期（查询日 {asked_on:%Y-%m-%d}）" in html
    assert "优质（征信当前逾期，待复核）" not in html  # zhang is 中等 (standard)

    type(zhang).objects.filter(pk=zhang.pk).update(quality_segment="prime")
    html = client.get(url).content.decode()
    assert 'id="customer-quality-segment" hx-swap-oob="true"' in html
    assert "优质（征信当前逾期，待复核）" in html


def test_a_business_is_flagged_when_its_operator_has_a_current_overdue(client, org, zhang):
    """The matcher counts the operator's report for a 个体工商户 (products.customer_facts): so does the
    panel, without naming the person."""
    from creditdesk.customers import services as customer_services
    from creditdesk.customers.services import CustomerInput

    shop = customer_services.customer_create(
        actor=org.cm_a, data=CustomerInput(kind="individual_business", name="张三小吃店")
    )
    type(shop).objects.filter(pk=shop.pk).update(quality_segment="prime")
    client.force_login(org.cm_a)
    url = f"/consents/customer/{shop.pk}/warnings/"
    _summary(org.cm_a, _inquiry(org, zhang))  # zhang has a current overdue, not yet the shop's operator
    assert "暂无预警。" in client.get(url).content.decode()

    customer_services.relationship_add(
        actor=org.cm_a, from_customer_id=zhang.pk, to_customer_id=shop.pk, kind="operator"
    )
    html = client.get(url).content.decode()
    assert 'data-testid="warning-person-overdue"' in html and "经营者或法定代表人的征信显示当前逾期" in html
    assert "张三" not in html.replace("张三小吃店", "")  # the person is not named
    assert "优质（征信当前逾期，待复核）" in html


def test_a_summary_of_a_card_review_is_not_used_for_the_warning(client, org, zhang):
    """A summary serves its inquiry's purpose: a card review's report is not the loan review's."""
    _summary(org.cm_a, _inquiry(org, zhang, purpose="card_review"))
    assert selectors.latest_report_summary(customer=zhang) is None
    client.force_login(org.cm_a)
    assert "暂无预警。" in client.get(f"/consents/customer/{zhang.pk}/warnings/").content.decode()
