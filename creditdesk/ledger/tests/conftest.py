from __future__ import annotations

import pytest


@pytest.fixture
def clerk(db):
    """The person who posts (a customer manager is enough: the ledger asks the caller, not the policy)."""
    from creditdesk.accounts.tests.factories import UserFactory

    return UserFactory(username="clerk", full_name="记账员")
