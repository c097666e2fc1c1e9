"""Finance (贷款算术): the pure arithmetic of lending, at the bottom of the layers.

``terms`` (the inputs and their validation), ``schedule`` (repayment schedules), ``revolving`` (随借随还
interest), ``apr`` (the annualized rate of PBOC 〔2021〕 No. 3), ``prepayment`` (提前还款), ``penalty``
(罚息) and ``pricing`` (LPR + basis points) import nothing from Django (an import-linter contract says
so): they take ``Decimal`` (floats are refused), follow RULES.md to the fen and are tested without a
database. The calculator, products, solutions and — above applications — the booked loans all call
them, so a quote, a proposal and a booked loan agree to the fen.
"""
