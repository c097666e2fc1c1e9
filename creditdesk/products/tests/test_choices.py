"""The Django choices carry the pure core's values (the core stays free of Django)."""

from creditdesk.customers.choices import CustomerKind, RateSensitivity
from creditdesk.loans.choices import RepaymentMethod
from creditdesk.loans.terms import Method
from creditdesk.products.capacity import RateSensitivity as CoreRateSensitivity
from creditdesk.products.catalogue import CATEGORY_LABELS
from creditdesk.products.catalogue import Category as CoreCategory
from creditdesk.products.choices import Category, CollateralType, LoanPurpose
from creditdesk.products.facts import COLLATERAL_TYPES, CUSTOMER_TYPES, PURPOSES


def test_choices_match_the_core():
    assert dict(Category.choices) == CATEGORY_LABELS and set(Category.values) == {
        c.value for c in CoreCategory
    }
    assert dict(LoanPurpose.choices) == dict(PURPOSES)
    assert dict(CollateralType.choices) == dict(COLLATERAL_TYPES)
    assert RepaymentMethod.values == [m.value for m in Method]
    assert RateSensitivity.values == [r.value for r in CoreRateSensitivity]
    assert dict(CustomerKind.choices) == dict(CUSTOMER_TYPES)
