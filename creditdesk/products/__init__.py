"""Products (产品库): the loan catalogue, its admission rules (准入) and needs-analysis arithmetic.

The pure modules — ``facts`` (the applicant facts a rule may reference), ``rules`` (admission rules as
data, evaluated to pass / fail / unknown with a sentence for the customer), ``catalogue`` (``ProductSpec``,
its validation, pricing by LPR + risk premium, the seeded catalogue) and ``capacity`` (needs, debt-to-income
and the largest affordable payment and principal) — import nothing from Django and nothing from scoring:
a risk grade arrives as a plain letter "A"–"E". Every spec and rule round-trips through plain JSON
(``to_dict`` / ``from_dict``, Decimals as strings), which is how the Django side stores them.

The Django side: ``models`` (Product, its immutable ProductVersion, a customer's Need), ``services`` (the
writes, each audited), ``selectors``, ``customer_facts.facts_for`` (a customer's facts for the rules — the
one place they are read), ``evaluation`` (pure: one product's rules with the computed payment, DTI, LTV),
``display`` (a definition in readable Chinese), the pages, ``api`` and the demo ``seed``
(``catalogue_data`` holds the seeded catalogue as plain data).
"""
