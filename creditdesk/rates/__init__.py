"""Rates (利率与试算): the dated LPR table and the repayment calculator (page, API, `creditdesk calc`).

Reference data and a tool every layer above uses — products price with the LPR in force, solutions quote
with the calculator's arithmetic — so it sits low, just above the customer layers. The arithmetic itself
is the pure ``creditdesk.finance`` package; this app only stores the table and serves the calculator.
"""
