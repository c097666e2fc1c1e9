"""Product categories and the choices of a needs analysis (PRODUCT.md §3–4), as Django choices
derived from the pure core's enumerations (``catalogue.Category``, ``facts.LoanPurpose`` /
``CollateralType``, ``rules.Status``), which own the values and the Chinese labels. Repayment methods
are ``rates.choices.RepaymentMethod`` (from ``finance.terms.Method``); a need's rate sensitivity uses
the customer's ``customers.choices.RateSensitivity`` (from ``core.enums.RateSensitivity``).
"""

from creditdesk.core.choices import text_choices
from creditdesk.products import catalogue, facts, rules

Category = text_choices(catalogue.Category)
LoanPurpose = text_choices(facts.LoanPurpose)
CollateralType = text_choices(facts.CollateralType)
RuleStatus = text_choices(rules.Status, "RuleStatus")
