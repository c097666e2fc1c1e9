"""Demo customers: ~2,000 people, enterprises and individual businesses spread across the CMs, and the
worked cases of the source documents.

Idempotent: skipped when the demo customers exist. IDs come from Faker zh_CN (valid check digits),
credit codes are built with python-stdnum's check digit; every record goes through the same validation
as the services (``services._apply``) and is stored encrypted with its blind indexes. Businesses carry
their 经营信息 (GB/T 4754 code, founding date, employees, revenue, 纳税信用等级), some people their 公积金.

Worked case seed-004 (/work/shared/seeds/004: "隔壁老王开了家小餐馆"): the 个体工商户 老王家常菜馆
(H6210 正餐服务, about five years old, 8 employees, about 180 万元 a year, 纳税信用 B, its own shop)
and 王建国, its 经营者 and 法定代表人 — created through the services (audited) for manager1, once.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from faker import Faker
from stdnum.cn import ric, uscc

from creditdesk.accounts.choices import Role
from creditdesk.accounts.models import User
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import DomainError
from creditdesk.customers import services
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
# The free-text industry → GB/T 4754-2017 classes a business of that trade is coded with.
INDUSTRY_CODES = {
    "餐饮": ["H6210", "H6220"],
    "批发零售": ["F5211", "F5232", "F5174", "F5123"],
    "制造业": ["C3311", "C1391", "C3360"],
    "建筑": ["E4710", "E5012"],
    "交通运输": ["G5431"],
    "信息技术": ["I6513"],
    "教育": ["P8391"],
    "医疗": ["Q8421"],
    "农业": ["A0141"],
    "文化旅游": ["L7291"],
}
TAX_GRADE_WEIGHTS = {"A": 3, "B": 4, "M": 2, "C": 0.7, "D": 0.3}
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


def _business(rng: random.Random, kind: str, industry: str, today: date) -> dict[str, str]:
    """经营信息 of a business, or 公积金 / 代发工资 of a person (some of them): a 个体户 is small and
    young, an enterprise larger and older. Drawn from its own generator, so earlier seeds stay."""
    if kind == CustomerKind.INDIVIDUAL:
        if rng.random() >= 0.45:
            return {"payroll_with_bank": "yes" if rng.random() < 0.2 else ""}
        return {
            "provident_fund_months": str(rng.randrange(6, 181)),
            "provident_fund_base": _money(rng.uniform(3_000, 30_000)),
            "payroll_with_bank": "yes" if rng.random() < 0.5 else "no",
        }
    shop = kind == CustomerKind.INDIVIDUAL_BUSINESS
    years = rng.uniform(0.5, 12) if shop else rng.uniform(1, 25)
    revenue = rng.uniform(200_000, 3_000_000) if shop else rng.uniform(1_000_000, 100_000_000)
    grades = list(TAX_GRADE_WEIGHTS)
    return {
        "founding_date": (today - timedelta(days=int(years * 365))).isoformat(),
        "industry_code": rng.choice(INDUSTRY_CODES[industry]),
        "employees": str(rng.randrange(1, 16) if shop else rng.randrange(5, 400)),
        "annual_revenue": _money(revenue),
        "total_assets": _money(revenue * rng.uniform(0.3, 1.5)) if not shop or rng.random() < 0.5 else "",
        "tax_credit_grade": rng.choices(grades, weights=list(TAX_GRADE_WEIGHTS.values()))[0],
    }


def _people(faker: Faker, rng: random.Random, managers: list[User]) -> list[Customer]:
    today = timezone.localdate()
    profile_faker = Faker("zh_CN")
    profile_faker.seed_instance(SEED + 2)
    profile_rng = random.Random(SEED + 2)  # noqa: S311 - reproducible demo data, not security
    business_rng = random.Random(SEED + 3)  # noqa: S311 - reproducible demo data, not security
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
            **_business(business_rng, kind, profile["industry"], today),
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


WANG_SHOP = "老王家常菜馆"
WANG = "王建国"


def _wang_resident_id(today: date) -> str:
    """王建国's resident ID (GB 11643, python-stdnum's check digit): 朝阳区, born 45 years before today's
    year on 15 March, a man (odd 17th digit)."""
    body = f"110105{today.year - 45:04d}0315{133:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum reads the number with a check digit


def _worked_cases(*, stdout: Any = None) -> int:
    """seed-004: 隔壁老王's restaurant and its operator, for manager1, through the services; once."""
    manager = User.objects.filter(username="manager1", is_active=True).first()
    if manager is None or Customer.objects.filter(name=WANG_SHOP, owner=manager).exists():
        return 0
    today = timezone.localdate()
    shop = services.customer_create(
        actor=manager,
        data=CustomerInput(
            kind=CustomerKind.INDIVIDUAL_BUSINESS,
            name=WANG_SHOP,
            id_number=_credit_code_of("92110105MA01WANG0"),
            phone="13911062345",
            monthly_income="45000",
            profile={
                "industry": "餐饮",
                "address_business": "北京市朝阳区安贞里三区 12 号底商",
                "has_property": "yes",
                "has_vehicle": "no",
                "channel": Channel.REFERRAL,
                "channel_detail": "老客户介绍",
                "tags": "商户,餐饮,有房",
                "notes": "自有临街商铺（商业用房）一处，即经营场所；生意不错，想扩大门面。",
            },
            property_value="2600000",
            founding_date=date(today.year - 5, today.month, 1).isoformat(),
            industry_code="H6210",
            employees="8",
            annual_revenue="1800000",
            total_assets="3200000",
            tax_credit_grade="B",
            credit_current_overdue="0",
            credit_worst_overdue_days="0",
            credit_inquiries_6m="1",
        ),
    )
    person = services.customer_create(
        actor=manager,
        data=CustomerInput(
            kind=CustomerKind.INDIVIDUAL,
            name=WANG,
            id_number=_wang_resident_id(today),
            phone="13911062346",
            monthly_income="30000",
            profile={"occupation": "个体经营者", "industry": "餐饮", "has_property": "yes"},
            property_value="2600000",
            monthly_debt_payments="0",
            credit_current_overdue="0",
            credit_worst_overdue_days="0",
            credit_inquiries_6m="1",
        ),
    )
    for kind in (RelationshipKind.OPERATOR, RelationshipKind.LEGAL_REPRESENTATIVE):
        services.relationship_add(
            actor=manager, from_customer_id=person.pk, to_customer_id=shop.pk, kind=kind
        )
    if stdout is not None:
        stdout.write(f"示例客户：{WANG_SHOP}（经营者 {WANG}）")
    return 2


def _credit_code_of(body: str) -> str:
    """A unified social credit code: ``body`` (17 characters) and its GB 32100 check digit."""
    return body + uscc.calc_check_digit(body)


def run(*, stdout: Any = None) -> dict[str, int]:
    if Customer.objects.filter(name="张三", created_by__username="manager1").exists():
        if stdout is not None:
            stdout.write(f"客户：已存在（共 {Customer.objects.count()} 户）")
        return {
            "created_customers": 0,
            **_links(stdout=stdout),
            "created_worked_cases": _worked_cases(stdout=stdout),
        }
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
    return {
        "created_customers": len(unique),
        **_links(stdout=stdout),
        "created_worked_cases": _worked_cases(stdout=stdout),
    }
