"""Demo customers: a full profile for each, consistent (an asset value only with the asset), once."""

import pytest

from creditdesk.accounts import seed as accounts_seed
from creditdesk.customers import seed
from creditdesk.customers.models import Customer


@pytest.mark.django_db(transaction=True)
def test_seed_fills_the_profile_once(monkeypatch):
    monkeypatch.setattr(seed, "TARGET", 60)
    monkeypatch.setattr(seed, "RELATIONSHIPS", 10)
    accounts_seed.run()
    first = seed.run()
    assert first["created_customers"] > 50
    assert seed.run()["created_customers"] == 0
    rows = list(Customer.objects.all())
    c = next(c for c in rows if c.has_property)
    assert c.address_residential or c.address_business
    assert all(c.credit_report for c in rows)
    assert all(bool(c.property_value) == bool(c.has_property) for c in rows)
