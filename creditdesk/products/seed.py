"""Demo product library and needs: the seeded catalogue (``catalogue_data``, eleven products) as products
with their version 1 by the demo risk manager ``risk1``, and needs analyses for a few hundred demo
customers — 张三, 李四 and 王五 of ``manager1`` first — shaped by the customer's type and their own income,
debt payments and assets.

Idempotent: a product whose code exists is left alone; needs are added only when there are none. Like
every seeder it runs through ``creditdesk seed``, which refuses in production.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from creditdesk.accounts.models import User
from creditdesk.core.audit import audit_record
from creditdesk.customers.models import Customer
from creditdesk.products.capacity import (
    Capacity,
    floor_to,
    validate_capacity,
    validate_need,
)
from creditdesk.products.capacity import (
    Need as NeedValue,
)
from creditdesk.products.catalogue import SEED_CATALOGUE
from creditdesk.products.models import Need, Product, ProductVersion

SEED = 20261206
NEEDS = 300
FIXED_NAMES = ("张三", "李四", "王五")
RISK_MANAGER = "risk1"
NOTE = "初始产品库（种子数据）"

ZERO = Decimal("0.00")
PERSON_NEEDS = (  # purpose, weight, amount range (yuan), terms (months)
    ("consumption", 5, (20_000, 200_000), (12, 24, 36)),
    ("renovation", 3, (50_000, 300_000), (24, 36, 60)),
    ("car_purchase", 2, (60_000, 300_000), (24, 36, 60)),
    ("home_purchase", 2, (400_000, 2_500_000), (240, 300, 360)),
    ("education", 1, (20_000, 150_000), (12, 24, 36)),
    ("medical", 1, (10_000, 100_000), (12, 24)),
    ("wedding", 1, (30_000, 200_000), (12, 24, 36)),
    ("travel", 1, (10_000, 60_000), (6, 12)),
)
BUSINESS_NEEDS = (
    ("business_working_capital", 5, (100_000, 3_000_000), (12, 24, 36)),
    ("equipment", 2, (200_000, 2_000_000), (24, 36, 60)),
)
METHODS = ("", "equal_installment", "equal_principal", "interest_only")


def _risk_manager() -> User | None:
    return User.objects.filter(username=RISK_MANAGER).first()


def _products() -> int:
    existing = set(Product.objects.values_list("code", flat=True))
    author = _risk_manager()
    created = []
    for spec in SEED_CATALOGUE:
        if spec.code in existing:
            continue
        product = Product.objects.create(code=spec.code, name=spec.name, category=spec.category)
        version = ProductVersion.objects.create(
            product=product, number=1, spec=spec.to_dict(), note=NOTE, created_by=author
        )
        product.current_version = version
        product.save(update_fields=["current_version", "updated_at"])
        created.append(spec.code)
    if created:
        audit_record(actor=None, action="seed.products", after={"created_products": created})
    return len(created)


def _amount(text: str) -> Decimal | None:
    try:
        value = Decimal(text) if text else None
    except ArithmeticError:
        return None
    return value if value is not None and value.is_finite() else None


def _round(value: float) -> Decimal:
    return floor_to(Decimal(str(round(value, -3))))


def _need(rng: random.Random, customer: Customer) -> Need | None:
    income = _amount(customer.monthly_income) or Decimal(rng.randrange(4000, 30000, 500))
    debts = _amount(customer.monthly_debt_payments) or ZERO
    business = customer.kind != "individual"
    choices = BUSINESS_NEEDS if business else PERSON_NEEDS
    purpose, _weight, (low, high), terms = rng.choices(choices, weights=[c[1] for c in choices])[0]
    # Larger incomes ask for more: the range is scaled by where the income sits between 3k and 80k.
    share = min(1.0, float(income) / 80_000)
    amount = _round(low + (high - low) * (0.15 + 0.85 * share) * rng.uniform(0.4, 1.0))
    term = rng.choice(terms)
    collateral_type, collateral_value = "none", None
    property_value = _amount(customer.property_value)
    if purpose == "home_purchase":
        collateral_type, collateral_value = (
            "residential_property",
            _round(float(amount) / rng.uniform(0.5, 0.8)),
        )
    elif purpose == "car_purchase":
        collateral_type, collateral_value = "vehicle", _round(float(amount) / rng.uniform(0.6, 0.8))
    elif property_value and property_value > 0 and rng.random() < (0.5 if business else 0.2):
        collateral_type, collateral_value = "residential_property", property_value
    revenue = costs = None
    monthly_income = income
    if business:
        # The recorded income stands for the business's net cash flow; wages beside it are rare.
        margin = rng.uniform(0.08, 0.3)
        revenue = _round(float(income) / margin)
        costs = revenue - income if rng.random() > 0.03 else _round(float(revenue) * rng.uniform(1.02, 1.1))
        monthly_income = ZERO if rng.random() < 0.7 else _round(rng.uniform(3000, 12000))
    need = NeedValue(
        purpose=purpose,
        amount=amount,
        term_months=term,
        rate_sensitivity=customer.rate_sensitivity or "medium",
        collateral_type=collateral_type,
        collateral_value=collateral_value,
    )
    capacity = Capacity(
        monthly_income=monthly_income,
        monthly_debt_payments=debts,
        monthly_revenue=revenue,
        monthly_costs=costs,
    )
    try:
        validate_need(need)
        validate_capacity(capacity)
    except Exception:
        return None
    return Need(
        customer=customer,
        purpose=purpose,
        amount=amount,
        term_months=term,
        repayment_preference=rng.choice(METHODS),
        rate_sensitivity=need.rate_sensitivity,
        collateral_type=collateral_type,
        collateral_value=collateral_value,
        has_guarantor=rng.random() < (0.3 if business else 0.1),
        has_co_borrower=False,
        monthly_income=monthly_income,
        monthly_debt_payments=debts,
        monthly_revenue=revenue,
        monthly_costs=costs,
        created_by_id=customer.owner_id,
    )


def _needs() -> int:
    if Need.objects.exists():
        return 0
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
    fixed = list(
        Customer.objects.filter(
            name__in=FIXED_NAMES, owner__username="manager1", merged_into__isnull=True
        ).order_by("pk")
    )
    others = list(
        Customer.objects.filter(merged_into__isnull=True)
        .exclude(pk__in=[c.pk for c in fixed])
        .order_by("pk")[: NEEDS * 2]
    )
    chosen = fixed + rng.sample(others, min(len(others), NEEDS - len(fixed)))
    rows = [row for row in (_need(rng, customer) for customer in chosen) if row is not None]
    Need.objects.bulk_create(rows, batch_size=500)
    if rows:
        audit_record(actor=None, action="seed.needs", after={"created_needs": len(rows)})
    return len(rows)


def run(*, stdout: Any = None) -> dict[str, int]:
    with transaction.atomic():
        products = _products()
        needs = _needs()
    if stdout is not None:
        stdout.write(
            f"产品库：新建 {products} 个产品（共 {Product.objects.count()} 个）；需求分析：新建 {needs} 条"
        )
    return {"created_products": products, "created_needs": needs}
