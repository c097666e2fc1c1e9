"""Demo library and needs: the catalogue as products with version 1 by risk1, needs for a few hundred
customers (张三, 李四, 王五 of manager1 among them) that the pure core accepts; idempotent."""

from __future__ import annotations

import pytest

from creditdesk.accounts.choices import Role
from creditdesk.accounts.tests.factories import make_person
from creditdesk.customers.models import Customer
from creditdesk.products import seed
from creditdesk.products.capacity import validate_capacity, validate_need
from creditdesk.products.catalogue import SEED_CATALOGUE
from creditdesk.products.models import Need, Product, ProductVersion

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_plausible(org):
    risk1 = org.risk1  # username "risk1", as in the demo organisation
    manager1 = make_person(Role.MANAGER, team=org.t1, username="manager1")
    kinds = ["individual", "individual", "individual_business", "enterprise"]
    Customer.objects.bulk_create(
        Customer(
            kind=kinds[i % 4],
            name=["张三", "李四", "王五"][i] if i < 3 else f"客户{i}",
            owner=manager1 if i < 3 else org.cm_d,
            created_by=org.cm_a,
            monthly_income=str(5000 + 100 * i),
            monthly_debt_payments="800" if i % 3 else "",
            industry="餐饮",
        )
        for i in range(400)
    )
    first = seed.run()
    assert first["created_products"] == len(SEED_CATALOGUE) >= 8
    assert Product.objects.count() == len(SEED_CATALOGUE)
    assert set(ProductVersion.objects.values_list("number", flat=True)) == {1}
    assert set(ProductVersion.objects.values_list("created_by", flat=True)) == {risk1.pk}
    assert all(
        p.current_version.spec == spec.to_dict()
        for p, spec in zip(
            Product.objects.select_related("current_version").order_by("code"),
            sorted(SEED_CATALOGUE, key=lambda s: s.code),
            strict=True,
        )
    )
    assert first["created_needs"] == Need.objects.count() == seed.NEEDS
    assert Need.objects.filter(customer__owner=manager1).count() == 3
    for need in Need.objects.select_related("customer"):
        validate_need(need.as_need())
        validate_capacity(need.as_capacity())
        assert need.created_by_id == need.customer.owner_id
        if need.customer.kind == "individual":
            assert need.monthly_revenue is None and need.purpose != "business_working_capital"
        else:
            assert need.monthly_revenue is not None and need.monthly_costs is not None
    assert Need.objects.filter(collateral_type="residential_property").exists()
    assert seed.run() == {"created_products": 0, "created_needs": 0}
    assert Need.objects.count() == seed.NEEDS and ProductVersion.objects.count() == len(SEED_CATALOGUE)
