"""The loans app's models: booked loans (``booking``) and their servicing records (``servicing``)."""

from creditdesk.loans.models.booking import (
    LOAN_SCOPE,
    ON_LOAN_SCOPE,
    Disbursement,
    Installment,
    Loan,
    LoanStatus,
    PaymentMode,
)
from creditdesk.loans.models.servicing import (
    ClassificationChange,
    EodRun,
    LoanSnapshot,
    Repayment,
    Restructuring,
    WriteOff,
)

__all__ = [
    "LOAN_SCOPE",
    "ON_LOAN_SCOPE",
    "ClassificationChange",
    "Disbursement",
    "EodRun",
    "Installment",
    "Loan",
    "LoanSnapshot",
    "LoanStatus",
    "PaymentMode",
    "Repayment",
    "Restructuring",
    "WriteOff",
]
