"""Demo product library and needs: the seeded catalogue (``catalogue_data``, eleven products) as products
with their version 1 by the demo risk manager ``risk1``, and needs analyses for a few hundred demo
customers — 张三, 李四 and 王五 of ``manager1`` first — shaped by the customer's type and their own income,
debt payments and assets.

张三's need lists two existing debts one by one (``NeedDebt``): a 等额本息 mortgage and a credit card's limit
in use, so that the demo shows debts counted as RULES.md "Debt-to-income" says and their balances masked.

Idempotent: a product whose code exists is left alone; needs are added only when there are none, and
张三's debts only when no need has any (a database seeded before debts existed gets a new need analysis
for 张三 with them: a need is never edited). Like every seeder it runs through ``creditdesk seed``, which
refuses in production.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from creditdesk.accounts.models import User
from creditdesk.core.audit import audit_record
from creditdesk.customers.models import Customer
from creditdesk.customers.seed import WANG_SHOP
from creditdesk.finance.obligation import obligation_per_yuan
from creditdesk.finance.terms import Method
from creditdesk.products import services
from creditdesk.products.capacity import (
    Capacity,
    Debt,
    DebtSource,
    floor_to,
    total_monthly_obligation,
    validate_capacity,
    validate_need,
)
from creditdesk.products.capacity import (
    Need as NeedValue,
)
from creditdesk.products.catalogue import SEED_CATALOGUE
from creditdesk.products.models import Need, NeedDebt, Product, ProductVersion

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
DEBTS_OF = "张三"  # of manager1: the demo's first customer
MORTGAGE_RATE = Decimal("0.0355")  # an existing 首套 mortgage after the LPR repricings: 3.55 %
MORTGAGE_MONTHS = 252  # 21 years left of a 30-year loan
CARD_RATE = Decimal("0.1825")  # 信用卡 revolving interest: 日息万分之五


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


def _demo_debts(need: Need) -> list[Debt]:
    """张三's existing debts, in proportion to the need's income: a 等额本息 mortgage whose payment is about
    a quarter of it, and a credit card with about 80 % of a month's income in use (随借随还, no fixed end:
    counted as the 等额本息 payment over 12 months, never its interest alone)."""
    income = need.monthly_income if need.monthly_income and need.monthly_income > 0 else Decimal(12_000)
    per_yuan = obligation_per_yuan(MORTGAGE_RATE, MORTGAGE_MONTHS, Method.EQUAL_INSTALLMENT)
    mortgage = floor_to(income / 4 / per_yuan, Decimal(10_000))
    card = max(floor_to(income * Decimal("0.8"), Decimal(1_000)), Decimal("3000.00"))
    return [
        Debt(Method.EQUAL_INSTALLMENT, mortgage, MORTGAGE_RATE, MORTGAGE_MONTHS, "房贷（等额本息）"),
        Debt(Method.REVOLVING, card, CARD_RATE, 1, "信用卡已用额度"),
    ]


def _save_with_debts(need: Need) -> int:
    """Save ``need`` with 张三's debts; its existing monthly payments are their obligations' sum, as
    ``services.need_record`` stores a need with debts."""
    debts = _demo_debts(need)
    need.monthly_debt_payments = total_monthly_obligation(debts)
    need.save()
    NeedDebt.objects.bulk_create(
        NeedDebt.of(need, position, debt, DebtSource.MANUAL) for position, debt in enumerate(debts, start=1)
    )
    return len(debts)


def _debts_for_seeded() -> int:
    """A database seeded before debts existed: a new need analysis for 张三, the latest one's inputs with
    the two debts (0 when any need has debts, or 张三 has no need)."""
    if NeedDebt.objects.exists():
        return 0
    latest = (
        Need.objects.filter(
            customer__name=DEBTS_OF, customer__owner__username="manager1", customer__merged_into__isnull=True
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if latest is None:
        return 0
    latest.pk = None
    latest._state.adding = True
    _save_with_debts(latest)
    audit_record(actor=None, action="seed.needs", after={"created_needs": 1})
    return 1


def _needs() -> int:
    if Need.objects.exists():
        return _debts_for_seeded()
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
    with_debts = next((row for row in rows if row.customer.name == DEBTS_OF and row.customer in fixed), None)
    if with_debts is not None:
        _save_with_debts(with_debts)
    Need.objects.bulk_create([row for row in rows if row is not with_debts], batch_size=500)
    if rows:
        audit_record(actor=None, action="seed.needs", after={"created_needs": len(rows)})
    return len(rows)


# seed-004's worked case (customers.seed): 老王 wants to enlarge his restaurant — 500,000 of working capital
# over 36 months, interest first, his own shop (商业用房, no earlier lien) as collateral; his flows as the
# seed tells them: 150,000 a month in, 120,000 out, 5,000 a month of his own.
WORKED_CASE_NEED = {
    "purpose": "business_working_capital",
    "amount": "500000.00",
    "term_months": 36,
    "repayment_preference": "interest_only",
    "monthly_income": "5000.00",
    "monthly_debt_payments": "0",
    "monthly_revenue": "150000.00",
    "monthly_costs": "120000.00",
    "collateral_type": "commercial_property",
    "collateral_value": "1500000.00",
    "collateral_prior_liens": "0",
    "note": "隔壁老王：生意稳定，想扩大门面；以自有临街商铺抵押（seed 004）。",
}


def _worked_case_need() -> int:
    """The restaurant's need, recorded by its manager through the service (once: only while it has none)."""
    shop = Customer.objects.filter(
        name=WANG_SHOP, owner__username="manager1", merged_into__isnull=True
    ).first()
    if shop is None or shop.owner is None or Need.objects.filter(customer=shop).exists():
        return 0
    services.need_record(actor=shop.owner, customer_id=shop.pk, data=dict(WORKED_CASE_NEED))
    return 1


def run(*, stdout: Any = None) -> dict[str, int]:
    with transaction.atomic():
        products = _products()
        needs = _needs()
    needs += _worked_case_need()  # the service opens its own (durable) transaction
    if stdout is not None:
        stdout.write(
            f"产品库：新建 {products} 个产品（共 {Product.objects.count()} 个）；需求分析：新建 {needs} 条"
        )
    return {"created_products": products, "created_needs": needs}
