"""Loans (贷款): the booked loan — disbursement, servicing, repayments, end of day (issues 15 and 16).

It sits above applications in the layers (CONVENTIONS.md): a loan is booked from an approved
application. Until then the app holds only its migration history: its first migrations created the LPR
table, which moved to ``creditdesk.rates`` (``0003_lprrate_moves_to_rates``), and databases that ran
them must keep seeing them applied. The loan arithmetic is the pure ``creditdesk.finance`` package.
"""
