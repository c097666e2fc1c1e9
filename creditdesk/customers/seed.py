"""Demo customers: ~2,000 people, enterprises and individual businesses spread across the CMs.

Idempotent: skipped when the demo customers exist. IDs come from Faker zh_CN (valid check digits),
credit codes are built with python-stdnum's check digit; every record goes through the same validation
as the services (``services._apply``) and is stored encrypted with its blind indexes.
"""

from __future__ import annotations

import random
from typing import Any

from django.db import transaction
from django.utils import timezone
from faker import Faker
from stdnum.cn import uscc

from creditdesk.accounts.choices import Role
from creditdesk.accounts.models import User
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import DomainError
from creditdesk.customers.choices import (
    Channel,
    CustomerKind,
    QualitySegment,
    RateSensitivity,
    RelationshipKind,
    Source,
    TermPreference,
    ValueSegment,
)
from creditdesk.customers.identity import parse_resident_id
from creditdesk.customers.models import Customer, CustomerOwnership, Relationship
from creditdesk.customers.services import CustomerInput, _apply

TARGET = 2000
RELATIONSHIPS = 300
HOUSEHOLD_ROLES = ["配偶", "父母", "子女"]
SEED = 20261122
FIXED_NAMES = ["张三", "李四", "王五"]  # easy to find in the demo: search "zs"
INDUSTRIES = [
    "餐饮",
    "批发零售",
    "制造业",
    "建筑",
    "交通运输",
    "信息技术",
    "教育",
    "医疗",
    "农业",
    "文化旅游",
]
OCCUPATIONS = ["企业职员", "个体经营者", "教师", "医生", "工程师", "公务员", "销售", "自由职业"]
COMPANY_SUFFIX = ["贸易有限公司", "科技有限公司", "餐饮管理有限公司", "建材有限公司", "物流有限公司"]
TAGS = ["老客户", "代发工资", "有房", "商户", "转介绍", "优质单位", "小微", "临近到期", "价格敏感", "需回访"]


def _credit_code(rng: random.Random) -> str:
    """A valid unified social credit code (GB 32100) with a random body and the right check digit."""
    body = (
        "91"
        + f"{rng.choice([110000, 310000, 440300, 330100]):06d}"
        + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    )
    return body + uscc.calc_check_digit(body)


def _resident_id(faker: Faker, today: Any) -> str:
    """A Faker ID that passes our validation: Faker also draws province-level region codes, which no
    personal ID carries, so draw again (python-stdnum rejects them as unknown regions)."""
    for _ in range(50):
        number = faker.ssn(min_age=22, max_age=65)
        try:
            parse_resident_id(number, today=today)
        except DomainError:
            continue
        return number
    raise RuntimeError("Faker produced no valid resident ID in 50 draws")


def _money(value: float) -> str:
    return f"{round(value, -2):.2f}"


def _profile(rng: random.Random, faker: Faker, kind: str, income: int) -> dict[str, Any]:
    """The rest of the 画像 — addresses, debt payments, assets, a credit-report summary, the risk
    preference and tags — shaped like a CM's book: most people own a home, few are overdue now.

    Drawn from its own generators, so the names and IDs stay those of earlier seeds."""
    person = kind == CustomerKind.INDIVIDUAL
    has_property = rng.random() < (0.6 if person else 0.4)
    has_vehicle = rng.random() < 0.45
    overdue_now = rng.random() < 0.04
    worst = 0 if rng.random() < 0.8 else rng.choice([3, 7, 15, 30, 45, 60, 95])
    return {
        "profile": {
            "address_residential": faker.address() if kind != CustomerKind.ENTERPRISE else "",
            "address_business": faker.address() if not person or rng.random() < 0.7 else "",
            "has_property": "yes" if has_property else "no",
            "has_vehicle": "yes" if has_vehicle else "no",
            "term_preference": rng.choice(TermPreference.values),
            "rate_sensitivity": rng.choices(RateSensitivity.values, weights=[2, 5, 3])[0],
            "tags": ",".join(rng.sample(TAGS, rng.choice([0, 1, 1, 2, 3]))),
        },
        "monthly_debt_payments": _money(income * rng.uniform(0.05, 0.55)) if rng.random() < 0.7 else "0",
        "property_value": _money(rng.uniform(600_000, 8_000_000)) if has_property else "",
        "vehicle_value": _money(rng.uniform(50_000, 450_000)) if has_vehicle else "",
        "credit_current_overdue": _money(rng.uniform(500, 30_000)) if overdue_now else "0",
        "credit_worst_overdue_days": str(max(worst, 1) if overdue_now else worst),
        "credit_inquiries_6m": str(rng.choices(range(9), weights=[20, 25, 18, 12, 9, 6, 4, 3, 3])[0]),
    }


def _people(faker: Faker, rng: random.Random, managers: list[User]) -> list[Customer]:
    today = timezone.localdate()
    profile_faker = Faker("zh_CN")
    profile_faker.seed_instance(SEED + 2)
    profile_rng = random.Random(SEED + 2)  # noqa: S311 - reproducible demo data, not security
    customers: list[Customer] = []
    for index in range(TARGET):
        owner = managers[0] if index < len(FIXED_NAMES) else managers[index % len(managers)]
        roll = rng.random()
        kind = (
            CustomerKind.INDIVIDUAL
            if roll < 0.7
            else (CustomerKind.INDIVIDUAL_BUSINESS if roll < 0.85 else CustomerKind.ENTERPRISE)
        )
        if index < len(FIXED_NAMES):
            name, id_number = FIXED_NAMES[index], _resident_id(faker, today)
            kind = CustomerKind.INDIVIDUAL
        elif kind == CustomerKind.ENTERPRISE:
            name, id_number = faker.city_name() + faker.word() + rng.choice(COMPANY_SUFFIX), _credit_code(rng)
        elif kind == CustomerKind.INDIVIDUAL_BUSINESS:
            name, id_number = faker.name() + "（" + rng.choice(INDUSTRIES) + "个体户）", _credit_code(rng)
        else:
            name, id_number = faker.name(), _resident_id(faker, today)
        phone = faker.phone_number()
        income = rng.randrange(3000, 80000, 500)
        profile: dict[str, str] = {
            "quality_segment": rng.choices(QualitySegment.values, weights=[3, 6, 1])[0],
            "value_segment": rng.choices(ValueSegment.values, weights=[1, 3, 6])[0],
            "source": rng.choice(Source.values),
            "channel": rng.choice(Channel.values),
            "occupation": rng.choice(OCCUPATIONS) if kind == CustomerKind.INDIVIDUAL else "",
            "industry": rng.choice(INDUSTRIES),
            "employer": faker.company() if kind == CustomerKind.INDIVIDUAL else "",
        }
        more = _profile(profile_rng, profile_faker, kind, income)
        data = CustomerInput(
            kind=kind,
            name=name[:100],
            id_number=id_number,
            phone=phone,
            monthly_income=str(income),
            profile=profile | more.pop("profile"),
            **more,
        )
        customer = Customer(owner=owner, created_by=owner)
        try:
            _apply(customer, data, today=today)
        except DomainError:
            continue  # Faker's phone formats occasionally include a landline: skip, not fix
        customers.append(customer)
    return customers


def _ownership_rows() -> list[CustomerOwnership]:
    """An open ownership row for every customer without one (demo customers are bulk-created)."""
    missing = Customer.objects.filter(ownerships__isnull=True).values_list("pk", "owner_id", "created_at")
    return [
        CustomerOwnership(customer_id=pk, owner_id=owner_id, from_date=created_at, changed_by_id=owner_id)
        for pk, owner_id, created_at in missing
    ]


def _relationships(rng: random.Random) -> list[Relationship]:
    """Relationships between demo customers of the same owner: people are household members,
    guarantors or referrers of each other; people are key persons of the enterprises."""
    by_owner: dict[int, list[tuple[int, str]]] = {}
    for pk, owner_id, kind in Customer.objects.order_by("pk").values_list("pk", "owner_id", "kind"):
        by_owner.setdefault(owner_id, []).append((pk, kind))
    groups = [group for group in by_owner.values() if len(group) >= 2]
    seen: set[tuple[int, int, str]] = set()
    rows: list[Relationship] = []
    for _ in range(RELATIONSHIPS * 3):
        if len(rows) >= RELATIONSHIPS or not groups:
            break
        group = rng.choice(groups)
        (a, a_kind), (b, b_kind) = rng.sample(group, 2)
        role_detail = ""
        if b_kind != CustomerKind.INDIVIDUAL and a_kind == CustomerKind.INDIVIDUAL:
            kind = rng.choice(
                [
                    RelationshipKind.LEGAL_REPRESENTATIVE,
                    RelationshipKind.ACTUAL_CONTROLLER,
                    RelationshipKind.SHAREHOLDER,
                    RelationshipKind.GUARANTOR,
                ]
            )
        elif a_kind == b_kind == CustomerKind.INDIVIDUAL:
            kind = rng.choice(
                [RelationshipKind.HOUSEHOLD, RelationshipKind.GUARANTOR, RelationshipKind.REFERRER]
            )
            role_detail = rng.choice(HOUSEHOLD_ROLES) if kind == RelationshipKind.HOUSEHOLD else ""
        else:
            kind = RelationshipKind.GUARANTOR
        if (a, b, kind) in seen:
            continue
        seen.add((a, b, kind))
        rows.append(Relationship(from_customer_id=a, to_customer_id=b, kind=kind, role_detail=role_detail))
    return rows


def _links(*, stdout: Any = None) -> dict[str, int]:
    """Ownership history and relationships, each added once (idempotent like the customers)."""
    rng = random.Random(SEED + 1)  # noqa: S311 - reproducible demo data, not security
    with transaction.atomic():
        ownerships = CustomerOwnership.objects.bulk_create(_ownership_rows(), batch_size=500)
        relationships = (
            []
            if Relationship.objects.exists()
            else Relationship.objects.bulk_create(_relationships(rng), batch_size=500)
        )
        if ownerships or relationships:
            audit_record(
                actor=None,
                action="seed.customer_links",
                after={"created_ownerships": len(ownerships), "created_relationships": len(relationships)},
            )
    if stdout is not None and relationships:
        stdout.write(f"关联关系：新建 {len(relationships)} 条")
    return {"created_ownerships": len(ownerships), "created_relationships": len(relationships)}


def run(*, stdout: Any = None) -> dict[str, int]:
    if Customer.objects.filter(name="张三", created_by__username="manager1").exists():
        if stdout is not None:
            stdout.write(f"客户：已存在（共 {Customer.objects.count()} 户）")
        return {"created_customers": 0, **_links(stdout=stdout)}
    faker = Faker("zh_CN")
    faker.seed_instance(SEED)
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
    managers = list(User.objects.filter(role=Role.MANAGER, is_active=True).order_by("username"))
    managers.sort(key=lambda u: (u.username != "manager1", u.username))  # 张三 belongs to manager1
    customers = _people(faker, rng, managers)
    seen: set[str | None] = set()
    unique = [c for c in customers if not (c.id_number_index in seen or seen.add(c.id_number_index))]
    with transaction.atomic():
        Customer.objects.bulk_create(unique, batch_size=500)
        audit_record(actor=None, action="seed.customers", after={"created_customers": len(unique)})
    if stdout is not None:
        stdout.write(f"客户：新建 {len(unique)} 户")
    return {"created_customers": len(unique), **_links(stdout=stdout)}
