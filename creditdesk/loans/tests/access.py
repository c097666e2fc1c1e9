"""The loans app in the generated access matrix (``creditdesk/core/testing/access.py``): the
disbursement form and API on a signed application of cm_a's 张三, and a loan already booked."""

from __future__ import annotations

from django.utils import timezone

from creditdesk.accounts.tests.grids import CHANGES, SEES
from creditdesk.core.testing.access import api, page
from creditdesk.loans import services
from creditdesk.loans.tests.factories import make_signed_application


def build(w) -> None:
    """张三's application signed and checked by risk1 (``loan_application``), and another one already
    disbursed (``loan``) — both of cm_a."""
    version = w.product.current_version
    w.loan_application = make_signed_application(
        customer=w.customer, product_version=version, checked_by=w.risk1, amount="100000.00", term_months=24
    )
    booked = make_signed_application(
        customer=w.customer, product_version=version, checked_by=w.risk1, amount="120000.00", term_months=12
    )
    w.loan = services.loan_disburse(
        actor=w.cm_a,
        application_id=booked.pk,
        part_id=booked.parts.get().pk,
        value_date=timezone.localdate(),
        mode="self",
        payee_name="",
        payee_account="6222021234567890",
        idempotency_key="access-world",
    )


def _disbursement(w, me) -> dict:
    return {
        "part": w.loan_application.parts.get().pk,
        "value_date": timezone.localdate().isoformat(),
        "mode": "self",
        "payee_account": "6222021234567890",
        "idempotency_key": "access",
    }


def _disbursement_body(w, me) -> dict:
    data = _disbursement(w, me)
    data.pop("idempotency_key")
    return data


# 放款: Action.LOAN_DISBURSE — the application's CM or the team lead; the head and risk managers see the
# application and are refused (403); anyone else 404. Exactly the rule of CHANGES.
DISBURSE = CHANGES
ON_APPLICATION = {"application_id": lambda w, me: w.loan_application.pk}


DECLARATIONS = [
    page("loans:customer_panel", SEES, subject="customer"),  # the 360 page's 贷款与还款 panel
    page("loans:disburse", DISBURSE, subject="loan_application", params=ON_APPLICATION),
    page(
        "loans:disburse",
        DISBURSE,
        method="POST",
        subject="loan_application",
        params=ON_APPLICATION,
        data=_disbursement,
    ),
    page("loans:list", SEES.as_list(), subject="loan", listed=lambda w: f"/loans/{w.loan.pk}/"),
    page("loans:detail", SEES, subject="loan"),
    page("loans:notice", SEES, subject="loan"),
    page("loans:notice_pdf", SEES, subject="loan"),
    api(
        "POST /api/v1/applications/{id}/disbursements/",
        DISBURSE,
        subject="loan_application",
        body=_disbursement_body,
    ),
    api("GET /api/v1/loans/", SEES.as_list(), subject="loan", listed=True),
    api("GET /api/v1/loans/{id}/", SEES, subject="loan"),
    api("GET /api/v1/loans/{id}/repayment-notice/", SEES, subject="loan"),
]
