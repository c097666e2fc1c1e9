"""Loans (贷款): the arithmetic core of lending, and later the booked loan itself.

The pure modules — ``terms`` (the inputs and their validation), ``schedule`` (repayment schedules),
``revolving`` (随借随还 interest), ``apr`` (the annualized rate of PBOC 〔2021〕 No. 3), ``prepayment``
(提前还款), ``penalty`` (罚息) and ``pricing`` (LPR + basis points) — import nothing from Django: they take
``Decimal`` (floats are refused), follow RULES.md to the fen and are tested without a database. The page,
the API and the command line all call them, so a quote, a proposal and a booked loan agree to the fen.

Django parts of the app (models, services, views) import the pure modules, never the other way round.
"""
