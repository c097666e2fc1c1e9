"""Writes of the loans app: disbursement (``disbursement``), repayments (``repayments``), the end-of-day
batch (``eod``), classification (``classification``); ``sync`` is how each of them changes a loan's
servicing state and the ledger together."""

from creditdesk.loans.services.disbursement import (
    EntrustedRequirement,
    contract_part,
    contract_value_date,
    entrusted_requirement,
    loan_disburse,
    normalize_account,
)

__all__ = [
    "EntrustedRequirement",
    "contract_part",
    "contract_value_date",
    "entrusted_requirement",
    "loan_disburse",
    "normalize_account",
]
