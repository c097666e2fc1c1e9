"""贷后管理: a credit inquiry exempt from authorization only for a customer with a loan under management
here — the loan book's answer to the consents app (``selectors.customer_has_managed_loan``)."""

from __future__ import annotations

import pytest

from creditdesk.consents import services as consent_services
from creditdesk.consents.models import CreditInquiry
from creditdesk.core.exceptions import DomainError
from creditdesk.loans.models import Loan, LoanStatus

pytestmark = pytest.mark.django_db

REASON = "贷后年度检查：贷款逾期跟踪"


def inquire(org, customer):
    return consent_services.credit_inquiry_request(
        actor=org.cm_a, customer_id=customer.pk, purpose="post_loan", exempt_reason=REASON
    )


@pytest.mark.parametrize("status", [LoanStatus.ACTIVE, LoanStatus.OVERDUE, LoanStatus.WRITTEN_OFF])
def test_a_loan_under_management_allows_the_exempt_inquiry(org, booked, li, status):
    Loan.objects.filter(pk=booked.pk).update(status=status)
    inquiry = inquire(org, li)
    assert inquiry.consent is None and inquiry.exempt_reason == REASON


@pytest.mark.parametrize("status", [LoanStatus.CLOSED, LoanStatus.RESTRUCTURED])
def test_a_closed_or_refinanced_loan_does_not(org, booked, li, status):
    Loan.objects.filter(pk=booked.pk).update(status=status)
    with pytest.raises(DomainError) as refused:
        inquire(org, li)
    assert refused.value.code == "post_loan_needs_loan"
    assert not CreditInquiry.objects.exists()
