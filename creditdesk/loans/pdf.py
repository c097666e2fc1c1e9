"""The repayment notice (还款通知书): what it says (``notice_context``, shared by the page and the PDF)
and the PDF, printed like every customer document (``solutions.pdf.render_document``: WeasyPrint with
the vendored CJK font, the document loads its font files and nothing else)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from django.template.loader import render_to_string
from django.utils import translation

from creditdesk.core.money import ZERO
from creditdesk.loans.models import Installment, Loan, PaymentMode
from creditdesk.solutions.pdf import FAMILY, render_document


class NoticeRow(NamedTuple):
    """An instalment as the customer pays it: the payment plus the period's fee."""

    installment: Installment
    due: Decimal


def notice_context(loan: Loan) -> dict[str, Any]:
    """What the notice says: the borrower, the loan, each instalment, the account to keep funded.
    ``loan`` comes from ``selectors.loan_get_visible`` (installments and disbursement loaded)."""
    disbursement = loan.disbursement
    installments = list(loan.installments.all())
    rows = [NoticeRow(i, i.payment + i.fee) for i in installments]
    return {
        "loan": loan,
        "installments": installments,
        "rows": rows,
        "first": rows[0] if rows else None,
        "total_payment": sum((row.due for row in rows), ZERO),
        "self_paid": disbursement.mode == PaymentMode.SELF,
        "account_tail": disbursement.payee_account_tail,
    }


def render_html(loan: Loan) -> str:
    with translation.override("zh-hans"):
        return render_to_string(
            "loans/repayment_notice_pdf.html", {**notice_context(loan), "font_family": FAMILY}
        )


def render_pdf(loan: Loan) -> bytes:
    """The notice's PDF bytes (``solutions.pdf.render_document``: the vendored font, nothing fetched)."""
    return render_document("loans/repayment_notice_pdf.html", notice_context(loan))
