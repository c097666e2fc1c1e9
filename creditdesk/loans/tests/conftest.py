"""Fixtures of the loans tests: the small catalogue and 李四 (cm_a's customer) of the solutions tests, a
consumer credit product lending up to 500,000, and an application of 李四 signed and checked."""

from __future__ import annotations

import copy

import pytest

from creditdesk.loans.tests.factories import make_signed_application
from creditdesk.products import services as product_services
from creditdesk.solutions.tests.conftest import li, small_catalogue  # noqa: F401 — fixtures
from creditdesk.solutions.tests.small_catalogue import XYD

XYD_LARGE = {
    **copy.deepcopy(XYD),
    "code": "XYDL",
    "name": "大额信用贷",
    "amount": {"min": "10000.00", "max": "500000.00"},
}


@pytest.fixture
def xyd(small_catalogue):  # noqa: F811
    return small_catalogue["XYD"].current_version


@pytest.fixture
def large_consumer(org):
    return product_services.product_create(
        actor=org.risk1, spec=copy.deepcopy(XYD_LARGE), note="首版"
    ).current_version


@pytest.fixture
def signed(org, li, xyd):  # noqa: F811
    """李四's 150,000 / 36 months / 等额本息 at 4.20 %, signed today, conditions checked by risk1."""
    return make_signed_application(customer=li, product_version=xyd, checked_by=org.risk1)
