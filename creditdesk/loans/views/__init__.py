"""Pages of the loans app: booking (``booking``: disbursement, the list, the repayment notice), servicing
(``servicing``: the loan page, repayments, reversals, classification) and the end of day (``eod``)."""

from creditdesk.loans.views.booking import (
    customer_panel,
    disburse,
    loan_list,
    pdf_response,
    repayment_notice,
    repayment_notice_pdf,
)
from creditdesk.loans.views.eod import eod_detail, eod_list
from creditdesk.loans.views.servicing import loan_classify, loan_detail, repayment_new, repayment_reverse

__all__ = [
    "customer_panel",
    "disburse",
    "eod_detail",
    "eod_list",
    "loan_classify",
    "loan_detail",
    "loan_list",
    "pdf_response",
    "repayment_new",
    "repayment_notice",
    "repayment_notice_pdf",
    "repayment_reverse",
]
