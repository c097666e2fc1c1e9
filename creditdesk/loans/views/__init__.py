"""Pages of the loans app: booking (``booking``: disbursement, the list, the repayment notice), servicing
(``servicing``: the loan page, repayments, reversals, classification), prepayment and restructuring
(``restructuring``: settlement quote, prepayment, extension, refinance, write-off, recovery) and the end
of day (``eod``)."""

from creditdesk.loans.views.booking import (
    customer_panel,
    disburse,
    loan_list,
    pdf_response,
    repayment_notice,
    repayment_notice_pdf,
)
from creditdesk.loans.views.eod import eod_detail, eod_list
from creditdesk.loans.views.restructuring import (
    loan_extension,
    loan_refinance,
    loan_settlement_quote,
    prepayment_new,
    recovery_new,
    restructuring_panel,
    write_off_decide,
    write_off_propose,
)
from creditdesk.loans.views.servicing import loan_classify, loan_detail, repayment_new, repayment_reverse

__all__ = [
    "customer_panel",
    "disburse",
    "eod_detail",
    "eod_list",
    "loan_classify",
    "loan_detail",
    "loan_extension",
    "loan_list",
    "loan_refinance",
    "loan_settlement_quote",
    "pdf_response",
    "prepayment_new",
    "recovery_new",
    "repayment_new",
    "repayment_notice",
    "repayment_notice_pdf",
    "repayment_reverse",
    "restructuring_panel",
    "write_off_decide",
    "write_off_propose",
]
